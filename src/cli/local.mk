# src/cli: the shapec program
bin_PROGRAMS += shapec
shapec_SOURCES = src/cli/main.c src/cli/cli.h src/cli/emit_ir.c src/cli/html.h src/cli/html.c src/cli/linediff.c src/cli/inline_opts.c src/cli/options.h src/cli/options.def src/cli/options.c src/cli/input.c src/cli/signals.c src/cli/progress.c
shapec_LDADD = libshapec_core.la $(GC_LIBS) -lm -lpthread
