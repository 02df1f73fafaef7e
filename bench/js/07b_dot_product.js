const { repr, size } = require("./common.js");
const n = size(10000000);
const a = new Float64Array(n), b = new Float64Array(n);
for (let i = 0; i < n; i++) { a[i] = i; b[i] = n - i; }
let dot = 0.0;
for (let i = 0; i < n; i++) dot = dot + a[i] * b[i];
console.log(repr(dot));
