/* A Graphviz view of the CFG: one graph for a whole program, one cluster
 * per function (nodes fN_bM), one box per block with its instructions, each
 * loop a cluster (nested as the loop forest; irreducible loops dashed red),
 * back-edges red, branch edges labelled T/F. Entry blocks are ranked at the
 * top and back edges do not constrain the layout, so a function reads top
 * down as its code does. */
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

static void escaped(FILE *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '"' || c == '\\') putc('\\', out), putc(c, out);
    else if (c == '\n') fputs("\\l", out);
    else putc(c, out);
  }
}

static void node(sc_irfunc *f, uint32_t fn, uint32_t b, FILE *out, const char *indent) {
  char *buf = NULL;
  size_t n = 0;
  FILE *m = open_memstream(&buf, &n);
  fprintf(m, "b%u:\n", b);
  for (uint32_t i = 0; i < f->blk[b].nins; i++) {
    uint32_t id = f->blk[b].ins[i];
    if (f->ins[id].fs >= 0) {
      fputs("  ", m);
      sc_ir_print_fs(f, f->ins[id].fs, m);
      putc('\n', m);
    }
    fputs("  ", m);
    sc_ir_print_ins(f, id, m);
    putc('\n', m);
  }
  fclose(m);
  fprintf(out, "%sf%u_b%u [label=\"", indent, fn, b);
  escaped(out, buf, n);
  fputs("\"];\n", out);
  free(buf);
}

static void cluster(sc_irfunc *f, uint32_t fn, uint32_t l, int depth, FILE *out) {
  const sc_loop *L = &f->loops[l];
  char ind[64];
  int k = depth * 2 < 60 ? depth * 2 : 60;
  for (int i = 0; i < k; i++) ind[i] = ' ';
  ind[k] = 0;
  fprintf(out, "%ssubgraph cluster_f%u_L%u {\n", ind, fn, l);
  if (L->irreducible) {
    fprintf(out, "%s  label=\"L%u: irreducible loop, entries", ind, l);
    for (uint32_t e = 0; e < L->nentries; e++) fprintf(out, " b%u", L->entries[e]);
    fprintf(out, ", depth %u\"; style=dashed; color=red;\n", L->depth);
  } else
    fprintf(out, "%s  label=\"L%u: loop, header b%u, depth %u\"; style=rounded; color=blue;\n", ind, l, L->header, L->depth);
  char ind2[70];
  snprintf(ind2, sizeof ind2, "%s  ", ind);
  for (uint32_t i = 0; i < L->nblocks; i++)
    if (f->loop_of[L->blocks[i]] == (int32_t)l) node(f, fn, L->blocks[i], out, ind2);
  for (uint32_t c = l + 1; c < f->nloops; c++)
    if (f->loops[c].parent == (int32_t)l) cluster(f, fn, c, depth + 1, out);
  fprintf(out, "%s}\n", ind);
}

static bool is_back_edge(const sc_irfunc *f, uint32_t from, uint32_t to) {
  for (int32_t l = f->loop_of[from]; l >= 0; l = f->loops[l].parent) {
    const sc_loop *L = &f->loops[l];
    for (uint32_t e = 0; e < L->nentries; e++)
      if (L->entries[e] == to) return true;
  }
  return false;
}

void sc_ir_dot_begin(FILE *out, const char *title) {
  fputs("digraph \"", out);
  escaped(out, title, strlen(title));
  fputs("\" {\n  label=\"", out);
  escaped(out, title, strlen(title));
  /* newrank: the entry blocks' rank=min holds inside clusters */
  fputs("\"; labelloc=t; newrank=true;\n  node [shape=box fontname=monospace fontsize=10];\n", out);
}

void sc_ir_dot_end(FILE *out) { fputs("}\n", out); }

void sc_ir_print_dot(sc_irfunc *f, uint32_t fn, FILE *out) {
  if (!f->loop_of) sc_ir_loops(f);
  fprintf(out, "  subgraph cluster_f%u {\n    label=\"", fn);
  escaped(out, f->name, strlen(f->name));
  fputs("\"; style=solid; color=black;\n", out);
  for (uint32_t b = 0; b < f->nblk; b++)
    if (!f->blk[b].dead && f->loop_of[b] < 0) node(f, fn, b, out, "    ");
  for (uint32_t l = 0; l < f->nloops; l++)
    if (f->loops[l].parent < 0) cluster(f, fn, l, 2, out);
  fprintf(out, "    { rank=min; f%u_b0; }\n", fn);
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    uint32_t s[2];
    int ns = sc_ir_succs(f, b, s);
    for (int k = 0; k < ns; k++) {
      fprintf(out, "    f%u_b%u -> f%u_b%u", fn, b, fn, s[k]);
      bool back = f->rpo_index[b] != UINT32_MAX && is_back_edge(f, b, s[k]);
      if (back) fprintf(out, " [color=red constraint=false label=\"%sback\"]", ns == 2 ? (k ? "F " : "T ") : "");
      else if (ns == 2) fprintf(out, " [label=%s]", k ? "F" : "T");
      fputs(";\n", out);
    }
  }
  fputs("  }\n", out);
}
