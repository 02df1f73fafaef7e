/* shapec command line: pieces shared between main.c and the IR emitters. */
#ifndef SC_CLI_H
#define SC_CLI_H

#include "shapec/bytecode.h"
#include "shapec/vm.h"

/* `shapec --emit=WHAT FILE` for WHAT in ssa, dot, mir, llvm. p has passed
 * sc_verify. argc/argv are the command-line options main did not recognise,
 * in order (emitter-specific options). Writes to stdout, errors to stderr as
 * `shapec: error: ...`; returns the process exit status. */
int sc_cli_emit_ir(const char *what, sc_program *p, int argc, char **argv, const sc_inline_options *inl);

/* `shapec opt FILE.ssa [options]`: runs passes on IR text (as LLVM's opt). */
int sc_cli_opt(const char *path, int argc, char **argv, const sc_inline_options *inl);

/* Reads an inlining option at argv[*i] (--no-inline, --inline-budget N,
 * --inline-depth N, --inline-max-size N, --inline-recursion N) into *o,
 * moving *i past its value: 1; 0 when argv[*i] is none of them; -1 after
 * reporting a bad value. */
int sc_cli_inline_option(int argc, char **argv, int *i, sc_inline_options *o);

/* On SIGINT and SIGTERM, flush stdout before the signal ends the process
 * (signals.c). Call first in main, before any thread starts. */
void sc_cli_flush_on_signals(void);

#endif
