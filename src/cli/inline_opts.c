/* The inliner's options, for `run` and the IR emitters alike. */
#include "cli/cli.h"

sc_inline_options sc_cli_inline(const sc_cli_opts *o) {
  sc_inline_options inl = {.off = o->no_inline};
  /* 0 means "none" here (the struct's 0 is "the default") */
  if (o->given[SC_OPT_inline_budget]) inl.budget = o->inline_budget, inl.off |= o->inline_budget == 0;
  if (o->given[SC_OPT_inline_depth]) inl.depth = o->inline_depth, inl.off |= o->inline_depth == 0;
  if (o->given[SC_OPT_inline_max_size]) inl.max_size = o->inline_max_size, inl.off |= o->inline_max_size == 0;
  if (o->given[SC_OPT_inline_recursion]) inl.recursion = o->inline_recursion ? (int32_t)o->inline_recursion : -1;
  return inl;
}
