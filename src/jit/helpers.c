/* Helpers that compiled code calls (helpers.h, ssa/helpers.def): the generic operations
 * on boxed values, calls, and the deoptimization exit. Failures only report
 * "leave here": the interpreter then runs the instruction again and raises
 * the error itself, so messages and traces are the interpreter's. */
#include <math.h>
#include <string.h>

#include "jit/tier.h"
#include "jit/helpers.h"

static inline sc_value V(sc_jt t, sc_jp p) {
  sc_value v;
  v.tag = t;
  v.i = (int64_t)p;
  return v;
}

/* A failure inside a helper sets the runtime error message; the interpreter
 * sets it again when it re-runs the instruction. Clear it so that nothing
 * stale is left. */
static bool leave(sc_vm *vm) {
  vm->rt.has_error = 0;
  return false;
}

bool sc_jh_binary(sc_vm *vm, uint32_t op, sc_jt at, sc_jp ap, sc_jt bt, sc_jp bp, sc_value *out) {
  return sc_rt_binary(&vm->rt, (sc_op)op, V(at, ap), V(bt, bp), out) || leave(vm);
}

bool sc_jh_unary(sc_vm *vm, uint32_t op, sc_jt at, sc_jp ap, sc_value *out) {
  return sc_rt_unary(&vm->rt, (sc_op)op, V(at, ap), out) || leave(vm);
}

bool sc_jh_truthy(sc_jt t, sc_jp p) { return sc_truthy(V(t, p)); }

bool sc_jh_new_array(sc_vm *vm, const sc_value *elems, uint32_t n, sc_value *out) {
  sc_array *a = sc_array_from(elems, n);
  if (!a) return leave(vm); /* the interpreter raises out of memory, with its trace */
  *out = sc_ptr(SC_ARRAY, a);
  return true;
}

bool sc_jh_array_new(sc_vm *vm, sc_jt lt, sc_jp lp, sc_jt ft, sc_jp fp, sc_value *out) {
  return sc_array_fill(&vm->rt, V(lt, lp), V(ft, fp), out) || leave(vm);
}

bool sc_jh_get_index(sc_vm *vm, sc_jt at, sc_jp ap, sc_jt it, sc_jp ip, sc_value *out) {
  return sc_rt_get_index(&vm->rt, V(at, ap), V(it, ip), out) || leave(vm);
}

bool sc_jh_set_index(sc_vm *vm, sc_jt at, sc_jp ap, sc_jt it, sc_jp ip, sc_jt vt, sc_jp vp) {
  return sc_rt_set_index(&vm->rt, V(at, ap), V(it, ip), V(vt, vp)) || leave(vm);
}

bool sc_jh_array_len(sc_vm *vm, sc_jt at, sc_jp ap, sc_value *out) {
  return sc_rt_array_len(&vm->rt, V(at, ap), out) || leave(vm);
}

bool sc_jh_array_push(sc_vm *vm, sc_jt at, sc_jp ap, sc_jt vt, sc_jp vp) {
  return sc_rt_array_push(&vm->rt, V(at, ap), V(vt, vp)) || leave(vm);
}

bool sc_jh_new_object(sc_vm *vm, sc_value *out) {
  sc_object *o = sc_object_new(&vm->rt);
  if (!o) return leave(vm);
  *out = sc_ptr(SC_OBJECT, o);
  return true;
}

bool sc_jh_new_object_shaped(sc_vm *vm, const sc_shape *s, sc_value *out) {
  sc_object *o = sc_object_new_shaped(s);
  if (!o) return leave(vm);
  *out = sc_ptr(SC_OBJECT, o);
  return true;
}

bool sc_jh_get_prop(sc_vm *vm, sc_jt ot, sc_jp op, uint32_t name, sc_value *out) {
  return sc_rt_get_prop(&vm->rt, V(ot, op), name, out) || leave(vm);
}

