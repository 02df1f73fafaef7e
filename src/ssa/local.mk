# The SSA IR and its analyses.
libshapec_core_la_SOURCES += src/ssa/arena.h src/ssa/arena.c src/ssa/ir.h src/ssa/irops.def src/ssa/helpers.def src/ssa/irtext.h \
	src/ssa/ir.c src/ssa/phis.c src/ssa/parse.c src/ssa/dom.c src/ssa/loops.c src/ssa/print.c src/ssa/dot.c src/ssa/roundtrip.c \
	src/ssa/irverify.c
