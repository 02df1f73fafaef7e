/* Boehm GC wrappers: the only place the runtime allocates heap memory, and
 * the collector's policy: initial heap, heap limit, warnings, roots. */
#define GC_THREADS
#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/runtime.h"
#include "shapec/vm.h"

/* Process-wide, as the collector is (set before the VMs run). */
static int gc_verbose;
static size_t gc_max_heap;

/* GC Warning lines ("Repeated allocation of very large block", "Out of
 * Memory! Heap size: ...") only with --verbose-gc: a failed allocation is
 * reported as `runtime error: out of memory` instead. */
static void GC_CALLBACK warn_proc(char *msg, GC_word arg) {
  if (gc_verbose) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    fprintf(stderr, msg, (unsigned long)arg);
#pragma GCC diagnostic pop
  }
}

/* Only our own data segments are roots: the program's and those of
 * libshapec, libgc and libc, by file name (not directory). Other libraries
 * hold no pointers into the GC heap and are not scanned: libLLVM's
 * megabytes above all, and the LLVM module (shapec-llvm.so, opened later:
 * the collector asks at every collection), whose contexts are malloc'd
 * and point only at the VM (which its tier manager holds) and whose code
 * embeds only constants the program holds. */
static int GC_CALLBACK own_roots(const char *name, void *start, size_t size) {
  (void)start, (void)size;
  static const char *const ours[] = {"libshapec.", "libgc", "libc.so", "ld-linux", "libpthread"};
  if (!name || !*name) return 1; /* the executable */
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  for (unsigned i = 0; i < sizeof ours / sizeof *ours; i++)
    if (!strncmp(base, ours[i], strlen(ours[i]))) return 1;
  return 0;
}

static void *GC_CALLBACK null_oom(size_t n) {
  (void)n;
  return NULL;
}

void sc_runtime_init(void) {
  static int done; /* GC_INIT is idempotent, but cheap to skip */
  if (done) return;
  GC_set_warn_proc(warn_proc);
  GC_register_has_static_roots_callback(own_roots);
  GC_INIT();
  GC_set_oom_fn(null_oom);
  done = 1;
}

size_t sc_gc_default_max_heap(void) {
  long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
  size_t phys = pages > 0 && psz > 0 ? (size_t)pages * (size_t)psz : (size_t)4 << 30;
  size_t m = phys / 2;
  return m < SC_MIN_MAX_HEAP ? SC_MIN_MAX_HEAP : m; /* half of physical memory */
}

/* The heap starts at SC_GC_INITIAL_HEAP (within the limit): a small heap
 * collects every few hundred KB allocated, at full cost each time
 * (GC_INITIAL_HEAP_SIZE in the environment still wins). */
#define SC_GC_INITIAL_HEAP ((size_t)32 << 20)

void sc_gc_configure(size_t max_heap, int verbose) {
  sc_runtime_init();
  gc_verbose = verbose;
  if (max_heap || !gc_max_heap) {
    gc_max_heap = max_heap ? max_heap : sc_gc_default_max_heap();
    if (gc_max_heap < SC_MIN_MAX_HEAP) gc_max_heap = SC_MIN_MAX_HEAP;
    GC_set_max_heap_size(gc_max_heap);
  }
  size_t init = SC_GC_INITIAL_HEAP < gc_max_heap / 2 ? SC_GC_INITIAL_HEAP : gc_max_heap / 2;
  size_t have = GC_get_heap_size();
  if (!getenv("GC_INITIAL_HEAP_SIZE") && have < init) GC_expand_hp(init - have);
}

size_t sc_gc_collections(void) { return (size_t)GC_get_gc_no(); }

void sc_gc_print_stats(FILE *out) {
  fprintf(out, "gc: %zu collections, heap %zu KiB (limit %zu KiB), %zu KiB allocated in all\n",
          sc_gc_collections(), GC_get_heap_size() >> 10, gc_max_heap >> 10, GC_get_total_bytes() >> 10);
}

/* An allocation that has no way to report failure: the program cannot go
 * on. Its output so far is flushed, as for any runtime error. */
static void *oom(void) {
  fflush(NULL);
  fputs("runtime error: out of memory\n", stderr);
  fflush(stderr);
  _exit(SC_EXIT_RUNTIME_ERROR);
}

bool sc_gc_fits(size_t n) { return !gc_max_heap || n <= gc_max_heap; }

/* A large block (an array's storage, a long string) asks for huge pages
 * (transparent huge pages in "madvise" mode): its pages are touched for
 * the first time as it fills, and a fault per 2 MiB instead of per 4 KiB
 * is most of the cost of growing a big array (07b: 1e7 pushes fault in
 * ~500 MB). Blocks the collector reuses are mostly faulted in already. */
#define SC_HUGE_BLOCK ((size_t)4 << 20)
#define SC_HUGE_PAGE ((uintptr_t)2 << 20)
static void *huge_pages(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
  if (p && n >= SC_HUGE_BLOCK) {
    uintptr_t a = ((uintptr_t)p + SC_HUGE_PAGE - 1) & ~(SC_HUGE_PAGE - 1), e = ((uintptr_t)p + n) & ~(SC_HUGE_PAGE - 1);
    if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE); /* advice only: failure changes nothing */
  }
#else
  (void)n;
#endif
  return p;
}

void *sc_gc_try_alloc(size_t n) {
  return sc_gc_fits(n) ? huge_pages(GC_MALLOC(n), n) : NULL;
}

void *sc_gc_try_alloc_atomic(size_t n) {
  return sc_gc_fits(n) ? huge_pages(GC_MALLOC_ATOMIC(n), n) : NULL;
}

void *sc_gc_alloc(size_t n) {
  void *p = sc_gc_try_alloc(n);
  return p ? p : oom();
}

void *sc_gc_alloc_atomic(size_t n) {
  void *p = sc_gc_try_alloc_atomic(n);
  return p ? p : oom();
}

void *sc_gc_realloc(void *p, size_t n) {
  void *q = GC_REALLOC(p, n);
  return q ? q : oom();
}

char *sc_gc_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = sc_gc_alloc_atomic(n);
  memcpy(d, s, n);
  return d;
}
