/* The C side of the frontend: opcode and builtin tables, the program
 * builder (lookups, constant dedup), and diagnostics. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

Test(opinfo, names_round_trip) {
  for (int op = 0; op < SC_NOPS; op++) {
    const char *n = sc_op_name((sc_op)op);
    cr_assert_neq(strcmp(n, "?"), 0);
    cr_assert_eq(sc_op_by_name(n), op, "%s", n);
  }
  cr_assert_eq(sc_op_by_name("pushconst"), -1);
  cr_assert_eq(sc_op_by_name(""), -1);
  cr_assert_eq(sc_op_by_name(NULL), -1);
  cr_assert_str_eq(sc_op_name((sc_op)SC_NOPS), "?");
  cr_assert_str_eq(sc_op_name((sc_op)-1), "?");
  cr_assert_eq(sc_op_by_name("PushConst"), SC_OP_PushConst);
  cr_assert_eq(sc_op_by_name("Halt"), SC_OP_Halt);
}

Test(opinfo, operands_and_flags) {
  cr_assert_eq(sc_op_operand(SC_OP_PushConst), SC_OPND_CONST);
  cr_assert_eq(sc_op_operand(SC_OP_PushFunc), SC_OPND_FUNC);
  cr_assert_eq(sc_op_operand(SC_OP_LoadLocal), SC_OPND_LOCAL);
  cr_assert_eq(sc_op_operand(SC_OP_StoreGlobal), SC_OPND_GLOBAL);
  cr_assert_eq(sc_op_operand(SC_OP_JumpIfTrue), SC_OPND_LABEL);
  cr_assert_eq(sc_op_operand(SC_OP_Call), SC_OPND_CALL);
  cr_assert_eq(sc_op_operand(SC_OP_CallValue), SC_OPND_COUNT);
  cr_assert_eq(sc_op_operand(SC_OP_NewArray), SC_OPND_COUNT);
  cr_assert_eq(sc_op_operand(SC_OP_SetProp), SC_OPND_NAME);
  cr_assert_eq(sc_op_operand(SC_OP_CallBuiltin), SC_OPND_BUILTIN);
  cr_assert_eq(sc_op_operand(SC_OP_Add), SC_OPND_NONE);
  cr_assert_eq(sc_op_operand((sc_op)200), SC_OPND_NONE);
  cr_assert_eq(sc_op_flags(SC_OP_Jump), SC_OPF_JUMP | SC_OPF_TERM);
  cr_assert_eq(sc_op_flags(SC_OP_JumpIfFalse) & (SC_OPF_JUMP | SC_OPF_TERM), SC_OPF_JUMP);
  cr_assert(sc_op_flags(SC_OP_Return) & SC_OPF_TERM);
  cr_assert(sc_op_flags(SC_OP_ReturnValue) & SC_OPF_TERM);
  cr_assert(sc_op_flags(SC_OP_Halt) & SC_OPF_TERM);
  cr_assert(sc_op_flags(SC_OP_Add) & SC_OPF_FB);
  cr_assert(sc_op_flags(SC_OP_Call) & SC_OPF_CALL);
  cr_assert_eq(sc_op_flags(SC_OP_Eq) & SC_OPF_THROW, 0);
  cr_assert_eq(sc_op_flags((sc_op)200), 0);
  /* exactly the terminators end a block */
  for (int op = 0; op < SC_NOPS; op++) {
    bool term = op == SC_OP_Jump || op == SC_OP_Return || op == SC_OP_ReturnValue || op == SC_OP_Halt;
    cr_assert_eq(!!(sc_op_flags((sc_op)op) & SC_OPF_TERM), term, "%s", sc_op_name((sc_op)op));
    cr_assert_eq(!!(sc_op_flags((sc_op)op) & SC_OPF_JUMP), sc_op_operand((sc_op)op) == SC_OPND_LABEL);
  }
}

static int pops(sc_op op, int32_t a, uint16_t b) {
  sc_insn in = {.op = (uint8_t)op, .a = a, .b = b};
  return sc_op_pops(&in);
}

static int pushes(sc_op op, int32_t a, uint16_t b) {
  sc_insn in = {.op = (uint8_t)op, .a = a, .b = b};
  return sc_op_pushes(&in);
}

