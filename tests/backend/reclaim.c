/* Code memory reclaim: compiles one function N times with a backend, keeps
 * the last KEEP compilations and releases the older ones (with --keep-all,
 * releases nothing), then runs the newest code. Prints the backend's
 * statistics and the resident set size after the first tenth of the
 * compilations and at the end.
 *   reclaim BACKEND N [--keep-all] [--check]
 * --check: exit 1 unless the code still runs right, the backend held at
 * most KEEP + 2 units (MIR contexts, LLVM resource trackers) at once
 * (SC_MIR_UNIT_FUNCS=1 makes each MIR compilation a context of its own)
 * and the RSS grew by less than 4 MiB over the last nine tenths.
 * Exit status 77: the backend is not built. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/backend.h"
#include "passes/passes.h"
#include "jit/helpers.h"
#include "jit/tier.h"

enum { KEEP = 4 };

static const char src[] =
    "func work(n) {\n"
    "    local i: int\n"
    "    local acc\n"
    "    local a\n"
    "    PushConst 0\n    StoreLocal acc\n"
    "    PushConst 0\n    PushConst 0\n    ArrayNew\n    StoreLocal a\n"
    "    PushConst 0\n    StoreLocal i\n"
    "loop:\n    LoopStart\n"
    "    LoadLocal i\n    LoadLocal n\n    LtInt\n    JumpIfFalse done\n"
    "    LoadLocal a\n    LoadLocal i\n    LoadLocal i\n    Mul\n    ArrayPush\n"
    "    LoadLocal i\n    PushConst 3\n    Mod\n    PushConst 0\n    Eq\n    JumpIfFalse odd\n"
    "    LoadLocal acc\n    LoadLocal a\n    LoadLocal i\n    GetIndex\n    Add\n    StoreLocal acc\n"
    "    Jump next\n"
    "odd:\n"
    "    LoadLocal acc\n    LoadLocal i\n    PushConst 2.5\n    Mul\n    CallBuiltin floor 1\n    Sub\n"
    "    StoreLocal acc\n"
    "next:\n"
    "    LoadLocal i\n    PushConst 1\n    AddInt\n    StoreLocal i\n"
    "    LoopEnd\n    Jump loop\n"
    "done:\n"
    "    LoadLocal acc\n    LoadLocal a\n    ArrayLen\n    Add\n    ReturnValue\n"
    "}\n"
    "func main() {\n    PushConst 1000\n    Call work 1\n    Print\n    Return\n}\n";

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, res = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &size, &res) != 2) res = 0;
    fclose(f);
  }
  return res * 4;
}

/* Mappings both writable and executable (code at rest must not be). */
static unsigned wx_mappings(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  unsigned n = 0;
  while (f && fgets(line, sizeof line, f)) {
    char perms[8];
    if (sscanf(line, "%*s %7s", perms) == 1 && perms[1] == 'w' && perms[2] == 'x') n++;
  }
  if (f) fclose(f);
  return n;
}

/* main's output with the function table as it is. */
static char *run_main(sc_vm *vm) {
  char *out = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&out, &len);
  vm->opts.out = m;
  sc_vm_run_main(vm);
  fclose(m);
  vm->opts.out = stdout;
  return out;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: reclaim BACKEND N [--keep-all] [--check]\n");
    return 2;
  }
  if (!sc_backend_built(argv[1])) return 77;
  char why[600];
  const sc_backend_impl *be = sc_backend_find(argv[1], why, sizeof why);
  if (!be) {
    fprintf(stderr, "%s\n", why);
    return 1;
  }
  uint32_t n = (uint32_t)strtoul(argv[2], NULL, 10);
  bool keep_all = false, check = false;
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "--keep-all")) keep_all = true;
    else if (!strcmp(argv[i], "--check")) check = true;
  }
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble("reclaim.sasm", src, sizeof src - 1, &d);
  if (!p || sc_verify(p, &d)) {
    sc_diags_print(&d, stderr);
    return 2;
  }
  sc_vm_options o = {.backend = argv[1]};
  sc_vm *vm = sc_vm_new(p, &o);
  if (!sc_jit_init(vm)) return 3;
  char *want = run_main(vm); /* interpreted */
  char err[512];
  void *ctx = be->create(vm, &sc_jit_abi, err, sizeof err);
  if (!ctx) {
    fprintf(stderr, "reclaim: %s\n", err);
    return 3;
  }
  uint32_t work = 0;
  while (strcmp(p->funcs[work]->name, "work")) work++;
  void *ring[KEEP] = {0};
  long rss0 = 0;
  unsigned wx = 0; /* compilations that left code writable */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (uint32_t k = 0; k < n; k++) {
    sc_arena a;
    sc_arena_init(&a);
    sc_pipeline_opts po = {.out = stderr, .err = stderr};
    sc_irfunc *f = sc_pipeline_lift(&a, p, work, NULL, SC_DEFAULT_PIPELINE, &(sc_pass_ctx){.opts = &po});
    void *code = NULL;
    if (f) sc_lower(f, false);
    sc_native_fn fn = f ? be->compile(ctx, f, NULL, NULL, &code, err, sizeof err) : NULL;
    sc_arena_drop(&a);
    if (!fn) {
      fprintf(stderr, "reclaim: cannot compile work: %s\n", f ? err : "IR rejected");
      return 3;
    }
    vm->funcs[work].native = fn;
    if (!keep_all) {
      if (ring[k % KEEP]) be->release(ctx, ring[k % KEEP]);
      ring[k % KEEP] = code;
    }
    if (k + 1 == n / 10) rss0 = rss_kib();
    if (k < 50 || k % 50 == 0) wx += wx_mappings() != 0;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long rss1 = rss_kib();
  char *got = run_main(vm); /* the newest code */
  sc_backend_stats st;
  be->stats(ctx, &st);
  double ms = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-6) / (n ? n : 1);
  printf("%s: %u compilations (%.3f ms each), %s: %llu released, %u %s alive (at most %u); "
         "RSS %ld KiB after %u, %ld KiB after %u (+%ld KiB)\n",
         be->name, n, ms, keep_all ? "none released" : "all but the last 4", (unsigned long long)st.released, st.units,
         st.unit, st.units_max, rss0, n / 10, rss1, n, rss1 - rss0);
  int status = 0;
  if (strcmp(want, got)) {
    fprintf(stderr, "reclaim: the newest code printed %s, the interpreter %s", got, want);
    status = 1;
  }
  if (wx) {
    fprintf(stderr, "reclaim: %u compilations left a mapping writable and executable\n", wx);
    status = 1;
  }
  if (check && st.units_max > KEEP + 2) {
    fprintf(stderr, "reclaim: %u %s alive at once (at most %d expected)\n", st.units_max, st.unit, KEEP + 2);
    status = 1;
  }
  if (check && rss1 - rss0 >= 4096) {
    fprintf(stderr, "reclaim: RSS grew by %ld KiB over %u compilations\n", rss1 - rss0, n - n / 10);
    status = 1;
  }
  be->destroy(ctx);
  free(want);
  free(got);
  return status;
}
