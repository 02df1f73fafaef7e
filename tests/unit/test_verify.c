/* The verifier: each error on assembled programs, its completion of the
 * program (max_stack, feedback slots), and programs built in C that no
 * assembler would produce, down to NULL tables. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shapec/shapec.h"

static char *verify_msgs(sc_program *p, int *rc) {
  sc_diags d = {0};
  int r = sc_verify(p, &d);
  if (rc) *rc = r;
  cr_assert_eq(r != 0, d.n != 0, "sc_verify's result and its diagnostics disagree");
  char *buf;
  size_t n;
  FILE *f = open_memstream(&buf, &n);
  sc_diags_print(&d, f);
  fclose(f);
  return buf;
}

static sc_program *assemble(const char *src) {
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble("t.sasm", src, strlen(src), &d);
  if (d.n) sc_diags_print(&d, stderr);
  cr_assert(p != NULL);
  return p;
}

static void expect(const char *src, const char *want) {
  char *got = verify_msgs(assemble(src), NULL);
  cr_assert_str_eq(got, want, "source:\n%s", src);
  free(got);
}

static void expect_ok(const char *src) { expect(src, ""); }

static void expect_built(sc_program *p, const char *want) {
  int rc;
  char *got = verify_msgs(p, &rc);
  cr_assert_str_eq(got, want);
  cr_assert_eq(rc, want[0] ? -1 : 0);
  free(got);
}

Test(verify, stack_underflow) {
  expect("func main() {\n    Pop\n    Return\n}\n",
         "t.sasm:2:5: error: stack underflow: Pop needs 1 value, the stack has 0\n");
  expect("func main() {\n    PushConst 1\n    AddInt\n    Pop\n    Return\n}\n",
         "t.sasm:3:5: error: stack underflow: AddInt needs 2 values, the stack has 1\n");
  expect("func main() {\n    PushNull\n    PushNull\n    SetIndex\n    Return\n}\n",
         "t.sasm:4:5: error: stack underflow: SetIndex needs 3 values, the stack has 2\n");
  expect("func main() {\n    PushConst 1\n    CallValue 1\n    Pop\n    Return\n}\n",
         "t.sasm:3:5: error: stack underflow: CallValue needs 2 values, the stack has 1\n");
  expect("func main() {\n    PushConst 1\n    NewArray 2\n    Pop\n    Return\n}\n",
         "t.sasm:3:5: error: stack underflow: NewArray needs 2 values, the stack has 1\n");
  expect("func f(a, b) {\n    Return\n}\nfunc main() {\n    PushNull\n    Call f 2\n    Pop\n    Return\n}\n",
         "t.sasm:6:5: error: stack underflow: Call needs 2 values, the stack has 1\n");
  expect("func main() {\n    CallBuiltin sqrt 1\n    Pop\n    Return\n}\n",
         "t.sasm:2:5: error: stack underflow: CallBuiltin needs 1 value, the stack has 0\n");
  expect("func main() {\n    ReturnValue\n}\n",
         "t.sasm:2:5: error: stack underflow: ReturnValue needs 1 value, the stack has 0\n");
  expect("func main() {\n    JumpIfFalse l\nl:\n    Return\n}\n",
         "t.sasm:2:5: error: stack underflow: JumpIfFalse needs 1 value, the stack has 0\n");
  /* zero-argument forms need nothing */
  expect_ok("func f() {\n    Return\n}\nfunc main() {\n    NewArray 0\n    Pop\n    Call f 0\n    Pop\n"
            "    PushFunc f\n    CallValue 0\n    Pop\n    CallBuiltin clock 0\n    Pop\n    Return\n}\n");
}

