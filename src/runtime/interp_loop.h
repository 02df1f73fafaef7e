/* The dispatch loop. Included twice by interp.c, with PROFILE 0 and 1 and
 * SC_INTERP_FN naming the function; not a standalone header.
 *
 * Registers: pc (threaded insn), sp (next free stack slot), base (locals of
 * the innermost frame), fp (innermost frame); an instruction finds its
 * feedback slot from its own address. Handlers leave pc on the faulting
 * instruction when they goto L_error. */

#ifndef SC_INTERP_LOOP_COMMON
#define SC_INTERP_LOOP_COMMON

#ifdef SC_SANITIZERS
/* One indirect jump for the whole loop: with a computed goto per handler the
 * CFG has handlers x labels edges, which sanitizer instrumentation handles
 * in quadratic time (a build of tens of minutes). Only speed differs. */
#define DISPATCH() goto L_dispatch
#else
#define DISPATCH() goto *pc->h
#endif
#define NEXT(n)                                                           \
  do {                                                                    \
    pc += (n);                                                            \
    DISPATCH();                                                           \
  } while (0)
/* a feedback slot from its byte offset, as threaded code keeps it */
/* the feedback slot of threaded insn ip, at its byte offset b from ip */
#define SC_FBSLOT(ip) ((sc_fb_slot *)((char *)(ip) + (ip)->b))
/* the local at byte offset off, as threaded code keeps local operands */
#define LOCAL(off) (*(sc_value *)((char *)base + (off)))
/* the target of jump ip, at its byte offset a from ip */
#define JT(ip) ((const sc_tinsn *)((const char *)(ip) + (ip)->a))
#define TRUTHY(v) ((v).tag == SC_BOOL ? (v).i != 0 : sc_truthy(v))

/* operand sources of fused handlers: where x and y come from, the index of
 * the operation within the sequence, stack slots consumed, plain fallback */
#define SRC_LL(x, y) (x) = LOCAL(pc[0].a), (y) = LOCAL(pc[1].a)
#define SRC_LK(x, y) (x) = LOCAL(pc[0].a), (y) = sc_int(pc[1].i)
#define SRC_LF(x, y) (x) = LOCAL(pc[0].a), (y) = sc_float(pc[1].f)
#define SRC_SL(x, y) (x) = sp[-1], (y) = LOCAL(pc[0].a)
#define SRC_S(x, y) (x) = sp[-2], (y) = sp[-1]
#define SRC_SK(x, y) (x) = sp[-1], (y) = sc_int(pc[0].i)
#define SRC_SF(x, y) (x) = sp[-1], (y) = sc_float(pc[0].f)
#define AT_LL 2
#define AT_LK 2
#define AT_LF 2
#define AT_SL 1
#define AT_S 0
#define AT_SK 1
#define AT_SF 1
#define POP_LL 0
#define POP_LK 0
#define POP_LF 0
#define POP_SL 1
#define POP_S 2
#define POP_SK 1
#define POP_SF 1
#define HEAD_LL(op) L_LoadLocal
#define HEAD_LK(op) L_LoadLocal
#define HEAD_LF(op) L_LoadLocal
#define HEAD_SL(op) L_LoadLocal
#define HEAD_S(op) L_##op
#define HEAD_SK(op) L_PushInt
#define HEAD_SF(op) L_PushFloat

/* whether fused StoreLocal st_ accepts the result r of OP: known at
 * translation when OP's result tag is fixed (SC_RES_*) */
#define KIND_OK(OP, st_, r) (SC_RES_##OP >= 0 || ((uint32_t)(st_)->b >> (r).tag) & 1)

