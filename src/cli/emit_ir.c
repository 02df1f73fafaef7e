/* --emit=ssa|dot|mir|llvm: placeholder until the compiler lands (the SSA
 * work replaces this file). */
#include <stdio.h>

#include "cli/cli.h"

int sc_cli_emit_ir(const char *what, sc_program *p, int argc, char **argv) {
  (void)p;
  (void)argc;
  (void)argv;
  fprintf(stderr, "shapec: error: --emit=%s is not available yet\n", what);
  return 2;
}
