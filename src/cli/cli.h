/* shapec command line: pieces shared between main.c and the IR emitters. */
#ifndef SC_CLI_H
#define SC_CLI_H

#include "shapec/bytecode.h"

/* `shapec --emit=WHAT FILE` for WHAT in ssa, dot, mir, llvm. p has passed
 * sc_verify. argc/argv are the command-line options main did not recognise,
 * in order (emitter-specific options). Writes to stdout, errors to stderr as
 * `shapec: error: ...`; returns the process exit status. */
int sc_cli_emit_ir(const char *what, sc_program *p, int argc, char **argv);

/* `shapec opt FILE.ssa [options]`: runs passes on IR text (as LLVM's opt). */
int sc_cli_opt(const char *path, int argc, char **argv);

#endif
