/* The LLVM backend and disassembler as a loadable module (shapec-llvm.so,
 * installed in pkglibdir): libshapec does not link libLLVM, so a program
 * that never compiles with LLVM (shapec check, --jit=off, MIR) neither
 * maps nor relocates its tens of megabytes (issue 19: start-up).
 *
 * libshapec opens the module on first use (llvm_load.c) and calls its one
 * exported symbol, sc_llvm_module_entry, which returns the module's table.
 * The module calls nothing in libshapec by name (libshapec exports only its
 * public API): what it needs there comes in sc_llvm_host, with the sizes
 * that tell a module built for another shapec (refused, never run). */
#ifndef SC_BACKEND_LLVM_MODULE_H
#define SC_BACKEND_LLVM_MODULE_H

#include "backend/backend.h"

#define SC_LLVM_MODULE_FILE "shapec-llvm.so"
#define SC_LLVM_MODULE_ENTRY "sc_llvm_module_entry"
#define SC_LLVM_MODULE_VERSION 1 /* bump when this interface changes */

/* What the module may call in libshapec. */
typedef struct sc_llvm_host {
  /* checked by the entry: the interface and the IR's layout */
  uint32_t version, nhelpers, nops;
  uint32_t ins_size, irfunc_size, abi_size;
  const sc_helper_info *helpers;
  void (*ir_dom)(sc_irfunc *f);
  const char *(*irop_name)(unsigned op);
  void *(*arena_alloc)(sc_arena *a, size_t n);
  const void *(*lir_addr)(const sc_vm *vm, const sc_ins *in);
  bool (*lir_check)(const sc_irfunc *f, char *err, size_t errlen);
} sc_llvm_host;

/* The module: sc_backend_impl's operations (create also given the host)
 * and sc_native_disasm. */
typedef struct sc_llvm_module {
  void *(*create)(const sc_llvm_host *host, sc_vm *vm, const sc_abi *abi, char *err, size_t errlen);
  sc_native_fn (*compile)(void *ctx, sc_irfunc *f, FILE *dump, size_t *len, void **handle, char *err,
                          size_t errlen);
  void (*release)(void *ctx, void *handle);
  void (*stats)(void *ctx, sc_backend_stats *out);
  void (*destroy)(void *ctx);
  bool (*disasm)(FILE *out, const void *code, size_t len, const char *(*name)(void *arg, uint64_t addr), void *arg,
                 char *err, size_t errlen);
} sc_llvm_module;

/* The module's table for host; NULL with the reason in err when the module
 * was built for another shapec. */
typedef const sc_llvm_module *sc_llvm_module_entry_fn(const sc_llvm_host *host, char *err, size_t errlen);

/* Inside the module: native_disasm.c's sc_native_disasm. */
bool sc_llvm_disasm(FILE *out, const void *code, size_t len, const char *(*name)(void *arg, uint64_t addr), void *arg,
                    char *err, size_t errlen);

#endif
