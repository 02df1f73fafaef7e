/* The assembler: every literal form, every operand form, positions, and the
 * exact text and position of each diagnostic, recovery included. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shapec/shapec.h"

static sc_program *asm_only(const char *src) {
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble("t.sasm", src, strlen(src), &d);
  if (d.n) sc_diags_print(&d, stderr);
  cr_assert(p != NULL && d.n == 0);
  return p;
}

static sc_program *asm_ok(const char *src) {
  sc_program *p = asm_only(src);
  sc_diags d = {0};
  int r = sc_verify(p, &d);
  if (d.n) sc_diags_print(&d, stderr);
  cr_assert_eq(r, 0);
  return p;
}

/* Assembles (and verifies, if it assembled) src; the printed diagnostics. */
static char *diags_of(const char *src, size_t len) {
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble("t.sasm", src, len, &d);
  if (p) cr_assert_eq(d.n, 0, "a program came back with diagnostics");
  if (p) sc_verify(p, &d);
  char *buf;
  size_t n;
  FILE *f = open_memstream(&buf, &n);
  sc_diags_print(&d, f);
  fclose(f);
  return buf;
}

static void expect_diag(const char *src, const char *want) {
  char *got = diags_of(src, strlen(src));
  cr_assert_str_eq(got, want, "source:\n%s", src);
  free(got);
}

/* A one-instruction main around `line`. */
static void expect_in_main(const char *line, const char *want) {
  char src[512];
  snprintf(src, sizeof src, "func main() {\n    %s\n    Return\n}\n", line);
  expect_diag(src, want);
}

static const sc_value *const_of(const sc_program *p, const sc_func *f, uint32_t pc) {
  cr_assert_eq(f->code[pc].op, SC_OP_PushConst);
  return &p->consts[f->code[pc].a];
}

static int64_t int_at(const sc_program *p, uint32_t pc) {
  const sc_value *v = const_of(p, p->funcs[0], pc);
  cr_assert_eq(v->tag, SC_INT);
  return v->i;
}

static double float_at(const sc_program *p, uint32_t pc) {
  const sc_value *v = const_of(p, p->funcs[0], pc);
  cr_assert_eq(v->tag, SC_FLOAT);
  return v->f;
}

static const sc_str *str_at(const sc_program *p, uint32_t pc) {
  const sc_value *v = const_of(p, p->funcs[0], pc);
  cr_assert_eq(v->tag, SC_STR);
  return v->s;
}

Test(asm, integer_literals) {
  sc_program *p = asm_only("func main() {\n"
                           "    PushConst 0\n    PushConst -0\n    PushConst 42\n    PushConst -42\n"
                           "    PushConst 007\n    PushConst 9223372036854775807\n"
                           "    PushConst -9223372036854775808\n    PushConst 00000000000000000000000001\n"
                           "    Return\n}\n");
  cr_assert_eq(int_at(p, 0), 0);
  cr_assert_eq(int_at(p, 1), 0);
  cr_assert_eq(p->funcs[0]->code[0].a, p->funcs[0]->code[1].a); /* -0 is the int 0 */
  cr_assert_eq(int_at(p, 2), 42);
  cr_assert_eq(int_at(p, 3), -42);
  cr_assert_eq(int_at(p, 4), 7);
  cr_assert_eq(int_at(p, 5), INT64_MAX);
  cr_assert_eq(int_at(p, 6), INT64_MIN);
  cr_assert_eq(int_at(p, 7), 1);
}

Test(asm, float_literals) {
  sc_program *p = asm_only("func main() {\n"
                           "    PushConst 2.5\n    PushConst -1.5e-3\n    PushConst 1.0E+2\n    PushConst 1.0e2\n"
                           "    PushConst 0.1\n    PushConst 1.7976931348623157e308\n    PushConst 5.0e-324\n"
                           "    PushConst 1.0e-400\n    PushConst -0.0\n    PushConst 0.0\n    PushConst 007.50\n"
                           "    PushConst 0.30000000000000004\n"
                           "    Return\n}\n");
  cr_assert_eq(float_at(p, 0), 2.5);
  cr_assert_eq(float_at(p, 1), -1.5e-3);
  cr_assert_eq(float_at(p, 2), 100.0);
  cr_assert_eq(p->funcs[0]->code[2].a, p->funcs[0]->code[3].a); /* equal constants are shared */
  cr_assert_eq(float_at(p, 4), 0.1);
  cr_assert_eq(float_at(p, 5), 1.7976931348623157e308);
  cr_assert_eq(float_at(p, 6), 5e-324);
  cr_assert_eq(float_at(p, 7), 0.0); /* underflow rounds to zero, like strtod and Python */
  cr_assert(signbit(float_at(p, 8)));
  cr_assert(!signbit(float_at(p, 9)));
  cr_assert_neq(p->funcs[0]->code[8].a, p->funcs[0]->code[9].a); /* -0.0 and 0.0 are distinct */
  cr_assert_eq(float_at(p, 10), 7.5);
  cr_assert_eq(float_at(p, 11), 0.1 + 0.2);
}

