/* The SSA IR: dominators, the loop forest (irreducible cases too),
 * preheaders, redundant phis, the parser's diagnostics, every class of
 * verifier error, and lifting every program of the tree through the
 * pipeline with a print -> parse -> print round trip. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "passes/passes.h"
#include "shapec/shapec.h"
#include "ssa/ir.h"

static sc_arena arena;
static void setup(void) {
  sc_runtime_init();
  sc_arena_init(&arena);
}
static void teardown(void) { sc_arena_drop(&arena); }
TestSuite(ir, .init = setup, .fini = teardown);

static sc_irfunc *parse(const char *src) {
  sc_diags d = {0};
  sc_irfunc *f = sc_ir_parse(&arena, sc_program_new("t"), "t.ssa", src, strlen(src), &d);
  if (!f) sc_diags_print(&d, stderr);
  cr_assert_not_null(f);
  return f;
}

static char *diag_text(const sc_diags *d, bool positions) {
  char *buf;
  size_t n;
  FILE *m = open_memstream(&buf, &n);
  if (positions) sc_diags_print(d, m);
  else
    for (uint32_t k = 0; k < d->n; k++) fprintf(m, "%s\n", d->v[k].msg);
  fclose(m);
  return buf;
}

static char *parse_errors(const char *src) {
  sc_diags d = {0};
  sc_irfunc *f = sc_ir_parse(&arena, sc_program_new("t"), "t.ssa", src, strlen(src), &d);
  cr_assert_null(f, "expected a parse error");
  return diag_text(&d, true);
}

static char *verify_errors(const char *src) {
  sc_diags pd = {0};
  sc_irfunc **fs;
  uint32_t n = sc_ir_parse_all(&arena, sc_program_new("t"), "t.ssa", src, strlen(src), &pd, &fs);
  if (!n) sc_diags_print(&pd, stderr);
  cr_assert_gt(n, 0);
  sc_irfunc *f = fs[n - 1];
  sc_diags d = {0};
  cr_assert_neq(sc_ir_verify(f, &d), 0, "expected a verifier error for:\n%s", src);
  return diag_text(&d, false);
}

static void verifies(sc_irfunc *f) {
  sc_diags d = {0};
  int bad = sc_ir_verify(f, &d);
  char *t = diag_text(&d, false);
  cr_assert_eq(bad, 0, "%s", t);
  free(t);
}

#define HAS(text, what) cr_assert(strstr((text), (what)), "missing \"%s\" in:\n%s", (what), (text))

/* b0 -> b1 -> {b2, b3}; b3 -> b6 (self loop) -> b4; b2 -> b4; b4 -> {b1, b5} */
static const char *nested =
    "func f(c) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    jmp b1\n"
    "b1:\n    br v2, b2, b3\n"
    "b2:\n    jmp b4\n"
    "b3:\n    jmp b6\n"
    "b6:\n    br v2, b6, b4\n"
    "b4:\n    br v2, b1, b5\n"
    "b5:\n    ret v1\n}\n";

Test(ir, dominators_and_tree) {
  sc_irfunc *f = parse(nested);
  sc_ir_dom(f);
  cr_assert_eq(f->idom[0], -1);
  cr_assert_eq(f->idom[1], 0);
  cr_assert_eq(f->idom[2], 1);
  cr_assert_eq(f->idom[3], 1);
  cr_assert_eq(f->idom[4], 1); /* reached from b2 and b6 */
  cr_assert_eq(f->idom[6], 3);
  cr_assert_eq(f->idom[5], 4);
  cr_assert(sc_ir_dominates(f, 1, 5));
  cr_assert(sc_ir_dominates(f, 3, 6));
  cr_assert(sc_ir_dominates(f, 6, 6));
  cr_assert_not(sc_ir_dominates(f, 2, 4));
  cr_assert_not(sc_ir_dominates(f, 5, 1));
  /* children of b1: b2, b3, b4, in RPO order */
  int n = 0;
  for (int32_t c = f->dom_child[1]; c >= 0; c = f->dom_sibling[c]) n++;
  cr_assert_eq(n, 3);
  cr_assert_eq(f->rpo[0], 0);
  cr_assert_eq(f->nrpo, 7);
}

Test(ir, unreachable_blocks_are_outside_rpo) {
  sc_irfunc *f = parse("func f() {\nb0:\n    v1 = val null\n    ret v1\nb1:\n    jmp b2\nb2:\n    jmp b1\n}\n");
  sc_ir_dom(f);
  cr_assert_eq(f->nrpo, 1);
  cr_assert_eq(f->rpo_index[1], UINT32_MAX);
  cr_assert_eq(f->idom[1], -1);
  sc_ir_loops(f); /* the unreachable cycle is not a loop */
  cr_assert_eq(f->nloops, 0);
  verifies(f);
}

