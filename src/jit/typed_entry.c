/* Typed entries (pass entry, ssa/ir.h): compiled code that takes its typed
 * parameters as i64 arguments and returns its result unboxed, its status
 * in vm->tstatus. Compiled callers of the same signature call it directly;
 * everyone else (the interpreter, the call helpers, compiled code of
 * another signature) calls vf->native, which is then this trampoline. */
#include "jit/helpers.h"
#include "jit/tier.h"
#include "passes/passes.h"

void sc_jit_set_code(sc_vfunc *vf, sc_native_fn fn, uint64_t tsig) {
  vf->tsig = 0; /* typed callers check it: never a signature with another entry */
  vf->tentry = tsig && fn ? (const void *)fn : NULL;
  vf->native = tsig && fn ? sc_jit_typed_enter : fn;
  vf->tsig = tsig && fn ? tsig : 0;
}

typedef int64_t (*entry0)(sc_vm *, sc_frame *);
typedef int64_t (*entry1)(sc_vm *, sc_frame *, int64_t);
typedef int64_t (*entry2)(sc_vm *, sc_frame *, int64_t, int64_t);
typedef int64_t (*entry3)(sc_vm *, sc_frame *, int64_t, int64_t, int64_t);
typedef int64_t (*entry4)(sc_vm *, sc_frame *, int64_t, int64_t, int64_t, int64_t);

/* An argument of another type: the code would have left at a guard
 * before reading it. The call runs in the interpreter from pc 0, the frame
 * as it is (the deopt counts against the code as a guard's would). */
static int leave_at_entry(sc_vm *vm, sc_frame *fp) {
  const sc_vfunc *vf = fp->vf;
  sc_jit_deopted(vm, &vm->funcs[vf->index], vf->f, 0, SC_RS_ENTRY, fp->base, vf->f->arity);
  fp->pc = vf->code;
  vm->deopt_fp = fp;
  vm->deopt_sp = fp->base + vf->nlocals;
  vm->stack_top = fp->base + vf->frame_size;
  return SC_ST_DEOPT;
}

int sc_jit_typed_enter(sc_vm *vm, sc_frame *fp) {
  const sc_vfunc *vf = fp->vf;
  uint64_t sig = vf->tsig;
  const void *e = vf->tentry;
  int64_t a[SC_ENTRY_MAXARGS] = {0};
  uint32_t n = 0;
  for (uint32_t k = 0; k < sc_entry_nparams(sig); k++) {
    sc_ty t = sc_entry_param(sig, k);
    if (t == SC_TY_VAL) continue;
    if (fp->base[k].tag != (uint64_t)sc_tag_of_ty(t)) return leave_at_entry(vm, fp);
    a[n++] = fp->base[k].i;
  }
  int64_t r;
  switch (n) {
  case 0: r = ((entry0)(uintptr_t)e)(vm, fp); break;
  case 1: r = ((entry1)(uintptr_t)e)(vm, fp, a[0]); break;
  case 2: r = ((entry2)(uintptr_t)e)(vm, fp, a[0], a[1]); break;
  case 3: r = ((entry3)(uintptr_t)e)(vm, fp, a[0], a[1], a[2]); break;
  default: r = ((entry4)(uintptr_t)e)(vm, fp, a[0], a[1], a[2], a[3]); break;
  }
  if (vm->tstatus != SC_ST_RET) {
    int st = (int)vm->tstatus;
    vm->tstatus = SC_ST_RET;
    return st;
  }
  sc_ty rt = sc_entry_result(sig);
  if (rt != SC_TY_VAL) { /* else the code stored it */
    fp->ret->tag = (uint64_t)sc_tag_of_ty(rt);
    fp->ret->i = r;
  }
  return SC_ST_RET;
}