Test(asm, string_and_keyword_literals) {
  sc_program *p = asm_only("func main() {\n"
                           "    PushConst \"a\\n\\t\\\\\\\"b\"\n    PushConst \"\"\n    PushConst \"x ; not a comment\"\n"
                           "    PushConst \"tab\there\"   ; raw tab kept\n    PushConst \"\xc3\xa9\"\n"
                           "    PushConst true\n    PushConst false\n    PushConst null\n    PushConst \"\"\n"
                           "    PushConst 1\n    PushConst 1.0\n    PushConst \"1\"\n"
                           "    Return\n}\n");
  const sc_str *s = str_at(p, 0);
  cr_assert_eq(s->len, 6);
  cr_assert_eq(memcmp(s->data, "a\n\t\\\"b", 6), 0);
  cr_assert_eq(str_at(p, 1)->len, 0);
  cr_assert_str_eq(str_at(p, 2)->data, "x ; not a comment");
  cr_assert_str_eq(str_at(p, 3)->data, "tab\there");
  cr_assert_str_eq(str_at(p, 4)->data, "\xc3\xa9");
  const sc_func *f = p->funcs[0];
  cr_assert_eq(const_of(p, f, 5)->tag, SC_BOOL);
  cr_assert_eq(const_of(p, f, 5)->i, 1);
  cr_assert_eq(const_of(p, f, 6)->tag, SC_BOOL);
  cr_assert_eq(const_of(p, f, 6)->i, 0);
  cr_assert_eq(const_of(p, f, 7)->tag, SC_NULL);
  cr_assert_eq(f->code[1].a, f->code[8].a); /* strings dedup by content */
  /* 1, 1.0, "1" and true are four different constants */
  cr_assert(f->code[9].a != f->code[10].a && f->code[10].a != f->code[11].a && f->code[9].a != f->code[5].a);
}

Test(asm, literal_errors) {
  expect_in_main("PushConst 9223372036854775808",
                 "t.sasm:2:15: error: integer literal '9223372036854775808' out of range for int64\n");
  expect_in_main("PushConst -9223372036854775809",
                 "t.sasm:2:15: error: integer literal '-9223372036854775809' out of range for int64\n");
  expect_in_main("PushConst 99999999999999999999999",
                 "t.sasm:2:15: error: integer literal '99999999999999999999999' out of range for int64\n");
  expect_in_main("PushConst 1.0e400", "t.sasm:2:15: error: float literal '1.0e400' out of range\n");
  expect_in_main("PushConst -1.0e309", "t.sasm:2:15: error: float literal '-1.0e309' out of range\n");
  expect_in_main("PushConst 1.", "t.sasm:2:15: error: invalid number literal '1.': digits must follow '.'\n");
  expect_in_main("PushConst 1.x", "t.sasm:2:15: error: invalid number literal '1.x': digits must follow '.'\n");
  expect_in_main("PushConst 1.e5", "t.sasm:2:15: error: invalid number literal '1.e5': digits must follow '.'\n");
  expect_in_main("PushConst 1e5",
                 "t.sasm:2:15: error: invalid number literal '1e5': an exponent needs a fraction (e.g. 1.0e5)\n");
  expect_in_main("PushConst 1.5e", "t.sasm:2:15: error: invalid number literal '1.5e': missing exponent digits\n");
  expect_in_main("PushConst 1.5e+", "t.sasm:2:15: error: invalid number literal '1.5e+': missing exponent digits\n");
  expect_in_main("PushConst 12abc", "t.sasm:2:15: error: invalid number literal '12abc'\n");
  expect_in_main("PushConst 1.2.3", "t.sasm:2:15: error: invalid number literal '1.2.3'\n");
  expect_in_main("PushConst 0x10", "t.sasm:2:15: error: invalid number literal '0x10'\n");
  expect_in_main("PushConst -", "t.sasm:2:15: error: unexpected character '-'\n");
  expect_in_main("PushConst +1", "t.sasm:2:15: error: unexpected character '+'\n");
  expect_in_main("PushConst \"abc", "t.sasm:2:15: error: unterminated string literal\n");
  expect_in_main("PushConst \"abc\\", "t.sasm:2:15: error: unterminated string literal\n");
  expect_in_main("PushConst \"a\\qb\"", "t.sasm:2:17: error: unknown escape sequence '\\q' in string\n");
  expect_in_main("PushConst \"a\\0\"", "t.sasm:2:17: error: unknown escape sequence '\\0' in string\n");
  expect_in_main("PushConst \"\\\x01\"",
                 "t.sasm:2:16: error: invalid character '\\x01' after '\\' in string\n");
  /* one message per bad string, even when it is also unterminated */
  expect_in_main("PushConst \"\\q", "t.sasm:2:16: error: unknown escape sequence '\\q' in string\n");
  expect_in_main("PushConst 1 @", "t.sasm:2:17: error: unexpected character '@'\n");
  expect_in_main("PushConst \xc3\xa9", "t.sasm:2:15: error: unexpected character '\xc3\xa9' (U+00E9)\n");
  expect_in_main("PushConst \xff", "t.sasm:2:15: error: unexpected character '\\xff'\n");
  expect_in_main("PushConst inf", "t.sasm:2:15: error: PushConst expects a literal (number, string, true, false or "
                                  "null), got 'inf'\n");
  /* a NUL byte, in a string and outside */
  const char nul1[] = "func main() {\n    PushConst \"a\0b\"\n    Return\n}\n";
  char *got = diags_of(nul1, sizeof nul1 - 1);
  cr_assert_str_eq(got, "t.sasm:2:17: error: NUL byte in string literal\n");
  free(got);
  const char nul2[] = "func main() {\n    Nop \0\n    Return\n}\n";
  got = diags_of(nul2, sizeof nul2 - 1);
  cr_assert_str_eq(got, "t.sasm:2:9: error: unexpected character '\\x00'\n");
  free(got);
  /* several lexical errors on one line are all reported, and nothing else */
  expect_in_main("PushConst 1. 2.x \"\\z\"",
                 "t.sasm:2:15: error: invalid number literal '1.': digits must follow '.'\n"
                 "t.sasm:2:18: error: invalid number literal '2.x': digits must follow '.'\n"
                 "t.sasm:2:23: error: unknown escape sequence '\\z' in string\n");
  /* long lexemes are shortened in messages */
  expect_in_main("PushConst 1111111111111111111111111111111111111111111111111111111111111111111111111111111",
                 "t.sasm:2:15: error: integer literal "
                 "'1111111111111111111111111111111111111111111111111111111111111111...' out of range for int64\n");
}

