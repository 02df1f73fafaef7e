/* shapec --emit=ssa|dot FILE.sasm [options]   lift, run passes, print
 * shapec opt FILE.ssa [options]               run passes on IR text
 * Options: --func NAME, --passes=P, --print-after=NAME, --print-after-all,
 * --print-loops, --time-passes, --verify-each, --check-roundtrip,
 * --feedback-from-run and --osr=PC (emit only: the OSR compilation entered
 * at loop header PC), --list-passes; the inlining options are
 * main's (cli.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/runtime.h"
#include "config.h"
#include "passes/passes.h"
#include "jit/tier.h"
#include "shapec/vm.h"
#include "ssa/ir.h"

static int fail(const char *fmt, const char *arg) {
  fputs("shapec: error: ", stderr);
  sc_fprint_escaped(stderr, fmt, arg);
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

typedef struct emit_opts {
  const char *func, *pipeline;
  sc_pipeline_opts o;
  bool from_run;
} emit_opts;

/* Options shared by --emit=ssa|dot and opt: 0 when fine, -1 when done
 * (--list-passes), else an exit status. */
static int parse_opts(emit_opts *e, int argc, char **argv, bool lifting) {
  const char *v;
  e->pipeline = SC_DEFAULT_PIPELINE;
  e->o.out = stdout;
  e->o.err = stderr;
#ifdef SC_CHECKING
  e->o.verify = true;
#endif
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if ((v = value("--func", argc, argv, &i))) e->func = v;
    else if ((v = value("--passes", argc, argv, &i))) e->pipeline = v;
    else if ((v = value("--print-after", argc, argv, &i))) e->o.print_after = v;
    else if (!strcmp(a, "--print-after-all")) e->o.print_after_all = true;
    else if (!strcmp(a, "--print-loops")) e->o.print_loops = true;
    else if (!strcmp(a, "--time-passes")) e->o.time_passes = true;
    else if (!strcmp(a, "--verify-each")) e->o.verify = true;
    else if (!strcmp(a, "--check-roundtrip")) e->o.check_roundtrip = true;
    else if (lifting && !strcmp(a, "--feedback-from-run")) e->from_run = true;
    else if (lifting && (v = value("--osr", argc, argv, &i))) {
      char *end;
      unsigned long pc = strtoul(v, &end, 10);
      if (!*v || *end || pc == 0 || pc > UINT32_MAX) return fail("--osr needs a loop header pc, got '%s'", v);
      e->o.osr_pc = (uint32_t)pc;
    }
    else if (!strcmp(a, "--list-passes")) {
      size_t n;
      const sc_pass *ps = sc_pass_list(&n);
      for (size_t k = 0; k < n; k++) printf("%-11s %s\n", ps[k].name, ps[k].help);
      return -1;
    } else if (!strcmp(a, "--func") || !strcmp(a, "--passes") || !strcmp(a, "--print-after"))
      return fail("%s needs a value", a);
    else
      return fail("unknown option '%s'", a);
  }
  char msg[200];
  if (sc_pipeline_check(e->pipeline, msg, sizeof msg)) return fail("%s", msg);
  bool starts_lift = !strncmp(e->pipeline, "lift", 4) && (!e->pipeline[4] || e->pipeline[4] == ',');
  if (lifting && !starts_lift) return fail("a pipeline on bytecode starts with 'lift', got '%s'", e->pipeline);
  if (!lifting && starts_lift) e->pipeline = e->pipeline[4] ? e->pipeline + 5 : "";
  if (e->o.print_after && !sc_pass_find(e->o.print_after)) return fail("--print-after: unknown pass '%s'", e->o.print_after);
  return 0;
}

/* Prints the result of the pipeline as asked. */
static int output(sc_irfunc *f, const emit_opts *e, bool dot) {
  if (e->o.check_roundtrip && !sc_ir_roundtrips(f, stderr)) return 1;
  if (dot) sc_ir_print_dot(f, stdout);
  else if (!e->o.print_after && !e->o.print_after_all) {
    sc_ir_print(f, stdout);
    if (e->o.print_loops) sc_ir_print_loops(f, stdout);
  }
  return 0;
}

static char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  char *src = NULL;
  FILE *m = open_memstream(&src, len);
  char buf[65536];
  size_t r;
  while ((r = fread(buf, 1, sizeof buf, fp)) > 0) fwrite(buf, 1, r, m);
  fclose(fp);
  fclose(m);
  return src;
}

