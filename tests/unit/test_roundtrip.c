/* Disassembly round trip: assemble -> disassemble -> reassemble gives the
 * same bytecode, field by field, for every program in the tree (the
 * directories are read at run time, so new programs are covered as they
 * arrive), for programs written here, and for programs built in C. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shapec/shapec.h"

static bool same_const(sc_value u, sc_value v) {
  if (u.tag != v.tag) return false;
  if (u.tag == SC_NULL) return true;
  if (u.tag == SC_STR) return u.s->len == v.s->len && !memcmp(u.s->data, v.s->data, (size_t)u.s->len);
  return u.i == v.i; /* bits: -0.0 is not 0.0 */
}

/* names: whether names must match too (false for renamed C-built programs) */
static void same_program(const sc_program *a, const sc_program *b, const char *what, bool names) {
  cr_assert_eq(a->nfuncs, b->nfuncs, "%s", what);
  cr_assert_eq(a->nglobals, b->nglobals, "%s", what);
  cr_assert_eq(a->main_index, b->main_index, "%s", what);
  for (uint32_t i = 0; names && i < a->nglobals; i++) cr_assert_str_eq(a->global_names[i], b->global_names[i], "%s", what);
  if (names) { /* assembled programs: the pools come out in the same order */
    cr_assert_eq(a->nconsts, b->nconsts, "%s", what);
    for (uint32_t i = 0; i < a->nconsts; i++) cr_assert(same_const(a->consts[i], b->consts[i]), "%s const %u", what, i);
    cr_assert_eq(a->nnames, b->nnames, "%s", what);
    for (uint32_t i = 0; i < a->nnames; i++) cr_assert_str_eq(a->names[i], b->names[i], "%s", what);
  }
  for (uint32_t i = 0; i < a->nfuncs; i++) {
    const sc_func *f = a->funcs[i], *g = b->funcs[i];
    if (names) cr_assert_str_eq(f->name, g->name, "%s", what);
    cr_assert_eq(g->index, i, "%s", what);
    cr_assert_eq(f->arity, g->arity, "%s %s", what, f->name);
    cr_assert_eq(f->nlocals, g->nlocals, "%s %s", what, f->name);
    if (f->nlocals) cr_assert_eq(memcmp(f->local_kinds, g->local_kinds, f->nlocals), 0, "%s %s", what, f->name);
    for (uint32_t k = 0; names && k < f->nlocals; k++) cr_assert_str_eq(f->local_names[k], g->local_names[k]);
    cr_assert_eq(f->ncode, g->ncode, "%s %s", what, f->name);
    cr_assert_eq(f->max_stack, g->max_stack, "%s %s", what, f->name);
    cr_assert_eq(f->nfeedback, g->nfeedback, "%s %s", what, f->name);
    for (uint32_t pc = 0; pc < f->ncode; pc++) {
      const sc_insn *x = &f->code[pc], *y = &g->code[pc];
      cr_assert(x->op == y->op && x->b == y->b && x->fb == y->fb, "%s %s pc %u", what, f->name, pc);
      sc_operand k = sc_op_operand((sc_op)x->op);
      if (k == SC_OPND_CONST)
        cr_assert(same_const(a->consts[x->a], b->consts[y->a]), "%s %s pc %u", what, f->name, pc);
      else if (k == SC_OPND_NAME)
        cr_assert_str_eq(a->names[x->a], b->names[y->a], "%s %s pc %u", what, f->name, pc);
      else
        cr_assert_eq(x->a, y->a, "%s %s pc %u", what, f->name, pc);
    }
  }
}

static char *disasm(const sc_program *p) {
  char *text;
  size_t len;
  FILE *f = open_memstream(&text, &len);
  sc_disassemble(p, f);
  fclose(f);
  return text;
}

/* Disassembles verified p, reassembles, verifies, compares; then checks
 * that the text is a fixed point. */
static void roundtrip(const sc_program *p, const char *what, bool names) {
  char *text = disasm(p);
  sc_diags d = {0};
  sc_program *q = sc_assemble(what, text, strlen(text), &d);
  if (!q) sc_diags_print(&d, stderr);
  cr_assert_not_null(q, "%s does not reassemble:\n%s", what, text);
  int r = sc_verify(q, &d);
  if (r) sc_diags_print(&d, stderr);
  cr_assert_eq(r, 0, "%s does not verify after the round trip", what);
  same_program(p, q, what, names);
  char *text2 = disasm(q);
  cr_assert_str_eq(text, text2, "%s: disassembly is not a fixed point", what);
  free(text);
  free(text2);
}

