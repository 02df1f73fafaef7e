libshapec_core_la_SOURCES += src/runtime/gc.c
libshapec_core_la_SOURCES += src/runtime/vm_internal.h src/runtime/vm.c
libshapec_core_la_SOURCES += src/runtime/layout.h src/runtime/layout.def src/runtime/layout.c
libshapec_core_la_SOURCES += src/runtime/interp.c src/runtime/interp_loop.h
libshapec_core_la_SOURCES += src/runtime/feedback.c
libshapec_core_la_SOURCES += src/runtime/escape.c
libshapec_core_la_SOURCES += src/runtime/runtime.h src/runtime/rt.c src/runtime/str.c \
	src/runtime/array.c src/runtime/object.c src/runtime/map.c src/runtime/ops.c src/runtime/print.c
# The program model: bytecode tables, programs, names, diagnostics, the
# bytecode verifier.
libshapec_core_la_SOURCES += src/runtime/program.h src/runtime/opinfo.c src/runtime/symtab.c src/runtime/program.c src/runtime/diag.c \
	src/runtime/verify.c
