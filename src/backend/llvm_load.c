/* Opening the LLVM module (llvm_module.h) on first use: the "llvm"
 * backend and --emit=asm's disassembler forward to it.
 *
 * Where: $SHAPEC_LLVM_MODULE when set (nothing else is tried); else, for
 * a build tree, .libs/ beside the file holding this code (the shapec
 * program) or that file's own directory (a libshapec.so in .libs); else
 * the configured pkglibdir. Nothing is cached here: dlopen counts
 * references to an open module and finds it again by name, and
 * RTLD_NODELETE keeps its code mapped after the dlclose that balances
 * each dlopen (compiled code and contexts outlive the lookup). */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/llvm_module.h"

#ifdef HAVE_LLVM
static const sc_llvm_host host = {
    .version = SC_LLVM_MODULE_VERSION,
    .nhelpers = SC_NHELPERS,
    .nops = IR_NOPS,
    .ins_size = sizeof(sc_ins),
    .irfunc_size = sizeof(sc_irfunc),
    .abi_size = sizeof(sc_abi),
    .helpers = sc_helpers,
    .ir_dom = sc_ir_dom,
    .irop_name = sc_irop_name,
    .arena_alloc = sc_arena_alloc,
    .lir_addr = sc_lir_addr,
    .lir_check = sc_lir_check,
};

/* The directory of the file this code was loaded from, with a slash. */
static bool own_dir(char *buf, size_t n) {
  Dl_info info;
  struct link_map *lm = NULL;
  if (!dladdr1((void *)(uintptr_t)&own_dir, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm) return false;
  if (lm->l_name && *lm->l_name) { /* a shared library */
    if (snprintf(buf, n, "%s", lm->l_name) >= (int)n) return false;
  } else { /* the program */
    ssize_t k = readlink("/proc/self/exe", buf, n - 1);
    if (k <= 0) return false;
    buf[k] = 0;
  }
  char *slash = strrchr(buf, '/');
  if (!slash) return false;
  slash[1] = 0;
  return true;
}

static const sc_llvm_module *open_module(char *err, size_t errlen) {
  char path[PATH_MAX + 64] = "";
  const char *env = getenv("SHAPEC_LLVM_MODULE");
  if (env && *env) {
    snprintf(path, sizeof path, "%s", env);
  } else {
    char dir[PATH_MAX];
    static const char *const beside[] = {".libs/" SC_LLVM_MODULE_FILE, SC_LLVM_MODULE_FILE};
    if (own_dir(dir, sizeof dir))
      for (unsigned i = 0; i < 2 && !*path; i++) {
        snprintf(path, sizeof path, "%s%s", dir, beside[i]);
        if (access(path, R_OK)) *path = 0;
      }
    if (!*path) snprintf(path, sizeof path, "%s/%s", SC_PKGLIBDIR, SC_LLVM_MODULE_FILE);
  }
  void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!dl) {
    const char *why = dlerror();
    snprintf(err, errlen, "LLVM backend unavailable: %s", why ? why : path);
    return NULL;
  }
  sc_llvm_module_entry_fn *entry;
  *(void **)&entry = dlsym(dl, SC_LLVM_MODULE_ENTRY);
  const sc_llvm_module *m = NULL;
  if (!entry) {
    const char *why = dlerror();
    snprintf(err, errlen, "LLVM backend unavailable: %s", why ? why : SC_LLVM_MODULE_ENTRY);
  } else {
    char why[200] = "";
    if (!(m = entry(&host, why, sizeof why))) snprintf(err, errlen, "LLVM backend unavailable: %s: %s", path, why);
  }
  dlclose(dl);
  return m;
}

bool sc_backend_llvm_open(char *err, size_t errlen) { return open_module(err, errlen) != NULL; }

/* The "llvm" backend: a context is the module's and the module. */
typedef struct fwd {
  const sc_llvm_module *m;
  void *ctx;
} fwd;

static void *create(sc_vm *vm, const sc_abi *abi, char *err, size_t errlen) {
  const sc_llvm_module *m = open_module(err, errlen);
  if (!m) return NULL;
  fwd *f = calloc(1, sizeof *f);
  if (!f) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  f->m = m;
  if (!(f->ctx = m->create(&host, vm, abi, err, errlen))) {
    free(f);
    return NULL;
  }
  return f;
}

static sc_native_fn compile(void *ctx, sc_irfunc *f, FILE *dump, size_t *len, void **handle, char *err,
                            size_t errlen) {
  fwd *w = ctx;
  return w->m->compile(w->ctx, f, dump, len, handle, err, errlen);
}

static void release(void *ctx, void *handle) {
  fwd *w = ctx;
  w->m->release(w->ctx, handle);
}

static void stats(void *ctx, sc_backend_stats *out) {
  fwd *w = ctx;
  w->m->stats(w->ctx, out);
}

static void destroy(void *ctx) {
  fwd *w = ctx;
  if (!w) return;
  w->m->destroy(w->ctx);
  free(w);
}

const sc_backend_impl sc_backend_llvm = {"llvm", create, compile, release, stats, destroy};

bool sc_native_disasm(FILE *out, const void *code, size_t len, const char *(*name)(void *arg, uint64_t addr),
                      void *arg, char *err, size_t errlen) {
  const sc_llvm_module *m = open_module(err, errlen);
  return m && m->disasm(out, code, len, name, arg, err, errlen);
}
#else
bool sc_native_disasm(FILE *out, const void *code, size_t len, const char *(*name)(void *arg, uint64_t addr),
                      void *arg, char *err, size_t errlen) {
  (void)out, (void)code, (void)len, (void)name, (void)arg;
  snprintf(err, errlen, "this shapec was built without LLVM, whose disassembler --emit=asm uses");
  return false;
}
#endif
