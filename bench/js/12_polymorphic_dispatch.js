const { size } = require("./common.js");
function make(kind) {
  if (kind === 0) return { x: 1 };
  if (kind === 1) { const o = {}; o.y = 2; o.x = 2; return o; }
  const o = {}; o.z = 3; o.y = 3; o.x = 3; return o;
}
function getX(o) { return o.x; }
const n = size(5000000), objs = [make(0), make(1), make(2)];
let sum = 0;
for (let i = 0; i < n; i++) sum = sum + getX(objs[i % 3]);
console.log(String(sum));
