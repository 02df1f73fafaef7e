/* The SSA IR: dominators, loops (irreducible too), preheaders, the parser's
 * diagnostics and every class of verifier error. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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

static char *parse_errors(const char *src) {
  sc_diags d = {0};
  sc_irfunc *f = sc_ir_parse(&arena, sc_program_new("t"), "t.ssa", src, strlen(src), &d);
  cr_assert_null(f);
  char *buf;
  size_t n;
  FILE *m = open_memstream(&buf, &n);
  sc_diags_print(&d, m);
  fclose(m);
  return buf;
}

static char *verify_errors(const char *src) {
  sc_irfunc *f = parse(src);
  sc_diags d = {0};
  cr_assert_neq(sc_ir_verify(f, &d), 0, "expected a verifier error");
  char *buf;
  size_t n;
  FILE *m = open_memstream(&buf, &n);
  for (uint32_t k = 0; k < d.n; k++) fprintf(m, "%s\n", d.v[k].msg);
  fclose(m);
  return buf;
}

/* b0 -> b1 -> {b2, b3} -> b4; b4 -> b1 (loop), b4 -> b5 */
static const char *nested =
    "func f(c) {\nb0:\n    v1 = val param 0\n    jmp b1\n"
    "b1:\n    br v1, b2, b3\n"
    "b2:\n    jmp b4\n"
    "b3:\n    jmp b6\n"
    "b6:\n    br v1, b6, b4\n"
    "b4:\n    br v1, b1, b5\n"
    "b5:\n    ret v1\n}\n";

Test(ir, dominators) {
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
  cr_assert_not(sc_ir_dominates(f, 2, 4));
}

Test(ir, loop_forest) {
  sc_irfunc *f = parse(nested);
  sc_ir_loops(f);
  cr_assert_not(f->irreducible);
  cr_assert_eq(f->nloops, 2);
  const sc_loop *outer = &f->loops[0], *inner = &f->loops[1];
  cr_assert_eq(outer->header, 1);
  cr_assert_eq(outer->depth, 1);
  cr_assert_eq(outer->nblocks, 5); /* b1 b2 b3 b6 b4 */
  cr_assert_eq(inner->header, 6);
  cr_assert_eq(inner->parent, 0);
  cr_assert_eq(inner->depth, 2);
  cr_assert_eq(f->loop_of[6], 1);
  cr_assert_eq(f->loop_of[4], 0);
  cr_assert_eq(f->loop_of[5], -1);
  cr_assert_eq(outer->nexits, 1);
  cr_assert_eq(outer->exits[0], 5);
  cr_assert_eq(inner->nexits, 1);
  cr_assert_eq(inner->exits[0], 4);
}

Test(ir, irreducible_detected) {
  /* b0 enters the cycle b1 <-> b2 at both ends */
  sc_irfunc *f = parse("func f(c) {\nb0:\n    v1 = val param 0\n    br v1, b1, b2\n"
                       "b1:\n    br v1, b2, b3\nb2:\n    jmp b1\nb3:\n    ret v1\n}\n");
  sc_ir_loops(f);
  cr_assert(f->irreducible);
  cr_assert_eq(f->nloops, 0); /* neither block dominates the other: no natural loop */
}

Test(ir, preheader_created_and_verified) {
  /* two entries into the header b2 (from b0 and b1), one latch b3 */
  sc_irfunc *f = parse("func f(c) {\nb0:\n    v1 = val param 0\n    br v1, b1, b2\n"
                       "b1:\n    v2 = val const 1\n    jmp b2\n"
                       "b2:  ; preds b0 b1 b3\n    v3 = val phi [b0: v1], [b1: v2], [b3: v3]\n    br v3, b3, b4\n"
                       "b3:\n    jmp b2\nb4:\n    ret v3\n}\n");
  sc_ir_loops(f);
  cr_assert_eq(f->nloops, 1);
  uint32_t p = sc_ir_preheader(f, 0);
  cr_assert_eq(f->blk[2].npreds, 2); /* the preheader and the latch */
  cr_assert_eq(f->blk[2].preds[0], p);
  sc_diags d = {0};
  int bad = sc_ir_verify(f, &d);
  for (uint32_t k = 0; k < d.n; k++) fprintf(stderr, "%s\n", d.v[k].msg);
  cr_assert_eq(bad, 0);
  sc_ir_loops(f);
  cr_assert_eq(sc_ir_preheader(f, 0), p); /* already there */
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
  cr_assert_str_eq(e, "t.ssa:3:1: error: v9 is used but never defined\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    jmp b7\n}\n");
  cr_assert_str_eq(e, "t.ssa:0:0: error: b0 jumps to undefined block b7\n");
  free(e);
  e = parse_errors("func f() {\nb0:\n    v1 = val null\n    ret v1\n");
  cr_assert_str_eq(e, "t.ssa:4:1: error: missing '}' at the end of the function\n");
  free(e);
}

