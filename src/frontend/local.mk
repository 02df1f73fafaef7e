# src/frontend
libshapec_core_la_SOURCES += src/frontend/asm.c src/frontend/disasm.c
libshapec_core_la_SOURCES += src/frontend/lift.c
