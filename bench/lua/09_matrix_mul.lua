local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local n = C.size(800)
local nn = n * n
local a, b, c = {}, {}, {}
for i = 0, nn - 1 do a[i] = i; b[i] = nn - i end
for i = 0, n - 1 do
  for j = 0, n - 1 do
    local s = 0
    for k = 0, n - 1 do s = s + a[i * n + k] * b[k * n + j] end
    c[i * n + j] = s
  end
end
print(C.istr(c[0]))
