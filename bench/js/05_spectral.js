const { repr, size } = require("./common.js");
function a(i, j) { return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1); }
function mul(u, v, n, t) {
  for (let i = 0; i < n; i++) {
    let s = 0.0;
    for (let j = 0; j < n; j++) s = s + (t ? a(j, i) : a(i, j)) * u[j];
    v[i] = s;
  }
}
const n = size(5000);
const u = new Array(n).fill(1.0), v = new Array(n).fill(0.0), w = new Array(n).fill(0.0);
for (let r = 0; r < 10; r++) { mul(u, w, n, false); mul(w, v, n, true); mul(v, w, n, false); mul(w, u, n, true); }
console.log(repr(u[0]));