Test(asm, every_operand_form) {
  sc_program *p = asm_ok("global g\nglobal h\n"
                         "func f(a, b) {\n    local c: int\n    local d: float\n    local e: bool\n    local u: any\n"
                         "    local v\n"
                         "    LoadLocal b\n    LoadLocal 1\n    StoreLocal c\n    LoadLocal late\n    StoreLocal 7\n"
                         "    LoadGlobal h\n    StoreGlobal 0\n    LoadGlobal later_g\n    StoreGlobal 2\n"
                         "    PushConst 1\n    ReturnValue\n    local late\n}\n"
                         "global later_g\n"
                         "func main() {\n    PushFunc later\n    Pop\n    PushConst 1\n    PushConst 2\n    Call f 2\n"
                         "    Pop\n    PushConst 4.0\n    CallBuiltin sqrt 1\n    Pop\n    CallBuiltin clock 0\n    Pop\n"
                         "    NewObject\n    GetProp x\n    Pop\n    NewObject\n    PushConst 1\n    SetProp x\n"
                         "    NewObject\n    GetProp Print\n    Pop\n"
                         "    PushNull\n    PushNull\n    NewArray 2\n    Pop\n    PushFunc f\n    PushNull\n    PushNull\n"
                         "    CallValue 2\n    Pop\n"
                         "back:\n    LoopStart\n    PushConst false\n    JumpIfTrue back\n    PushConst true\n"
                         "    JumpIfFalse fwd\n    Jump fwd\nfwd:\n    LoopEnd\n    Return\n}\n"
                         "func later() {\n    Return\n}\n");
  cr_assert_eq(p->nglobals, 3);
  cr_assert_str_eq(p->global_names[2], "later_g");
  const sc_func *f = p->funcs[0];
  cr_assert_str_eq(f->name, "f");
  cr_assert_eq(f->index, 0);
  cr_assert_eq(f->arity, 2);
  cr_assert_eq(f->nlocals, 8);
  cr_assert_str_eq(f->local_names[0], "a");
  cr_assert_str_eq(f->local_names[1], "b");
  cr_assert_str_eq(f->local_names[7], "late");
  uint8_t kinds[8] = {SC_KIND_ANY, SC_KIND_ANY, SC_KIND_INT, SC_KIND_FLOAT, SC_KIND_BOOL, SC_KIND_ANY, SC_KIND_ANY,
                      SC_KIND_ANY};
  cr_assert_eq(memcmp(f->local_kinds, kinds, 8), 0);
  int32_t want_f[] = {1, 1, 2, 7, 7, 1, 0, 2, 2};
  for (int i = 0; i < 9; i++) cr_assert_eq(f->code[i].a, want_f[i], "pc %d", i);
  const sc_func *m = p->funcs[1];
  cr_assert_eq(p->main_index, 1);
  cr_assert_eq(m->code[0].op, SC_OP_PushFunc);
  cr_assert_eq(m->code[0].a, 2); /* forward reference to `later` */
  cr_assert_eq(m->code[4].op, SC_OP_Call);
  cr_assert_eq(m->code[4].a, 0);
  cr_assert_eq(m->code[4].b, 2);
  cr_assert_eq(m->code[7].op, SC_OP_CallBuiltin);
  cr_assert_eq(m->code[7].a, SC_BUILTIN_sqrt);
  cr_assert_eq(m->code[7].b, 1);
  cr_assert_eq(m->code[9].a, SC_BUILTIN_clock);
  cr_assert_eq(m->code[9].b, 0);
  cr_assert_str_eq(p->names[m->code[12].a], "x");
  cr_assert_eq(m->code[12].a, m->code[16].a); /* property names are interned */
  cr_assert_str_eq(p->names[m->code[18].a], "Print"); /* an opcode name is a fine property name */
  cr_assert_eq(m->code[22].op, SC_OP_NewArray);
  cr_assert_eq(m->code[22].a, 2);
  cr_assert_eq(m->code[27].op, SC_OP_CallValue);
  cr_assert_eq(m->code[27].a, 2);
  cr_assert_eq(m->code[29].op, SC_OP_LoopStart);
  cr_assert_eq(m->code[31].a, 29); /* backward label */
  cr_assert_eq(m->code[33].a, 35); /* forward label */
  cr_assert_eq(m->code[34].a, 35);
}