Test(opinfo, stack_effects) {
  cr_assert(pops(SC_OP_Call, 9, 3) == 3 && pushes(SC_OP_Call, 9, 3) == 1);
  cr_assert(pops(SC_OP_CallValue, 2, 0) == 3 && pushes(SC_OP_CallValue, 2, 0) == 1);
  cr_assert(pops(SC_OP_NewArray, 4, 0) == 4 && pushes(SC_OP_NewArray, 4, 0) == 1);
  cr_assert(pops(SC_OP_CallBuiltin, SC_BUILTIN_min, 2) == 2 && pushes(SC_OP_CallBuiltin, 0, 2) == 1);
  cr_assert(pops(SC_OP_Swap, 0, 0) == 2 && pushes(SC_OP_Swap, 0, 0) == 2);
  cr_assert(pops(SC_OP_Dup, 0, 0) == 1 && pushes(SC_OP_Dup, 0, 0) == 2);
  cr_assert(pops(SC_OP_SetIndex, 0, 0) == 3 && pushes(SC_OP_SetIndex, 0, 0) == 0);
  cr_assert(pops(SC_OP_MapSet, 0, 0) == 3 && pushes(SC_OP_MapHas, 0, 0) == 1);
  cr_assert(pops(SC_OP_ArrayNew, 0, 0) == 2 && pushes(SC_OP_ArrayNew, 0, 0) == 1);
  cr_assert(pops(SC_OP_JumpIfFalse, 0, 0) == 1 && pops(SC_OP_Jump, 0, 0) == 0);
  cr_assert(pops(SC_OP_ReturnValue, 0, 0) == 1 && pops(SC_OP_Return, 0, 0) == 0);
  cr_assert(pops((sc_op)250, 0, 0) == 0 && pushes((sc_op)250, 0, 0) == 0);
  cr_assert_eq(pops(SC_OP_CallValue, INT32_MAX, 0), INT32_MAX); /* no overflow on garbage */
  for (int op = 0; op < SC_NOPS; op++) {
    cr_assert_geq(pops((sc_op)op, 0, 0), 0);
    cr_assert_geq(pushes((sc_op)op, 0, 0), 0);
  }
}

Test(opinfo, builtins_and_kinds) {
  const char *names[] = {"sqrt", "floor", "abs", "min", "max", "clock"};
  int argc[] = {1, 1, 1, 2, 2, 0};
  cr_assert_geq(SC_NBUILTINS, 6);
  for (int i = 0; i < 6; i++) {
    int b = sc_builtin_by_name(names[i]);
    cr_assert_geq(b, 0, "%s", names[i]);
    cr_assert_str_eq(sc_builtin_name((sc_builtin)b), names[i]);
    cr_assert_eq(sc_builtin_argc((sc_builtin)b), argc[i]);
  }
  cr_assert_eq(sc_builtin_by_name("cbrt"), -1);
  cr_assert_eq(sc_builtin_by_name(NULL), -1);
  cr_assert_str_eq(sc_builtin_name((sc_builtin)99), "?");
  cr_assert_eq(sc_builtin_argc((sc_builtin)99), -1);
  cr_assert_str_eq(sc_kind_name(SC_KIND_ANY), "any");
  cr_assert_str_eq(sc_kind_name(SC_KIND_INT), "int");
  cr_assert_str_eq(sc_kind_name(SC_KIND_FLOAT), "float");
  cr_assert_str_eq(sc_kind_name(SC_KIND_BOOL), "bool");
  cr_assert_str_eq(sc_kind_name((sc_kind)9), "?");
}