Test(ir, loop_forest_nested) {
  sc_irfunc *f = parse(nested);
  sc_ir_loops(f);
  cr_assert_not(f->irreducible);
  cr_assert_eq(f->nloops, 2);
  const sc_loop *outer = &f->loops[0], *inner = &f->loops[1];
  cr_assert_eq(outer->header, 1);
  cr_assert_eq(outer->depth, 1);
  cr_assert_eq(outer->parent, -1);
  cr_assert_eq(outer->nblocks, 5); /* b1 b2 b3 b6 b4 */
  cr_assert_eq(outer->blocks[0], 1);
  cr_assert_eq(outer->nlatches, 1);
  cr_assert_eq(outer->latches[0], 4);
  cr_assert_eq(outer->nexits, 1);
  cr_assert_eq(outer->exits[0], 5);
  cr_assert_eq(inner->header, 6);
  cr_assert_eq(inner->parent, 0);
  cr_assert_eq(inner->depth, 2);
  cr_assert_eq(inner->nblocks, 1);
  cr_assert_eq(inner->nexits, 1);
  cr_assert_eq(inner->exits[0], 4);
  cr_assert_eq(f->loop_of[6], 1);
  cr_assert_eq(f->loop_of[4], 0);
  cr_assert_eq(f->loop_of[5], -1);
  cr_assert(sc_ir_loop_contains(f, 0, 6));
  cr_assert_not(sc_ir_loop_contains(f, 1, 4));
}

Test(ir, two_back_edges_one_loop) {
  /* b1 has latches b2 and b3: one loop with two latches */
  sc_irfunc *f = parse("func f(c) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    jmp b1\n"
                       "b1:\n    br v2, b2, b3\nb2:\n    br v2, b1, b4\nb3:\n    br v2, b1, b4\nb4:\n    ret v1\n}\n");
  sc_ir_loops(f);
  cr_assert_eq(f->nloops, 1);
  cr_assert_eq(f->loops[0].nlatches, 2);
  cr_assert_eq(f->loops[0].nblocks, 3);
  cr_assert_eq(f->loops[0].nexits, 1);
}

Test(ir, irreducible_loop_in_forest) {
  /* b0 enters the cycle b1 <-> b2 at both ends */
  sc_irfunc *f = parse("func f(c) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    br v2, b1, b2\n"
                       "b1:\n    br v2, b2, b3\nb2:\n    jmp b1\nb3:\n    ret v1\n}\n");
  sc_ir_loops(f);
  cr_assert(f->irreducible);
  cr_assert_eq(f->nloops, 1);
  const sc_loop *L = &f->loops[0];
  cr_assert(L->irreducible);
  cr_assert_eq(L->nentries, 2);
  cr_assert_eq(L->header, L->entries[0]);
  cr_assert_eq(L->nblocks, 2);
  cr_assert_eq(L->nlatches, 2); /* each block jumps to the other entry */
  cr_assert_eq(f->loop_of[1], 0);
  cr_assert_eq(f->loop_of[2], 0);
  cr_assert_eq(sc_ir_preheader(f, 0), -1); /* no single entry: left alone */
  cr_assert_eq(f->nblk, 4);
}

Test(ir, reducible_inside_irreducible_and_back) {
  /* irreducible {b1, b2, b3} entered at b1 and b2; inside, b3 loops on itself;
   * the whole sits in the reducible loop headed by b5 */
  sc_irfunc *f = parse("func f(c) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    jmp b5\n"
                       "b5:\n    br v2, b1, b2\n"
                       "b1:\n    jmp b3\nb3:\n    br v2, b3, b2\nb2:\n    br v2, b1, b4\n"
                       "b4:\n    br v2, b5, b6\nb6:\n    ret v1\n}\n");
  sc_ir_loops(f);
  cr_assert(f->irreducible);
  cr_assert_eq(f->nloops, 3);
  cr_assert_not(f->loops[0].irreducible);
  cr_assert_eq(f->loops[0].header, 5);
  cr_assert(f->loops[1].irreducible);
  cr_assert_eq(f->loops[1].parent, 0);
  cr_assert_eq(f->loops[1].depth, 2);
  cr_assert_eq(f->loops[1].nentries, 2);
  cr_assert_not(f->loops[2].irreducible);
  cr_assert_eq(f->loops[2].header, 3);
  cr_assert_eq(f->loops[2].parent, 1);
  cr_assert_eq(f->loops[2].depth, 3);
  cr_assert_eq(f->loop_of[3], 2);
  cr_assert_eq(f->loop_of[4], 0);
}

