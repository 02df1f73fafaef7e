/* The public API's answers to NULL and invalid arguments, as the headers
 * document them: refused with a reason, never a crash. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shapec/shapec.h"

static const char *MAIN = "func main() {\n    PushConst 1\n    Print\n    Return\n}\n";

static sc_program *program(void) {
  sc_runtime_init();
  sc_program *p = sc_assemble("t.sasm", MAIN, strlen(MAIN), NULL);
  cr_assert(p);
  return p;
}

/* sc_vm_new(p, opts): NULL, and what its error stream got. */
static char *refused(sc_vm_options o) {
  char *buf = NULL;
  size_t n = 0;
  FILE *e = open_memstream(&buf, &n);
  o.err = e;
  char why[200];
  cr_assert(!sc_vm_options_check(&o, why, sizeof why));
  cr_assert_null(sc_vm_new(program(), &o));
  fclose(e);
  cr_assert(strstr(buf, why), "%s", buf);
  cr_assert(!strncmp(buf, "shapec: error: invalid VM options: ", 35), "%s", buf);
  return buf;
}

Test(api_args, vm_options_are_checked) {
  char *m;
  m = refused((sc_vm_options){.backend = "gcc"});
  cr_assert(strstr(m, "unknown backend 'gcc'"), "%s", m);
  free(m);
  m = refused((sc_vm_options){.jit = 7});
  cr_assert(strstr(m, "jit mode 7"), "%s", m);
  free(m);
  m = refused((sc_vm_options){.jit = SC_JIT_TIERED, .jit_threads = 1000});
  cr_assert(strstr(m, "jit_threads 1000"), "%s", m);
  free(m);
  m = refused((sc_vm_options){.jit_threads = -5});
  free(m);
  m = refused((sc_vm_options){.deopt_stress = NAN});
  cr_assert(strstr(m, "deopt_stress nan"), "%s", m);
  free(m);
  m = refused((sc_vm_options){.deopt_stress = 1.5});
  free(m);
  m = refused((sc_vm_options){.deopt_stress = -0.1});
  free(m);
  m = refused((sc_vm_options){.inl.depth = 2000000});
  cr_assert(strstr(m, "inline options"), "%s", m);
  free(m);
  /* and what is allowed */
  sc_vm_options ok[] = {{0}, {.jit_threads = SC_JIT_SYNC}, {.jit_threads = SC_MAX_JIT_THREADS},
                        {.deopt_stress = 1}, {.jit = SC_JIT_TIERED}};
  for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) {
    cr_assert(sc_vm_options_check(&ok[k], NULL, 0));
    sc_vm *vm = sc_vm_new(program(), &ok[k]);
    cr_assert(vm);
    sc_vm_free(vm);
  }
  cr_assert(sc_vm_options_check(NULL, NULL, 0));
  if (!sc_backend_available("llvm")) {
    sc_vm_options o = {.backend = "llvm"};
    cr_assert(!sc_vm_options_check(&o, NULL, 0));
  }
}