Test(verify, inconsistent_depth) {
  expect("func main() {\n    PushConst true\n    JumpIfFalse j\n    PushConst 1\nj:\n    Return\n}\n",
         "t.sasm:6:5: error: inconsistent stack depth: 0 here on one path, 1 on another\n");
  /* a loop whose body leaves a value behind: reported once, at the header */
  expect("func main() {\ntop:\n    LoopStart\n    PushConst 1\n    Jump top\n}\n",
         "t.sasm:3:5: error: inconsistent stack depth: 0 here on one path, 1 on another\n");
  /* a join with three predecessors disagreeing is one message */
  expect("func main() {\n    PushConst 1\n    JumpIfTrue j\n    PushConst 1\n    PushConst 1\n    JumpIfTrue j\n"
         "    PushConst 1\n    Jump j\nj:\n    Return\n}\n",
         "t.sasm:10:5: error: inconsistent stack depth: 0 here on one path, 1 on another\n");
  /* equal depths on both paths are fine, whatever the values */
  expect_ok("func main() {\n    PushConst true\n    JumpIfFalse e\n    PushConst 1\n    Jump j\ne:\n"
            "    PushConst \"s\"\nj:\n    Print\n    Return\n}\n");
}

Test(verify, control_must_not_fall_off) {
  expect("func main() {\n    PushConst 1\n    Pop\n}\n",
         "t.sasm:3:5: error: control reaches the end of function 'main' without a return\n");
  expect("func main() {\n    PushConst true\n    JumpIfFalse out\n    Return\nout:\n    Nop\n}\n",
         "t.sasm:6:5: error: control reaches the end of function 'main' without a return\n");
  expect("func f() {\n}\nfunc main() {\n    Return\n}\n",
         "t.sasm:1:1: error: control reaches the end of function 'f' without a return\n");
  expect("func main() {\n    Jump end\nend:\n}\n",
         "t.sasm:2:5: error: Jump to the end of function 'main': control would fall off the end\n");
  expect("func main() {\n    PushNull\n    JumpIfTrue end\n    Return\nend:\n}\n",
         "t.sasm:3:5: error: JumpIfTrue to the end of function 'main': control would fall off the end\n");
  /* every terminator ends a path */
  expect_ok("func main() {\n    Halt\n}\n");
  expect_ok("func f() {\n    PushNull\n    ReturnValue\n}\nfunc main() {\n    Return\n}\n");
  expect_ok("func main() {\nl:\n    Jump l\n}\n");
}

Test(verify, unreachable_code) {
  /* not depth-checked, and may fall off the end */
  expect_ok("func main() {\n    Return\n    Pop\n    Pop\n    AddInt\n}\n");
  expect_ok("func main() {\n    Jump l\n    Pop\nl:\n    Return\n}\n");
  /* but its operands are still checked */
  expect("func f(a) {\n    Return\n}\nfunc main() {\n    Return\n    Call f 0\n    CallBuiltin abs 2\n}\n",
         "t.sasm:6:5: error: Call of 'f' with 0 arguments, but it takes 1\n"
         "t.sasm:7:5: error: builtin abs takes 1 argument, got 2\n");
}

Test(verify, arity) {
  expect("func f(a) {\n    Return\n}\nfunc main() {\n    Call f 0\n    Pop\n    Return\n}\n",
         "t.sasm:5:5: error: Call of 'f' with 0 arguments, but it takes 1\n");
  expect("func f() {\n    Return\n}\nfunc main() {\n    PushNull\n    Call f 1\n    Pop\n    Return\n}\n",
         "t.sasm:6:5: error: Call of 'f' with 1 argument, but it takes 0\n");
  expect("func main() {\n    PushConst 1\n    CallBuiltin abs 2\n    Pop\n    Return\n}\n",
         "t.sasm:3:5: error: builtin abs takes 1 argument, got 2\n");
  expect("func main() {\n    PushConst 1\n    CallBuiltin min 1\n    Pop\n    Return\n}\n",
         "t.sasm:3:5: error: builtin min takes 2 arguments, got 1\n");
  expect("func main() {\n    PushConst 1\n    CallBuiltin clock 1\n    Pop\n    Return\n}\n",
         "t.sasm:3:5: error: builtin clock takes 0 arguments, got 1\n");
  /* CallValue's arity is checked at run time */
  expect_ok("func f(a) {\n    Return\n}\nfunc main() {\n    PushFunc f\n    CallValue 0\n    Pop\n    Return\n}\n");
}

