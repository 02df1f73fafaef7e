/* Criterion provides main(); this file anchors the unit test binary. */
#include <criterion/criterion.h>
#include "shapec/vm.h"

Test(smoke, runtime_init) { sc_runtime_init(); cr_assert(1); }
