/* The assembler: literal and operand forms, and diagnostics with positions. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shapec/shapec.h"

static sc_program *asm_ok(const char *src) {
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble("t.sasm", src, strlen(src), &d);
  if (d.n) sc_diags_print(&d, stderr);
  cr_assert(p != NULL && d.n == 0);
  cr_assert_eq(sc_verify(p, &d), 0);
  return p;
}

/* Assembles (and verifies) src and returns the printed diagnostics. */
static char *diags_of(const char *src) {
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble("t.sasm", src, strlen(src), &d);
  if (p) sc_verify(p, &d);
  char *buf;
  size_t n;
  FILE *f = open_memstream(&buf, &n);
  sc_diags_print(&d, f);
  fclose(f);
  return buf;
}

static void expect_diag(const char *src, const char *want) {
  char *got = diags_of(src);
  cr_assert_str_eq(got, want);
  free(got);
}

static const sc_value *const_of(const sc_program *p, const sc_func *f, uint32_t pc) {
  cr_assert_eq(f->code[pc].op, SC_OP_PushConst);
  return &p->consts[f->code[pc].a];
}

Test(asm, literals) {
  sc_program *p = asm_ok("func main() {\n"
                         "    PushConst 42\n    PushConst -9223372036854775808\n"
                         "    PushConst 2.5\n    PushConst -1.5e-3\n    PushConst 1.0E+2\n"
                         "    PushConst \"a\\n\\t\\\\\\\"b\"\n    PushConst true\n    PushConst false\n"
                         "    PushConst null\n    PushConst -0.0\n"
                         "    Return\n}\n");
  const sc_func *f = p->funcs[0];
  cr_assert_eq(const_of(p, f, 0)->i, 42);
  cr_assert_eq(const_of(p, f, 1)->i, INT64_MIN);
  cr_assert_eq(const_of(p, f, 2)->f, 2.5);
  cr_assert_eq(const_of(p, f, 3)->f, -1.5e-3);
  cr_assert_eq(const_of(p, f, 4)->f, 100.0);
  const sc_value *s = const_of(p, f, 5);
  cr_assert_eq(s->tag, SC_STR);
  cr_assert_eq(s->s->len, 6);
  cr_assert_eq(memcmp(s->s->data, "a\n\t\\\"b", 6), 0);
  cr_assert_eq(const_of(p, f, 6)->tag, SC_BOOL);
  cr_assert_eq(const_of(p, f, 6)->i, 1);
  cr_assert_eq(const_of(p, f, 7)->i, 0);
  cr_assert_eq(const_of(p, f, 8)->tag, SC_NULL);
  cr_assert(signbit(const_of(p, f, 9)->f));
  /* 0.0 and -0.0 are distinct constants; equal ones are shared */
  cr_assert_neq(f->code[9].a, f->code[0].a);
}

Test(asm, operands_by_name_and_index) {
  sc_program *p = asm_ok("global g\nglobal h\n"
                         "func f(a, b) {\n    local c: int\n    LoadLocal b\n    LoadLocal 1\n    StoreLocal c\n"
                         "    LoadGlobal h\n    StoreGlobal 0\n    PushConst 1\n    ReturnValue\n}\n"
                         "func main() {\n    PushFunc later\n    Pop\n    PushConst 1\n    PushConst 2\n    Call f 2\n"
                         "    Pop\n    PushConst 4.0\n    CallBuiltin sqrt 1\n    Pop\n    NewObject\n    GetProp x\n"
                         "    Pop\n    Return\n}\nfunc later() {\n    Return\n}\n");
  const sc_func *f = p->funcs[0];
  cr_assert_eq(f->arity, 2);
  cr_assert_eq(f->nlocals, 3);
  cr_assert_eq(f->local_kinds[2], SC_KIND_INT);
  cr_assert_str_eq(f->local_names[0], "a");
  cr_assert_eq(f->code[0].a, 1);
  cr_assert_eq(f->code[1].a, 1);
  cr_assert_eq(f->code[2].a, 2);
  cr_assert_eq(f->code[3].a, 1);
  cr_assert_eq(f->code[4].a, 0);
  const sc_func *m = p->funcs[1];
  cr_assert_eq(m->code[0].a, 2); /* forward reference to `later` */
  cr_assert_eq(m->code[4].op, SC_OP_Call);
  cr_assert_eq(m->code[4].a, 0);
  cr_assert_eq(m->code[4].b, 2);
  cr_assert_eq(m->code[7].a, SC_BUILTIN_sqrt);
  cr_assert_str_eq(p->names[m->code[10].a], "x");
  cr_assert_eq(p->main_index, 1);
}

