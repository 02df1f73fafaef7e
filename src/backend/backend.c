/* Choosing a backend by name. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "backend/backend.h"

bool sc_backend_built(const char *name) {
#ifdef HAVE_MIR
  if (!name || !strcmp(name, "mir")) return true;
#endif
#ifdef HAVE_LLVM
  if (!name || !strcmp(name, "llvm")) return true;
#endif
  (void)name;
  return false;
}

const sc_backend_impl *sc_backend_find(const char *name, char *err, size_t errlen) {
  char ignored[8];
  if (!err || !errlen) err = ignored, errlen = sizeof ignored;
#ifdef HAVE_MIR
  if (!name || !strcmp(name, "mir")) return &sc_backend_mir;
#endif
#ifdef HAVE_LLVM
  if (!name || !strcmp(name, "llvm")) return sc_backend_llvm_open(err, errlen) ? &sc_backend_llvm : NULL;
#endif
  if (name) snprintf(err, errlen, "backend %s is not built in (see ./configure --help)", name);
  else snprintf(err, errlen, "no native backend is built in (configure with LLVM or MIR)");
  return NULL;
}

const void *sc_lir_addr(const sc_vm *vm, const sc_ins *in) {
  switch (in->op) {
  case IR_vfunc: return sc_vm_addr(vm, SC_VA_VFUNC, (uint32_t)in->imm, 0);
  case IR_rpc: return sc_vm_addr(vm, SC_VA_RESUME_PC, (uint32_t)in->imm, (uint32_t)in->aux);
  case IR_framesend: return sc_vm_addr(vm, SC_VA_FRAMES_END, 0, 0);
  case IR_stackend: return sc_vm_addr(vm, SC_VA_STACK_END, 0, 0);
  case IR_stacktop: return sc_vm_addr(vm, SC_VA_STACK_TOP, 0, 0);
  case IR_nativelim: return sc_vm_addr(vm, SC_VA_NATIVE_LIMIT, 0, 0);
  default: return sc_vm_addr(vm, SC_VA_GLOBAL, (uint32_t)in->aux, 0);
  }
}

bool sc_lir_check(const sc_irfunc *f, char *err, size_t errlen) {
  for (uint32_t k = 0; k < f->nrpo; k++) {
    const sc_blk *bl = &f->blk[f->rpo[k]];
    if (!bl->nins || !(sc_irop_flags(f->ins[bl->ins[bl->nins - 1]].op) & IRF_TERM)) {
      snprintf(err, errlen, "b%u has no terminator", f->rpo[k]);
      return false;
    }
    for (uint32_t i = 0; i < bl->nins; i++) {
      const sc_ins *in = &f->ins[bl->ins[i]];
      if (!sc_ins_in_lir(in)) {
        snprintf(err, errlen, "v%u: %s is not LIR (pass lower rewrites it)", bl->ins[i], sc_irop_name(in->op));
        return false;
      }
      if (in->op == IR_const && in->ty == SC_TY_VAL && (in->imm < 0 || (uint64_t)in->imm >= f->prog->nconsts)) {
        snprintf(err, errlen, "v%u: no constant %lld", bl->ins[i], (long long)in->imm);
        return false;
      }
      if ((in->op == IR_icmp || in->op == IR_fcmp) &&
          (in->aux < 0 || in->aux >= SC_NCONDS || (in->op == IR_fcmp && sc_cond_unsigned((sc_cond)in->aux)))) {
        snprintf(err, errlen, "v%u: %s has no condition #%d", bl->ins[i], sc_irop_name(in->op), in->aux);
        return false;
      }
      if (in->fs >= 0) { /* leaving is a branch to an exit block in LIR */
        snprintf(err, errlen, "v%u: %s has a frame state in LIR", bl->ins[i], sc_irop_name(in->op));
        return false;
      }
      /* ovf: the flags of the op right before it, for the br right after */
      unsigned prev = i ? f->ins[bl->ins[i - 1]].op : IR_NOPS;
      if (in->op == IR_ovf &&
          !((prev == IR_iaddo || prev == IR_isubo || prev == IR_imulo) && in->args[0] == bl->ins[i - 1] &&
            i + 2 == bl->nins && f->ins[bl->ins[i + 1]].op == IR_br && f->ins[bl->ins[i + 1]].args[0] == bl->ins[i] &&
            !sc_ir_has_phis(f, f->ins[bl->ins[i + 1]].succ[0]))) {
        snprintf(err, errlen, "v%u: ovf must follow its iaddo/isubo/imulo and precede the block's br on it "
                 "(to a block without phis)", bl->ins[i]);
        return false;
      }
    }
  }
  return true;
}