/* Every opcode assembles to itself, with its operand forms. */
Test(asm, every_opcode) {
  char *src;
  size_t len;
  FILE *o = open_memstream(&src, &len);
  fputs("global g\nfunc f() {\n    Return\n}\nfunc main() {\n    local x\nl:\n", o);
  for (int op = 0; op < SC_NOPS; op++) {
    fprintf(o, "    %s", sc_op_name((sc_op)op));
    switch (sc_op_operand((sc_op)op)) {
    case SC_OPND_NONE: break;
    case SC_OPND_CONST: fputs(" 1.5", o); break;
    case SC_OPND_FUNC: fputs(" f", o); break;
    case SC_OPND_LOCAL: fputs(" x", o); break;
    case SC_OPND_GLOBAL: fputs(" g", o); break;
    case SC_OPND_LABEL: fputs(" l", o); break;
    case SC_OPND_CALL: fputs(" f 0", o); break;
    case SC_OPND_COUNT: fputs(" 3", o); break;
    case SC_OPND_NAME: fputs(" field", o); break;
    case SC_OPND_BUILTIN: fputs(" min 2", o); break;
    }
    fputc('\n', o);
  }
  fputs("}\n", o);
  fclose(o);
  sc_program *p = asm_only(src);
  free(src);
  const sc_func *m = p->funcs[1];
  cr_assert_eq(m->ncode, SC_NOPS);
  for (int op = 0; op < SC_NOPS; op++) {
    const sc_insn *in = &m->code[op];
    cr_assert_eq(in->op, op, "%s", sc_op_name((sc_op)op));
    cr_assert_eq(in->fb, -1); /* numbered by the verifier */
    switch (sc_op_operand((sc_op)op)) {
    case SC_OPND_NONE: cr_assert_eq(in->a, 0); break;
    case SC_OPND_CONST: cr_assert_eq(p->consts[in->a].f, 1.5); break;
    case SC_OPND_FUNC: cr_assert_eq(in->a, 0); break;
    case SC_OPND_LOCAL: cr_assert_eq(in->a, 0); break;
    case SC_OPND_GLOBAL: cr_assert_eq(in->a, 0); break;
    case SC_OPND_LABEL: cr_assert_eq(in->a, 0); break;
    case SC_OPND_CALL: cr_assert(in->a == 0 && in->b == 0); break;
    case SC_OPND_COUNT: cr_assert_eq(in->a, 3); break;
    case SC_OPND_NAME: cr_assert_str_eq(p->names[in->a], "field"); break;
    case SC_OPND_BUILTIN: cr_assert(in->a == SC_BUILTIN_min && in->b == 2); break;
    }
  }
}

Test(asm, every_builtin_by_name) {
  for (int b = 0; b < SC_NBUILTINS; b++) {
    char src[256];
    int argc = sc_builtin_argc((sc_builtin)b);
    snprintf(src, sizeof src, "func main() {\n%s%s    CallBuiltin %s %d\n    Pop\n    Return\n}\n",
             argc > 0 ? "    PushConst 1\n" : "", argc > 1 ? "    PushConst 2\n" : "", sc_builtin_name((sc_builtin)b),
             argc);
    sc_program *p = asm_ok(src);
    const sc_insn *in = &p->funcs[0]->code[argc];
    cr_assert(in->op == SC_OP_CallBuiltin && in->a == b && in->b == argc, "%s", sc_builtin_name((sc_builtin)b));
  }
}

Test(asm, positions) {
  sc_program *p = asm_ok("\xEF\xBB\xBF; byte order mark, comment\n\n"
                         "  func main() {   ; trailing\r\n"
                         "top:\n"
                         "\tLoopStart\r\n"
                         "        Jump top   ; back\n"
                         "}\n");
  const sc_func *f = p->funcs[0];
  cr_assert_eq(f->line, 3);
  cr_assert_eq(f->col, 3);
  cr_assert_eq(f->lines[0], 5);
  cr_assert_eq(f->cols[0], 2); /* a tab is one column */
  cr_assert_eq(f->lines[1], 6);
  cr_assert_eq(f->cols[1], 9);
  cr_assert_eq(f->code[1].a, 0);
  cr_assert_str_eq(p->filename, "t.sasm");
}