Test(ir, preheader_created_and_verified) {
  /* two entries into the header b2 (from b0 and b1), one latch b3 */
  sc_irfunc *f = parse("func f(c) {\nb0:\n    v1 = val param 0\n    v5 = bool truthy v1\n    br v5, b1, b2\n"
                       "b1:\n    v2 = val const 1\n    jmp b2\n"
                       "b2: <- b0 b1 b3\n    v3 = val phi [b0: v1], [b1: v2], [b3: v3]\n    v4 = bool truthy v3\n"
                       "    br v4, b3, b4\nb3:\n    jmp b2\nb4:\n    ret v3\n}\n");
  sc_ir_loops(f);
  cr_assert_eq(f->nloops, 1);
  int32_t p = sc_ir_preheader(f, 0);
  cr_assert_eq(p, 5);
  cr_assert_eq(f->blk[2].npreds, 2); /* the preheader and the latch */
  cr_assert_eq(f->blk[2].preds[0], 5);
  cr_assert_eq(f->blk[2].preds[1], 3);
  uint32_t ph = f->blk[5].ins[0]; /* the entering values meet in the preheader */
  cr_assert_eq(f->ins[ph].op, IR_phi);
  cr_assert_eq(f->ins[ph].nargs, 2);
  cr_assert_eq(f->ins[f->blk[2].ins[0]].args[0], ph);
  verifies(f);
  cr_assert_eq(f->nloops, 1); /* recomputed, same loop */
  cr_assert_eq(f->loop_of[5], -1);
  cr_assert_eq(sc_ir_preheader(f, 0), p); /* already there */
  cr_assert_eq(f->nblk, 6);
}

Test(ir, redundant_phi_cycle_removed) {
  sc_irfunc *f = parse("func f(a) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    br v2, b1, b2\n"
                       "b1: <- b0 b2\n    v3 = val phi [b0: v1], [b2: v4]\n    br v2, b2, b3\n"
                       "b2: <- b0 b1\n    v4 = val phi [b0: v1], [b1: v3]\n    br v2, b1, b3\n"
                       "b3: <- b1 b2\n    v5 = val phi [b1: v3], [b2: v4]\n    ret v5\n}\n");
  cr_assert(sc_ir_remove_redundant_phis(f));
  for (uint32_t i = 1; i < f->nins; i++) cr_assert(f->ins[i].dead || f->ins[i].op != IR_phi);
  cr_assert_eq(f->ins[sc_ir_term(f, 3)].args[0], 1);
  verifies(f);
  cr_assert_not(sc_ir_remove_redundant_phis(f));
}

Test(ir, phi_with_two_inputs_stays) {
  sc_irfunc *f = parse("func f(a) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    v6 = val null\n"
                       "    br v2, b1, b2\nb1:\n    jmp b2\nb2: <- b0 b1\n    v3 = val phi [b0: v1], [b1: v6]\n    ret v3\n}\n");
  cr_assert_not(sc_ir_remove_redundant_phis(f));
  cr_assert_not(f->ins[3].dead);
}

Test(ir, parser_errors) {
  char *e = parse_errors("func f() {\nb0:\n    v1 = val frob\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:14: error: unknown operation 'frob'\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = wide null\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:10: error: unknown type 'wide'\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = val null\n    v1 = val null\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:4:5: error: v1 is defined twice\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    ret v9\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:9: error: v9 is used but never defined\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    jmp b7\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:9: error: block b7 is used but never defined\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = val null\n    ret v1\n");
  cr_assert_str_eq(e, "t.ssa:5:1: error: missing '}' at the end of function f\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = val const \"abc\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:20: error: unterminated string\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = val GetProp v2\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:22: error: GetProp needs a [operand]\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = bool icmp[about] v2, v2\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:20: error: unknown condition 'about'\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = val Call[nowhere]\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:19: error: unknown function 'nowhere'\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = val null $\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:19: error: unexpected character '$'\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = val null @\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:20: error: expected a number, got the end of the line\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = val null\n    fs0 = state f@0 [v1]\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:4:24: error: a frame state needs '|' between the locals and the stack\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = val null !fb mono x1 [int,int]\n    ret v1\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:23: error: feedback on null needs the bytecode op it came from: !fb[OP]\n");
  free(e);
  e = parse_errors("func f() {\n    v1 = val null\n}\n");
  cr_assert_str_eq(e, "t.ssa:2:5: error: an instruction before the first block label\n");
  free(e);
  e = parse_errors("");
  cr_assert_str_eq(e, "t.ssa:1:1: error: no function in the input\n");
  free(e);
  /* several errors, in text order; the parser goes on after each line */
  e = parse_errors("func f() {\nb0:\n    v1 = val bogus\n    v2 = val Neg v9\n    v3 = wide null\n    jmp b4\n}\n");
  cr_assert_str_eq(e, "t.ssa:3:14: error: unknown operation 'bogus'\n"
                      "t.ssa:4:18: error: v9 is used but never defined\n"
                      "t.ssa:5:10: error: unknown type 'wide'\n"
                      "t.ssa:6:9: error: block b4 is used but never defined\n");
  free(e);
}

