const { repr, size } = require("./common.js");
const n = size(100000), m = new Map();
for (let i = 0; i < n; i++) m.set(i, i * 2.5);
let sum = 0.0;
for (let i = 0; i < n; i++) sum = sum + m.get(i);
console.log(repr(sum));