Test(asm, operand_errors) {
  expect_in_main("PushConst", "t.sasm:2:5: error: PushConst expects 1 operand, got 0\n");
  expect_in_main("PushConst 1 2", "t.sasm:2:17: error: PushConst expects 1 operand, got 2\n");
  expect_in_main("Pop 1", "t.sasm:2:9: error: Pop expects 0 operands, got 1\n");
  expect_in_main("Call main", "t.sasm:2:5: error: Call expects 2 operands, got 1\n");
  expect_in_main("CallBuiltin abs 1 2", "t.sasm:2:23: error: CallBuiltin expects 2 operands, got 3\n");
  expect_in_main("Call main, 0", "t.sasm:2:14: error: unexpected ',' in operands of Call\n");
  expect_in_main("NewArray (3)", "t.sasm:2:14: error: unexpected '(' in operands of NewArray\n");
  expect_in_main("PushConst hello",
                 "t.sasm:2:15: error: PushConst expects a literal (number, string, true, false or null), got "
                 "'hello'\n");
  expect_in_main("PushFunc 1", "t.sasm:2:14: error: PushFunc expects a function name, got '1'\n");
  expect_in_main("Call \"main\" 0", "t.sasm:2:10: error: Call expects a function name, got '\"main\"'\n");
  expect_in_main("Call main x", "t.sasm:2:15: error: Call expects an argument count, got 'x'\n");
  expect_in_main("Call main 256", "t.sasm:2:15: error: argument count 256 out of range (0..255)\n");
  expect_in_main("Call main -1", "t.sasm:2:15: error: argument count -1 out of range (0..255)\n");
  expect_in_main("LoadLocal \"x\"", "t.sasm:2:15: error: LoadLocal expects a local name or index, got '\"x\"'\n");
  expect_in_main("StoreLocal 1.5", "t.sasm:2:16: error: StoreLocal expects a local name or index, got '1.5'\n");
  expect_in_main("LoadGlobal true", "t.sasm:2:16: error: unknown global 'true'\n");
  expect_in_main("LoadGlobal 2.0", "t.sasm:2:16: error: LoadGlobal expects a global name or index, got '2.0'\n");
  expect_in_main("Jump 3", "t.sasm:2:10: error: Jump expects a label, got '3'\n");
  expect_in_main("NewArray x", "t.sasm:2:14: error: NewArray expects a count, got 'x'\n");
  expect_in_main("NewArray 65536", "t.sasm:2:14: error: count 65536 out of range (0..65535)\n");
  expect_in_main("CallValue -1", "t.sasm:2:15: error: count -1 out of range (0..65535)\n");
  expect_in_main("GetProp 3", "t.sasm:2:13: error: GetProp expects a property name, got '3'\n");
  expect_in_main("SetProp \"x\"", "t.sasm:2:13: error: SetProp expects a property name, got '\"x\"'\n");
  expect_in_main("CallBuiltin 3 1", "t.sasm:2:17: error: CallBuiltin expects a builtin name, got '3'\n");
  expect_in_main("CallBuiltin cbrt 1",
                 "t.sasm:2:17: error: unknown builtin 'cbrt' (builtins: sqrt, floor, abs, min, max, clock)\n");
  expect_in_main("CallBuiltin abs 999", "t.sasm:2:21: error: argument count 999 out of range (0..255)\n");
  /* both operands wrong: both reported */
  expect_in_main("CallBuiltin 1 x", "t.sasm:2:17: error: CallBuiltin expects a builtin name, got '1'\n"
                                    "t.sasm:2:19: error: CallBuiltin expects an argument count, got 'x'\n");
}

Test(asm, name_errors) {
  expect_in_main("Frobnicate", "t.sasm:2:5: error: unknown opcode 'Frobnicate'\n");
  expect_in_main("pushnull", "t.sasm:2:5: error: unknown opcode 'pushnull' (did you mean 'PushNull'?)\n");
  expect_in_main("RETURN", "t.sasm:2:5: error: unknown opcode 'RETURN' (did you mean 'Return'?)\n");
  expect_in_main("LoadLocal nope", "t.sasm:2:15: error: unknown local 'nope' in function 'main'\n");
  expect_in_main("LoadLocal 0", "t.sasm:2:15: error: local index 0 out of range (function 'main' has 0 locals)\n");
  expect_in_main("LoadLocal -1", "t.sasm:2:15: error: local index -1 out of range (function 'main' has 0 locals)\n");
  expect_in_main("LoadGlobal g", "t.sasm:2:16: error: unknown global 'g'\n");
  expect_in_main("StoreGlobal 0", "t.sasm:2:17: error: global index 0 out of range (0 globals)\n");
  expect_in_main("Call nope 0", "t.sasm:2:10: error: unknown function 'nope'\n");
  expect_in_main("PushFunc nope", "t.sasm:2:14: error: unknown function 'nope'\n");
  expect_in_main("Jump nowhere", "t.sasm:2:10: error: unknown label 'nowhere' in function 'main'\n");
  expect_diag("global g\nfunc main() {\n    local a\n    LoadLocal 1\n    LoadGlobal 1\n    Return\n}\n",
              "t.sasm:4:15: error: local index 1 out of range (function 'main' has 1 local)\n"
              "t.sasm:5:16: error: global index 1 out of range (1 global)\n");
  /* a label of another function is unknown here */
  expect_diag("func f() {\nhere:\n    Return\n}\nfunc main() {\n    Jump here\n}\n",
              "t.sasm:6:10: error: unknown label 'here' in function 'main'\n");
  /* every use of an unknown name is reported, in source order */
  expect_diag("func main() {\n    Call a 0\n    LoadLocal b\n    Jump c\n    LoadGlobal d\n    Call a 0\n}\n",
              "t.sasm:2:10: error: unknown function 'a'\n"
              "t.sasm:3:15: error: unknown local 'b' in function 'main'\n"
              "t.sasm:4:10: error: unknown label 'c' in function 'main'\n"
              "t.sasm:5:16: error: unknown global 'd'\n"
              "t.sasm:6:10: error: unknown function 'a'\n");
}

