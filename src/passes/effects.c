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

/* Array elements: only arrays' stores and pushes write them. */
bool sc_keeps_elements(unsigned op) {
  return op == IR_stslot || op == IR_addslot || op == IR_Print || op == IR_StoreGlobal || op == IR_MapSet ||
         op == IR_SetProp;
}

/* Globals' values: only StoreGlobal (and calls) write them. */
bool sc_keeps_globals(unsigned op) {
  return op == IR_stslot || op == IR_addslot || op == IR_stelem || op == IR_Print || op == IR_SetIndex ||
         op == IR_ArrayPush || op == IR_MapSet || op == IR_SetProp;
}

unsigned sc_load_mem(unsigned op) {
  switch (op) {
  case IR_hasshape: return SC_MEM_SHAPE;
  case IR_elemkind: return SC_MEM_KIND;
  case IR_arrlen: return SC_MEM_LEN;
  case IR_arrdata: return SC_MEM_KIND; /* whatever may move the storage changes kind or length, and so kind */
  case IR_ldslot: return SC_MEM_FIELD;
  case IR_ldelem: return SC_MEM_ELEM;
  case IR_LoadGlobal: return SC_MEM_GLOBAL;
  case IR_ld: case IR_ld32: return SC_MEM_RAW;
  default: return 0;
  }
}

unsigned sc_clobbers(unsigned op) {
  if (!(sc_irop_flags(op) & IRF_SIDE)) return 0;
  unsigned m = SC_MEM_RAW;
  if (!sc_keeps_shapes(op)) m |= SC_MEM_SHAPE;
  if (!sc_keeps_elems(op, false)) m |= SC_MEM_KIND;
  if (!sc_keeps_elems(op, true)) m |= SC_MEM_LEN;
  if (!sc_keeps_fields(op)) m |= SC_MEM_FIELD;
  if (!sc_keeps_elements(op)) m |= SC_MEM_ELEM;
  if (!sc_keeps_globals(op)) m |= SC_MEM_GLOBAL;
  return m;
}

unsigned sc_loop_clobbers(const sc_irfunc *f, uint32_t l) {
  const sc_loop *L = &f->loops[l];
  unsigned m = 0;
  for (uint32_t i = 0; i < L->nblocks; i++) {
    const sc_blk *bl = &f->blk[L->blocks[i]];
    for (uint32_t j = 0; j < bl->nins; j++) m |= sc_clobbers(f->ins[bl->ins[j]].op);
  }
  return m;
}
