# Host programs of the public API (include/shapec), each checking itself.
#   compile_reuse  sc_compile 1,000 times with fresh feedback (also under
#                  valgrind: tests/valgrind.sh)
check_PROGRAMS += tests/api/compile_reuse
TESTS += tests/api/compile_reuse
tests_api_compile_reuse_SOURCES = tests/api/compile_reuse.c
tests_api_compile_reuse_LDADD = libshapec.la $(GC_LIBS) -lm
# a real binary (not libtool's wrapper script), for valgrind
tests_api_compile_reuse_LDFLAGS = $(AM_LDFLAGS) -no-install
#   vm_cycles      1,000 sc_vm_new/run/sc_vm_free cycles (LeakSanitizer in
#                  CI's sanitizer build)
check_PROGRAMS += tests/api/vm_cycles
TESTS += tests/api/vm_cycles
tests_api_vm_cycles_SOURCES = tests/api/vm_cycles.c
tests_api_vm_cycles_LDADD = libshapec.la $(GC_LIBS) -lm
#   feedback_lies  property feedback whose recorded slots lie: compiled code
#                  still prints what the interpreter prints
check_PROGRAMS += tests/api/feedback_lies
TESTS += tests/api/feedback_lies
tests_api_feedback_lies_SOURCES = tests/api/feedback_lies.c
tests_api_feedback_lies_LDADD = libshapec.la $(GC_LIBS) -lm