Test(asm, duplicate_errors) {
  expect_diag("func main() {\n    Return\n}\nfunc main() {\n    Return\n}\n",
              "t.sasm:4:6: error: duplicate function 'main' (first defined at line 1)\n");
  expect_diag("global g\nglobal g\nfunc main() {\n    Return\n}\n",
              "t.sasm:2:8: error: duplicate global 'g' (first declared at line 1)\n");
  expect_diag("func main() {\n    local a\n    local a: int\n    Return\n}\n",
              "t.sasm:3:11: error: duplicate local 'a' (first declared at line 2)\n");
  expect_diag("func f(a) {\n    local a\n    Return\n}\nfunc main() {\n    Return\n}\n",
              "t.sasm:2:11: error: duplicate local 'a' (first declared at line 1)\n");
  expect_diag("func f(a, b, a) {\n    Return\n}\nfunc main() {\n    Return\n}\n",
              "t.sasm:1:14: error: duplicate parameter 'a'\n");
  expect_diag("func main() {\nl:\n    Nop\nl:\n    Return\n}\n",
              "t.sasm:4:1: error: duplicate label 'l' (first defined at line 2)\n");
  /* names live in separate spaces: a function, a global, a local, a label
   * and a property may all be called x */
  asm_ok("global x\nfunc x() {\n    Return\n}\nfunc main() {\n    local x\nx:\n    LoadGlobal x\n    StoreLocal x\n"
         "    Call x 0\n    Pop\n    NewObject\n    GetProp x\n    Pop\n    Return\n}\n");
}

Test(asm, structure_errors) {
  expect_diag("func main()\n    Return\n}\n",
              "t.sasm:1:12: error: expected '{' after the parameters of 'main', got end of line\n");
  /* the brace alone on the next line is recognised after the message */
  expect_diag("func main()\n{\n    Return\n}\n",
              "t.sasm:1:12: error: expected '{' after the parameters of 'main', got end of line\n");
  expect_diag("func main() {\n    Return\n", "t.sasm:1:1: error: function 'main' is not closed (missing '}')\n");
  expect_diag("func f() {\n    Return\nfunc main() {\n    Return\n}\n",
              "t.sasm:3:1: error: missing '}' before this function (function 'f' is not closed)\n");
  expect_diag("func main() {\n    Return\n}\n}\n", "t.sasm:4:1: error: unmatched '}'\n");
  expect_diag("func main() {\n    Return\n} x\n", "t.sasm:3:3: error: unexpected 'x' after '}'\n");
  expect_diag("func main() { Return\n}\n",
              "t.sasm:1:15: error: unexpected 'Return' after '{': instructions start on the next line\n");
  expect_diag("func main {\n    Return\n}\n", "t.sasm:1:11: error: expected '(' after function name 'main', got '{'\n");
  expect_diag("func\nfunc main() {\n    Return\n}\n",
              "t.sasm:1:5: error: expected a function name after 'func', got end of line\n");
  expect_diag("func 3() {\n    Return\n}\nfunc main() {\n    Return\n}\n",
              "t.sasm:1:6: error: expected a function name after 'func', got '3'\n");
  expect_diag("func f(a b) {\n    Return\n}\nfunc main() {\n    Return\n}\n",
              "t.sasm:1:10: error: expected ',' or ')' in parameter list, got 'b'\n");
  expect_diag("func f(a,) {\n    Return\n}\nfunc main() {\n    Return\n}\n",
              "t.sasm:1:10: error: expected a parameter name, got ')'\n");
  expect_diag("func f(a\nfunc main() {\n    Return\n}\n",
              "t.sasm:1:9: error: expected ',' or ')' in parameter list, got end of line\n");
  expect_diag("PushConst 1\nfunc main() {\n    Return\n}\n", "t.sasm:1:1: error: instruction outside of a function\n");
  expect_diag("hello world\nfunc main() {\n    Return\n}\n",
              "t.sasm:1:1: error: expected 'func' or 'global', got 'hello'\n");
  expect_diag("top:\nfunc main() {\n    Return\n}\n", "t.sasm:1:1: error: label 'top' outside of a function\n");
  expect_diag("local x\nfunc main() {\n    Return\n}\n",
              "t.sasm:1:1: error: local declarations must be inside a function\n");
  expect_diag("func main() {\n    global g\n    Return\n}\n",
              "t.sasm:2:5: error: global declarations must be outside functions\n");
  expect_diag("func main() {\nl: Nop\n    Return\n}\n",
              "t.sasm:2:4: error: a label must be on its own line (found 'Nop' after 'l:')\n");
  expect_diag("func main() {\n    {\n    Return\n}\n",
              "t.sasm:2:5: error: expected an instruction, label or '}', got '{'\n");
  expect_diag("func main() {\n    \"s\"\n    Return\n}\n",
              "t.sasm:2:5: error: expected an instruction, label or '}', got '\"s\"'\n");
  expect_diag("func main() {\n    local\n    local 3\n    local x y\n    local z:\n    local w: int extra\n"
              "    local k: 5\n    local s: string\n    Return\n}\n",
              "t.sasm:2:10: error: expected a local name after 'local', got end of line\n"
              "t.sasm:3:11: error: expected a local name after 'local', got '3'\n"
              "t.sasm:4:13: error: expected ':' or end of line after local name, got 'y'\n"
              "t.sasm:5:13: error: expected a kind (int, float, bool or any) after ':', got end of line\n"
              "t.sasm:6:18: error: unexpected 'extra' after local declaration\n"
              "t.sasm:7:14: error: expected a kind (int, float, bool or any) after ':', got '5'\n"
              "t.sasm:8:14: error: unknown kind 'string' (expected int, float, bool or any)\n");
  expect_diag("global\nglobal 1\nglobal a b\nfunc main() {\n    Return\n}\n",
              "t.sasm:1:7: error: expected a global name after 'global', got end of line\n"
              "t.sasm:2:8: error: expected a global name after 'global', got '1'\n"
              "t.sasm:3:10: error: unexpected 'b' after global declaration\n");
}

