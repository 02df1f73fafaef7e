-- Shared by the Lua peers (Lua 5.4 and LuaJIT): Python-repr float printing,
-- exact int64 where LuaJIT has only doubles, the size argument.
local M = {}

-- "%.Ne" correctly rounded: LuaJIT's own formatter rounds ties away from
-- zero (1267860061485775.25 -> ...775.3), so there ask C's snprintf.
local fmt_e = function(p, f) return string.format("%." .. p .. "e", f) end
if jit then
  local ffi = require("ffi")
  ffi.cdef("int snprintf(char *s, size_t n, const char *fmt, ...);")
  local buf = ffi.new("char[64]")
  fmt_e = function(p, f)
    ffi.C.snprintf(buf, 64, "%.*e", ffi.new("int", p), ffi.new("double", f))
    return ffi.string(buf)
  end
end

function M.repr(f)
  if f ~= f then return "nan" end
  if f == math.huge then return "inf" elseif f == -math.huge then return "-inf" end
  if f == 0 then return (1 / f < 0) and "-0.0" or "0.0" end
  local s
  for p = 0, 16 do
    s = fmt_e(p, f)
    if tonumber(s) == f then break end
  end
  local sign, i, frac, e = s:match("^(-?)(%d)%.?(%d*)e([-+]%d+)$")
  local d = (i .. frac):gsub("0+$", "")
  if d == "" then d = "0" end
  e = tonumber(e)
  if e < -4 or e >= 16 then
    local m = d:sub(1, 1) .. (#d > 1 and ("." .. d:sub(2)) or "")
    return string.format("%s%se%s%02d", sign, m, e < 0 and "-" or "+", math.abs(e))
  elseif e >= 0 then
    if #d <= e + 1 then return sign .. d .. string.rep("0", e + 1 - #d) .. ".0" end
    return sign .. d:sub(1, e + 1) .. "." .. d:sub(e + 2)
  else
    return sign .. "0." .. string.rep("0", -e - 1) .. d
  end
end

-- An exact int64 zero: LuaJIT's 0LL (numbers there are doubles), else 0.
M.int0 = jit and load("return 0LL")() or 0
-- int -> float, rounding as a C cast does (tonumber keeps Lua 5.4 ints ints).
function M.tofloat(x) if type(x) == "number" then return x + 0.0 end return tonumber(x) end
function M.istr(x) return (tostring(x):gsub("LL$", "")) end

function M.size(default) return arg[1] and math.floor(tonumber(arg[1])) or default end

return M