static sc_program *assemble_ok(const char *src) {
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble("inline.sasm", src, strlen(src), &d);
  if (p) sc_verify(p, &d);
  if (d.n) sc_diags_print(&d, stderr);
  cr_assert(p && d.n == 0);
  return p;
}

static int roundtrip_dir(const char *dir, int *skipped) {
  char path[4096];
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 6 || strcmp(e->d_name + l - 5, ".sasm")) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    sc_diags d1 = {0};
    sc_program *p = sc_assemble_file(path, &d1);
    if (!p || sc_verify(p, &d1)) { /* not every program there is meant to be valid */
      (*skipped)++;
      continue;
    }
    roundtrip(p, path, true);
    n++;
  }
  closedir(d);
  return n;
}

Test(roundtrip, every_program_in_the_tree, .timeout = 120) {
  sc_runtime_init();
  int skipped = 0;
  int programs = roundtrip_dir(SC_SRCDIR "/tests/programs", &skipped);
  int bench = roundtrip_dir(SC_SRCDIR "/bench", &skipped);
  int other = roundtrip_dir(SC_SRCDIR "/examples", &skipped) + roundtrip_dir(SC_SRCDIR "/tests/golden", &skipped);
  cr_assert_gt(programs, 50, "only %d programs in tests/programs", programs);
  cr_assert_gt(bench, 10, "only %d programs in bench", bench);
  cr_assert_gt(programs + bench + other, skipped, "%d programs skipped as invalid", skipped);
  /* the bad corpus must all be rejected, so none of it round trips */
  int bad_skipped = 0;
  cr_assert_eq(roundtrip_dir(SC_SRCDIR "/tests/bad", &bad_skipped), 0);
  cr_assert_gt(bad_skipped, 44);
}

Test(roundtrip, literals) {
  sc_program *p = assemble_ok(
      "func main() {\n"
      "    PushConst 0\n    PushConst -9223372036854775808\n    PushConst 9223372036854775807\n"
      "    PushConst 0.1\n    PushConst 1.0e-05\n    PushConst 1.0e+16\n    PushConst 1.0e16\n"
      "    PushConst 5.0e-324\n    PushConst 1.7976931348623157e308\n    PushConst -0.0\n    PushConst 0.0\n"
      "    PushConst 123456789012345680.0\n    PushConst 2.5\n    PushConst -1.5e-300\n    PushConst 100.0\n"
      "    PushConst 0.30000000000000004\n    PushConst 9007199254740993.0\n"
      "    PushConst \"\"\n    PushConst \"a\\n\\t\\\\\\\"b ; c\"\n    PushConst \"\xc3\xa9\xe2\x82\xac\"\n"
      "    PushConst \"\r\"\n    PushConst true\n    PushConst false\n    PushConst null\n"
      "    Return\n}\n");
  roundtrip(p, "literals", true);
  cr_assert_eq(p->nconsts, 23); /* 1.0e+16 and 1.0e16 are one constant */
}

Test(roundtrip, operands_and_labels) {
  sc_program *p = assemble_ok(
      "global g\nglobal counter\n"
      "func fib(n) {\n    local tmp\n    local i: int\n    local x: float\n    local b: bool\n    local a: any\n"
      "    LoadLocal n\n    PushConst 2\n    LtInt\n    JumpIfFalse rec\n    LoadLocal n\n    ReturnValue\n"
      "rec:\n    LoadLocal n\n    PushConst 1\n    SubInt\n    Call fib 1\n    LoadLocal 0\n    PushConst 2\n"
      "    SubInt\n    Call fib 1\n    AddInt\n    ReturnValue\n}\n"
      "func main() {\n    local o\nloop:\n    LoopStart\n    LoadGlobal counter\n    PushConst 1\n    Add\n"
      "    Dup\n    StoreGlobal 1\n    PushConst 10\n    Lt\n    JumpIfTrue loop\n    LoopEnd\n"
      "    NewObject\n    Dup\n    PushConst 1\n    SetProp field\n    GetProp field\n    Pop\n"
      "    PushFunc fib\n    PushConst 5\n    CallValue 1\n    PushConst 2.0\n    CallBuiltin sqrt 1\n"
      "    CallBuiltin max 2\n    Print\n    NewMap\n    StoreLocal o\n    PushNull\n    PushNull\n    NewArray 2\n"
      "    Pop\n    Jump end\n    Nop\nend:\n    Halt\n}\n");
  roundtrip(p, "operands", true);
}

