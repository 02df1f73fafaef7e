const { size } = require("./common.js");
function isPrime(n) {
  if (n < 2) return false;
  if (n < 4) return true;
  if (n % 2 === 0) return false;
  for (let i = 3; i * i <= n; i += 2) if (n % i === 0) return false;
  return true;
}
const limit = size(10000000);
let count = 0;
for (let n = 0; n < limit; n++) if (isPrime(n)) count++;
console.log(String(count));
