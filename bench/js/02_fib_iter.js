const { repr, size } = require("./common.js");
// Shape's rule: int64 overflow continues as float. Ints are BigInt to stay exact.
const n = size(100000000), MAX = 2n ** 63n - 1n, MIN = -(2n ** 63n);
let a = 0n, b = 1n;
for (let i = 0; i < n; i++) {
  let t;
  if (typeof a === "bigint" && typeof b === "bigint") {
    t = a + b;
    if (t > MAX || t < MIN) t = Number(a) + Number(b);
  } else t = Number(a) + Number(b);
  a = b; b = t;
}
console.log(typeof a === "bigint" ? a.toString() : repr(a));
