/* shapec --emit=ssa|dot FILE.sasm [options]   lift, run passes, print
 * shapec --emit=html FILE.sasm [options]     the pass viewer (html.h)
 * shapec --emit=mir|llvm|asm FILE.sasm [options]   and the backend's code
 * shapec opt FILE.ssa [options]               run passes on IR text
 * Options: --func NAME, --passes=P, --print-after=NAME, --print-after-all,
 * --print-loops, --time-passes, --verify-each, --check-roundtrip,
 * --feedback-from-run and --osr=PC (emit only: the OSR compilation entered
 * at loop header PC), --list-passes; the inlining options are
 * main's (cli.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/html.h"
#include "runtime/runtime.h"
#include "config.h"
#include "passes/passes.h"
#include "backend/backend.h"
#include "jit/driver.h"
#include "jit/helpers.h"
#include "jit/tier.h"
#include "shapec/vm.h"
#include "ssa/ir.h"

static int fail(const char *fmt, const char *arg) {
  fputs("shapec: error: ", stderr);
  sc_fprint_escaped(stderr, fmt, arg);
  fputc('\n', stderr);
  return 2;
}

typedef struct emit_opts {
  const char *func, *pipeline;
  sc_pipeline_opts o;
  bool from_run;
  char expanded[1024]; /* the pipeline, named pipelines spelled out */
} emit_opts;

void sc_cli_list_passes(FILE *out) {
  size_t n;
  const sc_pass *ps = sc_pass_list(&n);
  for (size_t k = 0; k < n; k++) fprintf(out, "%-11s %s\n", ps[k].name, ps[k].help);
  const sc_named_pipeline *np = sc_pipeline_list(&n);
  fputs("\nnamed pipelines (--passes=NAME):\n", out);
  for (size_t k = 0; k < n; k++) fprintf(out, "%-11s %s:\n            %s\n", np[k].name, np[k].help, np[k].passes);
}

/* The pipeline options of the command line: 0, or an exit status. */
static int parse_opts(emit_opts *e, const sc_cli_opts *c, bool lifting) {
  /* by default what `run` compiles with: tier2 with feedback, else generic */
  e->pipeline = c->passes ? c->passes : c->feedback_from_run ? "tier2" : "generic";
  e->func = c->func;
  e->from_run = c->feedback_from_run;
  e->o.out = stdout;
  e->o.err = stderr;
  e->o.inl = sc_cli_inline(c);
  e->o.print_after = c->print_after;
  e->o.print_after_all = c->print_after_all;
  e->o.print_loops = c->print_loops;
  e->o.time_passes = c->time_passes;
  e->o.verify = c->verify_each;
  e->o.check_roundtrip = c->check_roundtrip;
#ifdef SC_CHECKING
  e->o.verify = true;
#endif
  if (c->osr) {
    if (!lifting) return fail("%s", "--osr names a loop of bytecode: not with opt");
    e->o.osr_pc = c->osr;
  }
  char msg[200];
  if (sc_pipeline_expand(e->pipeline, e->expanded, sizeof e->expanded, msg, sizeof msg)) return fail("%s", msg);
  e->pipeline = e->expanded;
  bool starts_lift = !strncmp(e->pipeline, "lift", 4) && (!e->pipeline[4] || e->pipeline[4] == ',');
  if (lifting && !starts_lift) return fail("a pipeline on bytecode starts with 'lift', got '%s'", e->pipeline);
  if (!lifting && starts_lift) e->pipeline = e->pipeline[4] ? e->pipeline + 5 : "";
  if (e->o.print_after && !sc_pass_find(e->o.print_after)) return fail("--print-after: unknown pass '%s'", e->o.print_after);
  return 0;
}

/* Prints the result of the pipeline as asked. */
static int output(sc_irfunc *f, uint32_t fn, const emit_opts *e, bool dot) {
  if (e->o.check_roundtrip && !sc_ir_roundtrips(f, stderr)) return 1;
  if (dot) sc_ir_print_dot(f, fn, stdout);
  else if (!e->o.print_after && !e->o.print_after_all) {
    sc_ir_print(f, stdout);
    if (e->o.print_loops) sc_ir_print_loops(f, stdout);
  }
  return 0;
}

int sc_cli_opt(const sc_cli_opts *c) {
  emit_opts e = {0};
  int st = parse_opts(&e, c, false);
  if (st) return st;
  size_t len;
  char *src = sc_cli_read(c->file, &len);
  if (!src) return 2;
  const char *path = sc_cli_input_name(c->file);
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
    if (sc_pipeline_run(f, e.pipeline, &(sc_pass_ctx){.opts = &e.o})) status = 1;
    else status = output(f, i, &e, false);
  }
  if (!status && e.func && !found) status = fail("no function '%s' in the input", e.func);
  sc_arena_drop(&a);
  return status;
}

/* --feedback-from-run: a VM that has run main in the profiling
 * interpreter, its output discarded. */
