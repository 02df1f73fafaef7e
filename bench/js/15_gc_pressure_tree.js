const { size } = require("./common.js");
function build(d) {
  const node = { value: 1, left: null, right: null };
  if (d > 0) { node.left = build(d - 1); node.right = build(d - 1); }
  return node;
}
function sum(node) { return node === null ? 0 : node.value + sum(node.left) + sum(node.right); }
const depth = size(20);
let total = 0;
for (let r = 0; r < 5; r++) total += sum(build(depth));
console.log(String(total));
