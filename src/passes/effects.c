/* What each side-effecting op leaves alone, for the passes that keep a
 * heap read's result across other instructions (guards: shape checks in a
 * block; hoist: checks out of a loop). Anything not listed, calls above
 * all, may change everything. */
#include "passes/passes.h"

bool sc_keeps_shapes(unsigned op) {
  return op == IR_stslot || op == IR_stelem || op == IR_Print || op == IR_StoreGlobal || op == IR_SetIndex ||
         op == IR_ArrayPush || op == IR_MapSet;
}

/* Elements kinds and lengths: only arrays' own stores and pushes move them
 * (a raw stelem stores the array's kind, SetIndex never grows an array). */
bool sc_keeps_elems(unsigned op, bool len) {
  switch (op) {
  case IR_stslot: case IR_addslot: case IR_stelem: case IR_Print: case IR_StoreGlobal: case IR_MapSet:
  case IR_SetProp:
    return true;
  case IR_SetIndex: return len;
  default: return false;
  }
}

/* Objects' fields: only property stores write them. */
bool sc_keeps_fields(unsigned op) {
  return op == IR_stelem || op == IR_Print || op == IR_StoreGlobal || op == IR_SetIndex || op == IR_ArrayPush ||
         op == IR_MapSet;
}