Test(ir, verifier_errors) {
  char *e;
  e = verify_errors("func f(c) {\nb0:\n    v1 = val param 0\n    br v1, b1, b2\nb1:\n    jmp b3\nb2:\n    v2 = val null\n    jmp b3\n"
                    "b3:\n    ret v2\n}\n");
  cr_assert(strstr(e, "v3 uses v2, which does not dominate the use") || strstr(e, "does not dominate"), "%s", e);
  free(e);
  e = verify_errors("func f() {\nb0:\n    v1 = val null\n}\n");
  cr_assert(strstr(e, "b0 does not end in a terminator"), "%s", e);
  free(e);
  e = verify_errors("func f() {\nb0:\n    v1 = val null\n    ret v1\n    v2 = val null\n}\n");
  cr_assert(strstr(e, "is not last in b0"), "%s", e);
  free(e);
  e = verify_errors("func f() {\nb0:\n    v1 = val const 1\n    v2 = val Add v1, v1\n    ret v2\n}\n");
  cr_assert(strstr(e, "v2 may leave compiled code but has no frame state"), "%s", e);
  free(e);
  e = verify_errors("func f() {\nb0:\n    v1 = i64 const 1\n    ret v1\n}\n");
  cr_assert(strstr(e, "v2 needs val operands, v1 is i64"), "%s", e);
  free(e);
  e = verify_errors("func f(c) {\nb0:\n    v1 = val param 0\n    br v1, b1, b2\nb1:\n    jmp b2\n"
                    "b2:  ; preds b0 b1\n    v2 = i64 phi [b0: v1], [b1: v1]\n    ret v1\n}\n");
  cr_assert(strstr(e, "phi v2 is i64 but operand v1 is val"), "%s", e);
  free(e);
  e = verify_errors("func f(c) {\nb0:\n    v1 = val param 0\n    jmp b1\nb1:\n    v2 = val param 0\n    ret v2\n}\n");
  cr_assert(strstr(e, "param v2 outside the entry block"), "%s", e);
  free(e);
}

Test(ir, phi_arity_mismatch_rejected) {
  char *e = parse_errors("func f(c) {\nb0:\n    v1 = val param 0\n    jmp b1\nb1:\n    v2 = val phi [b0: v1], [b0: v1]\n    ret v2\n}\n");
  cr_assert(strstr(e, "phi v2 has 2 operands, b1 has 1 predecessors"), "%s", e);
  free(e);
}

/* Lifting every program of the tree gives IR that verifies after each pass
 * and survives print -> parse -> print. */
Test(ir, lift_and_roundtrip_program) {
  const char *src = "func f(n) {\n    local i\n    PushConst 0\n    StoreLocal i\ntop:\n    LoadLocal i\n"
                    "    LoadLocal n\n    Lt\n    JumpIfFalse out\n    LoadLocal i\n    PushConst 1\n    Add\n"
                    "    StoreLocal i\n    Jump top\nout:\n    LoadLocal i\n    ReturnValue\n}\n"
                    "func main() {\n    PushConst 3\n    Call f 1\n    Print\n    Return\n}\n";
  sc_diags d = {0};
  sc_program *p = sc_assemble("t.sasm", src, strlen(src), &d);
  cr_assert(p && sc_verify(p, &d) == 0);
  sc_irfunc *f = sc_lift(&arena, p, 0, NULL);
  sc_pipeline_opts o = {.verify = true, .out = stdout, .err = stderr};
  cr_assert_eq(sc_pipeline_run(f, "lift,phis,simplify,dce", &o), 0);
  sc_ir_loops(f);
  cr_assert_eq(f->nloops, 1);
  char *t1, *t2;
  size_t n1, n2;
  FILE *m = open_memstream(&t1, &n1);
  sc_ir_print(f, m);
  fclose(m);
  sc_irfunc *g = sc_ir_parse(&arena, p, "t", t1, n1, &d);
  cr_assert_not_null(g);
  m = open_memstream(&t2, &n2);
  sc_ir_print(g, m);
  fclose(m);
  cr_assert_str_eq(t1, t2);
  free(t1);
  free(t2);
}
