/* shapec --emit=ssa|dot FILE [--func NAME] [--passes=P] [--print-after=NAME]
 *        [--print-after-all] [--time-passes] [--feedback-from-run] [--list-passes]
 * Lifts each function (or one) to SSA, runs the pass pipeline and prints the
 * IR, or the CFG as Graphviz with loops marked. */
#include <stdio.h>
#include <stdlib.h>
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

/* Prints f, parses the text back and prints again: the texts must agree. */
static int roundtrip(sc_irfunc *f) {
  char *t1 = NULL, *t2 = NULL;
  size_t n1, n2;
  FILE *m = open_memstream(&t1, &n1);
  sc_ir_print(f, m);
  fclose(m);
  sc_arena a;
  sc_arena_init(&a);
  sc_diags d = {0};
  sc_irfunc *g = sc_ir_parse(&a, (sc_program *)f->prog, "roundtrip", t1, n1, &d);
  int bad = !g;
  if (g) {
    m = open_memstream(&t2, &n2);
    sc_ir_print(g, m);
    fclose(m);
    bad = n1 != n2 || memcmp(t1, t2, n1);
  }
  if (bad) {
    fprintf(stderr, "shapec: error: the IR of '%s' does not survive print -> parse -> print\n", f->name);
    sc_diags_print(&d, stderr);
    if (t2) fprintf(stderr, "--- printed:\n%s--- reparsed:\n%s", t1, t2);
  }
  free(t1);
  free(t2);
  sc_arena_drop(&a);
  return bad;
}

typedef struct emit_opts {
  const char *func, *pipeline;
  sc_pipeline_opts o;
  bool from_run, check_roundtrip;
} emit_opts;

/* Options shared by --emit=ssa|dot and opt; returns -1 when done (listed
 * passes), 0 when fine, or an exit status. */
static int parse_opts(emit_opts *e, int argc, char **argv, bool allow_run) {
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
    else if (!strcmp(a, "--time-passes")) e->o.time_passes = true;
    else if (!strcmp(a, "--verify-each")) e->o.verify = true;
    else if (!strcmp(a, "--check-roundtrip")) e->check_roundtrip = true;
    else if (allow_run && !strcmp(a, "--feedback-from-run")) e->from_run = true;
    else if (!strcmp(a, "--list-passes")) {
      size_t n;
      const sc_pass *ps = sc_pass_list(&n);
      for (size_t k = 0; k < n; k++) printf("%-10s %s\n", ps[k].name, ps[k].help);
      return -1;
    } else
      return fail("unknown option '%s'", a);
  }
  char msg[200];
  if (sc_pipeline_check(e->pipeline, msg, sizeof msg)) return fail("%s", msg);
  if (e->o.print_after && !sc_pass_find(e->o.print_after)) return fail("--print-after: unknown pass '%s'", e->o.print_after);
  return 0;
}

/* Runs the pipeline on f and prints what was asked for. */
static int process(sc_irfunc *f, const emit_opts *e, bool dot) {
  if (sc_pipeline_run(f, e->pipeline, &e->o)) return 1;
  if (e->check_roundtrip && roundtrip(f)) return 1;
  if (dot) sc_ir_print_dot(f, stdout);
  else if (!e->o.print_after && !e->o.print_after_all) sc_ir_print(f, stdout);
  return 0;
}

int sc_cli_opt(const char *path, int argc, char **argv) {
  emit_opts e = {0};
  int st = parse_opts(&e, argc, argv, false);
  if (st) return st < 0 ? 0 : st;
  FILE *fp = fopen(path, "rb");
  if (!fp) return fail("cannot open '%s'", path);
  char *src = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&src, &len);
  char buf[65536];
  size_t r;
  while ((r = fread(buf, 1, sizeof buf, fp)) > 0) fwrite(buf, 1, r, m);
  fclose(fp);
  fclose(m);
  sc_runtime_init();
  sc_program *prog = sc_program_new(path);
  /* One function per `func` line; the pipeline may not re-lift text. */
  if (!strncmp(e.pipeline, "lift", 4)) e.pipeline = e.pipeline[4] == ',' ? e.pipeline + 5 : "";
  int status = 0;
  const char *s = src, *end = src + len;
  while (s < end && !status) {
    const char *next = s;
    do { /* the chunk runs to the next line that starts with `func` */
      const char *nl = memchr(next, '\n', (size_t)(end - next));
      next = nl ? nl + 1 : end;
    } while (next < end && strncmp(next, "func ", 5));
    bool blank = true;
    for (const char *q = s; q < next && blank; q++) {
      if (*q == ';') while (q < next && *q != '\n') q++;
      else if (*q != ' ' && *q != '\n' && *q != '\t' && *q != '\r') blank = false;
    }
    if (!blank) {
      sc_arena a;
      sc_arena_init(&a);
      sc_diags d = {0};
      sc_irfunc *f = sc_ir_parse(&a, prog, path, s, (size_t)(next - s), &d);
      if (!f) {
        uint32_t base = 0; /* chunk lines -> file lines */
        for (const char *q = src; q < s; q++) base += *q == '\n';
        for (uint32_t k = 0; k < d.n; k++)
          if (d.v[k].line) d.v[k].line += base;
        sc_diags_print(&d, stderr);
        status = 2;
      } else if (!e.func || !strcmp(e.func, f->name)) {
        sc_diags vd = {.filename = path};
        if (sc_ir_verify(f, &vd)) {
          fprintf(stderr, "shapec: error: the input IR of '%s' is malformed:\n", f->name);
          for (uint32_t k = 0; k < vd.n; k++) fprintf(stderr, "  %s\n", vd.v[k].msg);
          status = 2;
        } else
          status = process(f, &e, false);
      }
      sc_arena_drop(&a);
    }
    s = next;
  }
  free(src);
  return status;
}

int sc_cli_emit_ir(const char *what, sc_program *p, int argc, char **argv) {
  if (!strcmp(what, "mir") || !strcmp(what, "llvm"))
    return fail("--emit=%s: the native backends are not built yet", what);
  emit_opts e = {0};
  int st = parse_opts(&e, argc, argv, true);
  if (st) return st < 0 ? 0 : st;
  const char *func = e.func, *pipeline = e.pipeline;
  bool from_run = e.from_run;
  if (strncmp(pipeline, "lift", 4) || (pipeline[4] && pipeline[4] != ','))
    return fail("a pipeline starts with 'lift', got '%s'", pipeline);
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
    status = process(f, &e, !strcmp(what, "dot"));
    sc_arena_drop(&a);
  }
  return status;
}