Test(ir, phi_operands_must_match_predecessors) {
  char *e = parse_errors("func f(c) {\nb0:\n    v1 = val param 0\n    jmp b1\nb1:\n    v2 = val phi [b0: v1], [b0: v1]\n    ret v2\n}\n");
  cr_assert_str_eq(e, "t.ssa:6:5: error: phi v2 has 2 operands, but b1 has 1 predecessors\n");
  free(e);
  e = parse_errors("func f(c) {\nb0:\n    v1 = val param 0\n    jmp b1\nb1:\n    v2 = val phi [b5: v1]\n    ret v2\n}\n");
  HAS(e, "block b5 is used but never defined");
  free(e);
  e = parse_errors("func f(c) {\nb0:\n    v1 = val param 0\n    jmp b1\nb2:\n    jmp b1\nb1: <- b0 b2\n"
                   "    v2 = val phi [b0: v1], [b0: v1]\n    ret v2\n}\n");
  cr_assert_str_eq(e, "t.ssa:8:5: error: phi v2 has no operand for predecessor b2 of b1\n");
  free(e);
}

/* Every class of malformed IR the verifier names. */
Test(ir, verifier_errors) {
  struct {
    const char *src, *msg;
  } cases[] = {
      {"func f(c) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    br v2, b1, b2\nb1:\n    v3 = val null\n    jmp b2\n"
       "b2:\n    ret v3\n}\n",
       "ret in b2 uses v3, which does not dominate it"},
      {"func f(c) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    br v2, b1, b2\nb1:\n    v3 = val null\n    jmp b2\n"
       "b2: <- b0 b1\n    v4 = val phi [b0: v3], [b1: v3]\n    ret v4\n}\n",
       "phi v4: operand v3 does not dominate the end of predecessor b0"},
      {"func f(c) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    br v2, b1, b2\nb1:\n    v3 = val null\n    jmp b2\n"
       "b2:\n    fs0 = state f@0 [v3 | v1]\n    v4 = val Neg v1 !fs0\n    ret v4\n}\n",
       "fs0 of v4 (Neg) holds v3 as local 0, which does not dominate it"},
      {"func f() {\nb0:\n    v2 = val Not v1\n    v1 = val null\n    ret v2\n}\n", "v2 (Not) uses v1, which does not dominate it"},
      {"func f() {\nb0:\n    v1 = val null\n}\n", "b0 does not end in a terminator"},
      {"func f() {\nb0:\n    v1 = val null\n    ret v1\n    v2 = val null\n}\n", "terminator ret in b0 is not last"},
      {"func f() {\nb0:\n    jmp b1\nb1:\n    v1 = val null\n    v2 = val phi [b0: v1]\n    ret v2\n}\n",
       "phi v2 after a non-phi in b1"},
      {"func f() {\nb0:\n    v1 = val const 1\n    v2 = val Add v1, v1\n    ret v2\n}\n",
       "v2 (Add) may leave compiled code but has no frame state"},
      {"func f() {\nb0:\n    v1 = val const 1\n    fs0 = state f@0 [|]\n    v2 = val Eq v1, v1 !fs0\n    ret v2\n}\n",
       "v2 (Eq) has a frame state but cannot leave compiled code"},
      {"func f() {\nb0:\n    v1 = i64 const 1\n    ret v1\n}\n", "ret in b0: operand 1 must be val, v1 is i64"},
      {"func f() {\nb0:\n    v1 = val const 1\n    br v1, b1, b1\nb1:\n    ret v1\n}\n", "br in b0: operand 1 must be bool, v1 is val"},
      {"func f() {\nb0:\n    v1 = i64 const 1\n    v2 = f64 iadd v1, v1\n    v3 = val box v2\n    ret v3\n}\n",
       "v2 (iadd) gives i64, not f64"},
      {"func f() {\nb0:\n    v1 = i64 const 1\n    v2 = i64 iadd v1\n    v3 = val box v2\n    ret v3\n}\n",
       "v2 (iadd) takes 2 operands, not 1"},
      {"func f() {\nb0:\n    v1 = val null\n    v2 = val box v1\n    ret v2\n}\n", "v2 (box): box of v1, which is val"},
      {"func f() {\nb0:\n    v1 = val null\n    v2 = val unbox v1\n    ret v2\n}\n", "v2 (unbox) cannot have type val"},
      {"func f(c) {\nb0:\n    v1 = val param 0\n    v3 = bool truthy v1\n    br v3, b1, b2\nb1:\n    jmp b2\n"
       "b2: <- b0 b1\n    v2 = i64 phi [b0: v1], [b1: v1]\n    ret v1\n}\n",
       "v2 (phi) of type i64 has an operand v1 of type val"},
      {"func f(c) {\nb0:\n    v1 = val param 0\n    jmp b1\nb1:\n    v2 = val param 0\n    ret v2\n}\n",
       "v2 (param): param outside the entry block"},
      {"func f(c) {\nb0:\n    v1 = val param 3\n    ret v1\n}\n", "v1 (param): param 3, but f has 1 parameters"},
      {"func g(a) {\nb0:\n    v1 = val param 0\n    ret v1\n}\nfunc f() {\nb0:\n    fs0 = state f@0 [|]\n"
       "    v1 = val Call[g] !fs0\n    ret v1\n}\n",
       "v1 (Call): g takes 1 arguments, the call passes 0"},
      {"func f() {\nb0:\n    v1 = val null\n    fs0 = state f@0 [|]\n    v2 = val CallBuiltin[sqrt] v1, v1 !fs0\n    ret v2\n}\n",
       "v2 (CallBuiltin): sqrt takes 1 arguments, not 2"},
      {"func f() locals(x) {\nb0:\n    v1 = val null\n    fs0 = state f@0 [_ |]\n    checkkind[x] v1 !fs0\n    ret v1\n}\n",
       "checkkind in b0: checkkind of x, which has no declared kind"},
      {"func f() locals(x) {\nb0:\n    v1 = val null\n    fs0 = state f@0 [|]\n    v2 = val Neg v1 !fs0\n    ret v2\n}\n",
       "fs0: 0 locals, f has 1"},
      {"func f() {\nb0:\n    v1 = val null\n    v2 = bool truthy v1\n    br v2, b1, b0\nb1:\n    ret v1\n}\n",
       "br in b0: jumps to the entry block b0"},
      {"func f() {\nb0:\n    v1 = val null\n    jmp b1\nb1: <- b0 b0\n    ret v1\n}\n",
       "b1 lists b0 as a predecessor 2 times, but b0 has 1 edges to it"},
      {"func f() {\nb0:\n    v1 = val null\n    jmp b1\nb2:\n    ret v1\nb1: <- b2\n    ret v1\n}\n",
       "b0 jumps to b1, which does not list it as a predecessor"},
      {"func f() {\nb0:\n    v1 = val null\n    fs0 = state f@0 [| v1]\n    fs1 = state f@0 [| v1] parent fs1\n"
       "    v2 = val Neg v1 !fs1\n    ret v2\n}\n",
       "frame state fs1 has a cycle of parents"},
      {"func f() {\nb0:\n    v1 = val null\n    v2 = bool istag[int] v1\n    guard[tag] v2\n    ret v1\n}\n",
       "guard in b0 may leave compiled code but has no frame state"},
      {"func f() {\nb0:\n    deopt[check]\n}\n", "deopt in b0 may leave compiled code but has no frame state"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *e = verify_errors(cases[i].src);
    HAS(e, cases[i].msg);
    free(e);
  }
}

Test(ir, verifier_checks_program_references) {
  /* hand-built: a constant, a global and a property name the program lacks */
  sc_irfunc *f = parse("func f() {\nb0:\n    v1 = val null\n    ret v1\n}\n");
  uint32_t c = sc_ir_insert(f, 0, 0, IR_const, SC_TY_VAL, 0);
  f->ins[c].imm = 99;
  uint32_t g = sc_ir_insert(f, 0, 1, IR_LoadGlobal, SC_TY_VAL, 0);
  f->ins[g].aux = 5;
  sc_diags d = {0};
  cr_assert_neq(sc_ir_verify(f, &d), 0);
  char *e = diag_text(&d, false);
  HAS(e, "no constant #99");
  HAS(e, "no global #5");
  free(e);
}

Test(ir, verifier_checks_every_static_operand_kind) {
  /* every kind of irops.def's static column out of range, one each */
  sc_irfunc *f = parse("func f() {\nb0:\n    v1 = val null\n    ret v1\n}\n");
  static const struct {
    sc_irop op;
    sc_ty ty;
    uint32_t nargs;
    int32_t aux;
    int64_t imm;
    const char *msg;
  } cases[] = {
      {IR_istag, SC_TY_BOOL, 1, SC_NTAGS, 0, "no tag #"},
      {IR_icmp, SC_TY_BOOL, 2, SC_NCONDS, 0, "no condition #"},
      {IR_guard, SC_TY_VOID, 1, SC_NREASONS, 0, "no reason #"},
      {IR_checkkind, SC_TY_VOID, 1, 7, 0, "no local #7"},
      {IR_StoreGlobal, SC_TY_VOID, 1, 9, 0, "no global #9"},
      {IR_GetProp, SC_TY_VAL, 1, 1000, 0, "no property name #1000"},
      {IR_CallBuiltin, SC_TY_VAL, 0, SC_NBUILTINS, 0, "no builtin #"},
      {IR_Call, SC_TY_VAL, 0, 0, 42, "calls a missing function #42"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cr_assert_neq(sc_irop_static(cases[i].op), SC_SK_NONE, "%s has a static operand", sc_irop_name(cases[i].op));
    uint32_t v = sc_ir_insert(f, 0, 1, cases[i].op, cases[i].ty, cases[i].nargs);
    f->ins[v].aux = cases[i].aux;
    f->ins[v].imm = cases[i].imm;
    for (uint32_t k = 0; k < cases[i].nargs; k++) f->ins[v].args[k] = 1;
  }
  sc_diags d = {0};
  cr_assert_neq(sc_ir_verify(f, &d), 0);
  char *e = diag_text(&d, false);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) HAS(e, cases[i].msg);
  free(e);
  cr_assert_eq(sc_irop_static(IR_iadd), SC_SK_NONE);
  cr_assert_eq(sc_irop_static(IR_hasshape), SC_SK_NUM);
}

Test(ir, builder_and_forwarding) {
  sc_program *p = sc_program_new("t");
  sc_func_add(p, "f", 1);
  sc_irfunc *f = sc_ir_new(&arena, p, 0, "f", 1, 1);
  uint32_t b0 = sc_ir_block(f), b1 = sc_ir_block(f);
  uint32_t a = sc_ir_append(f, b0, IR_param, SC_TY_VAL, 0);
  uint32_t c = sc_ir_append(f, b0, IR_copy, SC_TY_VAL, 1);
  f->ins[c].args[0] = a;
  uint32_t j = sc_ir_append(f, b0, IR_jmp, SC_TY_VOID, 0);
  f->ins[j].succ[0] = b1;
  sc_ir_add_pred(f, b1, b0);
  uint32_t ret = sc_ir_append(f, b1, IR_ret, SC_TY_VOID, 1);
  uint32_t phi = sc_ir_append(f, b1, IR_phi, SC_TY_VAL, 1); /* goes before ret */
  f->ins[phi].args[0] = c;
  f->ins[ret].args[0] = phi;
  cr_assert_eq(f->blk[b1].ins[0], phi);
  verifies(f);
  uint32_t *fwd = calloc(f->nins, sizeof *fwd);
  fwd[phi] = c;
  fwd[c] = a;
  sc_ir_forward(f, fwd, f->nins);
  free(fwd);
  cr_assert_eq(f->ins[ret].args[0], a);
  cr_assert(sc_pass_phis(f, &(sc_pass_ctx){0}) || true);
  cr_assert_eq(sc_ir_succs(f, b0, (uint32_t[2]){0}), 1);
}

/* Lifts every function of a .sasm file through the default pipeline with
 * the verifier on, then checks the round trip. */
static int lift_file(const char *path) {
  sc_diags d = {.filename = path};
  sc_program *p = sc_assemble_file(path, &d);
  if (!p || sc_verify(p, &d) || d.n) return 0; /* bad inputs are the assembler's tests */
  sc_pipeline_opts o = {.verify = true, .check_roundtrip = true, .out = stdout, .err = stderr};
  for (uint32_t i = 0; i < p->nfuncs; i++) {
    sc_arena a;
    sc_arena_init(&a);
    sc_irfunc *f = sc_pipeline_lift(&a, p, i, NULL, "lift,phis,simplify,dce,preheaders,phis", &(sc_pass_ctx){.opts = &o});
    cr_assert_not_null(f, "%s: %s", path, p->funcs[i]->name);
    cr_assert(sc_ir_roundtrips(f, stderr), "%s: %s", path, p->funcs[i]->name);
    /* no phi is trivial after lifting and cleanup */
    sc_arena_drop(&a);
  }
  return 1;
}

static int lift_dir(const char *sub) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/%s", SC_SRCDIR, sub);
  DIR *dp = opendir(dir);
  if (!dp) return 0;
  struct dirent *e;
  int n = 0;
  while ((e = readdir(dp))) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".sasm")) continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    n += lift_file(path);
  }
  closedir(dp);
  return n;
}