Test(asm, labels_and_positions) {
  sc_program *p = asm_ok("; comment\n\nfunc main() {   ; trailing\ntop:\n    LoopStart\n    Jump top\n}\n");
  const sc_func *f = p->funcs[0];
  cr_assert_eq(f->code[1].a, 0);
  cr_assert_eq(f->lines[1], 6);
  cr_assert_eq(f->cols[1], 5);
  cr_assert_eq(f->line, 3);
}

Test(asm, errors) {
  expect_diag("func main() {\n    Bogus\n    Return\n}\n", "t.sasm:2:5: error: unknown opcode 'Bogus'\n");
  expect_diag("func main() {\n    PushConst\n    Return\n}\n", "t.sasm:2:5: error: PushConst expects 1 operand, got 0\n");
  expect_diag("func main() {\n    LoadLocal nope\n    Return\n}\n",
              "t.sasm:2:15: error: unknown local 'nope' in function 'main'\n");
  expect_diag("func main() {\n    Jump nowhere\n}\n", "t.sasm:2:10: error: unknown label 'nowhere' in function 'main'\n");
  expect_diag("func main() {\n    PushConst 99999999999999999999\n    Return\n}\n",
              "t.sasm:2:15: error: integer literal 99999999999999999999 out of range for int64\n");
  expect_diag("func main() {\n    PushConst \"abc\n    Return\n}\n", "t.sasm:2:15: error: unterminated string literal\n");
  expect_diag("func main() {\n    Return\n}\nfunc main() {\n    Return\n}\n",
              "t.sasm:4:6: error: duplicate function 'main' (first defined at line 1)\n");
  expect_diag("func main() {\n    Return\n", "t.sasm:1:1: error: function 'main' is not closed (missing '}')\n");
  expect_diag("Return\nfunc main() {\n    Return\n}\n", "t.sasm:1:1: error: instruction outside of a function\n");
  /* one error per bad line, in source order, several at once */
  expect_diag("func main() {\n    A\n    B\n    Return\n}\n",
              "t.sasm:2:5: error: unknown opcode 'A'\nt.sasm:3:5: error: unknown opcode 'B'\n");
}

Test(asm, unreadable_file) {
  sc_runtime_init();
  sc_diags d = {0};
  cr_assert_null(sc_assemble_file("/nonexistent/x.sasm", &d));
  cr_assert_eq(d.n, 1);
  cr_assert_str_eq(d.v[0].msg, "cannot read file: No such file or directory");
}

Test(asm, large_function_is_linear) {
  /* 200k instructions assemble and verify quickly (no quadratic lookups) */
  size_t n = 200000, cap = n * 24 + 100, len = 0;
  char *src = malloc(cap);
  len += (size_t)sprintf(src + len, "func main() {\n    local x\n");
  for (size_t i = 0; i < n / 2; i++) len += (size_t)sprintf(src + len, "    PushConst %zu\n    StoreLocal x\n", i);
  len += (size_t)sprintf(src + len, "    Return\n}\n");
  sc_program *p = asm_ok(src);
  cr_assert_eq(p->funcs[0]->ncode, n + 1);
  cr_assert_eq(p->nconsts, n / 2);
  free(src);
}
