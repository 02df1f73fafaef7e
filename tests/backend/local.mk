# Backend tests: hand-written typed IR compiled by each backend against the
# interpreter (tests/backend/run.sh); loops bottom-tested in MIR
# (tests/backend/layout.sh); compiled code freed once released, never before
# (tests/backend/reclaim.sh); no dead code after a failing check reaches them
# (tests/backend/dead_code.sh).
check_PROGRAMS += tests/backend/run_ir tests/backend/reclaim
tests_backend_run_ir_SOURCES = tests/backend/run_ir.c
tests_backend_run_ir_LDADD = libshapec_core.la
tests_backend_reclaim_SOURCES = tests/backend/reclaim.c
tests_backend_reclaim_LDADD = libshapec_core.la
TESTS += tests/backend/run.sh tests/backend/layout.sh tests/backend/reclaim.sh tests/backend/dead_code.sh
EXTRA_DIST += tests/backend/run.sh tests/backend/layout.sh tests/backend/reclaim.sh tests/backend/dead_code.sh tests/backend/ck.sasm tests/backend/ck.ssa tests/backend/div0.sasm tests/backend/div0.ssa tests/backend/f2i_int.sasm tests/backend/f2i_int.ssa tests/backend/f2i_nan.sasm tests/backend/f2i_nan.ssa tests/backend/floats.sasm tests/backend/floats.ssa tests/backend/ints.sasm tests/backend/ints.ssa tests/backend/misc.sasm tests/backend/misc.ssa tests/backend/mod0.sasm tests/backend/mod0.ssa tests/backend/phis.sasm tests/backend/phis.ssa 