Test(ir, lift_every_program_of_the_tree, .timeout = 120) {
  int n = lift_dir("tests/programs") + lift_dir("bench") + lift_dir("tests/golden") + lift_dir("examples");
  cr_assert_gt(n, 50, "only %d programs lifted", n);
}

/* Lifting leaves no redundant phi: a second removal finds nothing. */
Test(ir, lifted_ssa_is_minimal) {
  const char *src = "func main() {\n    local i\n    local s\n    PushConst 0\n    StoreLocal i\n    PushConst 0\n"
                    "    StoreLocal s\nouter:\n    LoadLocal i\n    PushConst 3\n    Lt\n    JumpIfFalse done\n"
                    "inner:\n    LoadLocal s\n    PushConst 1\n    Add\n    StoreLocal s\n    LoadLocal s\n    PushConst 5\n"
                    "    Lt\n    JumpIfTrue inner\n    LoadLocal i\n    PushConst 1\n    Add\n    StoreLocal i\n"
                    "    Jump outer\ndone:\n    LoadLocal s\n    Print\n    Return\n}\n";
  sc_diags d = {0};
  sc_program *p = sc_assemble("t.sasm", src, strlen(src), &d);
  cr_assert(p && sc_verify(p, &d) == 0);
  sc_irfunc *f = sc_lift(&arena, p, 0, NULL);
  verifies(f);
  cr_assert_not(sc_ir_remove_redundant_phis(f));
  int phis = 0;
  for (uint32_t b = 0; b < f->nblk; b++)
    for (uint32_t i = 0; i < f->blk[b].nins; i++) phis += f->ins[f->blk[b].ins[i]].op == IR_phi;
  cr_assert_eq(phis, 3); /* i at the outer header, s at both headers */
  sc_ir_loops(f);
  cr_assert_eq(f->nloops, 2);
  cr_assert_eq(f->loops[1].parent, 0);
}