/* One mistake, one message: no cascades. */
Test(asm, recovery) {
  /* a local with a bad kind is still declared */
  expect_diag("func main() {\n    local x: string\n    LoadLocal x\n    Pop\n    Return\n}\n",
              "t.sasm:2:14: error: unknown kind 'string' (expected int, float, bool or any)\n");
  /* a global declared inside a function is still declared */
  expect_diag("func main() {\n    global g\n    LoadGlobal g\n    Pop\n    Return\n}\n",
              "t.sasm:2:5: error: global declarations must be outside functions\n");
  /* a function with a bad header: body skipped, name still known to callers */
  expect_diag("func f(a b) {\n    Bogus\n}\nfunc main() {\n    Call f 2\n    Return\n}\n",
              "t.sasm:1:10: error: expected ',' or ')' in parameter list, got 'b'\n");
  /* a label not alone still defines the label; the rest is an instruction */
  expect_diag("func main() {\nl: Bogus\n    Jump l\n}\n",
              "t.sasm:2:4: error: a label must be on its own line (found 'Bogus' after 'l:')\n"
              "t.sasm:2:4: error: unknown opcode 'Bogus'\n");
  /* a stray top-level region gives one message, its '}' included */
  expect_diag("fun main() {\n    PushConst 1\n    Print\n    Return\n}\nfunc f() {\n    Bogus\n}\n",
              "t.sasm:1:1: error: expected 'func' or 'global', got 'fun'\n"
              "t.sasm:7:5: error: unknown opcode 'Bogus'\n");
  /* a lexical error in a header does not lose the function */
  expect_diag("func main() { @\n    Return\n}\n", "t.sasm:1:15: error: unexpected character '@'\n");
  /* bad tokens are not reported twice */
  expect_diag("func main() {\n    PushConst 1 @\n    Jump 1.\n    Return\n}\n",
              "t.sasm:2:17: error: unexpected character '@'\n"
              "t.sasm:3:10: error: invalid number literal '1.': digits must follow '.'\n");
  /* a missing '}' before the next function, and one at the end */
  expect_diag("func f() {\n    Return\nfunc main() {\n    Return\n",
              "t.sasm:3:1: error: missing '}' before this function (function 'f' is not closed)\n"
              "t.sasm:3:1: error: function 'main' is not closed (missing '}')\n");
  /* the body of a duplicate function is still checked */
  expect_diag("func main() {\n    Return\n}\nfunc main() {\n    Bogus\n}\n",
              "t.sasm:4:6: error: duplicate function 'main' (first defined at line 1)\n"
              "t.sasm:5:5: error: unknown opcode 'Bogus'\n");
}

Test(asm, too_many_errors) {
  char *src;
  size_t len;
  FILE *o = open_memstream(&src, &len);
  fputs("func main() {\n", o);
  for (int i = 0; i < 60; i++) fprintf(o, "    Bogus%d\n", i);
  fputs("    Return\n}\n", o);
  fclose(o);
  char *got = diags_of(src, len);
  free(src);
  /* the first 50 in source order, then a summary */
  char *last = strstr(got, "t.sasm:51:5: error: unknown opcode 'Bogus49'\n");
  cr_assert_not_null(last);
  cr_assert_str_eq(last + strlen("t.sasm:51:5: error: unknown opcode 'Bogus49'\n"),
                   "t.sasm: error: too many errors (10 more not shown)\n");
  int lines = 0;
  for (char *c = got; *c; c++) lines += *c == '\n';
  cr_assert_eq(lines, 51);
  free(got);
}