Test(roundtrip, text_is_exact) {
  sc_program *p = assemble_ok("global g\n"
                              "func f(a, b) {\n    local t: int\n    LoadLocal a\n    JumpIfFalse out\n"
                              "    PushConst 1.0e+16\n    StoreLocal t\nout:\n    Return\n}\n"
                              "func main() {\n    PushConst \"x\\ty\"\n    PushNull\n    Call f 2\n    StoreGlobal g\n"
                              "    CallBuiltin clock 0\n    Pop\n    Return\n}\n");
  char *text = disasm(p);
  cr_assert_str_eq(text, "global g\n\n"
                         "func f(a, b) {\n    local t: int\n    LoadLocal a\n    JumpIfFalse L4\n"
                         "    PushConst 1.0e+16\n    StoreLocal t\nL4:\n    Return\n}\n\n"
                         "func main() {\n    PushConst \"x\\ty\"\n    PushNull\n    Call f 2\n    StoreGlobal g\n"
                         "    CallBuiltin clock 0\n    Pop\n    Return\n}\n");
  free(text);
}

/* Programs built in C may have names no .sasm could use: they are renamed,
 * and the bytecode still comes back the same. */
Test(roundtrip, c_built_with_unusable_names) {
  sc_runtime_init();
  sc_program *p = sc_program_new("host");
  sc_func *h = sc_func_add(p, "helper fn", 2);
  sc_func *m = sc_func_add(p, "main", 0);
  sc_func *d = sc_func_add(p, "helper fn!", 0); /* not an identifier either (duplicates do not verify) */
  sc_global_add(p, "a-b");
  sc_global_add(p, "ok");
  sc_func_add_local(m, "x", SC_KIND_INT);
  sc_func_add_local(m, "x", SC_KIND_FLOAT); /* a duplicate local */
  sc_func_add_local(h, "3d", SC_KIND_BOOL);
  sc_emit(h, SC_OP_LoadLocal, 2, 0, 0, 0);
  sc_emit(h, SC_OP_ReturnValue, 0, 0, 0, 0);
  sc_emit(d, SC_OP_Return, 0, 0, 0, 0);
  sc_emit(m, SC_OP_PushConst, (int32_t)sc_const_add(p, sc_float(0.5)), 0, 0, 0);
  sc_emit(m, SC_OP_PushConst, (int32_t)sc_const_add(p, sc_float(-0.0)), 0, 0, 0);
  sc_emit(m, SC_OP_Call, 0, 2, 0, 0);
  sc_emit(m, SC_OP_StoreLocal, 1, 0, 0, 0);
  sc_emit(m, SC_OP_LoadGlobal, 0, 0, 0, 0);
  sc_emit(m, SC_OP_StoreGlobal, 1, 0, 0, 0);
  sc_emit(m, SC_OP_Call, 2, 0, 0, 0);
  sc_emit(m, SC_OP_Pop, 0, 0, 0, 0);
  sc_emit(m, SC_OP_PushFunc, 2, 0, 0, 0);
  sc_emit(m, SC_OP_Pop, 0, 0, 0, 0);
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  sc_diags dg = {0};
  cr_assert_eq(sc_verify(p, &dg), 0);
  roundtrip(p, "c-built", false);
  char *text = disasm(p);
  cr_assert_not_null(strstr(text, "global g0\nglobal g1\n"));
  cr_assert_not_null(strstr(text, "func f0(p0, p1) {\n    local l2: bool\n"));
  cr_assert_not_null(strstr(text, "func main() {\n    local l0: int\n    local l1: float\n"));
  cr_assert_not_null(strstr(text, "    Call f0 2\n    StoreLocal l1\n    LoadGlobal g0\n    StoreGlobal g1\n"));
  cr_assert_not_null(strstr(text, "    Call f2 0\n"));
  free(text);
}

/* main keeps its name even when the others are renamed; a host may also
 * name its entry point something else. */
Test(roundtrip, c_built_entry_point) {
  sc_runtime_init();
  sc_program *p = sc_program_new("host");
  sc_func *s = sc_func_add(p, "start", 0);
  sc_emit(s, SC_OP_Return, 0, 0, 0, 0);
  p->main_index = 0;
  sc_diags d = {0};
  cr_assert_eq(sc_verify(p, &d), 0);
  char *text = disasm(p);
  cr_assert_str_eq(text, "func main() {\n    Return\n}\n");
  free(text);
  roundtrip(p, "entry", false);
}