/* A pass that leaves malformed IR is named, with the function printed. */
Test(ir, verifier_failure_names_the_pass) {
  sc_irfunc *f = parse("func f(c) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    br v2, b1, b2\n"
                       "b1:\n    v3 = val null\n    jmp b2\nb2:\n    Print v3\n    ret v1\n}\n");
  char *out;
  size_t n;
  FILE *m = open_memstream(&out, &n);
  sc_pipeline_opts o = {.verify = true, .out = m, .err = m};
  cr_assert_eq(sc_pipeline_run(f, "phis,dce", &(sc_pass_ctx){.opts = &o}), -1);
  fclose(m);
  HAS(out, "shapec: error: the IR verifier failed after pass 'phis' on function 'f':\n");
  HAS(out, "Print in b2 uses v3, which does not dominate it");
  HAS(out, "func f(c) {\nb0:\n");
  cr_assert_null(strstr(out, "'dce'"), "the pipeline stops at the first failure");
  free(out);
}

/* Copies in a cycle (only possible in unreachable code) do not hang the
 * phis pass. */
Test(ir, copy_cycle_terminates) {
  sc_irfunc *f = parse("func f() {\nb0:\n    v1 = val null\n    ret v1\n"
                       "b1:\n    v2 = val copy v3\n    v3 = val copy v2\n    Print v3\n    jmp b1\n}\n");
  cr_assert(sc_pass_phis(f, &(sc_pass_ctx){0}));
  verifies(f);
}