Test(asm, no_line_limit) {
  /* a header with many parameters and a long line of operands */
  char *src;
  size_t len;
  FILE *o = open_memstream(&src, &len);
  fputs("func f(", o);
  for (int i = 0; i < 255; i++) fprintf(o, "%sp%d", i ? ", " : "", i);
  fputs(") {\n    LoadLocal p254\n    ReturnValue\n}\nfunc main() {\n", o);
  for (int i = 0; i < 255; i++) fprintf(o, "    PushConst %d\n", i);
  fputs("    Call f 255\n    Print\n    Return\n}\n", o);
  fclose(o);
  sc_program *p = asm_ok(src);
  free(src);
  cr_assert_eq(p->funcs[0]->arity, 255);
  cr_assert_str_eq(p->funcs[0]->local_names[254], "p254");
  /* 256 parameters are too many */
  o = open_memstream(&src, &len);
  fputs("func f(", o);
  for (int i = 0; i < 256; i++) fprintf(o, "%sp%d", i ? ", " : "", i);
  fputs(") {\n    Return\n}\nfunc main() {\n    Return\n}\n", o);
  fclose(o);
  char *got = diags_of(src, len);
  cr_assert_str_eq(got, "t.sasm:1:1428: error: too many parameters (at most 255)\n");
  free(got);
  free(src);
}

Test(asm, empty_and_comment_only) {
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble("t.sasm", "", 0, &d);
  cr_assert_not_null(p);
  cr_assert_eq(p->nfuncs, 0);
  cr_assert_eq(p->main_index, -1);
  p = sc_assemble("t.sasm", "; only\n   ; comments\n\n", 22, &d);
  cr_assert_not_null(p);
  cr_assert_eq(d.n, 0);
  p = sc_assemble("t.sasm", NULL, 0, &d);
  cr_assert_not_null(p);
}

Test(asm, no_trailing_newline) {
  sc_program *p = asm_ok("func main() {\n    Return\n}");
  cr_assert_eq(p->funcs[0]->ncode, 1);
}

Test(asm, file_io) {
  sc_runtime_init();
  sc_diags d = {0};
  cr_assert_null(sc_assemble_file("/nonexistent/x.sasm", &d));
  cr_assert_eq(d.n, 1);
  cr_assert_eq(d.v[0].line, 1);
  cr_assert_eq(d.v[0].col, 1);
  cr_assert_str_eq(d.v[0].msg, "cannot read file: No such file or directory");
  cr_assert_str_eq(d.filename, "/nonexistent/x.sasm");
  sc_diags d2 = {0};
  cr_assert_null(sc_assemble_file("/", &d2));
  cr_assert_eq(d2.n, 1);
  cr_assert_str_eq(d2.v[0].msg, "cannot read file: Is a directory");
  char path[] = "/tmp/shapec_asm_XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  const char *src = "func main() {\n    PushConst \"file\"\n    Print\n    Return\n}\n";
  cr_assert_eq(write(fd, src, strlen(src)), (ssize_t)strlen(src));
  close(fd);
  sc_diags d3 = {0};
  sc_program *p = sc_assemble_file(path, &d3);
  unlink(path);
  cr_assert_not_null(p);
  cr_assert_str_eq(p->filename, path);
  cr_assert_str_eq(p->consts[0].s->data, "file");
}

Test(asm, large_function_is_linear, .timeout = 60) {
  /* 300k instructions, 50k labels, 20k locals: hashing, not scanning */
  size_t cap = 16u << 20, len = 0;
  char *src = malloc(cap);
  len += (size_t)sprintf(src + len, "func main() {\n");
  for (int i = 0; i < 20000; i++) len += (size_t)sprintf(src + len, "    local v%d: int\n", i);
  for (int i = 0; i < 50000; i++)
    len += (size_t)sprintf(src + len, "l%d:\n    PushConst %d\n    StoreLocal v%d\n    Jump l%d\n", i, i, i % 20000,
                           (i * 7919) % 50000);
  for (int i = 0; i < 50000; i++) len += (size_t)sprintf(src + len, "    LoadLocal %d\n    Pop\n", i % 20000);
  len += (size_t)sprintf(src + len, "    Return\n}\n");
  cr_assert_lt(len, cap);
  sc_program *p = asm_ok(src);
  free(src);
  const sc_func *f = p->funcs[0];
  cr_assert_eq(f->ncode, 250001);
  cr_assert_eq(f->nlocals, 20000);
  cr_assert_eq(f->code[2].a, 0);           /* l0 jumps to l0 */
  cr_assert_eq(f->code[5].a, 7919 % 50000 * 3); /* l1 jumps to l7919 */
  cr_assert_eq(p->nconsts, 50000);
}
