libshapec_la_SOURCES += src/runtime/gc.c
