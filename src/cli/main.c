/* The shapec command: run, check, and --emit=... of .sasm programs.
 * Exit status: 0 ok, 1 runtime error or output not written, 2 usage error
 * or bad program. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/runtime.h"
#include "shapec/shapec.h"

static const char sc_usage[] =
    "usage: shapec run FILE.sasm [--no-profile] [--dump-feedback OUT|-] [--max-frames N]\n"
    "                      [--jit=off|eager|tiered] [--backend=mir|llvm] [--stats]\n"
    "                      [--tier-threshold N] [--osr-threshold N] [--deopt-stress P[:SEED]]\n"
    "                      [--jit-threads N] [--jit-wait] [--trace-deopt] [--trace-tiering]\n"
    "                      [--compile-budget N]\n"
    "                      [--no-inline] [--inline-budget N] [--inline-depth N]\n"
    "                      [--inline-max-size N] [--inline-recursion N]\n"
    "                      [--max-heap SIZE] [--verbose-gc]\n"
    "       shapec check FILE.sasm\n"
    "       shapec opt FILE.ssa [--passes=P] [--print-after=NAME] [--print-after-all]\n"
    "       shapec --emit=bytecode|ssa|dot|mir|llvm FILE.sasm\n"
    "       shapec --help | --version\n";

static const char sc_help[] =
    "\n"
    "commands:\n"
    "  run FILE            assemble, verify and run main() (tiered: interpreter, then\n"
    "                      native code for what gets hot)\n"
    "  check FILE          assemble and verify only\n"
    "  --emit=bytecode     print the program as .sasm (reassembles to the same bytecode)\n"
    "  --emit=ssa|dot|mir|llvm   print the compiler's IR of the program\n"
    "  opt FILE.ssa        run passes on IR text (single-pass tests, hand-written IR)\n"
    "\n"
    "--emit=ssa|dot and opt options:\n"
    "  --func NAME         only this function\n"
    "  --passes=P          pipeline, e.g. lift,phis,simplify,dce (see --list-passes)\n"
    "  --print-after=NAME  print the IR after pass NAME; --print-after-all after each\n"
    "  --time-passes       time each pass; --verify-each verifies after each pass\n"
    "  --feedback-from-run run main in the interpreter first, so the IR carries feedback\n"
    "  --osr=PC            the OSR compilation entered at the loop header at PC (of\n"
    "                      --func, default main)\n"
    "  --check-roundtrip   check that the printed IR parses back to the same IR\n"
    "\n"
    "run options:\n"
    "  --no-profile        interpret without collecting type feedback and counters\n"
    "  --dump-feedback OUT write the collected profile to OUT (- for stdout) after the run\n"
    "  --max-frames N      call depth limit (default 100000); deeper is `stack overflow`\n"
    "                      (so is running out of native stack: see docs/limits.md)\n"
    "  --max-heap SIZE     GC heap limit, bytes or with K, M or G (default half of\n"
    "                      physical memory, at least 16M); beyond it an allocation\n"
    "                      is `runtime error: out of memory`\n"
    "  --verbose-gc        show the garbage collector's warnings on stderr\n"
    "  --jit=off           interpreter only (the default with --no-profile,\n"
    "                      --dump-feedback, or when no backend is built)\n"
    "  --jit=eager         compile every function to native code before running\n"
    "                      (no speculation)\n"
    "  --jit=tiered        (default) interpret with profiling; compile hot functions\n"
    "                      and hot loops (OSR) speculatively on background threads;\n"
    "                      deopt resumes the interpreter\n"
    "  --jit-threads=N     compile threads for tiering (default 1); 0 compiles on\n"
    "                      the executing thread, at the moment code is asked for\n"
    "  --jit-wait          the executing thread waits for each compilation it asks\n"
    "                      the compile thread for (reproducible tiering, for tests)\n"
    "  --tier-threshold N  calls before a function is compiled (default 1000)\n"
    "  --osr-threshold N   loop iterations before OSR (default 5000)\n"
    "  --deopt-stress P[:SEED]  every guard also fails with probability P\n"
    "  --trace-deopt       log each deopt (function, reason, pc) on stderr\n"
    "  --trace-tiering     log compilations, OSR entries and invalidations on stderr\n"
    "  --backend=mir|llvm  native code generator (default: mir if built, else llvm)\n"
    "  --stats             compilation and tiering statistics on stderr after the run\n"
    "  --compile-budget N  IR instructions one compilation may give the backend\n"
    "                      (default 3000); larger functions stay interpreted\n"
    "\n"
    "inlining (run, --emit=ssa|mir|llvm, opt):\n"
    "  --no-inline         compile every call as a call\n"
    "  --inline-budget N   bytecode instructions inlined into one compilation (default 400)\n"
    "  --inline-depth N    calls nested in inlined code (default 4)\n"
    "  --inline-max-size N the largest callee inlined, in bytecode instructions (default 60)\n"
    "  --inline-recursion N  levels a recursive call is unrolled (default 1; 0: none)\n"
    "\n"
    "exit status: 0 success, 1 runtime error, 2 usage error or a program that does\n"
    "not assemble or verify (FILE:LINE:COL: error: ... on stderr), 3 the JIT failed\n"
    "to compile the program (a compiler bug, reported on stderr).\n";

static int usage_error(const char *fmt, const char *arg) {
  fputs("shapec: error: ", stderr);
  sc_fprint_escaped(stderr, fmt, arg);
  fputc('\n', stderr);
  fputs(sc_usage, stderr);
  return SC_EXIT_BAD_PROGRAM;
}

/* Whole file into memory; NULL (error printed) when unreadable. */
static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    sc_fprint_escaped(stderr, "shapec: error: cannot read %s: %s\n", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  for (;;) {
    if (!buf) break;
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    char *nb = realloc(buf, 2 * cap + 1);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  int err = errno;
  fclose(f);
  if (!buf || bad) {
    sc_fprint_escaped(stderr, "shapec: error: cannot read %s: %s\n", path, buf ? strerror(err) : "out of memory");
    free(buf);
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

/* Assembled and verified program, or NULL with diagnostics printed. */
static sc_program *load(const char *path) {
  size_t len;
  char *src = read_file(path, &len);
  if (!src) return NULL;
  sc_diags d = {.filename = path};
  sc_program *p = sc_assemble(path, src, len, &d);
  free(src);
  if (p && d.n == 0 && sc_verify(p, &d) == 0 && d.n == 0) return p;
  if (d.n == 0) sc_diag_add(&d, 0, 0, "program is not valid");
  sc_diags_print(&d, stderr);
  return NULL;
}

/* SIZE: bytes, or with a K, M or G suffix (powers of 1024). */
static bool parse_size(const char *s, size_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (end == s || errno || s[0] == '-') return false;
  int shift = 0;
  if (*end == 'K' || *end == 'k') shift = 10, end++;
  else if (*end == 'M' || *end == 'm') shift = 20, end++;
  else if (*end == 'G' || *end == 'g') shift = 30, end++;
  if (*end || v > (SIZE_MAX >> shift)) return false;
  *out = (size_t)v << shift;
  return *out >= SC_MIN_MAX_HEAP;
}

static bool parse_frames(const char *s, uint32_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (!*s || *end || errno || s[0] == '-' || v < 1 || v > 100000000ull) return false;
  *out = (uint32_t)v;
  return true;
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
  const char *emit = NULL, *dump = NULL;
  const char *pos[3];
  int npos = 0, profile = 1, jit = -1, jit_threads = 0, jit_wait = 0, stats = 0, trace_deopt = 0, trace_tier = 0;
  uint32_t tier_threshold = 0, osr_threshold = 0, compile_budget = 0;
  double stress = 0;
  uint64_t seed = 0;
  const char *backend = NULL;
  uint32_t max_frames = 0;
  size_t max_heap = 0;
  int verbose_gc = 0;
  sc_inline_options inl = {0};
  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  int nrest = 0;
  const char *first_unknown = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int r;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(sc_usage, stdout);
      fputs(sc_help, stdout);
      return 0;
    } else if (!strcmp(a, "--version")) {
      printf("shapec %s\n", SHAPEC_VERSION);
      return 0;
    } else if (!strncmp(a, "--emit=", 7)) {
      emit = a + 7;
    } else if (!strcmp(a, "--no-profile")) {
      profile = 0;
    } else if (!strcmp(a, "--dump-feedback") || !strncmp(a, "--dump-feedback=", 16)) {
      if (a[15] == '=') dump = a + 16;
      else if (i + 1 < argc) dump = argv[++i];
      else return usage_error("%s needs an argument (a file, or - for stdout)", a);
      if (!*dump) return usage_error("%s needs an argument (a file, or - for stdout)", "--dump-feedback");
    } else if (!strcmp(a, "--max-frames") || !strncmp(a, "--max-frames=", 13)) {
      const char *v = a[12] == '=' ? a + 13 : i + 1 < argc ? argv[++i] : NULL;
      if (!v) return usage_error("%s needs a number", a);
      if (!parse_frames(v, &max_frames))
        return usage_error("--max-frames expects a number from 1 to 100000000, got '%s'", v);
    } else if (!strcmp(a, "--max-heap") || !strncmp(a, "--max-heap=", 11)) {
      const char *v = a[10] == '=' ? a + 11 : i + 1 < argc ? argv[++i] : NULL;
      if (!v) return usage_error("%s needs a size", a);
      if (!parse_size(v, &max_heap))
        return usage_error("--max-heap expects a size of at least 16M (bytes, or with K, M or G), got '%s'", v);
    } else if (!strcmp(a, "--verbose-gc")) {
      verbose_gc = 1;
    } else if (!strncmp(a, "--jit=", 6)) {
      if (!strcmp(a + 6, "off")) jit = SC_JIT_OFF;
      else if (!strcmp(a + 6, "eager")) jit = SC_JIT_EAGER;
      else if (!strcmp(a + 6, "tiered")) jit = SC_JIT_TIERED;
      else return usage_error("unknown --jit=%s (off, eager or tiered)", a + 6);
    } else if (!strcmp(a, "--tier-threshold") || !strncmp(a, "--tier-threshold=", 17) ||
               !strcmp(a, "--osr-threshold") || !strncmp(a, "--osr-threshold=", 16)) {
      bool tier = a[2] == 't';
      const char *eq = strchr(a, '=');
      const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
      if (!v) return usage_error("%s needs a number", a);
      if (!parse_frames(v, tier ? &tier_threshold : &osr_threshold))
        return usage_error("thresholds are numbers from 1 to 100000000, got '%s'", v);
    } else if (!strncmp(a, "--deopt-stress=", 15)) {
      char *end;
      errno = 0;
      stress = strtod(a + 15, &end);
      if (end == a + 15 || errno || !(stress >= 0 && stress <= 1)) return usage_error("--deopt-stress expects P in [0, 1], got '%s'", a + 15);
      if (*end == ':') {
        char *e2;
        seed = strtoull(end + 1, &e2, 10);
        if (e2 == end + 1 || *e2) return usage_error("--deopt-stress: bad seed in '%s'", a + 15);
      } else if (*end) return usage_error("--deopt-stress expects P[:SEED], got '%s'", a + 15);
    } else if (!strncmp(a, "--jit-threads=", 14)) {
      char *end;
      errno = 0;
      long n = strtol(a + 14, &end, 10);
      if (end == a + 14 || *end || errno || n < 0 || n > SC_MAX_JIT_THREADS)
        return usage_error("--jit-threads expects a number from 0 to 16, got '%s'", a + 14);
      jit_threads = n ? (int)n : SC_JIT_SYNC;
    } else if (!strcmp(a, "--jit-wait")) {
      jit_wait = 1;
    } else if (!strcmp(a, "--trace-deopt")) {
      trace_deopt = 1;
    } else if (!strcmp(a, "--trace-tiering")) {
      trace_tier = 1;
    } else if (!strncmp(a, "--backend=", 10)) {
      backend = a + 10;
      if (strcmp(backend, "mir") && strcmp(backend, "llvm"))
        return usage_error("unknown --backend=%s (mir or llvm)", backend);
      if (!sc_backend_available(backend))
        return usage_error("--backend=%s: this shapec was built without it (see ./configure --help)", backend);
    } else if (!strcmp(a, "--stats")) {
      stats = 1;
    } else if (!strcmp(a, "--compile-budget") || !strncmp(a, "--compile-budget=", 17)) {
      const char *v = a[16] == '=' ? a + 17 : i + 1 < argc ? argv[++i] : NULL;
      if (!v) return usage_error("%s needs a number", a);
      if (!parse_frames(v, &compile_budget))
        return usage_error("--compile-budget expects a number from 1 to 100000000, got '%s'", v);
    } else if ((r = sc_cli_inline_option(argc, argv, &i, &inl))) {
      if (r < 0) return SC_EXIT_BAD_PROGRAM;
    } else if (a[0] == '-' && a[1]) {
      if (!first_unknown) first_unknown = a;
      rest[nrest++] = argv[i];
      /* the emitters' options that take a separate value */
      if ((!strcmp(a, "--func") || !strcmp(a, "--passes") || !strcmp(a, "--print-after")) && i + 1 < argc)
        rest[nrest++] = argv[++i];
    } else {
      if (npos == 3) return usage_error("unexpected argument '%s'", a);
      pos[npos++] = a;
    }
  }

  if (emit) {
    static const char *const kinds[] = {"bytecode", "ssa", "dot", "mir", "llvm"};
    bool known = false;
    for (unsigned k = 0; k < sizeof kinds / sizeof *kinds; k++) known |= !strcmp(emit, kinds[k]);
    if (!known) return usage_error("unknown --emit=%s (bytecode, ssa, dot, mir or llvm)", emit);
    if (npos != 1) return usage_error("%s", npos ? "--emit takes one FILE" : "--emit needs a FILE");
    if (!strcmp(emit, "bytecode") && first_unknown)
      return usage_error("unknown option '%s'", first_unknown);
    sc_runtime_init();
    sc_program *p = load(pos[0]);
    if (!p) return SC_EXIT_BAD_PROGRAM;
    if (!strcmp(emit, "bytecode")) {
      sc_disassemble(p, stdout);
      return 0;
    }
    return sc_cli_emit_ir(emit, p, nrest, rest, &inl);
  }

  if (npos >= 1 && !strcmp(pos[0], "opt")) {
    if (npos != 2) return usage_error("%s", "opt takes one FILE.ssa");
    return sc_cli_opt(pos[1], nrest, rest, &inl);
  }
  if (first_unknown) return usage_error("unknown option '%s'", first_unknown);
  if (npos == 0) return usage_error("%s", "no command given");
  const char *cmd = pos[0];
  if (strcmp(cmd, "run") && strcmp(cmd, "check"))
    return usage_error("unknown command '%s' (run or check)", cmd);
  if (npos < 2) return usage_error("%s needs a FILE", cmd);
  if (npos > 2) return usage_error("unexpected argument '%s'", pos[2]);

  sc_runtime_init();
  FILE *dump_out = NULL;
  if (dump && !strcmp(cmd, "run")) {
    if (!strcmp(dump, "-")) dump_out = stdout;
    else if (!(dump_out = fopen(dump, "w"))) {
      sc_fprint_escaped(stderr, "shapec: error: cannot write %s: %s\n", dump, strerror(errno));
      return SC_EXIT_BAD_PROGRAM;
    }
  }
  sc_program *p = load(pos[1]);
  if (!p) return SC_EXIT_BAD_PROGRAM;
  if (!strcmp(cmd, "check")) return 0;

  /* tiering is the default where a backend is built; a run that is asked
   * for the interpreter's whole profile (or for none) stays interpreted */
  if (jit < 0) jit = profile && !dump && sc_backend_available(NULL) ? SC_JIT_TIERED : SC_JIT_OFF;
  sc_vm_options opts = {.out = stdout, .err = stderr, .profile = profile, .max_frames = max_frames,
                        .jit = jit, .backend = backend, .stats = stats ? stderr : NULL,
                        .tier_threshold = tier_threshold, .osr_threshold = osr_threshold,
                        .deopt_stress = stress, .stress_seed = seed,
                        .trace_deopt = trace_deopt ? stderr : NULL, .trace_tiering = trace_tier ? stderr : NULL,
                        .jit_threads = jit_threads, .jit_wait = jit_wait, .inl = inl,
                        .compile_budget = compile_budget, .max_heap = max_heap, .verbose_gc = verbose_gc};
  sc_vm *vm = sc_vm_new(p, &opts);
  int status = sc_vm_run_main(vm);
  if (dump_out) {
    sc_vm_dump_feedback(vm, dump_out);
    if (dump_out != stdout) {
      bool ok = output_ok(dump_out, dump);
      if (fclose(dump_out) && ok) {
        sc_fprint_escaped(stderr, "shapec: error: writing %s: %s\n", dump, strerror(errno));
        ok = false;
      }
      if (!ok && status == 0) status = 1;
    }
  }
  return status;
}