static sc_vm *profile_run(sc_program *p, const char *backend, const sc_inline_options *inl) {
  FILE *null = fopen("/dev/null", "w");
  if (!null) {
    fail("cannot open %s", "/dev/null");
    return NULL;
  }
  sc_vm_options vo = {.out = null, .err = null, .profile = 1, .backend = backend, .inl = *inl};
  sc_vm *vm = sc_vm_new(p, &vo);
  sc_vm_run_main(vm);
  fflush(null);
  fclose(null);
  vm->opts.out = stdout; /* for whatever is printed later */
  vm->opts.err = stderr;
  return vm;
}

/* --emit=asm: a helper's name for its address, as LLVM IR calls it (into
 * arg, a buffer of 64 bytes). */
static const char *helper_name(void *arg, uint64_t addr) {
  for (int h = 0; h < SC_NHELPERS; h++)
    if ((uint64_t)(uintptr_t)sc_jit_abi.helper[h] == addr) {
      snprintf(arg, 64, "sc_jh_%s", sc_helpers[h].name);
      return arg;
    }
  return NULL;
}

/* --emit=mir|llvm|asm: each function (or the OSR compilation of its loop)
 * as the backend lowers it (LLVM: after its optimization pipeline) or as
 * native code, compiled with the pipeline of e for a VM that is never run
 * again; with feedback, speculative as tiering compiles hot code. */
static int emit_native(const char *what, const char *backend, sc_program *p, int fi, const emit_opts *e, FILE *out) {
  bool disasm = !strcmp(what, "asm");
  if (!sc_backend_available(backend)) return fail("--emit=%s: this shapec was built without that backend", what);
  const char *be = (backend ? sc_backend_find(backend) : sc_backend_default())->name;
  char err[512] = "";
  if (disasm && !sc_native_disasm(NULL, NULL, 0, NULL, NULL, err, sizeof err)) return fail("--emit=asm: %s", err);
  sc_vm_options vo = {.out = stdout, .err = stderr, .backend = be, .inl = e->o.inl};
  sc_vm *vm = e->from_run ? profile_run(p, be, &e->o.inl) : sc_vm_new(p, &vo);
  if (!vm) return 2;
  if (!sc_jit_init(vm)) return 3;
  int status = 0;
  /* a progress line on a terminal when compiling every function takes
   * long; not when the code itself goes to that terminal */
  sc_cli_progress prog = {0};
  int ofd = fileno(out);
  if (fi < 0 && (ofd < 0 || !isatty(ofd))) sc_cli_progress_init(&prog, stderr);
  for (uint32_t i = 0; i < p->nfuncs && !status; i++) {
    if (fi >= 0 && i != (uint32_t)fi) continue;
    sc_cli_show_progress(&prog, i, p->nfuncs, 0);
    sc_jit_inspect q = {.osr_pc = e->o.osr_pc, .spec = e->from_run, .pipeline = e->pipeline,
                        .dump = disasm ? NULL : out, .want_len = disasm};
    bool compiled = sc_jit_compile_inspect(vm, i, &q, err, sizeof err);
    if (!compiled) sc_cli_show_progress(&prog, i + 1, p->nfuncs, 1); /* cleared before the error */
    if (!compiled) {
      sc_fprint_escaped(stderr, "shapec: error: cannot compile function %s with %s: %s\n", p->funcs[i]->name, be, err);
      status = 3;
      break;
    }
    if (!disasm) continue;
    sc_fprint_escaped(out, "; func %s", p->funcs[i]->name);
    if (q.osr_pc) fprintf(out, " osr @%u", q.osr_pc);
    fprintf(out, " (%s, %zu bytes)\n", be, q.len);
    char name[64];
    if (!sc_native_disasm(out, (const void *)(uintptr_t)q.fn, q.len, helper_name, name, err, sizeof err)) {
      sc_cli_show_progress(&prog, i + 1, p->nfuncs, 1);
      status = fail("--emit=asm: %s", err);
    }
  }
  sc_cli_show_progress(&prog, p->nfuncs, p->nfuncs, 1);
  sc_jit_free(vm);
  return status;
}

/* Whether the interpreter may ask for OSR code at pc: a loop header (the
 * target of a backward jump) or after the no-ops that begin one, where
 * threaded code lands. */
static bool loop_entry(const sc_func *fn, uint32_t pc) {
  for (uint32_t k = 0; k < fn->ncode; k++) {
    const sc_insn *in = &fn->code[k];
    if (!(sc_op_flags((sc_op)in->op) & SC_OPF_JUMP) || in->a < 0 || (uint32_t)in->a > k || (uint32_t)in->a > pc)
      continue;
    uint32_t u = (uint32_t)in->a;
    while (u < pc && (fn->code[u].op == SC_OP_Nop || fn->code[u].op == SC_OP_LoopStart || fn->code[u].op == SC_OP_LoopEnd))
      u++;
    if (u == pc) return true;
  }
  return false;
}

/* The page's last sections (html.h): the native code as --emit=asm prints
 * it, or why there is none (a backend or LLVM's disassembler not built, an
 * earlier failure); ends the page. The exit status. */