Test(verify, main) {
  expect("func main(x) {\n    Return\n}\n", "t.sasm:1:1: error: main must take no parameters (it takes 1)\n");
  expect("func f() {\n    Return\n}\n", "t.sasm:1:1: error: no function 'main'\n");
  expect("", "t.sasm:1:1: error: no function 'main'\n");
  expect("global g\n", "t.sasm:1:1: error: no function 'main'\n");
  /* main may be anywhere, and is not required to be called first */
  sc_program *p = assemble("func a() {\n    Return\n}\nfunc main() {\n    Return\n}\n");
  cr_assert_eq(p->main_index, 1);
}

Test(verify, errors_in_source_order) {
  expect("func f() {\n    Pop\n    Return\n}\nfunc main() {\n    PushConst 1\n    Pop\n}\n"
         "func g(a) {\n    Call g 2\n    Return\n}\n",
         "t.sasm:2:5: error: stack underflow: Pop needs 1 value, the stack has 0\n"
         "t.sasm:7:5: error: control reaches the end of function 'main' without a return\n"
         "t.sasm:10:5: error: Call of 'g' with 2 arguments, but it takes 1\n");
}

Test(verify, completes_program) {
  sc_program *p = assemble("func main() {\n    PushConst 1\n    PushConst 2\n    Add\n    PushConst 3\n    Lt\n"
                           "    Pop\n    PushConst 1\n    PushConst 2\n    PushConst 3\n    NewArray 3\n    Pop\n"
                           "    Return\n}\n");
  sc_diags d = {0};
  cr_assert_eq(sc_verify(p, &d), 0);
  const sc_func *f = p->funcs[0];
  cr_assert_eq(f->max_stack, 3);
  cr_assert_eq(f->nfeedback, 2);
  cr_assert_eq(f->code[2].fb, 0);
  cr_assert_eq(f->code[4].fb, 1);
  for (uint32_t pc = 0; pc < f->ncode; pc++)
    if (pc != 2 && pc != 4) cr_assert_eq(f->code[pc].fb, -1);
  /* verifying again gives the same result */
  cr_assert_eq(sc_verify(p, &d), 0);
  cr_assert_eq(f->nfeedback, 2);
  cr_assert_eq(f->code[4].fb, 1);
}

/* Feedback slots: exactly the SC_OPF_FB instructions, numbered in pc order
 * per function, unreachable ones included. */
Test(verify, feedback_slots_for_every_fb_op) {
  char *src;
  size_t len;
  FILE *o = open_memstream(&src, &len);
  fputs("func main() {\n    Return\n", o); /* the rest is unreachable: only operands matter */
  for (int op = 0; op < SC_NOPS; op++) {
    fprintf(o, "    %s", sc_op_name((sc_op)op));
    switch (sc_op_operand((sc_op)op)) {
    case SC_OPND_CONST: fputs(" 1", o); break;
    case SC_OPND_FUNC: fputs(" main", o); break;
    case SC_OPND_LOCAL: fputs(" 0", o); break;
    case SC_OPND_GLOBAL: fputs(" 0", o); break;
    case SC_OPND_LABEL: fputs(" top", o); break;
    case SC_OPND_CALL: fputs(" main 0", o); break;
    case SC_OPND_COUNT: fputs(" 1", o); break;
    case SC_OPND_NAME: fputs(" x", o); break;
    case SC_OPND_BUILTIN: fputs(" abs 1", o); break;
    default: break;
    }
    fputc('\n', o);
    if (op == 0) fputs("top:\n", o);
  }
  fputs("    local l\n}\nglobal g\n", o);
  fclose(o);
  sc_program *p = assemble(src);
  free(src);
  char *got = verify_msgs(p, NULL);
  cr_assert_str_eq(got, "");
  free(got);
  const sc_func *f = p->funcs[0];
  int32_t next = 0;
  for (uint32_t pc = 0; pc < f->ncode; pc++) {
    bool fb = sc_op_flags((sc_op)f->code[pc].op) & SC_OPF_FB;
    cr_assert_eq(f->code[pc].fb, fb ? next : -1, "%s", sc_op_name((sc_op)f->code[pc].op));
    next += fb;
  }
  cr_assert_eq(f->nfeedback, (uint32_t)next);
  cr_assert_gt(next, 20);
}

/* ---- programs built in C ---- */

