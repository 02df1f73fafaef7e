/* Choosing a backend by name. */
#include "config.h"

#include <string.h>

#include "backend/backend.h"

const sc_backend_impl *sc_backend_find(const char *name) {
#ifdef HAVE_MIR
  if (!strcmp(name, "mir")) return &sc_backend_mir;
#endif
#ifdef HAVE_LLVM
  if (!strcmp(name, "llvm")) return &sc_backend_llvm;
#endif
  (void)name;
  return NULL;
}

const sc_backend_impl *sc_backend_default(void) {
#if defined(HAVE_MIR)
  return &sc_backend_mir;
#elif defined(HAVE_LLVM)
  return &sc_backend_llvm;
#else
  return NULL;
#endif
}
