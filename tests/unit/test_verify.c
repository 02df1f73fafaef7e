/* The verifier, on assembled programs and on programs built in C that no
 * assembler would produce. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "shapec/shapec.h"

static char *verify_msgs(sc_program *p) {
  sc_diags d = {0};
  sc_verify(p, &d);
  char *buf;
  size_t n;
  FILE *f = open_memstream(&buf, &n);
  sc_diags_print(&d, f);
  fclose(f);
  return buf;
}

static char *verify_src(const char *src) {
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble("t.sasm", src, strlen(src), &d);
  cr_assert(p != NULL);
  return verify_msgs(p);
}

static void expect(const char *src, const char *want) {
  char *got = verify_src(src);
  cr_assert_str_eq(got, want);
  free(got);
}

Test(verify, stack_depth) {
  expect("func main() {\n    Pop\n    Return\n}\n",
         "t.sasm:2:5: error: stack underflow: Pop needs 1 value, the stack has 0\n");
  expect("func main() {\n    PushConst true\n    JumpIfFalse j\n    PushConst 1\nj:\n    Return\n}\n",
         "t.sasm:6:5: error: inconsistent stack depth: 0 here on one path, 1 on another\n");
  expect("func main() {\n    PushConst 1\n    Pop\n}\n",
         "t.sasm:3:5: error: control reaches the end of function 'main' without a return\n");
}

Test(verify, arity_and_main) {
  expect("func f(a) {\n    Return\n}\nfunc main() {\n    Call f 0\n    Pop\n    Return\n}\n",
         "t.sasm:5:5: error: Call of 'f' with 0 arguments, but it takes 1\n");
  expect("func main(x) {\n    Return\n}\n", "t.sasm:1:1: error: main must take no parameters (it takes 1)\n");
  expect("func f() {\n    Return\n}\n", "t.sasm:1:1: error: no function 'main'\n");
  expect("func main() {\n    PushConst 1\n    CallBuiltin abs 2\n    Pop\n    Return\n}\n",
         "t.sasm:3:5: error: builtin abs takes 1 argument, got 2\n");
}

Test(verify, completes_program) {
  sc_runtime_init();
  const char *src = "func main() {\n    PushConst 1\n    PushConst 2\n    Add\n    PushConst 3\n    Lt\n"
                    "    Pop\n    Return\n}\n";
  sc_diags d = {0};
  sc_program *p = sc_assemble("t.sasm", src, strlen(src), &d);
  cr_assert_eq(sc_verify(p, &d), 0);
  const sc_func *f = p->funcs[0];
  cr_assert_eq(f->max_stack, 2);
  cr_assert_eq(f->nfeedback, 2);
  cr_assert_eq(f->code[2].fb, 0);
  cr_assert_eq(f->code[4].fb, 1);
  cr_assert_eq(f->code[0].fb, -1);
}

/* Programs built in C: every field is checked before it is used. */
Test(verify, c_built_garbage) {
  sc_runtime_init();
  sc_program *p = sc_program_new("host");
  sc_func *m = sc_func_add(p, "main", 0);
  sc_emit(m, SC_OP_LoadLocal, 7, 0, 0, 0);     /* no such local */
  sc_emit(m, SC_OP_PushConst, 1000, 0, 0, 0);  /* no such constant */
  sc_emit(m, (sc_op)250, 0, 0, 0, 0);          /* no such opcode */
  sc_emit(m, SC_OP_Jump, -5, 0, 0, 0);         /* no such target */
  sc_emit(m, SC_OP_Call, 3, 0, 0, 0);          /* no such function */
  sc_emit(m, SC_OP_GetProp, 9, 0, 0, 0);       /* no such name */
  sc_emit(m, SC_OP_CallBuiltin, 99, 0, 0, 0);  /* no such builtin */
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  char *got = verify_msgs(p);
  cr_assert_str_eq(got, "host:0:0: error: LoadLocal operand 7 out of range (function 'main', pc 0)\n"
                        "host:0:0: error: PushConst operand 1000 out of range (function 'main', pc 1)\n"
                        "host:0:0: error: invalid opcode 250 (function 'main', pc 2)\n"
                        "host:0:0: error: Jump operand -5 out of range (function 'main', pc 3)\n"
                        "host:0:0: error: Call operand 3 out of range (function 'main', pc 4)\n"
                        "host:0:0: error: GetProp operand 9 out of range (function 'main', pc 5)\n"
                        "host:0:0: error: CallBuiltin operand 99 out of range (function 'main', pc 6)\n");
  free(got);
}

Test(verify, c_built_ok_and_runs) {
  sc_runtime_init();
  sc_program *p = sc_program_new("host");
  sc_func *m = sc_func_add(p, "main", 0);
  sc_emit(m, SC_OP_PushConst, (int32_t)sc_const_add(p, sc_int(6)), 0, 0, 0);
  sc_emit(m, SC_OP_PushConst, (int32_t)sc_const_add(p, sc_int(7)), 0, 0, 0);
  sc_emit(m, SC_OP_MulInt, 0, 0, 0, 0);
  sc_emit(m, SC_OP_Print, 0, 0, 0, 0);
  sc_emit(m, SC_OP_Return, 0, 0, 0, 0);
  sc_diags d = {0};
  cr_assert_eq(sc_verify(p, &d), 0);
  char *out;
  size_t n;
  FILE *f = open_memstream(&out, &n);
  sc_vm_options o = {.out = f, .err = stderr, .profile = 1};
  sc_vm *vm = sc_vm_new(p, &o);
  cr_assert_eq(sc_vm_run_main(vm), SC_EXIT_OK);
  fclose(f);
  cr_assert_str_eq(out, "42\n");
  free(out);
}