Test(program, functions_globals_names) {
  sc_runtime_init();
  sc_program *p = sc_program_new(NULL);
  cr_assert_str_eq(p->filename, "<program>");
  cr_assert_eq(p->main_index, -1);
  char name[8] = "f";
  sc_func *f = sc_func_add(p, name, 2);
  name[0] = 'z'; /* the builder copies names */
  cr_assert_str_eq(f->name, "f");
  cr_assert(f->index == 0 && f->arity == 2 && f->nlocals == 2);
  cr_assert_eq(f->local_kinds[0], SC_KIND_ANY);
  sc_func *m = sc_func_add(p, "main", 0);
  sc_func *m2 = sc_func_add(p, "main", 0);
  cr_assert_eq(p->main_index, 1); /* the first main */
  cr_assert_eq(sc_func_find(p, "main"), 1);
  cr_assert_eq(m2->index, 2);
  cr_assert_eq(sc_func_find(p, "f"), 0);
  cr_assert_eq(sc_func_find(p, "z"), -1);
  cr_assert_eq(sc_func_add_local(m, "x", SC_KIND_FLOAT), 0);
  for (int i = 1; i < 100; i++) cr_assert_eq(sc_func_add_local(m, "y", SC_KIND_INT), (uint32_t)i);
  cr_assert_eq(m->nlocals, 100);
  cr_assert_str_eq(m->local_names[0], "x");
  cr_assert_eq(m->local_kinds[0], SC_KIND_FLOAT);
  cr_assert_eq(m->local_kinds[99], SC_KIND_INT);
  for (int i = 0; i < 1000; i++) {
    char g[16];
    snprintf(g, sizeof g, "g%d", i);
    cr_assert_eq(sc_global_add(p, g), (uint32_t)i);
  }
  cr_assert_eq(sc_global_find(p, "g0"), 0);
  cr_assert_eq(sc_global_find(p, "g999"), 999);
  cr_assert_eq(sc_global_find(p, "g1000"), -1);
  cr_assert_eq(sc_name_intern(p, "x"), 0);
  cr_assert_eq(sc_name_intern(p, "y"), 1);
  cr_assert_eq(sc_name_intern(p, "x"), 0);
  cr_assert_eq(p->nnames, 2);
  cr_assert_str_eq(p->names[1], "y");
}

Test(program, constant_dedup) {
  sc_runtime_init();
  sc_program *p = sc_program_new("t");
  uint32_t i1 = sc_const_add(p, sc_int(1));
  cr_assert_eq(sc_const_add(p, sc_int(1)), i1);
  uint32_t f1 = sc_const_add(p, sc_float(1.0));
  cr_assert_neq(f1, i1); /* 1 and 1.0 differ */
  uint32_t z = sc_const_add(p, sc_float(0.0)), nz = sc_const_add(p, sc_float(-0.0));
  cr_assert_neq(z, nz);
  cr_assert_eq(sc_const_add(p, sc_float(-0.0)), nz);
  double nan1 = NAN, nan2;
  uint64_t bits;
  memcpy(&bits, &nan1, 8);
  bits ^= 1; /* another NaN payload */
  memcpy(&nan2, &bits, 8);
  uint32_t n1 = sc_const_add(p, sc_float(nan1));
  cr_assert_eq(sc_const_add(p, sc_float(nan1)), n1); /* NaN != NaN, but the same bits are one constant */
  cr_assert_neq(sc_const_add(p, sc_float(nan2)), n1);
  uint32_t t = sc_const_add(p, sc_bool(true));
  cr_assert_neq(t, i1);
  cr_assert_eq(sc_const_add(p, sc_bool(true)), t);
  uint32_t nl = sc_const_add(p, sc_null());
  cr_assert_eq(sc_const_add(p, sc_null()), nl);
  uint32_t s1 = sc_const_add(p, sc_ptr(SC_STR, sc_str_new("abc", 3)));
  cr_assert_eq(sc_const_add(p, sc_ptr(SC_STR, sc_str_new("abc", 3))), s1); /* by content */
  cr_assert_neq(sc_const_add(p, sc_ptr(SC_STR, sc_str_new("abd", 3))), s1);
  uint32_t e = sc_const_add(p, sc_ptr(SC_STR, sc_str_new("", 0)));
  cr_assert_eq(sc_const_add(p, sc_ptr(SC_STR, sc_str_new("", 0))), e);
  cr_assert_neq(sc_const_add(p, sc_ptr(SC_STR, sc_str_new("a\0b", 3))), sc_const_add(p, sc_ptr(SC_STR, sc_str_new("a", 1))));
  /* many constants: the table grows */
  for (int64_t i = 0; i < 10000; i++) cr_assert_eq(sc_const_add(p, sc_int(1000 + i)), sc_const_add(p, sc_int(1000 + i)));
  uint32_t n = p->nconsts;
  for (int64_t i = 0; i < 10000; i++) sc_const_add(p, sc_int(1000 + i));
  cr_assert_eq(p->nconsts, n);
}

