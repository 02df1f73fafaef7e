/* The helpers compiled code calls (ssa/helpers.def lists them; abi.h is
 * the calling convention): their C prototypes. */
#ifndef SC_JIT_HELPERS_H
#define SC_JIT_HELPERS_H

#include "backend/abi.h"
#include "runtime/vm_internal.h"

bool sc_jh_binary(sc_vm *vm, uint32_t op, sc_jt at, sc_jp ap, sc_jt bt, sc_jp bp, sc_value *out);
bool sc_jh_unary(sc_vm *vm, uint32_t op, sc_jt at, sc_jp ap, sc_value *out);
bool sc_jh_truthy(sc_jt t, sc_jp p);
bool sc_jh_new_array(sc_vm *vm, const sc_value *elems, uint32_t n, sc_value *out);
bool sc_jh_array_new(sc_vm *vm, sc_jt lt, sc_jp lp, sc_jt ft, sc_jp fp, sc_value *out);
bool sc_jh_get_index(sc_vm *vm, sc_jt at, sc_jp ap, sc_jt it, sc_jp ip, sc_value *out);
bool sc_jh_set_index(sc_vm *vm, sc_jt at, sc_jp ap, sc_jt it, sc_jp ip, sc_jt vt, sc_jp vp);
bool sc_jh_array_len(sc_vm *vm, sc_jt at, sc_jp ap, sc_value *out);
bool sc_jh_array_push(sc_vm *vm, sc_jt at, sc_jp ap, sc_jt vt, sc_jp vp);
bool sc_jh_new_object(sc_vm *vm, sc_value *out);
bool sc_jh_get_prop(sc_vm *vm, sc_jt ot, sc_jp op, uint32_t name, sc_value *out);
bool sc_jh_set_prop(sc_vm *vm, sc_jt ot, sc_jp op, uint32_t name, sc_jt vt, sc_jp vp);
/* addslot's slow path: object o (of ns's parent shape, its slots full)
 * gets the field, slots grown, and moves to shape ns. Never fails. */
bool sc_jh_add_field(sc_object *o, sc_shape *ns, sc_jt vt, sc_jp vp);
bool sc_jh_new_map(sc_vm *vm, sc_value *out);
bool sc_jh_map_get(sc_vm *vm, sc_jt mt, sc_jp mp, sc_jt kt, sc_jp kp, sc_value *out);
bool sc_jh_map_set(sc_vm *vm, sc_jt mt, sc_jp mp, sc_jt kt, sc_jp kp, sc_jt vt, sc_jp vp);
bool sc_jh_map_has(sc_vm *vm, sc_jt mt, sc_jp mp, sc_jt kt, sc_jp kp, sc_value *out);
bool sc_jh_print(sc_vm *vm, sc_jt t, sc_jp p);
/* StoreGlobal: compiled code may have assumed the old value (jit.c). */
bool sc_jh_store_global(sc_vm *vm, uint32_t g, sc_jt t, sc_jp p);
bool sc_jh_builtin(sc_vm *vm, uint32_t b, const sc_value *args, sc_value *out);
/* StoreLocal's check of a local declared with a kind (local: its index in
 * the frame's function). */
bool sc_jh_check_kind(sc_vm *vm, sc_frame *fp, uint32_t local, sc_jt t, sc_jp p);

/* Calls. fp is the caller's frame, bpc the call's bytecode pc (for traces).
 * args[0..argc) are the arguments; for CallValue, (ft, fp_) is the callee
 * value. Returns SC_ST_RET with the result in *out, SC_ST_ERROR or
 * SC_ST_HALT to unwind, or SC_JH_LEAVE when the call must run in the
 * interpreter to raise its error (not a function, arity, stack overflow). */
int sc_jh_call(sc_vm *vm, sc_frame *fp, uint32_t bpc, uint32_t callee, uint32_t argc,
               const sc_value *args, sc_value *out);
int sc_jh_call_value(sc_vm *vm, sc_frame *fp, uint32_t bpc, sc_jt ft, sc_jp fpay, uint32_t argc,
                     const sc_value *args, sc_value *out);

/* A compiled function's entry found no native stack room
 * (vm->native_limit): reports `stack overflow` at the caller's call, as the
 * interpreter does at the frame limit; returns SC_ST_ERROR. */
int sc_jh_stack_overflow(sc_vm *vm, sc_frame *fp);

/* After compiled code called compiled code directly (frame nf pushed as
 * sc_jh_call would) and got status st != RET: finish a deopted callee in
 * the interpreter; the final status (RET: the result is in *nf->ret). */
int sc_jh_call_finish(sc_vm *vm, sc_frame *nf, int st);

/* Deoptimization: vals[0..n) (locals then operand stack, boxed) become the
 * frame's interpreter state, resuming at bytecode pc bpc. Returns SC_ST_DEOPT
 * for compiled code to return. */
int sc_jh_deopt(sc_vm *vm, sc_frame *fp, uint32_t bpc, const sc_value *vals, uint32_t n, uint32_t reason);
/* The same for a frame state of inlined code: buf holds nframes frames,
 * outermost (fp's function) first, each a header slot (tag: function index
 * | pc << 32; payload: nlocals | nstack << 32) and then its locals and
 * operand stack, boxed. Every frame but the innermost is at a Call or
 * CallValue whose callee is the next frame's function. */
int sc_jh_deopt_inlined(sc_vm *vm, sc_frame *fp, const sc_value *buf, uint32_t nframes, uint32_t reason);
/* --deopt-stress: whether this guard is to fail (deterministic by seed). */
bool sc_jh_stress(sc_vm *vm);

/* The helpers' addresses, for backend contexts (sc_jit_backend_create). */
extern const sc_abi sc_jit_abi;

#endif
