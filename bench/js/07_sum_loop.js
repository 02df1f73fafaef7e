const { size } = require("./common.js");
// The sum exceeds 2^53 at full size: sum exactly in two halves of 2^26.
const n = size(1000000000);
let hi = 0, lo = 0;
for (let i = 0; i < n; i++) { lo += i; if (lo >= 67108864) { hi += Math.floor(lo / 67108864); lo %= 67108864; } }
console.log((BigInt(hi) * 67108864n + BigInt(lo)).toString());