Test(program, emit) {
  sc_runtime_init();
  sc_program *p = sc_program_new("t");
  sc_func *f = sc_func_add(p, "main", 0);
  for (uint32_t i = 0; i < 1000; i++) cr_assert_eq(sc_emit(f, SC_OP_Nop, 0, 0, i + 1, 2), i);
  sc_emit(f, SC_OP_Call, 7, 3, 9, 9);
  cr_assert_eq(f->ncode, 1001);
  cr_assert_geq(f->ccode, 1001);
  cr_assert(f->code[1000].op == SC_OP_Call && f->code[1000].a == 7 && f->code[1000].b == 3);
  cr_assert_eq(f->code[1000].fb, -1);
  cr_assert(f->lines[999] == 1000 && f->cols[999] == 2);
}

/* A host may fill the program struct by hand: lookups still work. */
Test(program, hand_built_struct) {
  sc_runtime_init();
  sc_program *p = sc_gc_alloc(sizeof *p);
  sc_program *src = sc_program_new("t");
  sc_func_add(src, "a", 0);
  sc_func_add(src, "main", 0);
  sc_global_add(src, "g");
  sc_const_add(src, sc_int(5));
  *p = *src;
  p->index = NULL;
  cr_assert_eq(sc_func_find(p, "main"), 1);
  cr_assert_eq(sc_global_find(p, "g"), 0);
  cr_assert_eq(sc_global_find(p, "h"), -1);
  cr_assert_eq(sc_const_add(p, sc_int(5)), 0); /* tables rebuilt from the arrays */
  cr_assert_eq(sc_func_find(p, "a"), 0);
  cr_assert_eq(sc_func_add(p, "b", 0)->index, 2);
  cr_assert_eq(sc_func_find(p, "b"), 2);
}

static char *printed(const sc_diags *d) {
  char *buf;
  size_t n;
  FILE *f = open_memstream(&buf, &n);
  sc_diags_print(d, f);
  fclose(f);
  return buf;
}

Test(diag, sorted_stable_and_formatted) {
  sc_runtime_init();
  sc_diags d = {.filename = "f.sasm"};
  sc_diag_add(&d, SC_DIAG_NOPOS, 0, "summary");
  sc_diag_add(&d, 3, 5, "c%d", 1);
  sc_diag_add(&d, 1, 9, "b");
  sc_diag_add(&d, 3, 5, "c%d", 2);
  sc_diag_add(&d, 1, 2, "a");
  sc_diag_add(&d, 0, 0, "zero");
  char *got = printed(&d);
  cr_assert_str_eq(got, "f.sasm:0:0: error: zero\nf.sasm:1:2: error: a\nf.sasm:1:9: error: b\n"
                        "f.sasm:3:5: error: c1\nf.sasm:3:5: error: c2\nf.sasm: error: summary\n");
  free(got);
  /* the collection itself keeps the reporting order */
  cr_assert_str_eq(d.v[0].msg, "summary");
  cr_assert_eq(d.n, 6);
}

Test(diag, long_messages_and_defaults) {
  sc_runtime_init();
  sc_diags d = {0};
  char big[3000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  sc_diag_add(&d, 1, 1, "%s", big);
  cr_assert_eq(strlen(d.v[0].msg), sizeof big - 1);
  char *got = printed(&d);
  cr_assert_eq(strncmp(got, "<input>:1:1: error: xxx", 23), 0);
  free(got);
  sc_diags e = {0};
  got = printed(&e);
  cr_assert_str_eq(got, "");
  free(got);
  for (int i = 5000; i > 0; i--) sc_diag_add(&e, (uint32_t)i, 1, "m");
  got = printed(&e);
  cr_assert_eq(strncmp(got, "<input>:1:1: error: m\n<input>:2:1: error: m\n", 44), 0);
  free(got);
}