Test(ir, print_after_and_time_passes) {
  sc_irfunc *f = parse("func f(c) {\nb0:\n    v1 = val param 0\n    jmp b1\nb1:\n    ret v1\n}\n");
  char *out, *err;
  size_t n, ne;
  FILE *m = open_memstream(&out, &n), *e = open_memstream(&err, &ne);
  sc_pipeline_opts o = {.print_after = "simplify", .time_passes = true, .verify = true, .out = m, .err = e};
  cr_assert_eq(sc_pipeline_run(f, "phis,simplify,dce", &(sc_pass_ctx){.opts = &o}), 0);
  fclose(m);
  fclose(e);
  cr_assert_str_eq(out, "; after simplify\nfunc f(c) {\nb0:\n    v1 = val param 0\n    ret v1\n}\n");
  HAS(err, "pass phis ");
  HAS(err, "pass simplify ");
  HAS(err, "pass dce ");
  free(out);
  free(err);
}

/* Thousands of locals and blocks: the lifter's definition map switches to
 * hashing; the result still verifies, and locals live across the whole
 * function keep one value without phis. */
Test(ir, many_locals_many_blocks, .timeout = 60) {
  sc_program *p = sc_program_new("t");
  sc_func *m = sc_func_add(p, "main", 0);
  enum { NLOC = 3000, NDIAMONDS = 1500 };
  for (int i = 0; i < NLOC; i++) {
    char n[16];
    snprintf(n, sizeof n, "x%d", i);
    sc_func_add_local(m, n, SC_KIND_ANY);
  }
  int32_t c1 = (int32_t)sc_const_add(p, sc_int(1));
  for (int i = 0; i < NLOC; i++) {
    sc_emit(m, SC_OP_PushConst, c1, 0, 0, 0);
    sc_emit(m, SC_OP_StoreLocal, i, 0, 0, 0);
  }
  for (int k = 0; k < NDIAMONDS; k++) {
    int32_t a = k % NLOC, b = (k * 7 + 1) % NLOC;
    sc_emit(m, SC_OP_LoadLocal, a, 0, 0, 0);
    uint32_t br = sc_emit(m, SC_OP_JumpIfFalse, 0, 0, 0, 0);
    sc_emit(m, SC_OP_LoadLocal, a, 0, 0, 0);
    sc_emit(m, SC_OP_PushConst, c1, 0, 0, 0);
    sc_emit(m, SC_OP_Add, 0, 0, 0, 0);
    sc_emit(m, SC_OP_StoreLocal, b, 0, 0, 0);
    m->code[br].a = (int32_t)sc_emit(m, SC_OP_Nop, 0, 0, 0, 0);
  }
  for (int i = 0; i < NLOC; i += 100) {
    sc_emit(m, SC_OP_LoadLocal, i, 0, 0, 0);
    sc_emit(m, SC_OP_Print, 0, 0, 0, 0);
  }
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  sc_diags d = {0};
  cr_assert_eq(sc_verify(p, &d), 0);
  sc_irfunc *f = sc_lift(&arena, p, 0, NULL);
  cr_assert_gt((uint64_t)f->nblk * (NLOC + m->max_stack), 1u << 23, "the hash map is what this tests");
  verifies(f);
  sc_pipeline_opts o = {.verify = true, .out = stdout, .err = stderr};
  cr_assert_eq(sc_pipeline_run(f, "phis,simplify,dce", &(sc_pass_ctx){.opts = &o}), 0);
}