int sc_cli_opt(const char *path, int argc, char **argv, const sc_inline_options *inl) {
  emit_opts e = {0};
  e.o.inl = *inl;
  int st = parse_opts(&e, argc, argv, false);
  if (st) return st < 0 ? 0 : st;
  size_t len;
  char *src = slurp(path, &len);
  if (!src) return fail("cannot read '%s'", path);
  sc_runtime_init();
  sc_program *prog = sc_program_new(path);
  sc_arena a;
  sc_arena_init(&a);
  sc_diags d = {0};
  sc_irfunc **fs;
  uint32_t n = sc_ir_parse_all(&a, prog, path, src, len, &d, &fs);
  free(src);
  int status = 0;
  if (!n) {
    sc_diags_print(&d, stderr);
    status = 2;
  }
  bool found = false;
  for (uint32_t i = 0; i < n && !status; i++) {
    sc_irfunc *f = fs[i];
    if (e.func && strcmp(e.func, f->name)) continue;
    found = true;
    sc_diags vd = {.filename = path};
    if (sc_ir_verify(f, &vd)) {
      sc_fprint_escaped(stderr, "%s: error: the IR of '%s' is malformed:\n", path, f->name);
      for (uint32_t k = 0; k < vd.n; k++) sc_fprint_escaped(stderr, "  %s\n", vd.v[k].msg);
      status = 2;
      break;
    }
    if (sc_pipeline_run(f, e.pipeline, &e.o)) status = 1;
    else status = output(f, &e, false);
  }
  if (!status && e.func && !found) status = fail("no function '%s' in the input", e.func);
  sc_arena_drop(&a);
  return status;
}

/* --emit=mir|llvm: each function as the backend lowers it (LLVM: after
 * its optimization pipeline), for a VM that is never run. */
static int emit_native(const char *backend, sc_program *p, int fi, const sc_inline_options *inl) {
  if (!sc_backend_available(backend)) return fail("--emit=%s: this shapec was built without that backend", backend);
  sc_vm_options vo = {.out = stdout, .err = stderr, .backend = backend, .inl = *inl};
  sc_vm *vm = sc_vm_new(p, &vo);
  if (!sc_jit_init(vm)) return 3;
  int status = 0;
  for (uint32_t i = 0; i < p->nfuncs && !status; i++) {
    if (fi >= 0 && i != (uint32_t)fi) continue;
    char err[512] = "";
    if (!sc_jit_compile(vm, i, stdout, err, sizeof err)) {
      sc_fprint_escaped(stderr, "shapec: error: cannot compile function %s with %s: %s\n", p->funcs[i]->name, backend, err);
      status = 3;
    }
  }
  sc_jit_free(vm);
  return status;
}

int sc_cli_emit_ir(const char *what, sc_program *p, int argc, char **argv, const sc_inline_options *inl) {
  emit_opts e = {0};
  e.o.inl = *inl;
  int st = parse_opts(&e, argc, argv, true);
  if (st) return st < 0 ? 0 : st;
  int fi = -1;
  if (e.o.osr_pc && !e.func) e.func = "main"; /* a pc names a loop of one function */
  if (e.func && (fi = sc_func_find(p, e.func)) < 0) return fail("no function '%s' in the program", e.func);
  if (!strcmp(what, "mir") || !strcmp(what, "llvm")) return emit_native(what, p, fi, inl);
  sc_vm *vm = NULL;
  if (e.from_run) { /* profile one run of main, its output discarded */
    FILE *null = fopen("/dev/null", "w");
    if (!null) return fail("cannot open %s", "/dev/null");
    sc_vm_options vo = {.out = null, .err = null, .profile = 1};
    vm = sc_vm_new(p, &vo);
    sc_vm_run_main(vm);
    fflush(null);
    fclose(null);
    e.o.profiles = sc_vm_profile(vm, 0); /* every function's: the inliner lifts callees with theirs */
  }
  int status = 0;
  for (uint32_t i = 0; i < p->nfuncs && !status; i++) {
    if (fi >= 0 && i != (uint32_t)fi) continue;
    sc_arena a;
    sc_arena_init(&a);
    if (vm) { /* the globals as the run left them, for the globals pass */
      e.o.globals = vm->globals;
      e.o.gstores = vm->gstores;
    }
    sc_irfunc *f = sc_pipeline_lift(&a, p, i, vm ? sc_vm_profile(vm, i) : NULL, e.pipeline, &e.o);
    status = f ? output(f, &e, !strcmp(what, "dot")) : 1;
    sc_arena_drop(&a);
  }
  return status;
}
