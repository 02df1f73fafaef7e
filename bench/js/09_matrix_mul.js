const { size } = require("./common.js");
const n = size(800), nn = n * n;
const a = new Array(nn), b = new Array(nn), c = new Array(nn).fill(0);
for (let i = 0; i < nn; i++) { a[i] = i; b[i] = nn - i; }
for (let i = 0; i < n; i++)
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
    c[i * n + j] = s;
  }
console.log(String(c[0]));