/* The parser's string literals must survive collections while the rest of
 * the text is lexed (they lived only in an unscanned token array once, and
 * later literals reused their memory: found by fuzz_ir). */
Test(ir, string_literals_survive_collection_while_parsing) {
  enum { N = 6000, LEN = 150 };
  size_t cap = (size_t)N * (LEN + 48) + 256, n = 0;
  char *src = malloc(cap);
  n += (size_t)sprintf(src + n, "func main() {\nb0:\n");
  for (int i = 0; i < N; i++) {
    n += (size_t)sprintf(src + n, "    v%d = val const \"%06d", i + 1, i);
    for (int k = 6; k < LEN; k++) src[n++] = (char)('a' + (i + k) % 26);
    n += (size_t)sprintf(src + n, "\"\n");
  }
  n += (size_t)sprintf(src + n, "    ret v%d\n}\n", N);
  sc_irfunc *f = parse(src);
  char *buf;
  size_t blen;
  FILE *m = open_memstream(&buf, &blen);
  sc_ir_print(f, m);
  fclose(m);
  /* every literal prints back as it was written */
  char *p = buf;
  for (int i = 0; i < N; i++) {
    char want[LEN + 8];
    int w = sprintf(want, "\"%06d", i);
    for (int k = 6; k < LEN; k++) want[w++] = (char)('a' + (i + k) % 26);
    want[w++] = '"';
    want[w] = 0;
    char *q = strstr(p, want);
    cr_assert_not_null(q, "literal %d is not printed back intact", i);
    p = q + w;
  }
  free(buf);
  free(src);
}

/* sc_ir_forward reads fwd[v] only for v < nfwd: passes add instructions
 * (a constant for truthy of a boxed int) after sizing their forwarding
 * array, and reading past it made forwarding follow garbage (a hang or a
 * crash that depended on the heap's layout). Here the array ends at an
 * inaccessible page, so a read past it faults in any build. */
Test(ir, forward_ignores_instructions_added_after_sizing) {
  sc_irfunc *f = parse("func f(a) {\nb0:\n    v1 = val param 0\n    v2 = bool truthy v1\n    v3 = bool copy v2\n"
                       "    br v3, b1, b2\nb1:\n    ret v1\nb2:\n    ret v1\n}\n");
  uint32_t nfwd = f->nins;
  long pg = sysconf(_SC_PAGESIZE);
  char *mem = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  cr_assert_neq(mem, MAP_FAILED);
  cr_assert_eq(mprotect(mem + pg, (size_t)pg, PROT_NONE), 0);
  uint32_t *fwd = (uint32_t *)(mem + pg) - nfwd;
  memset(fwd, 0, nfwd * sizeof *fwd);
  /* added after sizing, and used: its index is past the array */
  uint32_t k = sc_ir_insert(f, 0, 1, IR_const, SC_TY_I64, 0);
  cr_assert_geq(k, nfwd);
  uint32_t t = sc_ir_insert(f, 0, 2, IR_icmp, SC_TY_BOOL, 2);
  f->ins[t].args[0] = k, f->ins[t].args[1] = k;
  fwd[3] = 2; /* v3, the copy, becomes v2 */
  f->ins[3].dead = 1;
  sc_ir_forward(f, fwd, nfwd);
  cr_assert_eq(f->ins[sc_ir_term(f, 0)].args[0], 2);
  cr_assert_eq(f->ins[t].args[0], k);
  munmap(mem, 2 * (size_t)pg);
}
