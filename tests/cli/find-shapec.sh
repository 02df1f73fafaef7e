# Sourced by the tests/cli scripts, from the build directory: sets root
# (the source tree) and shapec (the binary: $SHAPEC, else the build
# directory's, else the source tree's); no binary is a skip (exit 77).
here=$(cd "$(dirname "$0")" && pwd)
root=${abs_top_srcdir:-$(cd "$here/../.." && pwd)}
shapec=${SHAPEC:-$(pwd)/shapec}
[ -x "$shapec" ] || shapec=$root/shapec
[ -x "$shapec" ] || { echo "no shapec binary"; exit 77; }
