local C = dofile((arg[0]:match("(.*/)") or "./") .. "common.lua")
local size = C.size(4000)
local fsize, count = size + 0.0, 0
for y = 0, size - 1 do
  local ci = 2.0 * y / fsize - 1.0
  for x = 0, size - 1 do
    local cr = 2.0 * x / fsize - 1.5
    local zr, zi, i = 0.0, 0.0, 0
    while i < 50 do
      local tr = zr * zr - zi * zi + cr
      zi = 2.0 * zr * zi + ci
      zr = tr
      if zr * zr + zi * zi > 4.0 then break end
      i = i + 1
    end
    if i == 50 then count = count + 1 end
  end
end
print(C.istr(count))
