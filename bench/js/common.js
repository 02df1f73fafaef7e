// Shared by the JS peers: Python-repr float printing and the size argument.
function repr(f) {
  if (Number.isNaN(f)) return "nan";
  if (f === Infinity) return "inf";
  if (f === -Infinity) return "-inf";
  if (f === 0) return Object.is(f, -0) ? "-0.0" : "0.0";
  const sign = f < 0 ? "-" : "";
  const [m, ex] = Math.abs(f).toExponential().split("e"); // shortest round-trip digits
  const d = m.replace(".", "").replace(/0+$/, "") || "0";
  const e = parseInt(ex, 10);
  if (e < -4 || e >= 16)
    return sign + d[0] + (d.length > 1 ? "." + d.slice(1) : "") + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
  if (e >= 0)
    return d.length <= e + 1 ? sign + d + "0".repeat(e + 1 - d.length) + ".0" : sign + d.slice(0, e + 1) + "." + d.slice(e + 1);
  return sign + "0." + "0".repeat(-e - 1) + d;
}
function size(def) { return process.argv[2] ? parseInt(process.argv[2], 10) : def; }
module.exports = { repr, size };