Test(api_args, null_arguments_do_not_crash) {
  sc_runtime_init();
  cr_assert_null(sc_assemble("x.sasm", "func main(", 10, NULL));
  cr_assert_null(sc_assemble_file(NULL, NULL));
  sc_diags d = {0};
  cr_assert_null(sc_assemble_file(NULL, &d));
  cr_assert_eq(d.n, 1);
  sc_program *empty = sc_assemble(NULL, NULL, 0, NULL); /* empty text, "<program>" */
  cr_assert(empty && empty->nfuncs == 0 && !strcmp(empty->filename, "<program>"));
  cr_assert_eq(sc_verify(NULL, NULL), -1);
  cr_assert_null(sc_vm_new(NULL, &(sc_vm_options){.err = fopen("/dev/null", "w")}));
  cr_assert_eq(sc_vm_run_main(NULL), SC_EXIT_BAD_PROGRAM);
  sc_vm_free(NULL);
  sc_vm_set_output(NULL, stdout);
  cr_assert_null(sc_vm_profile(NULL, 0));
  sc_vm_dump_feedback(NULL, stdout);
  cr_assert_null(sc_func_add(NULL, "f", 0));
  cr_assert_eq(sc_func_add_local(NULL, "x", SC_KIND_ANY), UINT32_MAX);
  cr_assert_eq(sc_global_add(NULL, "g"), UINT32_MAX);
  cr_assert_eq(sc_const_add(NULL, sc_int(1)), UINT32_MAX);
  cr_assert_eq(sc_name_intern(NULL, "n"), UINT32_MAX);
  cr_assert_eq(sc_func_find(NULL, "main"), -1);
  cr_assert_eq(sc_global_find(NULL, "g"), -1);
  cr_assert_eq(sc_emit(NULL, SC_OP_Nop, 0, 0, 0, 0), UINT32_MAX);
  cr_assert_eq(sc_op_pops(NULL), 0);
  cr_assert_eq(sc_op_pushes(NULL), 0);
  cr_assert_eq(sc_op_by_name(NULL), -1);
  cr_assert_str_eq(sc_op_name((sc_op)250), "?");
  sc_diag_add(NULL, 1, 1, "dropped");
  sc_diags_print(NULL, NULL);
  sc_disassemble(NULL, NULL);
  char err[100] = "";
  cr_assert_null(sc_compiler_new(NULL, NULL, err, sizeof err));
  cr_assert(err[0]);
  cr_assert_null(sc_compiler_new(NULL, NULL, NULL, 0));
  cr_assert(!sc_vm_install(NULL, 0, NULL));
  sc_compile_result_free(NULL);
  sc_compile_release_code(NULL, NULL);
  sc_compiler_free(NULL);
  /* a program built with a NULL name */
  sc_program *p = sc_program_new(NULL);
  sc_func *f = sc_func_add(p, NULL, 0);
  cr_assert(f && !strcmp(f->name, ""));
}

static char *verify_errors(sc_program *p) {
  sc_diags d = {0};
  cr_assert_neq(sc_verify(p, &d), 0);
  char *buf = NULL;
  size_t n = 0;
  FILE *o = open_memstream(&buf, &n);
  sc_diags_print(&d, o);
  fclose(o);
  return buf;
}

Test(api_args, duplicate_names_are_errors) {
  sc_runtime_init();
  sc_program *p = sc_program_new("b.sasm");
  for (int k = 0; k < 2; k++) {
    sc_func *m = sc_func_add(p, "main", 0);
    m->line = 3 + 4 * (uint32_t)k;
    m->col = 6;
    sc_emit(m, SC_OP_Return, 0, 0, m->line + 1, 5);
  }
  sc_global_add(p, "g");
  sc_global_add(p, "g");
  char *m = verify_errors(p);
  cr_assert(strstr(m, "b.sasm:7:6: error: duplicate function 'main' (also function 0)\n"), "%s", m);
  cr_assert(strstr(m, "b.sasm: error: duplicate global 'g' (globals 0 and 1)\n"), "%s", m);
  free(m);
  cr_assert_null(sc_vm_new(p, &(sc_vm_options){.err = fopen("/dev/null", "w")}));
}

Test(api_args, diagnostics_escape_control_bytes) {
  sc_diags d = {.filename = "f\x1b.sasm"};
  sc_diag_add(&d, 1, 2, "bad '%s'", "\x1b[31mred\x7f \xc2\x9b csi \xff caf\xc3\xa9 \xe2\x82\xac");
  char *buf = NULL;
  size_t n = 0;
  FILE *o = open_memstream(&buf, &n);
  sc_diags_print(&d, o);
  fclose(o);
  cr_assert_str_eq(buf, "f\\x1b.sasm:1:2: error: bad '\\x1b[31mred\\x7f \\xc2\\x9b csi \\xff caf\xc3\xa9 \xe2\x82\xac'\n");
  free(buf);
}