#define FUSE(s, t, op) FUSE_##t(s, op)
#define FUSE_A(s, OP)                                                     \
  L_F_##s##_A_##OP : {                                                    \
    sc_value x, y, r;                                                     \
    SRC_##s(x, y);                                                        \
    K_##OP(x, y, r, HEAD_##s(OP));                                        \
    FB_BIN(OP, &pc[AT_##s], x, y);                                        \
    sp -= POP_##s;                                                        \
    *sp++ = r;                                                            \
    NEXT(AT_##s + 1);                                                     \
  }
#define FUSE_S(s, OP)                                                     \
  L_F_##s##_S_##OP : {                                                    \
    sc_value x, y, r;                                                     \
    SRC_##s(x, y);                                                        \
    K_##OP(x, y, r, HEAD_##s(OP));                                        \
    const sc_tinsn *st_ = pc + AT_##s + 1;                                \
    if (!KIND_OK(OP, st_, r)) goto HEAD_##s(OP);                          \
    FB_BIN(OP, &pc[AT_##s], x, y);                                        \
    sp -= POP_##s;                                                        \
    LOCAL(st_->a) = r;                                                    \
    NEXT(AT_##s + 2);                                                     \
  }
#define FUSE_IP(s, OP)                                                    \
  L_F_##s##_IP_##OP : {                                                   \
    sc_value x, y, r;                                                     \
    SRC_##s(x, y);                                                        \
    K_##OP(x, y, r, HEAD_##s(OP));                                        \
    FB_BIN(OP, &pc[AT_##s], x, y);                                        \
    LOCAL(pc[0].a).i = r.i;                                               \
    NEXT(AT_##s + 2);                                                     \
  }
#define FUSE_SJ(s, OP)                                                    \
  L_F_##s##_SJ_##OP : {                                                   \
    sc_value x, y, r;                                                     \
    SRC_##s(x, y);                                                        \
    K_##OP(x, y, r, HEAD_##s(OP));                                        \
    FB_BIN(OP, &pc[AT_##s], x, y);                                        \
    LOCAL(pc[0].a).i = r.i;                                               \
    const sc_tinsn *j_ = pc + AT_##s + 2;                                 \
    COUNT_JUMPBACK(j_, JT(j_));                                           \
    pc = JT(j_);                                                          \
    DISPATCH();                                                           \
  }
#define FUSE_R(s, OP)                                                     \
  L_F_##s##_R_##OP : {                                                    \
    sc_value x, y, r;                                                     \
    SRC_##s(x, y);                                                        \
    K_##OP(x, y, r, HEAD_##s(OP));                                        \
    FB_BIN(OP, &pc[AT_##s], x, y);                                        \
    RETURN(r, &pc[AT_##s + 1]);                                           \
  }
/* header operand y of a FORLOOP, from the header's second instruction h[1] */
#define HSRC_LL(h) LOCAL((h)[1].a)
#define HSRC_LK(h) sc_int((h)[1].i)
#define FORLOOP(is, iop, hs, cop)                                         \
  L_FOR_##is##_##iop##_##hs##_##cop : {                                   \
    sc_value x, y, r;                                                     \
    int c;                                                                \
    SRC_##is(x, y);                                                       \
    K_##iop(x, y, r, L_LoadLocal);                                        \
    FB_BIN(iop, &pc[2], x, y);                                            \
    LOCAL(pc[0].a).i = r.i; /* in place, as the IP tail */                \
    const sc_tinsn *j_ = pc + 4;                                          \
    COUNT_JUMPBACK(j_, JT(j_));                                           \
    pc = JT(j_); /* the header: LoadLocal i; y; compare; JumpIfFalse */   \
    y = HSRC_##hs(pc);                                                    \
    KC_##cop(r, y, c, L_dispatch);                                        \
    FB_BIN(cop, &pc[2], r, y);                                            \
    FB_TAG(&pc[3], SC_BOOL);                                              \
    pc = c ? pc + 4 : JT(&pc[3]);                                         \
    DISPATCH();                                                           \
  }
#define FUSE_J(s, OP, TAKEN)                                              \
  sc_value x, y;                                                          \
  int c;                                                                  \
  SRC_##s(x, y);                                                          \
  KC_##OP(x, y, c, HEAD_##s(OP));                                         \
  FB_BIN(OP, &pc[AT_##s], x, y);                                          \
  const sc_tinsn *j_ = pc + AT_##s + 1;                                   \
  FB_TAG(j_, SC_BOOL);                                                    \
  sp -= POP_##s;                                                          \
  pc = (TAKEN) ? JT(j_) : j_ + 1;                                         \
  DISPATCH();
#define FUSE_JF(s, OP)                                                    \
  L_F_##s##_JF_##OP : {                                                   \
    FUSE_J(s, OP, !c)                                                     \
  }
#define FUSE_JT(s, OP)                                                    \
  L_F_##s##_JT_##OP : {                                                   \
    FUSE_J(s, OP, c)                                                      \
  }

#define PLAIN_BIN(OP)                                                     \
  L_##OP : {                                                              \
    sc_value x = sp[-2], y = sp[-1], r;                                   \
    K_##OP(x, y, r, L_slow_binop);                                        \
    FB_BIN(OP, pc, x, y);                                                 \
    sp[-2] = r;                                                           \
    sp--;                                                                 \
    NEXT(1);                                                              \
  }
#define PLAIN_CMP(OP)                                                     \
  L_##OP : {                                                              \
    sc_value x = sp[-2], y = sp[-1];                                      \
    int c;                                                                \
    KC_##OP(x, y, c, L_slow_binop);                                       \
    FB_BIN(OP, pc, x, y);                                                 \
    sp[-2] = sc_bool(c);                                                  \
    sp--;                                                                 \
    NEXT(1);                                                              \
  }
#define PLAIN_BINS(X)                                                     \
  X(AddInt) X(SubInt) X(MulInt) X(DivInt) X(ModInt) X(Add) X(Sub) X(Mul)  \
  X(Div) X(Mod) X(AddNumber) X(SubNumber) X(MulNumber) X(DivNumber)       \
  X(BitAnd) X(BitOr) X(BitXor) X(Shl) X(Shr)
#define PLAIN_CMPS(X)                                                     \
  X(Lt) X(Le) X(Gt) X(Ge) X(Eq) X(Ne) X(LtInt) X(LeInt) X(GtInt) X(GeInt) \
  X(EqInt) X(NeInt) X(LtNumber) X(LeNumber) X(GtNumber) X(GeNumber)       \
  X(EqNumber) X(NeNumber)

#endif /* SC_INTERP_LOOP_COMMON */

#if PROFILE
#define REC(ip, e, aux) sc_interp_record((ip), (e), (aux))
#define IC_HIT(s)                                                         \
  do {                                                                    \
    if ((s)->count != UINT32_MAX) (s)->count++;                           \
  } while (0)
/* A loop that gets hot enters compiled code at its header (OSR) when the
 * tier manager has code for it. */
#define COUNT_BACKEDGE(p, target)                                         \
  do {                                                                    \
    uint32_t *c_ = (p), n_;                                               \
    n_ = sat_inc(*c_);                                                    \
    *c_ = n_;                                                             \
    if (UNLIKELY(n_ == vm->osr_at)) {                                     \
      pc = (target);                                                      \
      osr_ctr = c_;                                                       \
      osr_jmp = NULL;                                                     \
      goto L_osr;                                                         \
    }                                                                     \
  } while (0)
/* A backward Jump counts down to OSR in itself (see translate_func). */
/* j is read before pc changes: L_JumpBack passes pc itself. */
#define COUNT_JUMPBACK(j, target)                                         \
  do {                                                                    \
    sc_tinsn *jb_ = (sc_tinsn *)(j);                                      \
    if (UNLIKELY(--jb_->e0 == 0)) {                                       \
      pc = (target);                                                      \
      osr_ctr = NULL;                                                     \
      osr_jmp = jb_;                                                      \
      goto L_osr;                                                         \
    }                                                                     \
  } while (0)
#define TIER_UP(cf)                                                       \
  do {                                                                    \
    if (UNLIKELY((cf)->prof->calls == (cf)->tier_at))                     \
      vm->hooks->hot_call(vm, &vm->funcs[(cf)->index]);                   \
  } while (0)
#define PROF_ENTER(cf) ((cf)->prof->calls++)
/* Return type feedback: one slot per function (sc_profile.ret). The
 * returning instruction ip keeps the tag it last returned in e0 (it has no
 * slot of its own), so a return records only when its tag changes. */
#define PROF_RETURN(fp, ip, v)                                            \
  do {                                                                    \
    if (UNLIKELY((ip)->e0 != (v).tag)) sc_interp_record_return((fp)->vf, (ip), (v).tag); \
  } while (0)
#else
#define REC(ip, e, aux) ((void)0)
#define IC_HIT(s) ((void)0)
#define COUNT_BACKEDGE(p, target) ((void)0)
#define COUNT_JUMPBACK(j, target) ((void)0)
#define TIER_UP(cf) ((void)0)
#define PROF_ENTER(cf) ((void)0)
#define PROF_RETURN(fp, ip, v) ((void)0)
#endif
#define FB_BIN(OP, ip, x, y)                                              \
  do {                                                                    \
    if (SC_HASFB_##OP) REC(ip, SC_FB_PAIR((x).tag, (y).tag), 0);          \
  } while (0)
#define FB_TAG(ip, t) REC(ip, (t), 0)

/* Enter function CF with locals at NB (its arguments already there) and the
 * result going to RET. */
#define ENTER(CF, NB, RET, ARGC)                                          \
  do {                                                                    \
    const sc_vfunc *cf_ = (CF);                                           \
    sc_value *nb_ = (NB), *ret_ = (RET);                                  \
    if (UNLIKELY(nb_ + cf_->frame_size > vm->stack_end)) {                \
      ptrdiff_t d_;                                                       \
      if (!sc_vm_try_grow_stack(vm, fp, (size_t)(nb_ - vm->stack) + cf_->frame_size, &d_)) \
        goto L_error;                                                     \
      sp += d_;                                                           \
      base += d_;                                                         \
      nb_ += d_;                                                          \
      ret_ += d_;                                                         \
    }                                                                     \
    if (UNLIKELY(fp + 1 == vm->frames + vm->frames_cap) && !sc_vm_grow_frames(vm, &fp)) \
      goto L_error;                                                       \
    fp->pc = pc;                                                          \
    fp++;                                                                 \
    fp->base = nb_;                                                       \
    fp->ret = ret_;                                                       \
    fp->vf = cf_;                                                         \
    for (uint32_t k_ = (ARGC); k_ < cf_->nlocals; k_++) nb_[k_] = sc_null(); \
    base = nb_;                                                           \
    sp = nb_ + cf_->nlocals;                                              \
    pc = cf_->code;                                                       \
    vm->stack_top = nb_ + cf_->frame_size;                                \
    PROF_ENTER(cf_);                                                      \
    TIER_UP(cf_);                                                         \
    if (UNLIKELY(cf_->native != NULL)) goto L_native_call;                \
    DISPATCH();                                                           \
  } while (0)

/* returns V; IP is the returning instruction (in a fused one, its last) */
#define RETURN(V, IP)                                                     \
  do {                                                                    \
    sc_value rv_ = (V);                                                   \
    sc_value *dst_ = fp->ret;                                             \
    PROF_RETURN(fp, IP, rv_);                                             \
    fp--;                                                                 \
    *dst_ = rv_;                                                          \
    if (UNLIKELY(fp == stop)) return SC_ST_RET;                           \
    sp = dst_ + 1;                                                        \
    base = fp->base;                                                      \
    pc = fp->pc + 1;                                                      \
    vm->stack_top = base + fp->vf->frame_size;                            \
    DISPATCH();                                                           \
  } while (0)

/* Runs frame fp from pc with operand stack top sp until a frame returns
 * into `stop` (fp - 1, or lower when fp is the innermost of several frames
 * a deopt rebuilt). */
static int SC_INTERP_FN(sc_vm *vm, sc_frame *fp, const sc_tinsn *pc, sc_value *sp, sc_frame *const stop) {
  static const void *const labels[SC_H_COUNT] = {
#define OP(name, operand, pops, pushes, flags) [SC_H_##name] = &&L_##name,
#include "shapec/opcodes.def"
#undef OP
#define X(name) [SC_H_##name] = &&L_##name,
      SC_EXTRA_HANDLERS(X)
#undef X
#define F(s, t, op) [SC_H_F_##s##_##t##_##op] = &&L_F_##s##_##t##_##op,
          SC_FUSED(F)
#undef F
#define F(is, iop, hs, cop) [SC_H_FOR_##is##_##iop##_##hs##_##cop] = &&L_FOR_##is##_##iop##_##hs##_##cop,
              SC_FORLOOPS(F)
#undef F
  };
  if (!vm->translated) translate(vm, labels);
  if (!fp) return SC_ST_RET; /* translation only */

  sc_rt *rt = &vm->rt;
  sc_native_fn nfn;
#if PROFILE
  uint32_t *osr_ctr; /* the back-edge counter that asked for OSR, */
  sc_tinsn *osr_jmp; /* or the backward Jump counting down to it */
#endif
  sc_value *base = fp->base;
  vm->stack_top = base + fp->vf->frame_size;
  DISPATCH();

  /* ---- stack and variables ---- */
L_Nop:
L_LoopStart:
L_LoopEnd:
  NEXT(1);
L_PushConst:
  *sp++ = *pc->cv;
  NEXT(1);
L_PushInt:
  sp->tag = SC_INT;
  sp->i = pc->i;
  sp++;
  NEXT(1);
L_PushFloat:
  sp->tag = SC_FLOAT;
  sp->f = pc->f;
  sp++;
  NEXT(1);
L_PushNull:
  *sp++ = sc_null();
  NEXT(1);
L_PushFunc:
  *sp++ = sc_funcval(pc->a);
  NEXT(1);
L_Pop:
  sp--;
  NEXT(1);
L_Dup:
  sp[0] = sp[-1];
  sp++;
  NEXT(1);
L_Swap: {
  sc_value t = sp[-1];
  sp[-1] = sp[-2];
  sp[-2] = t;
  NEXT(1);
}
L_LoadLocal:
  *sp++ = LOCAL(pc->a);
  NEXT(1);
L_StoreLocal:
  LOCAL(pc->a) = *--sp;
  NEXT(1);
L_StoreLocalK: {
  sc_value v = sp[-1];
  if (UNLIKELY(!(((uint32_t)pc->b >> v.tag) & 1))) {
    const sc_func *f = fp->vf->f;
    uint32_t k = (uint32_t)pc->a / sizeof(sc_value);
    if (!sc_rt_check_kind(rt, (sc_kind)f->local_kinds[k], f->local_names ? f->local_names[k] : "?", v))
      goto L_error;
  }
  LOCAL(pc->a) = v;
  sp--;
  NEXT(1);
}
L_LoadGlobal:
  *sp++ = vm->globals[pc->a];
  NEXT(1);
L_StoreGlobal:
  vm->globals[pc->a] = *--sp;
  if (UNLIKELY(vm->gstores[pc->a] != SC_GLOBAL_VARIES)) sc_vm_global_stored(vm, (uint32_t)pc->a);
  NEXT(1);

  /* ---- arithmetic and compares ---- */
  PLAIN_BINS(PLAIN_BIN)
  PLAIN_CMPS(PLAIN_CMP)
L_ModNumber:
  goto L_slow_binop;
L_slow_binop: {
  const sc_vfunc *vf = fp->vf;
  const sc_insn *in = &vf->f->code[pc - vf->code];
  sc_value x = sp[-2], y = sp[-1], r;
  bool ok = sc_rt_binary(rt, (sc_op)in->op, x, y, &r);
#if PROFILE
  if (sc_op_flags((sc_op)in->op) & SC_OPF_FB) {
    sc_fb_slot *s = SC_FBSLOT(pc);
    sc_fb_record(s, SC_FB_PAIR(x.tag, y.tag), 0);
    if (ok && SC_BOTH(x, y, SC_INT) && r.tag == SC_FLOAT)
      s->flags |= in->op == SC_OP_Div ? SC_FBF_FLOAT_RES : SC_FBF_OVERFLOW;
  }
#endif
  if (!ok) goto L_error;
  sp[-2] = r;
  sp--;
  NEXT(1);
}
L_Neg: {
  sc_value x = sp[-1];
  if (x.tag == SC_INT && x.i != INT64_MIN) {
    FB_TAG(pc, SC_INT);
    sp[-1].i = -x.i;
    NEXT(1);
  }
  if (x.tag == SC_FLOAT) {
    FB_TAG(pc, SC_FLOAT);
    sp[-1].f = -x.f;
    NEXT(1);
  }
  goto L_slow_unop;
}
L_NegInt: {
  sc_value x = sp[-1];
  if (x.tag != SC_INT || x.i == INT64_MIN) goto L_slow_unop;
  FB_TAG(pc, SC_INT);
  sp[-1].i = -x.i;
  NEXT(1);
}
L_NegNumber:
  if (sp[-1].tag != SC_FLOAT) goto L_slow_unop;
  sp[-1].f = -sp[-1].f;
  NEXT(1);
L_BitNot:
  if (sp[-1].tag != SC_INT) goto L_slow_unop;
  sp[-1].i = ~sp[-1].i;
  NEXT(1);
L_IntToNumber:
  if (sp[-1].tag != SC_INT) goto L_slow_unop;
  sp[-1] = sc_float((double)sp[-1].i);
  NEXT(1);
L_NumberToInt: {
  sc_value x = sp[-1];
  if (x.tag != SC_FLOAT || !(x.f >= -0x1p63 && x.f < 0x1p63)) goto L_slow_unop;
  sp[-1] = sc_int((int64_t)x.f);
  NEXT(1);
}
L_Not: {
  sc_value x = sp[-1];
  FB_TAG(pc, x.tag);
  sp[-1] = sc_bool(!TRUTHY(x));
  NEXT(1);
}
L_StrLen:
  if (sp[-1].tag != SC_STR) goto L_slow_unop;
  sp[-1] = sc_int(sp[-1].s->len);
  NEXT(1);
L_slow_unop: {
  const sc_vfunc *vf = fp->vf;
  const sc_insn *in = &vf->f->code[pc - vf->code];
  sc_value x = sp[-1], r;
  bool ok = sc_rt_unary(rt, (sc_op)in->op, x, &r);
#if PROFILE
  if (sc_op_flags((sc_op)in->op) & SC_OPF_FB) {
    sc_fb_slot *s = SC_FBSLOT(pc);
    sc_fb_record(s, x.tag, 0);
    if (ok && x.tag == SC_INT && r.tag == SC_FLOAT) s->flags |= SC_FBF_OVERFLOW;
  }
#endif
  if (!ok) goto L_error;
  sp[-1] = r;
  NEXT(1);
}

  /* ---- superinstructions ---- */
  SC_FUSED(FUSE)
  SC_FORLOOPS(FORLOOP)
L_dispatch:
  goto *pc->h;

  /* LoadLocal LoadLocal GetIndex */
L_F_LL_GI: {
  sc_value av = LOCAL(pc[0].a), iv = LOCAL(pc[1].a);
  if (LIKELY(av.tag == SC_ARRAY && iv.tag == SC_INT && (uint64_t)iv.i < (uint64_t)av.a->len)) {
    const sc_array *a = av.a;
    FB_TAG(&pc[2], SC_FB_ELEMS(a->kind));
    *sp++ = sc_array_at(a, iv.i);
    NEXT(3);
  }
  goto L_LoadLocal;
}
  /* LoadLocal LoadLocal <value> SetIndex, when the store needs no change of
   * elements kind */
#define FUSE_SI(name, VALUE)                                              \
  L_##name : {                                                            \
    sc_value av = LOCAL(pc[0].a), iv = LOCAL(pc[1].a), v = (VALUE);       \
    if (LIKELY(av.tag == SC_ARRAY && iv.tag == SC_INT && (uint64_t)iv.i < (uint64_t)av.a->len)) { \
      sc_array *a = av.a;                                                 \
      if (!sc_array_put(a, iv.i, v)) goto L_LoadLocal;                    \
      FB_TAG(&pc[3], SC_FB_ELEMS(a->kind));                               \
      NEXT(4);                                                            \
    }                                                                     \
    goto L_LoadLocal;                                                     \
  }
  FUSE_SI(F_LLL_SI, LOCAL(pc[2].a))
  FUSE_SI(F_LLKi_SI, sc_int(pc[2].i))
  FUSE_SI(F_LLKf_SI, sc_float(pc[2].f))
  FUSE_SI(F_LLKv_SI, *pc[2].cv)
#undef FUSE_SI
L_F_LRET:
  RETURN(LOCAL(pc->a), pc + 1);
  /* LoadLocal a; StoreLocal b, when b's kind accepts the value */
L_F_LS: {
  sc_value v = LOCAL(pc[0].a);
  if (UNLIKELY(!(((uint32_t)pc[1].b >> v.tag) & 1))) goto L_LoadLocal;
  LOCAL(pc[1].a) = v;
  NEXT(2);
}
  /* LoadLocal o; GetProp name, when the inline cache has o's shape */
L_F_LGP: {
  sc_value o = LOCAL(pc[0].a);
  const sc_tinsn *g = &pc[1];
  sc_fb_slot *s = SC_FBSLOT(g);
  if (LIKELY(o.tag == SC_OBJECT)) {
    sc_object *ob = o.o;
    uint64_t sh = (uint64_t)(uintptr_t)ob->shape;
    for (unsigned k = 0; k < s->n; k++)
      if (s->e[k] == sh) {
        IC_HIT(s);
        *sp++ = ob->slots[s->aux[k]];
        NEXT(2);
      }
  }
  goto L_LoadLocal;
}

  /* ---- control ---- */
L_Jump:
  pc = JT(pc);
  DISPATCH();
L_JumpBack:
  COUNT_JUMPBACK(pc, JT(pc));
  pc = JT(pc);
  DISPATCH();
L_JumpIfFalse: {
  sc_value v = *--sp;
  FB_TAG(pc, v.tag);
  pc = TRUTHY(v) ? pc + 1 : JT(pc);
  DISPATCH();
}
L_JumpIfTrue: {
  sc_value v = *--sp;
  FB_TAG(pc, v.tag);
  pc = TRUTHY(v) ? JT(pc) : pc + 1;
  DISPATCH();
}
L_JumpIfFalseBack: {
  sc_value v = *--sp;
  FB_TAG(pc, v.tag);
  if (TRUTHY(v)) NEXT(1);
  COUNT_BACKEDGE(&fp->vf->backedges[JT(pc) - fp->vf->code], JT(pc));
  pc = JT(pc);
  DISPATCH();
}
L_JumpIfTrueBack: {
  sc_value v = *--sp;
  FB_TAG(pc, v.tag);
  if (!TRUTHY(v)) NEXT(1);
  COUNT_BACKEDGE(&fp->vf->backedges[JT(pc) - fp->vf->code], JT(pc));
  pc = JT(pc);
  DISPATCH();
}

  /* ---- calls ---- */
L_Call:
  ENTER(&vm->funcs[pc->a], sp - pc->b, sp - pc->b, (uint32_t)pc->b);
L_CallValue: {
  uint32_t argc = (uint32_t)pc->a;
  sc_value fn = sp[-(ptrdiff_t)argc - 1];
  if (LIKELY(fn.tag == SC_FUNC)) {
    FB_TAG(pc, (uint64_t)fn.i);
    const sc_vfunc *cf = &vm->funcs[fn.i];
    if (LIKELY(cf->f->arity == argc)) ENTER(cf, sp - argc, sp - argc - 1, argc);
  } else {
    FB_TAG(pc, SC_FB_NOTFUNC(fn.tag));
  }
  uint32_t idx;
  sc_rt_check_callee(rt, fn, argc, &idx);
  goto L_error;
}
L_ReturnValue:
  RETURN(sp[-1], pc);
L_Return:
  RETURN(sc_null(), pc);
L_Exit:
L_Halt:
  return SC_ST_HALT;

  /* ---- arrays ---- */
L_NewArray: {
  uint32_t n = (uint32_t)pc->a;
  sc_array *a = sc_array_from(sp - n, n);
  if (UNLIKELY(!a)) {
    sc_rt_oom(rt);
    goto L_error;
  }
  sp -= n;
  *sp++ = sc_ptr(SC_ARRAY, a);
  NEXT(1);
}
L_ArrayNew: {
  sc_value r;
  if (!sc_array_fill(rt, sp[-2], sp[-1], &r)) goto L_error;
  sp[-2] = r;
  sp--;
  NEXT(1);
}
L_GetIndex: {
  sc_value av = sp[-2], iv = sp[-1];
  if (LIKELY(av.tag == SC_ARRAY && iv.tag == SC_INT && (uint64_t)iv.i < (uint64_t)av.a->len)) {
    const sc_array *a = av.a;
    FB_TAG(pc, SC_FB_ELEMS(a->kind));
    sp[-2] = sc_array_at(a, iv.i);
    sp--;
    NEXT(1);
  }
#if PROFILE
  sc_interp_index_feedback(SC_FBSLOT(pc), av, iv);
#endif
  sc_value r;
  if (!sc_rt_get_index(rt, av, iv, &r)) goto L_error;
  sp[-2] = r;
  sp--;
  NEXT(1);
}
L_SetIndex: {
  sc_value av = sp[-3], iv = sp[-2], v = sp[-1];
  if (LIKELY(av.tag == SC_ARRAY && iv.tag == SC_INT && (uint64_t)iv.i < (uint64_t)av.a->len)) {
    sc_array *a = av.a;
    FB_TAG(pc, SC_FB_ELEMS(a->kind));
    if (!sc_array_put(a, iv.i, v) && UNLIKELY(!sc_array_store(a, iv.i, v))) {
      sc_rt_oom(rt);
      goto L_error;
    }
    sp -= 3;
    NEXT(1);
  }
#if PROFILE
  sc_interp_index_feedback(SC_FBSLOT(pc), av, iv);
#endif
  if (!sc_rt_set_index(rt, av, iv, v)) goto L_error;
  sp -= 3;
  NEXT(1);
}
L_ArrayLen:
  if (LIKELY(sp[-1].tag == SC_ARRAY)) {
    sp[-1] = sc_int(sp[-1].a->len);
    NEXT(1);
  } else {
    sc_value r;
    if (!sc_rt_array_len(rt, sp[-1], &r)) goto L_error;
    sp[-1] = r;
    NEXT(1);
  }
L_ArrayPush: {
  sc_value av = sp[-2];
  FB_TAG(pc, av.tag == SC_ARRAY ? SC_FB_ELEMS(av.a->kind) : SC_FB_NOTARRAY(av.tag));
  if (!sc_rt_array_push(rt, av, sp[-1])) goto L_error;
  sp -= 2;
  NEXT(1);
}

  /* ---- objects: the feedback slot is the inline cache (shape -> slot) ---- */
L_NewObject: {
  sc_object *o = sc_object_new(rt);
  if (UNLIKELY(!o)) {
    sc_rt_oom(rt);
    goto L_error;
  }
  *sp++ = sc_ptr(SC_OBJECT, o);
  NEXT(1);
}
L_GetProp: {
  sc_value o = sp[-1];
  sc_fb_slot *s = SC_FBSLOT(pc);
  if (LIKELY(o.tag == SC_OBJECT)) {
    sc_object *ob = o.o;
    uint64_t sh = (uint64_t)(uintptr_t)ob->shape;
    for (unsigned k = 0; k < s->n; k++)
      if (s->e[k] == sh) {
        IC_HIT(s);
        sp[-1] = ob->slots[s->aux[k]];
        NEXT(1);
      }
    int idx = sc_shape_lookup(ob->shape, (uint32_t)pc->a);
    if (idx >= 0) {
      sc_fb_record(s, sh, (uint32_t)idx);
      sp[-1] = ob->slots[idx];
      NEXT(1);
    }
  } else {
    sc_fb_record(s, 0, 0);
  }
  sc_value r;
  if (!sc_rt_get_prop(rt, o, (uint32_t)pc->a, &r)) goto L_error;
  sp[-1] = r;
  NEXT(1);
}
L_SetProp: {
  sc_value o = sp[-2], v = sp[-1];
  sc_fb_slot *s = SC_FBSLOT(pc);
  if (LIKELY(o.tag == SC_OBJECT)) {
    sc_object *ob = o.o;
    uint64_t sh = (uint64_t)(uintptr_t)ob->shape;
    for (unsigned k = 0; k < s->n; k++)
      if (s->e[k] == sh) {
        uint32_t aux = s->aux[k];
        IC_HIT(s);
        if (!(aux & SC_FB_ADDS_FIELD)) ob->slots[aux] = v;
        else if (UNLIKELY(!sc_object_add_field(rt, ob, (uint32_t)pc->a, v))) {
          sc_rt_oom(rt);
          goto L_error;
        }
        sp -= 2;
        NEXT(1);
      }
    int idx = sc_shape_lookup(ob->shape, (uint32_t)pc->a);
    if (idx >= 0) {
      sc_fb_record(s, sh, (uint32_t)idx);
      ob->slots[idx] = v;
    } else {
      sc_fb_record(s, sh, SC_FB_ADDS_FIELD | ob->shape->nfields);
      if (UNLIKELY(!sc_object_add_field(rt, ob, (uint32_t)pc->a, v))) {
        sc_rt_oom(rt);
        goto L_error;
      }
    }
    sp -= 2;
    NEXT(1);
  }
  sc_fb_record(s, 0, 0);
  if (!sc_rt_set_prop(rt, o, (uint32_t)pc->a, v)) goto L_error;
  sp -= 2;
  NEXT(1);
}

  /* ---- maps, strings, builtins, output ---- */
L_NewMap: {
  sc_map *m = sc_map_new();
  if (UNLIKELY(!m)) {
    sc_rt_oom(rt);
    goto L_error;
  }
  *sp++ = sc_ptr(SC_MAP, m);
  NEXT(1);
}
L_MapGet: {
  sc_value r;
  if (!sc_rt_map_get(rt, sp[-2], sp[-1], &r)) goto L_error;
  sp[-2] = r;
  sp--;
  NEXT(1);
}
L_MapSet:
  if (!sc_rt_map_set(rt, sp[-3], sp[-2], sp[-1])) goto L_error;
  sp -= 3;
  NEXT(1);
L_MapHas: {
  sc_value r;
  if (!sc_rt_map_has(rt, sp[-2], sp[-1], &r)) goto L_error;
  sp[-2] = r;
  sp--;
  NEXT(1);
}
L_CallBuiltin: {
  sc_value *args = sp - pc->b, r;
  if (!sc_rt_builtin(rt, (sc_builtin)pc->a, args, &r)) goto L_error;
  sp = args;
  *sp++ = r;
  NEXT(1);
}
L_Print:
  sc_value_print(rt, vm->opts.out, sp[-1]);
  fputc('\n', vm->opts.out);
  sp--;
  NEXT(1);

#if PROFILE
  /* A hot loop: pc is its header, the frame holds the interpreter's state
   * there (locals, operand stack up to sp), which OSR code takes over. */
L_osr: {
  uint32_t again;
  sc_native_fn osr = vm->hooks->hot_loop(vm, fp, (uint32_t)(pc - fp->vf->code), &again);
  if (osr_ctr) { /* counts up to osr_at */
    if (again) *osr_ctr = again < vm->osr_at ? vm->osr_at - again : 0;
  } else { /* counts down to 0; iterations since the last flush stay n - e0 */
    osr_jmp->e0 = again ? again : UINT64_MAX;
    osr_jmp->n += osr_jmp->e0;
  }
  if (!osr) DISPATCH();
  fp->pc = pc;
  nfn = osr;
  goto L_native_run;
}
#endif
  /* ENTER found compiled code for the frame it pushed. */
L_native_call:
  if (UNLIKELY(!sc_vm_native_room(vm))) {
    fp--; /* raised at the call, as at the frame limit */
    pc = fp->pc;
    sc_rt_stack_overflow(rt);
    goto L_error;
  }
  nfn = fp->vf->native;
L_native_run:
  __attribute__((unused)); /* only OSR jumps here, in the profiling build */
  {
  /* which tier runs, for --stats' sampler: a relaxed store each way;
   * dropped code is released once no compiled code is on the stack */
  __atomic_store_n(&vm->in_native, 1, __ATOMIC_RELAXED);
  vm->native_depth++;
  int st = nfn(vm, fp);
  __atomic_store_n(&vm->in_native, 0, __ATOMIC_RELAXED);
  if (!--vm->native_depth && UNLIKELY(vm->code_dropped)) vm->hooks->release(vm);
  if (LIKELY(st == SC_ST_RET)) {
    sc_value *dst = fp->ret; /* relocated if the stack grew */
    fp--;
    if (UNLIKELY(fp == stop)) return SC_ST_RET; /* OSR in the run's first frame */
    sp = dst + 1;
    base = fp->base;
    pc = fp->pc + 1;
    vm->stack_top = base + fp->vf->frame_size;
    DISPATCH();
  }
  if (st != SC_ST_DEOPT) return st;
  /* compiled code left: the frame, and those of calls it had inlined, hold
   * the interpreter's state; go on in the innermost */
  fp = vm->deopt_fp;
  base = fp->base;
  sp = vm->deopt_sp;
  pc = fp->pc;
  vm->stack_top = base + fp->vf->frame_size;
  DISPATCH();
}

L_error:
  sc_vm_report_error(vm, fp, pc);
  return SC_ST_ERROR;
}

#undef REC
#undef IC_HIT
#undef COUNT_BACKEDGE
#undef COUNT_JUMPBACK
#undef TIER_UP
#undef PROF_ENTER
#undef PROF_RETURN
#undef FB_BIN
#undef FB_TAG
#undef ENTER
#undef RETURN