bool sc_jh_set_prop(sc_vm *vm, sc_jt ot, sc_jp op, uint32_t name, sc_jt vt, sc_jp vp) {
  return sc_rt_set_prop(&vm->rt, V(ot, op), name, V(vt, vp)) || leave(vm);
}

bool sc_jh_add_field(sc_object *o, sc_shape *ns, sc_jt vt, sc_jp vp) {
  if (!sc_object_add_field_shape(o, ns, V(vt, vp))) sc_vm_fatal_oom(NULL);
  return true;
}

bool sc_jh_new_map(sc_vm *vm, sc_value *out) {
  sc_map *m = sc_map_new();
  if (!m) return leave(vm);
  *out = sc_ptr(SC_MAP, m);
  return true;
}

bool sc_jh_map_get(sc_vm *vm, sc_jt mt, sc_jp mp, sc_jt kt, sc_jp kp, sc_value *out) {
  return sc_rt_map_get(&vm->rt, V(mt, mp), V(kt, kp), out) || leave(vm);
}

bool sc_jh_map_set(sc_vm *vm, sc_jt mt, sc_jp mp, sc_jt kt, sc_jp kp, sc_jt vt, sc_jp vp) {
  return sc_rt_map_set(&vm->rt, V(mt, mp), V(kt, kp), V(vt, vp)) || leave(vm);
}

bool sc_jh_map_has(sc_vm *vm, sc_jt mt, sc_jp mp, sc_jt kt, sc_jp kp, sc_value *out) {
  return sc_rt_map_has(&vm->rt, V(mt, mp), V(kt, kp), out) || leave(vm);
}

bool sc_jh_print(sc_vm *vm, sc_jt t, sc_jp p) {
  sc_value_print(&vm->rt, vm->opts.out, V(t, p));
  fputc('\n', vm->opts.out);
  return true;
}

bool sc_jh_store_global(sc_vm *vm, uint32_t g, sc_jt t, sc_jp p) {
  vm->globals[g] = V(t, p);
  if (vm->gstores[g] != SC_GLOBAL_VARIES) sc_vm_global_stored(vm, g);
  return true;
}

bool sc_jh_builtin(sc_vm *vm, uint32_t b, const sc_value *args, sc_value *out) {
  return sc_rt_builtin(&vm->rt, (sc_builtin)b, args, out) || leave(vm);
}

bool sc_jh_check_kind(sc_vm *vm, sc_frame *fp, uint32_t local, sc_jt t, sc_jp p) {
  const sc_func *f = fp->vf->f;
  return sc_rt_check_kind(&vm->rt, (sc_kind)f->local_kinds[local], f->local_names[local], V(t, p)) ||
         leave(vm);
}

/* Pushes the callee's frame above the caller's whole frame (compiled code
 * does not use its operand stack area) and runs it, compiled or not. */
static int call(sc_vm *vm, sc_frame *fp, uint32_t bpc, const sc_vfunc *cf, uint32_t argc, const sc_value *args,
                sc_value *out) {
  fp->pc = fp->vf->code + bpc; /* for traces */
  sc_frame *nf = fp + 1;
  /* the interpreter raises stack overflow (frames, or native stack when
   * the callee is compiled) */
  if (nf == vm->frames + vm->frames_cap || !sc_vm_native_room(vm)) return SC_JH_LEAVE;
  sc_value *nb = fp->base + fp->vf->frame_size;
  if (nb + cf->frame_size > vm->stack_end) {
    ptrdiff_t d;
    /* no room: the interpreter raises stack overflow at the call */
    if (!sc_vm_try_grow_stack(vm, fp, (size_t)(nb - vm->stack) + cf->frame_size, &d)) {
      leave(vm);
      return SC_JH_LEAVE;
    }
    nb += d;
  }
  memcpy(nb, args, argc * sizeof *args);
  for (uint32_t k = argc; k < cf->nlocals; k++) nb[k] = sc_null();
  nf->base = nb;
  nf->ret = out;
  nf->vf = cf;
  nf->pc = NULL;
  vm->stack_top = nb + cf->frame_size;
  if (vm->opts.profile && ++cf->prof->calls == cf->tier_at) sc_jit_tier_up(vm, &vm->funcs[cf->index]);
  if (!cf->native) return sc_interp_exec(vm, nf, cf->code, nb + cf->nlocals);
  int st = cf->native(vm, nf);
  if (st == SC_ST_DEOPT) st = sc_interp_resume(vm, nf);
  return st;
}

