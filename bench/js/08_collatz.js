const { size } = require("./common.js");
const limit = size(1000000);
let best = 1, bestSteps = 0;
for (let start = 1; start < limit; start++) {
  let n = start, steps = 0;
  while (n !== 1) { n = n % 2 === 0 ? n / 2 : n * 3 + 1; steps++; }
  if (steps > bestSteps) { bestSteps = steps; best = start; }
}
console.log(String(best)); console.log(String(bestSteps));