static sc_program *host_main(sc_func **m) {
  sc_runtime_init();
  sc_program *p = sc_program_new("host");
  *m = sc_func_add(p, "main", 0);
  return p;
}

Test(verify, c_built_garbage_operands) {
  sc_func *m;
  sc_program *p = host_main(&m);
  sc_emit(m, SC_OP_LoadLocal, 7, 0, 0, 0);
  sc_emit(m, SC_OP_PushConst, 1000, 0, 0, 0);
  sc_emit(m, (sc_op)250, 0, 0, 0, 0);
  sc_emit(m, SC_OP_Jump, -5, 0, 0, 0);
  sc_emit(m, SC_OP_Call, 3, 0, 0, 0);
  sc_emit(m, SC_OP_GetProp, 9, 0, 0, 0);
  sc_emit(m, SC_OP_CallBuiltin, 99, 0, 0, 0);
  sc_emit(m, SC_OP_StoreGlobal, 0, 0, 0, 0);
  sc_emit(m, SC_OP_NewArray, 70000, 0, 0, 0);
  sc_emit(m, SC_OP_CallValue, -1, 0, 0, 0);
  sc_emit(m, SC_OP_PushFunc, -1, 0, 0, 0);
  sc_emit(m, SC_OP_Jump, 100, 0, 0, 0);
  sc_emit(m, SC_OP_Add, 3, 0, 0, 0);
  sc_emit(m, SC_OP_PushNull, 0, 2, 0, 0);
  sc_emit(m, SC_OP_CallBuiltin, SC_BUILTIN_abs, 3, 0, 0);
  sc_emit(m, SC_OP_Call, 0, 1, 0, 0);
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  expect_built(p, "host: error: LoadLocal of local 7, but function 'main' has 0 locals (function 'main', pc 0)\n"
                  "host: error: PushConst of constant 1000, but the program has 0 constants (function 'main', pc 1)\n"
                  "host: error: invalid opcode 250 (function 'main', pc 2)\n"
                  "host: error: Jump to pc -5, outside function 'main' (17 instructions) (function 'main', pc 3)\n"
                  "host: error: Call of function 3, but the program has 1 function (function 'main', pc 4)\n"
                  "host: error: GetProp of property name 9, but the program has 0 names (function 'main', pc 5)\n"
                  "host: error: CallBuiltin of builtin 99, but there are 6 builtins (function 'main', pc 6)\n"
                  "host: error: StoreGlobal of global 0, but the program has 0 globals (function 'main', pc 7)\n"
                  "host: error: NewArray count 70000 out of range (0..65535) (function 'main', pc 8)\n"
                  "host: error: CallValue count -1 out of range (0..65535) (function 'main', pc 9)\n"
                  "host: error: PushFunc of function -1, but the program has 1 function (function 'main', pc 10)\n"
                  "host: error: Jump to pc 100, outside function 'main' (17 instructions) (function 'main', pc 11)\n"
                  "host: error: Add takes no operand, but a is 3 (function 'main', pc 12)\n"
                  "host: error: PushNull takes no argument count, but b is 2 (function 'main', pc 13)\n"
                  "host: error: builtin abs takes 1 argument, got 3 (function 'main', pc 14)\n"
                  "host: error: Call of 'main' with 1 argument, but it takes 0 (function 'main', pc 15)\n");
}