int sc_jh_stack_overflow(sc_vm *vm, sc_frame *fp) {
  sc_rt_stack_overflow(&vm->rt);
  sc_vm_report_error(vm, fp - 1, fp[-1].pc);
  return SC_ST_ERROR;
}

int sc_jh_call_finish(sc_vm *vm, sc_frame *nf, int st) {
  return st == SC_ST_DEOPT ? sc_interp_resume(vm, nf) : st;
}

int sc_jh_call(sc_vm *vm, sc_frame *fp, uint32_t bpc, uint32_t callee, uint32_t argc, const sc_value *args,
               sc_value *out) {
  return call(vm, fp, bpc, &vm->funcs[callee], argc, args, out);
}

int sc_jh_call_value(sc_vm *vm, sc_frame *fp, uint32_t bpc, sc_jt ft, sc_jp fpay, uint32_t argc,
                     const sc_value *args, sc_value *out) {
  if (ft != SC_FUNC || fpay >= vm->prog->nfuncs) return SC_JH_LEAVE;
  const sc_vfunc *cf = &vm->funcs[fpay];
  if (cf->f->arity != argc) return SC_JH_LEAVE;
  return call(vm, fp, bpc, cf, argc, args, out);
}

bool sc_jh_stress(sc_vm *vm) {
  uint64_t x = vm->stress_state; /* xorshift64 */
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  vm->stress_state = x;
  /* a draw that fails the guard is followed by its deopt, which reads this */
  return vm->stress_fired = (double)(x >> 11) * 0x1p-53 < vm->stress_p;
}

/* The tags the exit left to its tag word, into slots [first, first + n)
 * of the buffer (the compiled code's scratch: it is ours now). */
static void untag(sc_value *buf, uint32_t first, uint32_t n, uint64_t tags) {
  for (uint32_t k = first; k < first + n && k < SC_DEOPT_TAGGED; k++) {
    unsigned nib = (tags >> (4 * k)) & 15;
    if (nib == SC_DEOPT_NIB_KEEP) buf[k].tag = SC_DEOPT_KEEP;
    else if (nib) buf[k].tag = nib - SC_DEOPT_NIB_TAG;
  }
}

int sc_jh_deopt(sc_vm *vm, sc_frame *fp, uint32_t bpc, sc_value *vals, uint32_t n, uint32_t reason, uint64_t tags) {
  untag(vals, 0, n, tags);
  uint32_t nl = fp->vf->f->nlocals;
  sc_jit_deopted(vm, &vm->funcs[fp->vf->index], fp->vf->f, bpc, reason, vals + nl, n > nl ? n - nl : 0);
  sc_value *base = fp->base;
  for (uint32_t k = 0; k < n; k++)
    if (vals[k].tag != SC_DEOPT_KEEP) base[k] = vals[k];
  fp->pc = fp->vf->code + bpc;
  vm->deopt_fp = fp;
  vm->deopt_sp = base + n;
  vm->stack_top = base + fp->vf->frame_size;
  return SC_ST_DEOPT;
}

/* Frames are rebuilt outermost first, each as the interpreter's Call would
 * have pushed it: the callee's locals start at the caller's arguments on
 * its operand stack, and its result replaces the call's operands (for
 * CallValue the callee value too). A callee's locals overwrite those
 * arguments, as in the interpreter. */
