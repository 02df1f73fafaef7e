/* shapec --emit=ssa|dot FILE [--func NAME] [--passes=P] [--print-after=NAME]
 *        [--print-after-all] [--time-passes] [--feedback-from-run] [--list-passes]
 * Lifts each function (or one) to SSA, runs the pass pipeline and prints the
 * IR, or the CFG as Graphviz with loops marked. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "config.h"
#include "passes/passes.h"
#include "shapec/vm.h"
#include "ssa/ir.h"

static int fail(const char *fmt, const char *arg) {
  fputs("shapec: error: ", stderr);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  return 2;
}

/* --opt=VALUE or --opt VALUE */
static const char *value(const char *opt, int argc, char **argv, int *i) {
  size_t n = strlen(opt);
  if (!strncmp(argv[*i], opt, n) && argv[*i][n] == '=') return argv[*i] + n + 1;
  if (!strcmp(argv[*i], opt) && *i + 1 < argc) return argv[++*i];
  return NULL;
}

int sc_cli_emit_ir(const char *what, sc_program *p, int argc, char **argv) {
  const char *func = NULL, *pipeline = SC_DEFAULT_PIPELINE, *v;
  sc_pipeline_opts o = {.out = stdout, .err = stderr};
#ifdef SC_CHECKING
  o.verify = true;
#endif
  bool from_run = false;
  if (!strcmp(what, "mir") || !strcmp(what, "llvm"))
    return fail("--emit=%s: the native backends are not built yet", what);
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if ((v = value("--func", argc, argv, &i))) func = v;
    else if ((v = value("--passes", argc, argv, &i))) pipeline = v;
    else if ((v = value("--print-after", argc, argv, &i))) o.print_after = v;
    else if (!strcmp(a, "--print-after-all")) o.print_after_all = true;
    else if (!strcmp(a, "--time-passes")) o.time_passes = true;
    else if (!strcmp(a, "--verify-each")) o.verify = true;
    else if (!strcmp(a, "--feedback-from-run")) from_run = true;
    else if (!strcmp(a, "--list-passes")) {
      size_t n;
      const sc_pass *ps = sc_pass_list(&n);
      for (size_t k = 0; k < n; k++) printf("%-10s %s\n", ps[k].name, ps[k].help);
      return 0;
    } else
      return fail("unknown option '%s' for --emit", a);
  }
  char msg[200];
  if (sc_pipeline_check(pipeline, msg, sizeof msg)) return fail("%s", msg);
  if (strncmp(pipeline, "lift", 4) || (pipeline[4] && pipeline[4] != ','))
    return fail("a pipeline starts with 'lift', got '%s'", pipeline);
  if (o.print_after && !sc_pass_find(o.print_after)) return fail("--print-after: unknown pass '%s'", o.print_after);
  int fi = -1;
  if (func && (fi = sc_func_find(p, func)) < 0) return fail("no function '%s' in the program", func);
  sc_vm *vm = NULL;
  if (from_run) { /* profile a run, its output discarded */
    FILE *null = fopen("/dev/null", "w");
    sc_vm_options vo = {.out = null, .err = null, .profile = 1};
    vm = sc_vm_new(p, &vo);
    sc_vm_run_main(vm);
    fclose(null);
  }
  int status = 0;
  for (uint32_t i = 0; i < p->nfuncs && !status; i++) {
    if (fi >= 0 && i != (uint32_t)fi) continue;
    sc_arena a;
    sc_arena_init(&a);
    sc_irfunc *f = sc_lift(&a, p, i, vm ? sc_vm_profile(vm, i) : NULL);
    if (sc_pipeline_run(f, pipeline, &o)) status = 1;
    else if (!strcmp(what, "dot")) sc_ir_print_dot(f, stdout);
    else if (!o.print_after && !o.print_after_all) sc_ir_print(f, stdout);
    sc_arena_drop(&a);
  }
  return status;
}
