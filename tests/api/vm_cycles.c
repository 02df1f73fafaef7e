/* A VM released with sc_vm_free leaves nothing behind: 1,000 cycles of
 * create, run (interpreted, eager and tiered with compile threads, in
 * turn) and free. CI runs it with LeakSanitizer in the sanitizer build
 * (ASAN_OPTIONS=detect_leaks=1), where any block a cycle keeps is a leak
 * report; every run must also print the right result.
 *
 *   tests/api/vm_cycles [CYCLES]        exit 0, 1 on a failure */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* open_memstream */
#endif
#include <shapec/shapec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SRC =
    "func sq(x) {\n LoadLocal x\n LoadLocal x\n Mul\n ReturnValue\n}\n"
    "func main() {\n local i\n local s\n PushConst 0\n StoreLocal i\n PushConst 0\n StoreLocal s\n"
    "top:\n LoopStart\n LoadLocal i\n PushConst 200\n Lt\n JumpIfFalse done\n"
    " LoadLocal s\n LoadLocal i\n Call sq 1\n Add\n StoreLocal s\n"
    " LoadLocal i\n PushConst 1\n Add\n StoreLocal i\n LoopEnd\n Jump top\n"
    "done:\n LoadLocal s\n Print\n NewObject\n Print\n Return\n}\n";

int main(int argc, char **argv) {
  unsigned cycles = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1000;
  sc_diags d = {0};
  sc_program *p = sc_assemble("cycles.sasm", SRC, strlen(SRC), &d);
  if (!p) {
    sc_diags_print(&d, stderr);
    return 1;
  }
  bool native = sc_backend_available(NULL);
  for (unsigned i = 0; i < cycles; i++) {
    char *out = NULL;
    size_t n = 0;
    FILE *o = open_memstream(&out, &n);
    int jit = native ? (int)(i % 3) : SC_JIT_OFF;
    sc_vm_options vo = {.out = o, .profile = 1, .jit = jit, .tier_threshold = 2, .osr_threshold = 10,
                        .jit_threads = i % 2 ? 1 : SC_JIT_SYNC, .jit_wait = 1};
    sc_vm *vm = sc_vm_new(p, &vo);
    int st = vm ? sc_vm_run_main(vm) : -1;
    sc_vm_free(vm);
    fclose(o);
    if (st != SC_EXIT_OK || !out || strcmp(out, "2646700\n{}\n")) {
      fprintf(stderr, "vm_cycles: cycle %u (jit %d): status %d, printed %s\n", i, jit, st, out ? out : "");
      free(out);
      return 1;
    }
    free(out);
  }
  printf("vm_cycles: %u create/run/free cycles: ok\n", cycles);
  return 0;
}
