/* The shapec command: run, check, and --emit=... of .sasm programs.
 * Exit status: 0 ok, 1 runtime error or output not written, 2 usage error
 * or bad program. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "cli/cli.h"
#include "runtime/runtime.h"
#include "shapec/shapec.h"

/* Assembled and verified program, or NULL with diagnostics printed; its
 * source text into *text (*len bytes, free it) when text is not NULL. */
static sc_program *load(const char *path, char **text, size_t *len) {
  char *src = sc_cli_read(path, len);
  if (!src) return NULL;
  path = sc_cli_input_name(path);
  sc_diags d = {.filename = path};
  sc_program *p = sc_assemble(path, src, *len, &d);
  if (text) *text = src;
  else free(src);
  if (p && d.n == 0 && sc_verify(p, &d) == 0 && d.n == 0) return p;
  if (d.n == 0) sc_diag_add(&d, 0, 0, "program is not valid");
  sc_diags_print(&d, stderr);
  return NULL;
}

/* Whether everything written to f reached its file; else reports it. */
static bool output_ok(FILE *f, const char *what) {
  errno = 0;
  bool bad = fflush(f) != 0 || ferror(f);
  /* errno is lost when the error came earlier (the VM flushes at its end) */
  if (bad) sc_fprint_escaped(stderr, "shapec: error: writing %s: %s\n", what, errno ? strerror(errno) : "a write failed");
  return !bad;
}

static int command(int argc, char **argv);

/* Every command's output is checked once at the end (as gnulib's
 * close_stdout): a write error is exit status 1 unless the command failed
 * for its own reason already. */
int main(int argc, char **argv) {
  sc_cli_flush_on_signals();
  int status = command(argc, argv);
  if (!output_ok(stdout, "output") && status == 0) status = 1;
  return status;
}

static int command(int argc, char **argv) {
  sc_cli_opts o;
  int st = sc_cli_parse(argc, argv, &o);
  if (st) return st;
  if (o.help) {
    sc_cli_help(stdout);
    return 0;
  }
  if (o.version) {
    printf("shapec %s\n", SHAPEC_VERSION);
    return 0;
  }
  if (o.list_passes) {
    sc_cli_list_passes(stdout);
    return 0;
  }
  if (o.backend && !sc_backend_built(o.backend))
    return sc_cli_usage_error("--backend=%s: this shapec was built without it (see ./configure --help)", o.backend);
  char why[600];
  bool jit_off = o.jit && !strcmp(o.jit, "off"); /* nothing compiles: the LLVM module stays closed */
  if (o.backend && !jit_off && !sc_backend_find(o.backend, why, sizeof why)) { /* built, cannot be loaded */
    sc_fprint_escaped(stderr, "shapec: error: %s\n", why);
    return 1;
  }
  if (o.cmd == SC_CMD_OPT) return sc_cli_opt(&o);

  sc_runtime_init();
  const char *dump = o.dump_feedback;
  FILE *dump_out = NULL;
  if (dump) {
    if (!strcmp(dump, "-"))
      return sc_cli_usage_error("%s", "--dump-feedback needs a FILE: on stdout the profile would mix with the "
                                      "program's output");
    if (!(dump_out = fopen(dump, "w"))) {
      sc_fprint_escaped(stderr, "shapec: error: cannot write %s: %s\n", dump, strerror(errno));
      return SC_EXIT_BAD_PROGRAM;
    }
  }
  char *src = NULL;
  size_t srclen = 0;
  sc_program *p = load(o.file, o.cmd == SC_CMD_EMIT_HTML ? &src : NULL, &srclen);
  if (!p) {
    free(src);
    return SC_EXIT_BAD_PROGRAM;
  }
  if (o.cmd == SC_CMD_CHECK) return 0;
  if (o.cmd == SC_CMD_EMIT_BYTECODE) {
    sc_disassemble(p, stdout);
    return 0;
  }
  if (o.cmd == SC_CMD_EMIT_IR || o.cmd == SC_CMD_EMIT_ASM || o.cmd == SC_CMD_EMIT_HTML) {
    st = sc_cli_emit_ir(&o, p, src, srclen);
    free(src);
    return st;
  }

  /* tiering is the default where a backend is built; a run that is asked
   * for the interpreter's whole profile (or for none) stays interpreted */
  int jit = !o.jit ? -1 : !strcmp(o.jit, "off") ? SC_JIT_OFF : !strcmp(o.jit, "eager") ? SC_JIT_EAGER : SC_JIT_TIERED;
  if (jit < 0) jit = !o.no_profile && !dump && sc_backend_available(NULL) ? SC_JIT_TIERED : SC_JIT_OFF;
  int jit_threads = !o.given[SC_OPT_jit_threads] ? 0 : o.jit_threads ? (int)o.jit_threads : SC_JIT_SYNC;
  sc_vm_options opts = {.out = stdout, .err = stderr, .profile = !o.no_profile, .max_frames = o.max_frames,
                        .jit = jit, .backend = o.backend, .stats = o.stats ? stderr : NULL,
                        .tier_threshold = o.tier_threshold, .osr_threshold = o.osr_threshold,
                        .deopt_stress = o.deopt_stress.p, .stress_seed = o.deopt_stress.seed,
                        .trace_deopt = o.trace_deopt ? stderr : NULL, .trace_tiering = o.trace_tiering ? stderr : NULL,
                        .jit_threads = jit_threads, .jit_wait = o.jit_wait, .inl = sc_cli_inline(&o),
                        /* FORMAT options: 2 is their second word, json */
                        .json = (o.stats == 2 ? SC_JSON_STATS : 0) | (o.trace_deopt == 2 ? SC_JSON_TRACE_DEOPT : 0) |
                                (o.trace_tiering == 2 ? SC_JSON_TRACE_TIERING : 0),
                        .compile_budget = o.compile_budget, .max_heap = o.max_heap, .verbose_gc = o.verbose_gc};
  /* a progress line for a long eager compilation, on a terminal (not
   * mixed with a trace on the same stream) */
  sc_cli_progress prog;
  if (!o.trace_tiering && !o.trace_deopt && sc_cli_progress_init(&prog, stderr)) {
    opts.progress = sc_cli_show_progress;
    opts.progress_arg = &prog;
  }
  sc_vm *vm = sc_vm_new(p, &opts);
  int status = sc_vm_run_main(vm);
  if (dump_out) {
    sc_vm_dump_feedback(vm, dump_out);
    bool ok = output_ok(dump_out, dump);
    if (fclose(dump_out) && ok) {
      sc_fprint_escaped(stderr, "shapec: error: writing %s: %s\n", dump, strerror(errno));
      ok = false;
    }
    if (!ok && status == 0) status = 1;
  }
  return status;
}
