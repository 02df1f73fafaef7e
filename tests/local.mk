# Tests. Unit tests are one Criterion binary; each area adds its test_*.c.
if HAVE_CRITERION
check_PROGRAMS += tests/unit/unit_tests
TESTS += tests/unit/unit_tests
endif
tests_unit_unit_tests_SOURCES = tests/unit/test_main.c
tests_unit_unit_tests_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS) -DSC_SRCDIR=\"$(abs_top_srcdir)\"
tests_unit_unit_tests_LDADD = libshapec_core.la $(CRITERION_LIBS) $(GC_LIBS) -lm

include tests/unit/local.mk
include tests/programs/local.mk
include tests/golden/local.mk
# Lifting throughput (issue figures): built by make check, run by hand.
check_PROGRAMS += tests/perf/lift_throughput
tests_perf_lift_throughput_SOURCES = tests/perf/lift_throughput.c
tests_perf_lift_throughput_LDADD = libshapec_core.la $(GC_LIBS) -lm
include tests/gen/local.mk
include tests/backend/local.mk
# Every command reports a failed write of its output.
TESTS += tests/cli/write-errors.sh
# Diagnostics escape control bytes from their input.
TESTS += tests/cli/escape.sh
EXTRA_DIST += tests/cli/escape.sh
EXTRA_DIST += tests/cli/write-errors.sh tests/cli/find-shapec.sh
TESTS += tests/cli/limits.sh
EXTRA_DIST += tests/cli/limits.sh tests/limits
# The command line and its man page (options.sh); the library's exported
# symbols (abi.sh); what make install gives a C host (install.sh); the JSON
# outputs (json.sh, docs/json.md); named pipelines and --emit=dot (inspect.sh);
# --emit=asm and what --feedback-from-run and --osr compile (asm.sh).
TESTS += tests/cli/options.sh tests/cli/abi.sh tests/cli/install.sh tests/cli/json.sh tests/cli/inspect.sh
EXTRA_DIST += tests/cli/options.sh tests/cli/abi.sh tests/cli/install.sh tests/cli/json.sh tests/cli/inspect.sh
TESTS += tests/cli/asm.sh
EXTRA_DIST += tests/cli/asm.sh
# The pass viewer (--emit=html), loaded in headless Chromium when installed.
TESTS += tests/cli/html.sh
EXTRA_DIST += tests/cli/html.sh
# The progress line of long compilations on a terminal (a pty from script).
TESTS += tests/cli/progress.sh
EXTRA_DIST += tests/cli/progress.sh
# What CI and the README use besides the tests.
EXTRA_DIST += examples/fib.sasm tests/valgrind.sh tests/valgrind.supp tests/dist.sh
# Background compilation under load (and, in a --enable-tsan build, races).
TESTS += tests/tier-stress.sh
# Layering: no upward include or call (tests/layers.sh).
TESTS += tests/layers.sh
EXTRA_DIST += tests/layers.sh
EXTRA_DIST += tests/tier-stress.sh tests/tsan.supp tests/tier_many.sasm tests/tier_many.stdout
# The embedding example (examples/embed.c): builds, runs and checks itself.
check_PROGRAMS += examples/embed
TESTS += examples/embed
examples_embed_SOURCES = examples/embed.c
examples_embed_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/include
examples_embed_LDADD = libshapec.la
examples_embed_LDFLAGS = $(AM_LDFLAGS) -no-install
include tests/tiering/local.mk
include tests/api/local.mk
include tests/fuzz/local.mk
# A C++ host (examples/host.cpp): the public headers work in C++.
check_PROGRAMS += examples/host
TESTS += examples/host
examples_host_SOURCES = examples/host.cpp
examples_host_CXXFLAGS = -Wall -Wextra -Werror $(SAN_CFLAGS) -I$(top_srcdir)/include
examples_host_LDADD = libshapec.la
examples_host_LDFLAGS = $(AM_LDFLAGS) -no-install
