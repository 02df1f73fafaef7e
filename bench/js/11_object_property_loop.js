const { size } = require("./common.js");
const n = size(10000000), o = { a: 1, b: 2, c: 3, d: 4, e: 5 };
let sum = 0;
for (let i = 0; i < n; i++) sum = sum + o.a + o.b + o.c + o.d + o.e;
console.log(String(sum));
