const { size } = require("./common.js");
// The sum passes 2^53 at full size: keep it exact as hi * 2^52 + lo, with lo < 2^53
// (one well-predicted compare per iteration; V8 keeps i a small int).
const n = size(1000000000), CHUNK = 4503599627370496;
let hi = 0, lo = 0;
for (let i = 0; i < n; i++) { lo += i; if (lo >= CHUNK) { hi++; lo -= CHUNK; } }
console.log((BigInt(hi) * 4503599627370496n + BigInt(lo)).toString());
