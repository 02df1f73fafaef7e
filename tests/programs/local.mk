# Program tests and the bad-input corpus, through the shapec binary.
# tests/run-programs.sh --help explains expectations, --bless and modes; e.g.
#   make check TESTS=tests/run-programs.sh SC_TEST_MODES=';--no-profile'
# runs every program once per mode (each must give the same results).
TESTS += tests/run-programs.sh
# Every program and benchmark also runs compiled by each backend (a backend
# not built is reported as skipped): eagerly, tiered with thresholds low
# enough that every test tiers up, enters loops by OSR and deopts, and with
# --deopt-stress making guards fail at random; SC_TEST_MODES overrides.
SC_DEFAULT_MODES = ;--jit=eager --backend=mir;--jit=eager --backend=llvm;--jit=tiered --backend=mir --tier-threshold=2 --osr-threshold=10;--jit=tiered --backend=mir --tier-threshold=2 --osr-threshold=10 --deopt-stress=0.01:1;--jit=tiered --backend=mir --tier-threshold=2 --osr-threshold=10 --deopt-stress=0.5:1;--jit=tiered --backend=mir --tier-threshold=2 --osr-threshold=10 --deopt-stress=1.0:1;--jit=tiered --backend=llvm --tier-threshold=2 --osr-threshold=10;--jit=tiered --backend=llvm --tier-threshold=2 --osr-threshold=10 --deopt-stress=0.01:1;--jit=tiered --backend=llvm --tier-threshold=2 --osr-threshold=10 --deopt-stress=0.5:1;--jit=tiered --backend=llvm --tier-threshold=2 --osr-threshold=10 --deopt-stress=1.0:1
AM_TESTS_ENVIRONMENT = abs_top_srcdir='$(abs_top_srcdir)'; SHAPEC='$(abs_top_builddir)/shapec'; \
	SC_TEST_MODES="$${SC_TEST_MODES-$(SC_DEFAULT_MODES)}"; \
	export abs_top_srcdir SHAPEC SC_TEST_MODES;
EXTRA_DIST += tests/run-programs.sh tests/programs tests/bad
