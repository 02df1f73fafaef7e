/* The runtime as compiled code sees it: the native calling convention and
 * the helpers that native code calls for generic operations.
 *
 * A compiled function is `int fn(sc_vm *vm, sc_frame *fp)`. The caller has
 * pushed fp (base, ret, vf set; the arguments in base[0..arity)) exactly as
 * the interpreter does for a call, so stack traces and the depth limit see
 * compiled frames like interpreted ones. It returns a status (SC_ST_*):
 *   RET    the result is in *fp->ret
 *   ERROR  a runtime error was reported (message and trace): unwind
 *   HALT   the program ran Halt: unwind, exit status 0
 *   DEOPT  compiled code left at a frame state: base[0..nlocals) holds the
 *          locals and base[nlocals..) the operand stack, fp->pc the
 *          instruction to resume at. When it left code inlined from other
 *          functions, the frames of those calls are pushed above fp as the
 *          interpreter would have them; vm->deopt_fp is the innermost frame
 *          (fp itself otherwise) and vm->deopt_sp its operand stack top. The
 *          caller resumes the interpreter there (sc_interp_resume) and
 *          carries on when fp returns.
 * A function with a typed entry (pass entry; ssa/ir.h: sc_entry_*) is
 * compiled as `int64_t fn(sc_vm *vm, sc_frame *fp, typed arguments...)`
 * instead: its typed parameters come as i64 arguments (not in base[]), its
 * result comes back unboxed (a val result in *fp->ret), and a status other
 * than RET is left in vm->tstatus. vf->native is then the tier manager's
 * trampoline (sc_jit_typed_enter), which keeps the convention above.
 * Runtime errors are never raised by compiled code: it leaves at the
 * failing instruction's frame state and the interpreter runs it again,
 * which raises the error with the interpreter's exact message and trace.
 *
 * Compiled code keeps no pointer into the value stack across a call (the
 * stack may move: reload fp->base); frames never move while compiled code
 * runs (sc_jit_prepare makes the frame array full-size up front).
 *
 * The helpers are listed in ssa/helpers.def. Helpers take values as (tag, payload) pairs of 64-bit integers, so both
 * backends call them with scalar arguments only, and return bool: false
 * means "leave at this instruction's frame state". Results go to *out. */
#ifndef SC_BACKEND_ABI_H
#define SC_BACKEND_ABI_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/layout.h"

typedef uint64_t sc_jt; /* a tag */
typedef uint64_t sc_jp; /* a payload's bits */


#include "ssa/ir.h"

/* What a backend context is given by whoever implements the helpers (the
 * tier manager): their addresses, by number. */
typedef struct sc_abi {
  const void *helper[SC_NHELPERS];
} sc_abi;

#endif