Test(verify, c_built_bad_functions) {
  sc_runtime_init();
  sc_program *p = sc_program_new("host");
  sc_func *m = sc_func_add(p, "main", 0);
  sc_func *f = sc_func_add(p, "f", 2);
  sc_func *g = sc_func_add(p, "g", 0);
  sc_func *h = sc_func_add(p, "h", 0);
  sc_func *k = sc_func_add(p, "k", 1);
  sc_func_add(p, "empty", 0);
  sc_func *x = sc_func_add(p, "x", 0);
  sc_func_add(p, "y", 0);
  sc_emit(m, SC_OP_Call, 1, 2, 0, 0); /* f is unusable: no second message here */
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  f->nlocals = 1; /* arity 2 > nlocals */
  g->name = NULL;
  h->index = 9;
  k->local_kinds[0] = SC_KIND_INT; /* parameters are ANY */
  x->ncode = 3;                    /* no code array */
  p->funcs[7] = NULL;
  sc_emit(g, SC_OP_Return, 0, 0, 0, 0);
  sc_emit(h, SC_OP_Return, 0, 0, 0, 0);
  sc_emit(k, SC_OP_Return, 0, 0, 0, 0);
  expect_built(p, "host: error: function 'f' has 2 parameters but only 1 local\n"
                  "host: error: function 2 has no name\n"
                  "host: error: function 'h' has index 9, but it is function 3\n"
                  "host: error: function 'k': parameter 0 is declared int, but parameters are of kind any\n"
                  "host: error: function 'x' has 3 instructions but no code\n"
                  "host: error: function 7 is missing\n"
                  "host: error: control reaches the end of function 'empty' without a return\n");
}

Test(verify, c_built_bad_locals) {
  sc_func *m;
  sc_program *p = host_main(&m);
  sc_func_add_local(m, "a", SC_KIND_ANY);
  sc_func_add_local(m, "b", SC_KIND_ANY);
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  m->local_kinds[0] = 7;
  m->local_names[1] = NULL;
  expect_built(p, "host: error: function 'main': local 0 has an invalid kind 7\n"
                  "host: error: function 'main': local 1 has no name\n");
  m->local_kinds = NULL;
  expect_built(p, "host: error: function 'main' has 2 locals but no local table\n");
  sc_func *big = sc_func_add(p, "big", 0);
  big->arity = 300;
  big->nlocals = 300;
  big->local_names = NULL;
  static uint8_t kinds[2];
  m->local_kinds = kinds;
  m->local_names[1] = "b";
  expect_built(p, "host: error: function 'big' has 300 parameters (at most 255)\n"
                  "host: error: function 'big' has 300 locals but no local table\n");
  big->nlocals = 70000;
  expect_built(p, "host: error: function 'big' has 300 parameters (at most 255)\n"
                  "host: error: function 'big' has 70000 locals (at most 65535)\n");
}

Test(verify, c_built_bad_tables) {
  sc_func *m;
  sc_program *p = host_main(&m);
  sc_const_add(p, sc_int(1));
  sc_const_add(p, sc_ptr(SC_ARRAY, NULL));
  sc_value b = {SC_BOOL, {.i = 2}};
  sc_const_add(p, b);
  sc_const_add(p, sc_ptr(SC_STR, NULL));
  sc_value t = {99, {.i = 0}};
  sc_const_add(p, t);
  sc_name_intern(p, "x");
  sc_global_add(p, "g");
  p->names[0] = NULL;
  p->global_names[0] = NULL;
  sc_emit(m, SC_OP_PushConst, 1, 0, 0, 0); /* the bad constant: reported once, above */
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  expect_built(p, "host: error: constant 1 is not a literal (tag 5)\n"
                  "host: error: constant 2 is not a literal (tag 1)\n"
                  "host: error: constant 3 is not a literal (tag 4)\n"
                  "host: error: constant 4 is not a literal (tag 99)\n"
                  "host: error: property name 0 is missing\n"
                  "host: error: the name of global 0 is missing\n");
  p->consts = NULL;
  p->names = NULL;
  p->global_names = NULL;
  expect_built(p, "host: error: program has 5 constants but no constant table\n"
                  "host: error: program has 1 property name but no name table\n"
                  "host: error: program has 1 global but no global names\n"
                  "host: error: PushConst of constant 1, but the program has 5 constants (function 'main', pc 0)\n");
  p->funcs = NULL;
  expect_built(p, "host: error: program has 5 constants but no constant table\n"
                  "host: error: program has 1 property name but no name table\n"
                  "host: error: program has 1 global but no global names\n"
                  "host: error: program has 1 function but no function table\n");
  sc_diags d = {0};
  cr_assert_eq(sc_verify(NULL, &d), -1);
  cr_assert_eq(d.n, 1);
}

