# The benchmark suite: checked at the tiny size by make check.
TESTS += bench/check-tiny.sh
EXTRA_DIST += bench/run bench/check-tiny.sh bench/expected bench/c bench/lua bench/js bench/py \
	$(wildcard $(srcdir)/bench/*.sasm)
