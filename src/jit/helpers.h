/* The helpers compiled code calls (ssa/helpers.def lists them; abi.h is
 * the calling convention): their C prototypes, from helpers.def. */
#ifndef SC_JIT_HELPERS_H
#define SC_JIT_HELPERS_H

#include <math.h>

#include "backend/abi.h"
#include "runtime/vm_internal.h"

#define HELPER(name, sig, fn, ret, params) ret fn params;
#include "ssa/helpers.def"
#undef HELPER
/* Not called by compiled code. */
bool sc_jh_truthy(sc_jt t, sc_jp p);
/* helpers.def's signature of helper h as its C prototype spells it (the
 * letters of the result and the parameters' types), for the unit test. */
const char *sc_jh_csig(unsigned h);

/* The helpers' addresses, for backend contexts (sc_jit_backend_create). */
extern const sc_abi sc_jit_abi;

#endif
