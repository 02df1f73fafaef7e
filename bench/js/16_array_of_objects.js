const { repr, size } = require("./common.js");
const n = size(100000), arr = [];
for (let i = 0; i < n; i++) arr.push({ x: i, y: i * 2, mass: i * 0.5 });
let total = 0.0;
for (let i = 0; i < arr.length; i++) total = total + arr[i].mass;
console.log(repr(total));
