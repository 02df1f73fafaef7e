/* --emit=html, the pass viewer: one self-contained page (html.c) with, per
 * function, the IR after each pass (printed by sc_ir_print, changes marked
 * by a line diff, linediff.c), the CFG of each changed stage drawn by
 * Graphviz's dot from sc_ir_print_dot, the program's source, and the
 * native code. */
#ifndef SC_CLI_HTML_H
#define SC_CLI_HTML_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shapec/bytecode.h"
#include "ssa/ir.h"

/* A line of text (not NUL-terminated). */
typedef struct sc_line {
  const char *s;
  size_t len;
} sc_line;

typedef enum { SC_DIFF_SAME, SC_DIFF_DEL, SC_DIFF_ADD } sc_diff_kind;
typedef struct sc_diff_op {
  sc_diff_kind kind;
  uint32_t a, b; /* the line of a (SAME, DEL) and of b (SAME, ADD) */
} sc_diff_op;

/* The edit script from a[0..na) to b[0..nb), in order, into *out (malloc'd,
 * *nout entries): 0; 1 when the texts were too large to compare (every
 * line of a deleted, every line of b added); -1 out of memory. */
int sc_line_diff(const sc_line *a, uint32_t na, const sc_line *b, uint32_t nb, sc_diff_op **out, uint32_t *nout);

typedef struct sc_html sc_html;

/* Starts the page on out for program p, assembled from src[0..len) (its
 * listing, which instructions link to); `about` says how it was compiled
 * (pipeline, feedback). */
sc_html *sc_html_new(FILE *out, const sc_program *p, const char *src, size_t len, const char *about);
/* A table of contents: a row per function (only that one when only >= 0),
 * a link per stage of the pipeline (lift first). */
void sc_html_nav(sc_html *h, const char *pipeline, int only);
/* Before function fn's pipeline runs. */
void sc_html_func(sc_html *h, uint32_t fn);
/* The pipeline's after_pass hook (sc_pipeline_opts): one section with the
 * IR of f after pass `pass`. */
void sc_html_stage(void *h, sc_irfunc *f, const char *pass);
/* After the function's pipeline. */
void sc_html_func_end(sc_html *h);
/* The program's source, then the native code: text as --emit=asm prints
 * it, or a note (text NULL) saying why there is none. */
void sc_html_code(sc_html *h, const char *title, const char *text, size_t len, const char *note);
/* Ends the page and frees h. */
void sc_html_end(sc_html *h);

#endif
