local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local function make(kind)
  if kind == 0 then return {x = 1} end
  if kind == 1 then local o = {}; o.y = 2; o.x = 2; return o end
  local o = {}; o.z = 3; o.y = 3; o.x = 3; return o
end
local function get_x(o) return o.x end
local n = C.size(5000000)
local objs = {[0] = make(0), make(1), make(2)}
local sum = 0
for i = 0, n - 1 do sum = sum + get_x(objs[i % 3]) end
print(C.istr(sum))