int sc_jh_deopt_inlined(sc_vm *vm, sc_frame *fp, sc_value *buf, uint32_t nframes, uint32_t reason, uint64_t tags) {
  sc_frame *F = fp;
  sc_value *sp = NULL;
  const sc_value *h = buf;
  uint32_t func = 0, pc = 0, nl = 0, ns = 0;
  for (uint32_t j = 0; j < nframes; j++) {
    uint32_t pfunc = func, ppc = pc, pnl = nl, pns = ns;
    func = (uint32_t)h->tag;
    pc = (uint32_t)(h->tag >> 32);
    nl = (uint32_t)(uint64_t)h->i;
    ns = (uint32_t)((uint64_t)h->i >> 32);
    const sc_value *vals = h + 1;
    h = vals + nl + ns;
    if (j) {
      const sc_vfunc *cf = &vm->funcs[func];
      if (F + 1 == vm->frames + vm->frames_cap) { /* no room: the interpreter raises stack overflow at the call */
        func = pfunc, pc = ppc, nl = pnl, ns = pns;
        break;
      }
      sc_value *nb = F->base + pnl + pns - cf->f->arity;
      if (nb + cf->frame_size > vm->stack_end) nb += sc_vm_grow_stack(vm, F, (size_t)(nb - vm->stack) + cf->frame_size);
      F->pc = F->vf->code + ppc;
      F++;
      F->base = nb;
      F->ret = vm->prog->funcs[pfunc]->code[ppc].op == SC_OP_CallValue ? nb - 1 : nb;
      F->vf = cf;
    }
    untag(buf, (uint32_t)(vals - buf), nl + ns, tags); /* the headers' tags are in the buffer */
    memcpy(F->base, vals, (nl + ns) * sizeof *vals);
    F->pc = F->vf->code + pc;
    sp = F->base + nl + ns;
    vm->stack_top = F->base + F->vf->frame_size; /* the rebuilt frames are GC roots */
  }
  sc_jit_deopted(vm, &vm->funcs[fp->vf->index], vm->prog->funcs[func], pc, reason, F->base + nl, ns);
  vm->deopt_fp = F;
  vm->deopt_sp = sp;
  return SC_ST_DEOPT;
}

/* helpers.def's C functions, for backend contexts. */
const sc_abi sc_jit_abi = {{
#define HELPER(n, s, f, ...) [SC_H_##n] = (const void *)f,
#include "ssa/helpers.def"
#undef HELPER
}};

/* The signature letter of C type T (helpers.def). */
#define LETTER(T) _Generic((T)0, bool: 'b', uint32_t: 'w', int: 'w', uint64_t: 'q', double: 'd', default: 'p')
#define NARGS(...) NARGS_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define NARGS_(a, b, c, d, e, f, g, h, n, ...) n
#define CAT(a, b) CAT_(a, b)
#define CAT_(a, b) a##b
#define L1(a) LETTER(a)
#define L2(a, ...) LETTER(a), L1(__VA_ARGS__)
#define L3(a, ...) LETTER(a), L2(__VA_ARGS__)
#define L4(a, ...) LETTER(a), L3(__VA_ARGS__)
#define L5(a, ...) LETTER(a), L4(__VA_ARGS__)
#define L6(a, ...) LETTER(a), L5(__VA_ARGS__)
#define L7(a, ...) LETTER(a), L6(__VA_ARGS__)
#define L8(a, ...) LETTER(a), L7(__VA_ARGS__)
#define LETTERS(...) CAT(L, NARGS(__VA_ARGS__))(__VA_ARGS__)
static const char csig[SC_NHELPERS][10] = {
#define HELPER(n, s, f, r, p) [SC_H_##n] = {LETTER(r), LETTERS p, 0},
#include "ssa/helpers.def"
#undef HELPER
};

const char *sc_jh_csig(unsigned h) { return h < SC_NHELPERS ? csig[h] : NULL; }
