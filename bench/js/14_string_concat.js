const { size } = require("./common.js");
const n = size(100000);
let s = "";
for (let i = 0; i < n; i++) s = s + "x";
console.log(String(s.length));
