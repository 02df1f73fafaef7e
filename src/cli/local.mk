# src/cli: the shapec program
bin_PROGRAMS += shapec
shapec_SOURCES = src/cli/main.c src/cli/cli.h src/cli/emit_ir.c src/cli/inline_opts.c src/cli/signals.c
shapec_LDADD = libshapec.la $(GC_LIBS) -lm -lpthread
