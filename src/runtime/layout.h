/* The runtime as compiled code sees it: its data layout (layout.def) and
 * the statuses compiled code returns. */
#ifndef SC_RUNTIME_LAYOUT_H
#define SC_RUNTIME_LAYOUT_H

#include <stdint.h>

#include "shapec/vm.h"

typedef struct sc_layout {
#define LAYOUT(name, expr) uint32_t name;
#include "runtime/layout.def"
#undef LAYOUT
} sc_layout;

extern const sc_layout sc_layout_info;

/* Statuses of an interpreter run and of compiled code (backend/abi.h). */
enum { SC_ST_RET, SC_ST_ERROR, SC_ST_HALT, SC_ST_DEOPT };
/* Compiled code: `int fn(sc_vm *vm, sc_frame *fp)` (backend/abi.h). */
struct sc_frame;
typedef int (*sc_native_fn)(sc_vm *vm, struct sc_frame *fp);

/* Addresses in a VM that compiled code bakes in (none moves while the VM
 * lives; the frame array is full-size before compiled code runs). */
typedef enum sc_vm_addr_kind {
  SC_VA_VFUNC,      /* function a's sc_vfunc */
  SC_VA_RESUME_PC,  /* the interpreter's code for pc b of function a (a frame's saved pc) */
  SC_VA_FRAMES_END, /* the end of the frame array */
  SC_VA_STACK_END,  /* where the end of the value stack is kept */
  SC_VA_STACK_TOP,  /* where the top of the value stack is kept */
  SC_VA_GLOBAL,     /* global a's sc_value */
  SC_VA_NATIVE_LIMIT /* the lowest native stack address compiled code may enter at */
} sc_vm_addr_kind;
const void *sc_vm_addr(const sc_vm *vm, sc_vm_addr_kind k, uint32_t a, uint32_t b);

/* A deopt buffer slot (sc_jh_deopt) whose tag word is this keeps the
 * frame's own value: compiled code never wrote that local, and it still
 * holds what the code read from it on entry. One store instead of a box. */
#define SC_DEOPT_KEEP UINT64_MAX

/* A deopt helper's tag word: 4 bits for each of the buffer's first
 * SC_DEOPT_TAGGED slots, so that exits need not store tags known when the
 * code was compiled. 0: the tag is in the buffer; SC_DEOPT_NIB_KEEP: as
 * SC_DEOPT_KEEP; SC_DEOPT_NIB_TAG + t: tag t. */
#define SC_DEOPT_TAGGED 16u
#define SC_DEOPT_NIB_KEEP 1u
#define SC_DEOPT_NIB_TAG 2u

/* A call helper's status: the call must run in the interpreter to raise
 * its error (not a function, arity, stack overflow); otherwise SC_ST_*. */
#define SC_JH_LEAVE 4

#endif
