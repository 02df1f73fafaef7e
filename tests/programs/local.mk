# Program tests and the bad-input corpus, through the shapec binary.
# tests/run-programs.sh --help explains expectations, --bless and modes; e.g.
#   make check TESTS=tests/run-programs.sh SC_TEST_MODES=';--no-profile'
# runs every program once per mode (each must give the same results).
TESTS += tests/run-programs.sh
# Every program and benchmark runs in the interpreter and compiled by each
# backend (a backend not built is reported as skipped): eagerly; tiered,
# compiling synchronously (--jit-threads=0: reproducible) with thresholds
# low enough that every test tiers up, enters loops by OSR and deopts, and
# with --deopt-stress making guards fail at random; and by the default
# `shapec run` (background compilation) with low thresholds.
# SC_TEST_MODES overrides.
SC_DEFAULT_MODES = --jit=off;--jit=eager --backend=mir;--jit=eager --backend=llvm;--jit=tiered --backend=mir --jit-threads=0 --tier-threshold=2 --osr-threshold=10;--jit=tiered --backend=mir --jit-threads=0 --tier-threshold=2 --osr-threshold=10 --deopt-stress=0.01:1;--jit=tiered --backend=mir --jit-threads=0 --tier-threshold=2 --osr-threshold=10 --deopt-stress=0.5:1;--jit=tiered --backend=mir --jit-threads=0 --tier-threshold=2 --osr-threshold=10 --deopt-stress=1.0:1;--jit=tiered --backend=llvm --jit-threads=0 --tier-threshold=2 --osr-threshold=10;--jit=tiered --backend=llvm --jit-threads=0 --tier-threshold=2 --osr-threshold=10 --deopt-stress=0.01:1;--jit=tiered --backend=llvm --jit-threads=0 --tier-threshold=2 --osr-threshold=10 --deopt-stress=0.5:1;--jit=tiered --backend=llvm --jit-threads=0 --tier-threshold=2 --osr-threshold=10 --deopt-stress=1.0:1;--tier-threshold=2 --osr-threshold=10 --jit-wait;--tier-threshold=2 --osr-threshold=10 --backend=llvm --deopt-stress=0.5:1
AM_TESTS_ENVIRONMENT = abs_top_srcdir='$(abs_top_srcdir)'; SHAPEC='$(abs_top_builddir)/shapec'; \
	SHAPEC_LLVM_MODULE='$(abs_top_builddir)/.libs/shapec-llvm.so'; \
	SC_TEST_MODES="$${SC_TEST_MODES-$(SC_DEFAULT_MODES)}"; \
	CC='$(CC)'; SC_SAN_CFLAGS='$(SAN_CFLAGS)'; \
	export abs_top_srcdir SHAPEC SHAPEC_LLVM_MODULE SC_TEST_MODES CC SC_SAN_CFLAGS;
EXTRA_DIST += tests/run-programs.sh tests/programs tests/bad
