/* shapec command line: pieces shared between main.c and the IR emitters. */
#ifndef SC_CLI_H
#define SC_CLI_H

#include "cli/options.h"
#include "shapec/bytecode.h"
#include "shapec/vm.h"

/* `shapec --emit=ssa|dot|mir|llvm|asm|html FILE`. p has passed sc_verify;
 * src[0..srclen) is the text it was assembled from (html links to it).
 * Writes to stdout, errors to stderr as `shapec: error: ...`; returns the
 * process exit status. */
int sc_cli_emit_ir(const sc_cli_opts *o, sc_program *p, const char *src, size_t srclen);

/* `shapec opt FILE.ssa [options]`: runs passes on IR text (as LLVM's opt). */
int sc_cli_opt(const sc_cli_opts *o);

/* `shapec --list-passes`: every pass and named pipeline. */
void sc_cli_list_passes(FILE *out);

/* The inlining options given (--no-inline, --inline-*). */
sc_inline_options sc_cli_inline(const sc_cli_opts *o);

/* The whole of path (- is stdin) into memory, NUL-terminated; NULL after
 * reporting why not. */
char *sc_cli_read(const char *path, size_t *len);
/* path as diagnostics name it (<stdin> for -). */
const char *sc_cli_input_name(const char *path);

/* The progress line on a terminal (progress.c): init says whether err is
 * one (else sc_cli_show_progress does nothing); sc_cli_show_progress is an
 * sc_vm_options.progress callback, its argument the sc_cli_progress. */
typedef struct sc_cli_progress {
  FILE *err;       /* NULL: not a terminal */
  double start;    /* when the work began */
  double after;    /* seconds before the line shows */
  int width;       /* of the line drawn, 0 if none */
} sc_cli_progress;
bool sc_cli_progress_init(sc_cli_progress *p, FILE *err);
void sc_cli_show_progress(void *arg, uint32_t done, uint32_t total, int end);

/* On SIGINT and SIGTERM, flush stdout before the signal ends the process
 * (signals.c). Call first in main, before any thread starts. */
void sc_cli_flush_on_signals(void);

#endif
