local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local function a(i, j) return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1) end
local function mul(u, v, n, t)
  for i = 0, n - 1 do
    local s = 0.0
    for j = 0, n - 1 do
      if t then s = s + a(j, i) * u[j] else s = s + a(i, j) * u[j] end
    end
    v[i] = s
  end
end
local n = C.size(5000)
local u, v, w = {}, {}, {}
for i = 0, n - 1 do u[i], v[i], w[i] = 1.0, 0.0, 0.0 end
for r = 1, 10 do
  mul(u, w, n, false) mul(w, v, n, true)
  mul(v, w, n, false) mul(w, u, n, true)
end
print(C.repr(u[0]))
