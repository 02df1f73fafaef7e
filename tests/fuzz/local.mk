# libFuzzer targets, built by ./configure CC=clang --enable-fuzzers (which
# also builds the library with coverage, ASan and UBSan):
#   fuzz_asm       .sasm text -> assembler, verifier, disassembly round trip
#   fuzz_ir        IR text -> parser, IR verifier, print/parse round trip, passes
#   fuzz_pipeline  bytes -> a verified program built in C; interpreter against
#                  every backend, eager and tiered (deopt stress)
#   fuzz_compile   bytes -> a compile request with edited feedback -> sc_compile
#                  refuses or compiles (and the code prints what the
#                  interpreter did)
# tests/fuzz/run.sh TARGET SECONDS [BUILDDIR] runs one; make check runs each
# target once over its seed corpus (tests/fuzz/check-corpus.sh).
if ENABLE_FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz_asm tests/fuzz/fuzz_ir tests/fuzz/fuzz_pipeline tests/fuzz/fuzz_compile
TESTS += tests/fuzz/check-corpus.sh
endif
FUZZ_LINK = $(AM_LDFLAGS) $(FUZZ_LDFLAGS) -no-install
tests_fuzz_fuzz_asm_SOURCES = tests/fuzz/fuzz_asm.c
tests_fuzz_fuzz_asm_LDADD = libshapec_core.la $(GC_LIBS) -lm
tests_fuzz_fuzz_asm_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_ir_SOURCES = tests/fuzz/fuzz_ir.c
tests_fuzz_fuzz_ir_LDADD = libshapec_core.la $(GC_LIBS) -lm
tests_fuzz_fuzz_ir_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_pipeline_SOURCES = tests/fuzz/fuzz_pipeline.c
tests_fuzz_fuzz_pipeline_LDADD = libshapec_core.la $(GC_LIBS) -lm -lpthread
tests_fuzz_fuzz_pipeline_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_compile_SOURCES = tests/fuzz/fuzz_compile.c
tests_fuzz_fuzz_compile_LDADD = libshapec_core.la $(GC_LIBS) -lm -lpthread
tests_fuzz_fuzz_compile_LDFLAGS = $(FUZZ_LINK)
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/check-corpus.sh tests/fuzz/corpus
