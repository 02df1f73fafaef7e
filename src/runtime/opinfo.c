/* Static opcode and builtin tables, from opcodes.def and builtins.def. */
#include <stdint.h>
#include <string.h>

#include "shapec/bytecode.h"

static const struct {
  const char *name;
  uint8_t operand;
  int8_t pops, pushes;
  uint8_t flags;
} ops[SC_NOPS] = {
#define OP(name, operand, pops, pushes, flags) {#name, SC_OPND_##operand, pops, pushes, flags},
#include "shapec/opcodes.def"
#undef OP
};

static const struct {
  const char *name;
  int argc;
} builtins[SC_NBUILTINS] = {
#define BUILTIN(name, argc) {#name, argc},
#include "shapec/builtins.def"
#undef BUILTIN
};

const char *sc_op_name(sc_op op) { return (unsigned)op < SC_NOPS ? ops[op].name : "?"; }

int sc_op_by_name(const char *name) {
  for (int i = 0; name && i < SC_NOPS; i++)
    if (!strcmp(ops[i].name, name)) return i;
  return -1;
}

sc_operand sc_op_operand(sc_op op) { return (unsigned)op < SC_NOPS ? (sc_operand)ops[op].operand : SC_OPND_NONE; }
unsigned sc_op_flags(sc_op op) { return (unsigned)op < SC_NOPS ? ops[op].flags : 0; }

/* Variable arity is resolved from the operands. Garbage operands (which the
 * verifier rejects) give a harmless value rather than overflow. */
int sc_op_pops(const sc_insn *in) {
  if (!in) return 0;
  switch (in->op) {
  case SC_OP_Call: case SC_OP_CallBuiltin: return in->b;
  case SC_OP_CallValue: return in->a < 0 || in->a == INT32_MAX ? in->a : in->a + 1;
  case SC_OP_NewArray: return in->a;
  default: return in->op < SC_NOPS ? ops[in->op].pops : 0;
  }
}

int sc_op_pushes(const sc_insn *in) { return in && in->op < SC_NOPS ? ops[in->op].pushes : 0; }

const char *sc_builtin_name(sc_builtin b) { return (unsigned)b < SC_NBUILTINS ? builtins[b].name : "?"; }

int sc_builtin_by_name(const char *name) {
  for (int i = 0; name && i < SC_NBUILTINS; i++)
    if (!strcmp(builtins[i].name, name)) return i;
  return -1;
}

int sc_builtin_argc(sc_builtin b) { return (unsigned)b < SC_NBUILTINS ? builtins[b].argc : -1; }

const char *sc_kind_name(sc_kind k) {
  static const char *const n[] = {"any", "int", "float", "bool"};
  return (unsigned)k < 4 ? n[k] : "?";
}