Test(verify, c_built_main) {
  sc_runtime_init();
  sc_program *p = sc_program_new("host");
  sc_func *f = sc_func_add(p, "f", 0);
  sc_emit(f, SC_OP_Return, 0, 0, 0, 0);
  expect_built(p, "host: error: no function 'main'\n");
  p->main_index = 5;
  expect_built(p, "host: error: no function 'main'\n");
  p->main_index = 0; /* any function may be the entry point, if it takes no arguments */
  expect_built(p, "");
  sc_func *g = sc_func_add(p, "g", 1);
  sc_emit(g, SC_OP_Return, 0, 0, 0, 0);
  p->main_index = (int32_t)g->index;
  expect_built(p, "host: error: main must take no parameters (it takes 1)\n");
}

Test(verify, c_built_stack_limits) {
  sc_func *m;
  sc_program *p = host_main(&m);
  for (int i = 0; i < 65535; i++) sc_emit(m, SC_OP_PushNull, 0, 0, 0, 0);
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  expect_built(p, "");
  cr_assert_eq(m->max_stack, 65535);
  m->ncode--;
  sc_emit(m, SC_OP_PushNull, 0, 0, 0, 0);
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  expect_built(p, "host: error: operand stack deeper than 65535 values (function 'main', pc 65535)\n");
}

/* Positions: an instruction without one falls back to its function's
 * header, naming the pc; a function without one, to no position. */
Test(verify, c_built_partial_positions) {
  sc_runtime_init();
  sc_program *p = sc_program_new("mixed.sasm");
  sc_func *m = sc_func_add(p, "main", 0);
  m->line = 3;
  m->col = 1;
  sc_emit(m, SC_OP_Pop, 0, 0, 4, 5);
  sc_emit(m, SC_OP_Pop, 0, 0, 0, 0);
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  expect_built(p, "mixed.sasm:4:5: error: stack underflow: Pop needs 1 value, the stack has 0\n");
  m->code[0].op = SC_OP_PushNull;
  m->code[1].op = SC_OP_AddInt;
  expect_built(p, "mixed.sasm:3:1: error: stack underflow: AddInt needs 2 values, the stack has 1 (function 'main', "
                  "pc 1)\n");
  m->lines = NULL;
  m->cols = NULL;
  m->code[1].op = 200;
  expect_built(p, "mixed.sasm:3:1: error: invalid opcode 200 (function 'main', pc 1)\n");
}

Test(verify, too_many_errors) {
  sc_func *m;
  sc_program *p = host_main(&m);
  for (int i = 0; i < 80; i++) sc_emit(m, SC_OP_LoadLocal, i + 1, 0, 0, 0);
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  int rc;
  char *got = verify_msgs(p, &rc);
  cr_assert_eq(rc, -1);
  int lines = 0;
  for (char *c = got; *c; c++) lines += *c == '\n';
  cr_assert_eq(lines, 51);
  cr_assert_not_null(strstr(got, "(function 'main', pc 49)\nhost: error: too many errors (30 more not shown)\n"));
  free(got);
}

Test(verify, c_built_ok_and_runs) {
  sc_runtime_init();
  sc_program *p = sc_program_new("host");
  sc_func *m = sc_func_add(p, "main", 0);
  sc_func *sq = sc_func_add(p, "sq", 1);
  sc_emit(sq, SC_OP_LoadLocal, 0, 0, 0, 0);
  sc_emit(sq, SC_OP_LoadLocal, 0, 0, 0, 0);
  sc_emit(sq, SC_OP_MulInt, 0, 0, 0, 0);
  sc_emit(sq, SC_OP_ReturnValue, 0, 0, 0, 0);
  sc_emit(m, SC_OP_PushConst, (int32_t)sc_const_add(p, sc_int(6)), 0, 0, 0);
  sc_emit(m, SC_OP_PushConst, (int32_t)sc_const_add(p, sc_int(7)), 0, 0, 0);
  sc_emit(m, SC_OP_MulInt, 0, 0, 0, 0);
  sc_emit(m, SC_OP_Call, 1, 1, 0, 0);
  sc_emit(m, SC_OP_Print, 0, 0, 0, 0);
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  sc_diags d = {0};
  cr_assert_eq(sc_verify(p, &d), 0);
  cr_assert_eq(m->max_stack, 2);
  cr_assert_eq(sq->max_stack, 2);
  char *out;
  size_t n;
  FILE *f = open_memstream(&out, &n);
  sc_vm_options o = {.out = f, .err = stderr, .profile = 1};
  sc_vm *vm = sc_vm_new(p, &o);
  cr_assert_eq(sc_vm_run_main(vm), SC_EXIT_OK);
  fclose(f);
  cr_assert_str_eq(out, "1764\n");
  free(out);
}