static int html_code(sc_html *page, const char *backend, sc_program *p, int fi, const emit_opts *e, int status) {
  char err[512] = "";
  const sc_backend_impl *be = sc_backend_available(backend) ? (backend ? sc_backend_find(backend) : sc_backend_default())
                                                           : NULL;
  if (status) sc_html_code(page, "native code", NULL, 0, "not compiled: the pipeline failed (see the errors)");
  else if (!be) sc_html_code(page, "native code", NULL, 0, "no native code: this shapec was built without a backend");
  else if (!sc_native_disasm(NULL, NULL, 0, NULL, NULL, err, sizeof err))
    sc_html_code(page, "native code", NULL, 0, err);
  else {
    char *text = NULL, title[64];
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) return fail("%s", "out of memory");
    status = emit_native("asm", be->name, p, fi, e, m);
    fclose(m);
    snprintf(title, sizeof title, "native code (%s)", be->name);
    if (status) sc_html_code(page, title, NULL, 0, "not compiled (see the errors)");
    else sc_html_code(page, title, text, len, NULL);
    free(text);
  }
  sc_html_end(page);
  return status;
}

int sc_cli_emit_ir(const sc_cli_opts *c, sc_program *p, const char *src, size_t srclen) {
  const char *what = c->emit;
  emit_opts e = {0};
  int st = parse_opts(&e, c, true);
  if (st) return st;
  int fi = -1;
  if (e.o.osr_pc && !e.func) e.func = "main"; /* a pc names a loop of one function */
  if (e.func && (fi = sc_func_find(p, e.func)) < 0) return fail("no function '%s' in the program", e.func);
  if (e.o.osr_pc && (e.o.osr_pc >= p->funcs[fi]->ncode || !loop_entry(p->funcs[fi], e.o.osr_pc))) {
    char msg[160];
    snprintf(msg, sizeof msg, "--osr=%u: no loop of %%s starts at that pc (--trace-tiering names the loops OSR enters)",
             e.o.osr_pc);
    return fail(msg, e.func);
  }
  if (!strcmp(what, "asm")) return emit_native(what, c->backend, p, fi, &e, stdout);
  if (!strcmp(what, "mir") || !strcmp(what, "llvm")) return emit_native(what, what, p, fi, &e, stdout);
  bool html = !strcmp(what, "html");
  if (html && (c->print_after || c->print_after_all || c->print_loops))
    return fail("%s: the page shows the IR after every pass and its loops", "--print-after, --print-after-all and "
                                                                            "--print-loops do not apply to --emit=html");
  sc_html *page = NULL;
  if (html) {
    char about[1400];
    snprintf(about, sizeof about, "pipeline %s; %s%s", e.pipeline,
             e.from_run ? "with the feedback of a run of main (as tiered run compiles)" : "without feedback",
             e.o.osr_pc ? "; the OSR compilation of a loop" : "");
    if (!(page = sc_html_new(stdout, p, src, srclen, about))) return fail("%s", "out of memory");
    sc_html_nav(page, e.pipeline, fi);
    e.o.after_pass = sc_html_stage;
    e.o.after_arg = page;
  }
  sc_vm *vm = NULL;
  sc_pass_ctx ctx = {.opts = &e.o};
  sc_transition *trans = NULL;
  if (e.from_run) {
    if (!(vm = profile_run(p, NULL, &e.o.inl))) return 2;
    ctx.profiles = sc_vm_profile(vm, 0); /* every function's: the inliner lifts callees with theirs */
    ctx.gvals = vm->globals; /* the globals as the run left them, for the globals pass */
    ctx.gstores = vm->gstores;
    for (uint32_t i = 0; i < p->nfuncs; i++) sc_jit_transitions_of(p->funcs[i], &ctx.profiles[i], &trans, &ctx.ntrans);
    sc_jit_transitions_sort(trans, &ctx.ntrans);
    ctx.trans = trans;
  }
  int status = 0;
  bool dot = !strcmp(what, "dot");
  if (dot) sc_ir_dot_begin(stdout, p->filename ? p->filename : "program");
  for (uint32_t i = 0; i < p->nfuncs && !status; i++) {
    if (fi >= 0 && i != (uint32_t)fi) continue;
    sc_arena a;
    sc_arena_init(&a);
    sc_pass_ctx c = ctx; /* nothing reported carries over */
    if (page) sc_html_func(page, i);
    sc_irfunc *f = sc_pipeline_lift(&a, p, i, vm ? sc_vm_profile(vm, i) : NULL, e.pipeline, &c);
    status = !f ? 1 : page ? (e.o.check_roundtrip && !sc_ir_roundtrips(f, stderr)) : output(f, i, &e, dot);
    if (page) sc_html_func_end(page);
    sc_arena_drop(&a);
  }
  if (dot && !status) sc_ir_dot_end(stdout);
  free(trans);
  if (page) status = html_code(page, c->backend, p, fi, &e, status);
  return status;
}
