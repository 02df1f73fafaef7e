/* The helper table as the backends read it (abi.def: names, signatures). */
#include "backend/abi.h"

const sc_abi_helper sc_abi_helpers[SC_NHELPERS] = {
#define HELPER(n, s, f) {#n, s},
#include "backend/abi.def"
#undef HELPER
};
