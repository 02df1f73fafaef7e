# src/frontend
libshapec_core_la_SOURCES += src/frontend/opinfo.c src/frontend/symtab.c src/frontend/program.c src/frontend/diag.c \
	src/frontend/asm.c src/frontend/verify.c src/frontend/disasm.c src/frontend/frontend.h
libshapec_core_la_SOURCES += src/frontend/lift.c
