/* helpers.def: the C prototypes it declares (result and parameter types)
 * spell the signature the IR and the backends call them with. */
#include <criterion/criterion.h>
#include <string.h>

#include "jit/helpers.h"
#include "ssa/ir.h"

Test(helpers, prototypes_match_signatures) {
  for (unsigned h = 0; h < SC_NHELPERS; h++)
    cr_expect_str_eq(sc_jh_csig(h), sc_helpers[h].sig, "helper %s: C prototype says %s, helpers.def %s",
                     sc_helpers[h].name, sc_jh_csig(h), sc_helpers[h].sig);
  cr_expect_null(sc_jh_csig(SC_NHELPERS));
}