static uint64_t rnd(uint64_t *s) { /* xorshift64 */
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* Random garbage in every field the C API exposes: errors, never a crash. */
Test(verify, c_built_random_garbage) {
  sc_runtime_init();
  uint64_t s = 0x9E3779B97F4A7C15ull;
  int verified = 0;
#define RND() rnd(&s)
  for (int round = 0; round < 3000; round++) {
    sc_program *p = sc_program_new("fuzz");
    bool tame = RND() % 4 != 0; /* operands mostly in range, so that some programs verify */
    int nf = 1 + (int)(RND() % 4);
    for (int k = (int)(RND() % 3); k > 0; k--) sc_const_add(p, sc_int((int64_t)(RND() % 5)));
    if (RND() % 3 == 0) sc_name_intern(p, "x");
    if (RND() % 3 == 0) sc_global_add(p, "g");
    for (int i = 0; i < nf; i++) sc_func_add(p, i == 0 ? "main" : "f", i == 0 && tame ? 0 : (uint32_t)(RND() % 3));
    for (int i = 0; i < nf; i++) {
      sc_func *f = p->funcs[i];
      for (int k = (int)(RND() % 3); k > 0; k--) sc_func_add_local(f, "l", (sc_kind)(RND() % (tame ? 4 : 5)));
      int n = (int)(RND() % 12), depth = 0;
      for (int k = 0; k < n; k++) {
        sc_op op = (sc_op)(RND() % (tame ? SC_NOPS : SC_NOPS + 3));
        int32_t a = (int32_t)(RND() % 2 ? RND() % 6 : RND());
        uint16_t b = (uint16_t)(RND() % 3);
        if (tame) {
          sc_operand o = sc_op_operand(op);
          b = 0;
          a = o == SC_OPND_NONE ? 0 : (int32_t)(RND() % 3);
          if (o == SC_OPND_LABEL) a = (int32_t)(RND() % (uint64_t)n);
          if (o == SC_OPND_CALL) {
            a = (int32_t)(RND() % (uint64_t)nf);
            b = (uint16_t)p->funcs[a]->arity;
          }
          if (o == SC_OPND_BUILTIN) {
            a = (int32_t)(RND() % SC_NBUILTINS);
            b = (uint16_t)sc_builtin_argc((sc_builtin)a);
          }
        }
        if (tame) { /* mostly no underflow: push instead */
          sc_insn in = {.op = (uint8_t)op, .a = a, .b = b};
          if (sc_op_pops(&in) > depth) op = SC_OP_PushNull, a = 0, b = 0;
          in = (sc_insn){.op = (uint8_t)op, .a = a, .b = b};
          depth += sc_op_pushes(&in) - sc_op_pops(&in);
        }
        sc_emit(f, op, a, b, 0, 0);
      }
      if (tame) sc_emit(f, SC_OP_Return, 0, 0, 0, 0);
    }
    if (RND() % 20 == 0) p->main_index = (int32_t)RND();
    sc_diags d = {0};
    int r = sc_verify(p, &d);
    cr_assert_eq(r != 0, d.n != 0);
    if (r == 0) { /* whatever verifies disassembles to valid text */
      verified++;
      char *text;
      size_t len;
      FILE *o = open_memstream(&text, &len);
      sc_disassemble(p, o);
      fclose(o);
      sc_diags d2 = {0};
      sc_program *q = sc_assemble("re.sasm", text, len, &d2);
      if (!q) sc_diags_print(&d2, stderr);
      cr_assert_not_null(q, "%s", text);
      cr_assert_eq(sc_verify(q, &d2), 0, "%s", text);
      free(text);
    }
  }
#undef RND
  cr_assert_gt(verified, 300, "only %d random programs verified", verified);
}
