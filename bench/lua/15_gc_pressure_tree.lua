local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local function build(d)
  local node = {value = 1, left = nil, right = nil} -- sized for its three fields, as in JS
  if d > 0 then node.left = build(d - 1); node.right = build(d - 1) end
  return node
end
local function sum(node)
  if node == nil then return 0 end
  return node.value + sum(node.left) + sum(node.right)
end
local depth, total = C.size(20), 0
for r = 1, 5 do total = total + sum(build(depth)) end
print(C.istr(total))
