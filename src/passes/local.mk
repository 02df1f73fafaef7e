# The pass manager and one file per pass.
libshapec_core_la_SOURCES += src/passes/passes.h src/passes/passmgr.c src/passes/pass_phis.c \
	src/passes/pass_simplify.c src/passes/pass_dce.c src/passes/pass_preheaders.c \
	src/passes/pass_specialize.c src/passes/pass_unbox.c src/passes/pass_guards.c \
	src/passes/pass_globals.c src/passes/pass_hoist.c src/passes/effects.c src/passes/pass_inline.c \
	src/passes/pass_osr.c src/passes/pass_lower.c \
	src/passes/known.c src/passes/pass_gvn.c src/passes/pass_licm.c \
	src/passes/pass_range.c src/passes/pass_unreached.c src/passes/pass_allocs.c \
	src/passes/pass_unswitch.c \
	src/passes/pass_strength.c \
	src/passes/pass_entry.c \
	src/passes/pass_sccp.c
