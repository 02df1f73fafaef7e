/* LLVM backend: SSA maps onto LLVM IR directly (a val is two i64 values),
 * the new pass manager's O2 pipeline optimizes it, ORC LLJIT compiles it.
 * One LLJIT per context (per compiling thread); each function is its own
 * module in its own thread-safe context, added under its own resource
 * tracker (the code's handle: removing it frees the code). Helpers are
 * absolute symbols in the JIT's main dylib, so dumps read
 * `call @sc_jh_binary(...)`. */
#include "config.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"


typedef struct llctx {
  sc_vm *vm;
  LLVMOrcLLJITRef jit;
  LLVMTargetMachineRef tm;
  sc_backend_stats st;
  unsigned serial; /* unique symbol names */
  /* the resource trackers of code not released yet: destroy releases them */
  LLVMOrcResourceTrackerRef *live;
  uint32_t nlive, clive;
} llctx;

static bool fail_err(LLVMErrorRef e, char *err, size_t errlen) {
  char *m = LLVMGetErrorMessage(e);
  snprintf(err, errlen, "%s", m);
  LLVMDisposeErrorMessage(m);
  return false;
}

static void destroy(void *ctx);

static LLVMCodeGenOptLevel codegen_level(void) {
  const char *e = getenv("SC_LLVM_CODEGEN");
  if (e && *e == '0') return LLVMCodeGenLevelNone;
  if (e && *e == '1') return LLVMCodeGenLevelLess;
  if (e && *e == '3') return LLVMCodeGenLevelAggressive;
  return LLVMCodeGenLevelDefault;
}

/* The symbol compiled code calls helper h by (an absolute symbol). */
static const char *helper_symbol(char *buf, size_t n, int h) {
  snprintf(buf, n, "sc_jh_%s", sc_abi_helpers[h].name);
  return buf;
}

static void *create(sc_vm *vm, const sc_abi *abi, char *err, size_t errlen) {
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
  llctx *c = calloc(1, sizeof *c);
  c->vm = vm;
  c->st.unit = "resource trackers";
  char *triple = LLVMGetDefaultTargetTriple(), *msg = NULL;
  LLVMTargetRef target;
  if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
    snprintf(err, errlen, "%s", msg ? msg : "no target");
    LLVMDisposeMessage(msg);
    LLVMDisposeMessage(triple);
    free(c);
    return NULL;
  }
  char *cpu = LLVMGetHostCPUName(), *feat = LLVMGetHostCPUFeatures();
  /* one machine for the optimization pipeline, one owned by the JIT */
  c->tm = LLVMCreateTargetMachine(target, triple, cpu, feat, LLVMCodeGenLevelDefault, LLVMRelocDefault,
                                  LLVMCodeModelJITDefault);
  LLVMTargetMachineRef jtm = LLVMCreateTargetMachine(target, triple, cpu, feat, codegen_level(), LLVMRelocDefault,
                                                     LLVMCodeModelJITDefault);
  LLVMDisposeMessage(cpu);
  LLVMDisposeMessage(feat);
  LLVMDisposeMessage(triple);
  LLVMOrcLLJITBuilderRef jb = LLVMOrcCreateLLJITBuilder();
  LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(jb, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(jtm));
  LLVMErrorRef e = LLVMOrcCreateLLJIT(&c->jit, jb);
  if (e) {
    fail_err(e, err, errlen);
    LLVMDisposeTargetMachine(c->tm);
    free(c);
    return NULL;
  }
  LLVMJITCSymbolMapPair syms[SC_NHELPERS];
  for (int i = 0; i < SC_NHELPERS; i++) {
    char name[48];
    syms[i].Name = LLVMOrcLLJITMangleAndIntern(c->jit, helper_symbol(name, sizeof name, i));
    syms[i].Sym.Address = (LLVMOrcJITTargetAddress)(uintptr_t)abi->helper[i];
    syms[i].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
    syms[i].Sym.Flags.TargetFlags = 0;
  }
  LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(syms, SC_NHELPERS);
  e = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(c->jit), mu);
  if (e) {
    fail_err(e, err, errlen);
    destroy(c);
    return NULL;
  }
  /* libc for what LLVM calls by itself (memset, memcpy, fmod) */
  LLVMOrcDefinitionGeneratorRef gen = NULL;
  e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(&gen, LLVMOrcLLJITGetGlobalPrefix(c->jit), NULL, NULL);
  if (e) {
    fail_err(e, err, errlen);
    destroy(c);
    return NULL;
  }
  LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(c->jit), gen);
  return c;
}

/* A handle is the resource tracker of its module: removing it frees the
 * code and drops the symbol from the dylib. */
static void release(void *ctx, void *handle) {
  llctx *c = ctx;
  LLVMOrcResourceTrackerRef rt = handle;
  LLVMErrorRef e = LLVMOrcResourceTrackerRemove(rt);
  if (e) { /* the code stays; nothing else to do about it */
    char *m = LLVMGetErrorMessage(e);
    fprintf(stderr, "shapec: LLVM: cannot free compiled code: %s\n", m);
    LLVMDisposeErrorMessage(m);
  }
  LLVMOrcReleaseResourceTracker(rt);
  for (uint32_t k = 0; k < c->nlive; k++)
    if (c->live[k] == rt) {
      c->live[k] = c->live[--c->nlive];
      break;
    }
  c->st.released++;
  c->st.units--;
}

static void stats(void *ctx, sc_backend_stats *out) { *out = ((llctx *)ctx)->st; }

static void destroy(void *ctx) {
  llctx *c = ctx;
  if (!c) return;
  /* a tracker's last reference keeps its JITDylib alive: drop them while
   * the session exists (their code goes with the JIT) */
  for (uint32_t k = 0; k < c->nlive; k++) LLVMOrcReleaseResourceTracker(c->live[k]);
  free(c->live);
  LLVMDisposeTargetMachine(c->tm);
  LLVMOrcDisposeLLJIT(c->jit);
  free(c);
}

/* ---- lowering one function ---- */

typedef struct lw {
  llctx *c;
  sc_irfunc *f;
  LLVMContextRef C;
  LLVMModuleRef M;
  LLVMBuilderRef B;
  LLVMValueRef fn, vm, fp;
  LLVMTypeRef i1, i8, i32, i64, f64, p8, p64;
  LLVMValueRef hfn[SC_NHELPERS];
  LLVMTypeRef hty[SC_NHELPERS];
  LLVMBasicBlockRef *bb;    /* per IR block */
  LLVMBasicBlockRef *tailbb; /* per IR block: the LLVM block its terminator is in */
  LLVMBasicBlockRef *exits; /* per frame state, created on demand */
  LLVMValueRef *tag, *pay;  /* per value: a val's tag and payload; others in pay */
  LLVMValueRef buf, out;    /* scratch sc_value arrays in the native frame */
  LLVMBasicBlockRef entry;
  LLVMValueRef life[2];     /* llvm.lifetime.start/end */
  LLVMTypeRef lifety;
  char *err;
  size_t errlen;
  bool failed;
} lw;

static void fail(lw *w, const char *fmt, const char *a) {
  if (w->failed) return;
  snprintf(w->err, w->errlen, fmt, a);
  w->failed = true;
}

static LLVMValueRef K(lw *w, uint64_t v) { return LLVMConstInt(w->i64, v, false); }
static LLVMValueRef K32(lw *w, uint32_t v) { return LLVMConstInt(w->i32, v, false); }

static LLVMTypeRef sigty(lw *w, char c) {
  switch (c) {
  case 'p': return w->p8;
  case 'q': return w->i64;
  case 'w': return w->i32;
  case 'd': return w->f64;
  default: return w->i8;
  }
}

static void declare_helpers(lw *w) {
  for (int i = 0; i < SC_NHELPERS; i++) {
    const char *s = sc_abi_helpers[i].sig;
    LLVMTypeRef ps[12];
    unsigned n = (unsigned)strlen(s) - 1;
    for (unsigned k = 0; k < n; k++) ps[k] = sigty(w, s[k + 1]);
    w->hty[i] = LLVMFunctionType(sigty(w, s[0]), ps, n, false);
    char name[48];
    w->hfn[i] = LLVMAddFunction(w->M, helper_symbol(name, sizeof name, i), w->hty[i]);
  }
}

static LLVMValueRef hcall(lw *w, int h, LLVMValueRef *args) {
  unsigned n = (unsigned)strlen(sc_abi_helpers[h].sig) - 1;
  return LLVMBuildCall2(w->B, w->hty[h], w->hfn[h], args, n, "");
}

/* Address `off` bytes into p (an i8*), as an i64*. */
static LLVMValueRef at(lw *w, LLVMValueRef p, uint64_t off) {
  LLVMValueRef idx = K(w, off);
  LLVMValueRef q = off ? LLVMBuildGEP2(w->B, w->i8, p, &idx, 1, "") : p;
  return LLVMBuildPointerCast(w->B, q, w->p64, "");
}
static LLVMValueRef ld(lw *w, LLVMValueRef p, uint64_t off) { return LLVMBuildLoad2(w->B, w->i64, at(w, p, off), ""); }
static void st(lw *w, LLVMValueRef p, uint64_t off, LLVMValueRef v) { LLVMBuildStore(w->B, v, at(w, p, off)); }
static LLVMValueRef ldp(lw *w, LLVMValueRef p, uint64_t off) {
  return LLVMBuildIntToPtr(w->B, ld(w, p, off), w->p8, "");
}
static LLVMValueRef ptrk(lw *w, const void *p) {
  return LLVMConstIntToPtr(K(w, (uint64_t)(uintptr_t)p), w->p8);
}
static LLVMValueRef slot(lw *w, LLVMValueRef arr, uint32_t k) { /* &arr[k] as i8* */
  LLVMValueRef idx = K(w, (uint64_t)k * sizeof(sc_value));
  return LLVMBuildGEP2(w->B, w->i8, arr, &idx, 1, "");
}

/* The (tag, payload) of value v, boxing typed values. */
static void boxed(lw *w, uint32_t v, LLVMValueRef *t, LLVMValueRef *p) {
  if (!v) {
    *t = K(w, SC_NULL);
    *p = K(w, 0);
    return;
  }
  LLVMValueRef x = w->pay[v];
  switch (w->f->ins[v].ty) {
  case SC_TY_VAL: *t = w->tag[v], *p = x; return;
  case SC_TY_I64: *t = K(w, SC_INT), *p = x; return;
  case SC_TY_F64: *t = K(w, SC_FLOAT), *p = LLVMBuildBitCast(w->B, x, w->i64, ""); return;
  case SC_TY_BOOL: *t = K(w, SC_BOOL), *p = LLVMBuildZExt(w->B, x, w->i64, ""); return;
  default: *t = K(w, SC_NULL), *p = x; return;
  }
}

static void store_val(lw *w, LLVMValueRef arr, uint32_t k, uint32_t v) {
  LLVMValueRef t, p, s = slot(w, arr, k);
  boxed(w, v, &t, &p);
  st(w, s, 0, t);
  st(w, s, 8, p);
}

static void set_val(lw *w, uint32_t v, LLVMValueRef t, LLVMValueRef p) {
  w->tag[v] = t;
  w->pay[v] = p;
}

/* Loads the out slot as v's value. */
static void take_out(lw *w, uint32_t v) { set_val(w, v, ld(w, w->out, 0), ld(w, w->out, 8)); }

/* The block that leaves at in's frame state, for in's reason. */
static LLVMBasicBlockRef exit_block(lw *w, const sc_ins *in) {
  int32_t fs = in->fs;
  uint32_t reason = sc_leave_reason(in);
  if (fs < 0) {
    fail(w, "an instruction that may leave has no frame state%s", "");
    return w->bb[0];
  }
  uint32_t key = (uint32_t)fs * SC_NREASONS + reason;
  if (w->exits[key]) return w->exits[key];
  const sc_irfunc *f = w->f;
  const sc_fs *s = &f->fs[fs];
  LLVMBasicBlockRef here = LLVMGetInsertBlock(w->B);
  LLVMBasicBlockRef b = w->exits[key] = LLVMAppendBasicBlockInContext(w->C, w->fn, "leave");
  uint32_t n = sc_ir_fs_nvals(s), frames = sc_fs_frames(f, fs);
  uint32_t total = sc_fs_exit_slots(f, fs);
  /* Each exit fills a buffer of its own, live only in the exit: one buffer
   * shared by a large function's hundreds of exits has thousands of users,
   * which makes InstCombine quadratic (minutes for a 1,300-line function);
   * the lifetime markers let stack colouring give them all one slot. */
  LLVMPositionBuilderBefore(w->B, LLVMGetBasicBlockTerminator(w->entry));
  LLVMValueRef buf = LLVMBuildAlloca(w->B, LLVMArrayType(w->i64, 2 * (total ? total : 1)), "leavebuf");
  LLVMPositionBuilderAtEnd(w->B, b);
  LLVMValueRef lt[2] = {K(w, 16 * (uint64_t)(total ? total : 1)), LLVMBuildPointerCast(w->B, buf, w->p8, "")};
  buf = lt[1];
  LLVMBuildCall2(w->B, w->lifety, w->life[0], lt, 2, "");
  LLVMValueRef r;
  if (frames == 1) {
    for (uint32_t k = 0; k < n; k++) store_val(w, buf, k, s->vals[k]);
    LLVMValueRef a[6] = {w->vm, w->fp, K32(w, s->pc), buf, K32(w, n), K32(w, reason)};
    r = hcall(w, SC_H_deopt, a);
  } else { /* inlined code: every frame of the chain, outermost first */
    int32_t *chain = sc_arena_alloc(f->arena, frames * sizeof *chain);
    sc_fs_chain(f, fs, chain, frames);
    uint32_t at = 0;
    for (uint32_t j = 0; j < frames; j++) {
      const sc_fs *c = &f->fs[chain[j]];
      LLVMValueRef h = slot(w, buf, at++);
      st(w, h, 0, K(w, sc_fs_header_tag(c)));
      st(w, h, 8, K(w, sc_fs_header_pay(c)));
      for (uint32_t k = 0; k < sc_ir_fs_nvals(c); k++) store_val(w, buf, at++, c->vals[k]);
    }
    LLVMValueRef a[5] = {w->vm, w->fp, buf, K32(w, frames), K32(w, reason)};
    r = hcall(w, SC_H_deopt_inlined, a);
  }
  LLVMBuildCall2(w->B, w->lifety, w->life[1], lt, 2, "");
  LLVMBuildRet(w->B, r);
  LLVMPositionBuilderAtEnd(w->B, here);
  return b;
}

/* Continue when ok (i1) holds, else leave at the instruction's state. */
static void check(lw *w, const sc_ins *in, LLVMValueRef ok) {
  LLVMBasicBlockRef ex = exit_block(w, in);
  LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(w->C, w->fn, "");
  LLVMBuildCondBr(w->B, ok, cont, ex);
  LLVMPositionBuilderAtEnd(w->B, cont);
}
static void check_b(lw *w, const sc_ins *in, LLVMValueRef r8) {
  check(w, in, LLVMBuildICmp(w->B, LLVMIntNE, r8, LLVMConstInt(w->i8, 0, false), ""));
}

static LLVMValueRef TT(lw *w, uint32_t v) { return w->tag[v]; }
static LLVMValueRef PP(lw *w, uint32_t v) { return w->pay[v]; }

static LLVMValueRef ovf(lw *w, const char *name, LLVMValueRef a, LLVMValueRef b, const sc_ins *in) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  LLVMTypeRef ty = w->i64;
  LLVMValueRef fnv = LLVMGetIntrinsicDeclaration(w->M, id, &ty, 1);
  LLVMTypeRef ps[2] = {w->i64, w->i64}, rs[2] = {w->i64, w->i1};
  LLVMTypeRef fty = LLVMFunctionType(LLVMStructTypeInContext(w->C, rs, 2, false), ps, 2, false);
  LLVMValueRef args[2] = {a, b};
  LLVMValueRef r = LLVMBuildCall2(w->B, fty, fnv, args, 2, "");
  check(w, in, LLVMBuildNot(w->B, LLVMBuildExtractValue(w->B, r, 1, ""), ""));
  return LLVMBuildExtractValue(w->B, r, 0, "");
}

static LLVMIntPredicate ipred(int c) {
  static const LLVMIntPredicate p[] = {LLVMIntEQ, LLVMIntNE, LLVMIntSLT, LLVMIntSLE, LLVMIntSGT, LLVMIntSGE};
  return p[c];
}
static LLVMRealPredicate fpred(int c) {
  static const LLVMRealPredicate p[] = {LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
                                        LLVMRealOLE, LLVMRealOGT, LLVMRealOGE};
  return p[c];
}

/* Arguments args[from..) into buf; returns the count. */
static uint32_t spill_args(lw *w, const sc_ins *in, uint32_t from) {
  for (uint32_t k = from; k < in->nargs; k++) store_val(w, w->buf, k - from, in->args[k]);
  return in->nargs - from;
}

static void lower_call_status(lw *w, uint32_t v, const sc_ins *in, LLVMValueRef st) {
  LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(w->C, w->fn, "");
  LLVMBasicBlockRef notok = LLVMAppendBasicBlockInContext(w->C, w->fn, "");
  LLVMBuildCondBr(w->B, LLVMBuildICmp(w->B, LLVMIntEQ, st, K32(w, SC_ST_RET), ""), ok, notok);
  LLVMPositionBuilderAtEnd(w->B, notok);
  LLVMBasicBlockRef unwind = LLVMAppendBasicBlockInContext(w->C, w->fn, "");
  LLVMBuildCondBr(w->B, LLVMBuildICmp(w->B, LLVMIntEQ, st, K32(w, SC_JH_LEAVE), ""), exit_block(w, in),
                  unwind);
  LLVMPositionBuilderAtEnd(w->B, unwind);
  LLVMBuildRet(w->B, st);
  LLVMPositionBuilderAtEnd(w->B, ok);
  take_out(w, v);
}

/* The frame call `in` runs from, its function and the call's pc: fp, or
 * for a call in inlined code the innermost frame of its chain, once the
 * chain's frames above fp are written. Nothing returns into those: their
 * ret stays unset. */
static LLVMValueRef call_frame(lw *w, const sc_ins *in, const sc_vfunc **self, uint32_t *bpc) {
  const sc_irfunc *f = w->f;
  sc_vm *vm = w->c->vm;
  uint32_t n = in->fs >= 0 ? sc_fs_frames(f, in->fs) : 1;
  if (n <= 1) {
    *self = &vm->funcs[f->func];
    *bpc = in->pc >= 0 ? (uint32_t)in->pc : in->fs >= 0 ? f->fs[in->fs].pc : 0;
    return w->fp;
  }
  LLVMBuilderRef B = w->B;
  int32_t *chain = sc_arena_alloc(f->arena, n * sizeof *chain);
  sc_fs_chain(f, in->fs, chain, n);
  LLVMValueRef base = ldp(w, w->fp, offsetof(sc_frame, base)), fr = w->fp;
  uint64_t off = 0;
  for (uint32_t j = 0; j < n; j++) {
    const sc_fs *c = &f->fs[chain[j]];
    const sc_vfunc *cf = &vm->funcs[c->func];
    if (j) {
      LLVMValueRef fo = K(w, (uint64_t)j * sizeof(sc_frame)), bo = K(w, off);
      fr = LLVMBuildGEP2(B, w->i8, w->fp, &fo, 1, "");
      st(w, fr, offsetof(sc_frame, base), LLVMBuildPtrToInt(B, LLVMBuildGEP2(B, w->i8, base, &bo, 1, ""), w->i64, ""));
      st(w, fr, offsetof(sc_frame, vf), K(w, (uint64_t)(uintptr_t)cf));
    }
    st(w, fr, offsetof(sc_frame, pc), K(w, (uint64_t)(uintptr_t)(cf->code + c->pc)));
    off += (uint64_t)cf->frame_size * sizeof(sc_value);
    *self = cf;
    *bpc = c->pc;
  }
  return fr;
}

/* Call of function k: when k has compiled code, the frame depth and the
 * value stack allow it, push the frame here and call the code directly
 * (what sc_jh_call does, without the helper); else the helper. */
static bool direct_call(lw *w, uint32_t v, const sc_ins *in) {
  sc_vm *vm = w->c->vm;
  const sc_irfunc *f = w->f;
  uint32_t k = (uint32_t)in->imm, bpc;
  if (f->func >= vm->prog->nfuncs || k >= vm->prog->nfuncs) return false;
  const sc_vfunc *cf = &vm->funcs[k], *self;
  if (in->nargs != cf->f->arity) return false;
  LLVMBuilderRef B = w->B;
  LLVMValueRef fr = call_frame(w, in, &self, &bpc);
  LLVMValueRef cfp = ptrk(w, cf);
  LLVMValueRef native = ld(w, cfp, offsetof(sc_vfunc, native));
  LLVMValueRef base = ldp(w, fr, offsetof(sc_frame, base));
  LLVMValueRef noff = K(w, (uint64_t)self->frame_size * sizeof(sc_value));
  LLVMValueRef nb = LLVMBuildGEP2(B, w->i8, base, &noff, 1, "");
  LLVMValueRef eoff = K(w, (uint64_t)cf->frame_size * sizeof(sc_value));
  LLVMValueRef nend = LLVMBuildPtrToInt(B, LLVMBuildGEP2(B, w->i8, nb, &eoff, 1, ""), w->i64, "");
  LLVMValueRef stack_end = ld(w, ptrk(w, &vm->stack_end), 0);
  LLVMValueRef fpi = LLVMBuildPtrToInt(B, fr, w->i64, "");
  LLVMValueRef nfi = LLVMBuildAdd(B, fpi, K(w, sizeof(sc_frame)), "");
  LLVMValueRef last = K(w, (uint64_t)(uintptr_t)(vm->frames + vm->frames_cap));
  LLVMValueRef ok = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntNE, native, K(w, 0), ""),
                                 LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntNE, nfi, last, ""),
                                              LLVMBuildICmp(B, LLVMIntULE, nend, stack_end, ""), ""), "");
  LLVMBasicBlockRef fast = LLVMAppendBasicBlockInContext(w->C, w->fn, "direct");
  LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(w->C, w->fn, "viahelper");
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(w->C, w->fn, "called");
  LLVMBuildCondBr(B, ok, fast, slow);
  /* direct: arguments, nulls for the other locals, the frame, the call */
  LLVMPositionBuilderAtEnd(B, fast);
  for (uint32_t j = 0; j < cf->nlocals; j++) {
    LLVMValueRef t, p, s = slot(w, nb, j);
    if (j < in->nargs) boxed(w, in->args[j], &t, &p);
    else t = K(w, SC_NULL), p = K(w, 0);
    st(w, s, 0, t);
    st(w, s, 8, p);
  }
  st(w, fr, offsetof(sc_frame, pc), K(w, (uint64_t)(uintptr_t)(self->code + bpc)));
  LLVMValueRef nf = LLVMBuildIntToPtr(B, nfi, w->p8, "");
  st(w, nf, offsetof(sc_frame, pc), K(w, 0));
  st(w, nf, offsetof(sc_frame, base), LLVMBuildPtrToInt(B, nb, w->i64, ""));
  st(w, nf, offsetof(sc_frame, ret), LLVMBuildPtrToInt(B, w->out, w->i64, ""));
  st(w, nf, offsetof(sc_frame, vf), K(w, (uint64_t)(uintptr_t)cf));
  st(w, ptrk(w, &vm->stack_top), 0, nend);
  LLVMTypeRef ps[2] = {w->p8, w->p8};
  LLVMTypeRef fty = LLVMFunctionType(w->i32, ps, 2, false);
  LLVMValueRef args[2] = {w->vm, nf};
  LLVMValueRef st1 = LLVMBuildCall2(B, fty, LLVMBuildIntToPtr(B, native, LLVMPointerType(fty, 0), ""), args, 2, "");
  LLVMBasicBlockRef fin = LLVMAppendBasicBlockInContext(w->C, w->fn, "");
  LLVMBasicBlockRef fast_end = LLVMGetInsertBlock(B);
  LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, st1, K32(w, SC_ST_RET), ""), done, fin);
  LLVMPositionBuilderAtEnd(B, fin);
  LLVMValueRef fa[3] = {w->vm, nf, st1};
  LLVMValueRef st2 = hcall(w, SC_H_call_finish, fa);
  LLVMBasicBlockRef fin_end = LLVMGetInsertBlock(B);
  LLVMBuildBr(B, done);
  /* the helper: checks, growth, interpreted callees */
  LLVMPositionBuilderAtEnd(B, slow);
  uint32_t n = spill_args(w, in, 0);
  LLVMValueRef x[7] = {w->vm, fr, K32(w, bpc), K32(w, k), K32(w, n), w->buf, w->out};
  LLVMValueRef st3 = hcall(w, SC_H_call, x);
  LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(B);
  LLVMBuildBr(B, done);
  LLVMPositionBuilderAtEnd(B, done);
  LLVMValueRef stp = LLVMBuildPhi(B, w->i32, "");
  LLVMValueRef iv[3] = {st1, st2, st3};
  LLVMBasicBlockRef ib[3] = {fast_end, fin_end, slow_end};
  LLVMAddIncoming(stp, iv, ib, 3);
  lower_call_status(w, v, in, stp);
  return true;
}

static void lower_generic(lw *w, uint32_t v, const sc_ins *in) {
  const uint32_t *a = in->args;
  sc_vm *vm = w->c->vm;
  LLVMValueRef r = NULL;
  switch (in->op) {
  case IR_LoadGlobal:
    set_val(w, v, ld(w, ptrk(w, &vm->globals[in->aux]), 0), ld(w, ptrk(w, &vm->globals[in->aux]), 8));
    return;
  case IR_StoreGlobal: { /* through the runtime: code may depend on the old value */
    LLVMValueRef t, p;
    boxed(w, a[0], &t, &p);
    LLVMValueRef x[4] = {w->vm, K32(w, (uint32_t)in->aux), t, p};
    hcall(w, SC_H_store_global, x);
    return;
  }
  case IR_NewArray: {
    uint32_t n = spill_args(w, in, 0);
    LLVMValueRef x[4] = {w->vm, w->buf, K32(w, n), w->out};
    hcall(w, SC_H_new_array, x);
    take_out(w, v);
    return;
  }
  case IR_ArrayNew: {
    LLVMValueRef x[6] = {w->vm, TT(w, a[0]), PP(w, a[0]), TT(w, a[1]), PP(w, a[1]), w->out};
    r = hcall(w, SC_H_array_new, x);
    break;
  }
  case IR_GetIndex: {
    LLVMValueRef x[6] = {w->vm, TT(w, a[0]), PP(w, a[0]), TT(w, a[1]), PP(w, a[1]), w->out};
    r = hcall(w, SC_H_get_index, x);
    break;
  }
  case IR_SetIndex: {
    LLVMValueRef x[7] = {w->vm, TT(w, a[0]), PP(w, a[0]), TT(w, a[1]), PP(w, a[1]), TT(w, a[2]), PP(w, a[2])};
    check_b(w, in, hcall(w, SC_H_set_index, x));
    return;
  }
  case IR_ArrayLen: {
    LLVMValueRef x[4] = {w->vm, TT(w, a[0]), PP(w, a[0]), w->out};
    r = hcall(w, SC_H_array_len, x);
    break;
  }
  case IR_ArrayPush: {
    LLVMValueRef x[5] = {w->vm, TT(w, a[0]), PP(w, a[0]), TT(w, a[1]), PP(w, a[1])};
    check_b(w, in, hcall(w, SC_H_array_push, x));
    return;
  }
  case IR_NewObject: {
    LLVMValueRef x[2] = {w->vm, w->out};
    hcall(w, SC_H_new_object, x);
    take_out(w, v);
    return;
  }
  case IR_GetProp: {
    LLVMValueRef x[5] = {w->vm, TT(w, a[0]), PP(w, a[0]), K32(w, (uint32_t)in->aux), w->out};
    r = hcall(w, SC_H_get_prop, x);
    break;
  }
  case IR_SetProp: {
    LLVMValueRef x[6] = {w->vm, TT(w, a[0]), PP(w, a[0]), K32(w, (uint32_t)in->aux), TT(w, a[1]), PP(w, a[1])};
    check_b(w, in, hcall(w, SC_H_set_prop, x));
    return;
  }
  case IR_NewMap: {
    LLVMValueRef x[2] = {w->vm, w->out};
    hcall(w, SC_H_new_map, x);
    take_out(w, v);
    return;
  }
  case IR_MapGet:
  case IR_MapHas: {
    LLVMValueRef x[6] = {w->vm, TT(w, a[0]), PP(w, a[0]), TT(w, a[1]), PP(w, a[1]), w->out};
    r = hcall(w, in->op == IR_MapGet ? SC_H_map_get : SC_H_map_has, x);
    break;
  }
  case IR_MapSet: {
    LLVMValueRef x[7] = {w->vm, TT(w, a[0]), PP(w, a[0]), TT(w, a[1]), PP(w, a[1]), TT(w, a[2]), PP(w, a[2])};
    check_b(w, in, hcall(w, SC_H_map_set, x));
    return;
  }
  case IR_Print: {
    LLVMValueRef t, p;
    boxed(w, a[0], &t, &p);
    LLVMValueRef x[3] = {w->vm, t, p};
    hcall(w, SC_H_print, x);
    return;
  }
  case IR_CallBuiltin: {
    spill_args(w, in, 0);
    LLVMValueRef x[4] = {w->vm, K32(w, (uint32_t)in->aux), w->buf, w->out};
    r = hcall(w, SC_H_builtin, x);
    break;
  }
  case IR_Call:
  case IR_CallValue: {
    if (in->op == IR_Call && direct_call(w, v, in)) return;
    const sc_vfunc *self;
    uint32_t bpc;
    LLVMValueRef fr = call_frame(w, in, &self, &bpc);
    if (in->op == IR_Call) {
      uint32_t n = spill_args(w, in, 0);
      LLVMValueRef x[7] = {w->vm, fr, K32(w, bpc), K32(w, (uint32_t)in->imm), K32(w, n), w->buf, w->out};
      lower_call_status(w, v, in, hcall(w, SC_H_call, x));
    } else {
      uint32_t n = spill_args(w, in, 1);
      LLVMValueRef x[8] = {w->vm, fr, K32(w, bpc), TT(w, a[0]), PP(w, a[0]), K32(w, n), w->buf, w->out};
      lower_call_status(w, v, in, hcall(w, SC_H_call_value, x));
    }
    return;
  }
  default: {
    int bc = sc_irop_bcop(in->op);
    if (bc < 0) {
      fail(w, "no lowering for %s", sc_irop_name(in->op));
      return;
    }
    if (in->nargs == 1) {
      LLVMValueRef x[5] = {w->vm, K32(w, (uint32_t)bc), TT(w, a[0]), PP(w, a[0]), w->out};
      r = hcall(w, SC_H_unary, x);
    } else {
      LLVMValueRef x[7] = {w->vm, K32(w, (uint32_t)bc), TT(w, a[0]), PP(w, a[0]), TT(w, a[1]), PP(w, a[1]), w->out};
      r = hcall(w, SC_H_binary, x);
    }
  }
  }
  if (sc_irop_flags(in->op) & IRF_THROW) check_b(w, in, r);
  take_out(w, v);
}

static void lower_ins(lw *w, uint32_t v) {
  const sc_ins *in = &w->f->ins[v];
  const uint32_t *a = in->args;
  LLVMBuilderRef B = w->B;
  switch (in->op) {
  case IR_param: {
    LLVMValueRef base = ldp(w, w->fp, offsetof(sc_frame, base));
    uint64_t off = (uint64_t)in->imm * sizeof(sc_value);
    set_val(w, v, ld(w, base, off), ld(w, base, off + 8));
    return;
  }
  case IR_const:
    switch (in->ty) {
    case SC_TY_VAL: {
      sc_value c = w->f->prog->consts[in->imm];
      set_val(w, v, K(w, c.tag), K(w, (uint64_t)c.i));
      return;
    }
    case SC_TY_F64: w->pay[v] = LLVMConstBitCast(K(w, (uint64_t)in->imm), w->f64); return;
    case SC_TY_BOOL: w->pay[v] = LLVMConstInt(w->i1, in->imm != 0, false); return;
    default: w->pay[v] = K(w, (uint64_t)in->imm); return;
    }
  case IR_null: set_val(w, v, K(w, SC_NULL), K(w, 0)); return;
  case IR_func: set_val(w, v, K(w, SC_FUNC), K(w, (uint64_t)in->imm)); return;
  case IR_phi: return; /* made with the block */
  case IR_copy: set_val(w, v, w->tag[a[0]], w->pay[a[0]]); return;
  case IR_box: {
    LLVMValueRef t, p;
    boxed(w, a[0], &t, &p);
    set_val(w, v, t, p);
    return;
  }
  case IR_unbox:
    if (in->ty == SC_TY_F64) w->pay[v] = LLVMBuildBitCast(B, PP(w, a[0]), w->f64, "");
    else if (in->ty == SC_TY_BOOL) w->pay[v] = LLVMBuildICmp(B, LLVMIntNE, PP(w, a[0]), K(w, 0), "");
    else w->pay[v] = PP(w, a[0]);
    return;
  case IR_tagof: w->pay[v] = TT(w, a[0]); return;
  case IR_istag: w->pay[v] = LLVMBuildICmp(B, LLVMIntEQ, TT(w, a[0]), K(w, (uint64_t)in->aux), ""); return;
  case IR_truthy: {
    /* null: false; bool, int: payload != 0; float: not +-0.0; else true */
    LLVMValueRef t = TT(w, a[0]), p = PP(w, a[0]);
    LLVMValueRef nz = LLVMBuildICmp(B, LLVMIntNE, p, K(w, 0), "");
    LLVMValueRef fnz = LLVMBuildICmp(B, LLVMIntNE, LLVMBuildShl(B, p, K(w, 1), ""), K(w, 0), "");
    LLVMValueRef r = LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntEQ, t, K(w, SC_FLOAT), ""), fnz,
                                     LLVMConstInt(w->i1, 1, false), "");
    r = LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntULE, t, K(w, SC_INT), ""), nz, r, "");
    w->pay[v] = LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntEQ, t, K(w, SC_NULL), ""), LLVMConstInt(w->i1, 0, false),
                                r, "");
    return;
  }
  case IR_iadd: w->pay[v] = LLVMBuildAdd(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_isub: w->pay[v] = LLVMBuildSub(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_imul: w->pay[v] = LLVMBuildMul(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_ineg: w->pay[v] = LLVMBuildSub(B, K(w, 0), PP(w, a[0]), ""); return;
  case IR_iadd_ovf: w->pay[v] = ovf(w, "llvm.sadd.with.overflow", PP(w, a[0]), PP(w, a[1]), in); return;
  case IR_isub_ovf: w->pay[v] = ovf(w, "llvm.ssub.with.overflow", PP(w, a[0]), PP(w, a[1]), in); return;
  case IR_imul_ovf: w->pay[v] = ovf(w, "llvm.smul.with.overflow", PP(w, a[0]), PP(w, a[1]), in); return;
  case IR_ineg_ovf: w->pay[v] = ovf(w, "llvm.ssub.with.overflow", K(w, 0), PP(w, a[0]), in); return;
  case IR_idiv:
  case IR_imod: {
    LLVMValueRef x = PP(w, a[0]), y = PP(w, a[1]);
    LLVMValueRef bad = LLVMBuildICmp(B, LLVMIntEQ, y, K(w, 0), "");
    LLVMValueRef m1 = LLVMBuildICmp(B, LLVMIntEQ, y, K(w, UINT64_MAX), "");
    if (in->op == IR_idiv) {
      LLVMValueRef mn = LLVMBuildICmp(B, LLVMIntEQ, x, K(w, (uint64_t)INT64_MIN), "");
      check(w, in, LLVMBuildNot(B, LLVMBuildOr(B, bad, LLVMBuildAnd(B, mn, m1, ""), ""), ""));
      w->pay[v] = LLVMBuildSDiv(B, x, y, "");
    } else {
      check(w, in, LLVMBuildNot(B, bad, ""));
      /* x % -1 is 0; srem would trap on INT64_MIN */
      LLVMValueRef ys = LLVMBuildSelect(B, m1, K(w, 1), y, "");
      w->pay[v] = LLVMBuildSRem(B, x, ys, "");
    }
    return;
  }
  case IR_iand: w->pay[v] = LLVMBuildAnd(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_ior: w->pay[v] = LLVMBuildOr(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_ixor: w->pay[v] = LLVMBuildXor(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_ishl:
    w->pay[v] = LLVMBuildShl(B, PP(w, a[0]), LLVMBuildAnd(B, PP(w, a[1]), K(w, 63), ""), "");
    return;
  case IR_ishr:
    w->pay[v] = LLVMBuildAShr(B, PP(w, a[0]), LLVMBuildAnd(B, PP(w, a[1]), K(w, 63), ""), "");
    return;
  case IR_inot: w->pay[v] = LLVMBuildNot(B, PP(w, a[0]), ""); return;
  case IR_icmp: w->pay[v] = LLVMBuildICmp(B, ipred(in->aux), PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_fadd: w->pay[v] = LLVMBuildFAdd(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_fsub: w->pay[v] = LLVMBuildFSub(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_fmul: w->pay[v] = LLVMBuildFMul(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_fdiv: w->pay[v] = LLVMBuildFDiv(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_fmod: w->pay[v] = LLVMBuildFRem(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_fneg: w->pay[v] = LLVMBuildFNeg(B, PP(w, a[0]), ""); return;
  case IR_fcmp: w->pay[v] = LLVMBuildFCmp(B, fpred(in->aux), PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_i2f: w->pay[v] = LLVMBuildSIToFP(B, PP(w, a[0]), w->f64, ""); return;
  case IR_f2i: {
    LLVMValueRef x = PP(w, a[0]);
    LLVMValueRef lo = LLVMBuildFCmp(B, LLVMRealOGE, x, LLVMConstReal(w->f64, -0x1p63), "");
    LLVMValueRef hi = LLVMBuildFCmp(B, LLVMRealOLT, x, LLVMConstReal(w->f64, 0x1p63), "");
    check(w, in, LLVMBuildAnd(B, lo, hi, ""));
    w->pay[v] = LLVMBuildFPToSI(B, x, w->i64, "");
    return;
  }
  case IR_bnot: w->pay[v] = LLVMBuildNot(B, PP(w, a[0]), ""); return;
  case IR_guard: {
    check(w, in, PP(w, a[0]));
    if (w->c->vm->stress_p > 0) { /* --deopt-stress: a guard that holds leaves at random too (as MIR's) */
      LLVMValueRef x[1] = {w->vm};
      check(w, in, LLVMBuildICmp(B, LLVMIntEQ, hcall(w, SC_H_stress, x), LLVMConstInt(w->i8, 0, false), ""));
    }
    return;
  }
  case IR_checkkind: {
    LLVMValueRef t, p;
    boxed(w, a[0], &t, &p);
    LLVMValueRef x[5] = {w->vm, w->fp, K32(w, (uint32_t)in->aux), t, p};
    check_b(w, in, hcall(w, SC_H_check_kind, x));
    return;
  }
  case IR_hasshape: {
    if (!in->imm) {
      fail(w, "hasshape without its shape (IR from text)%s", "");
      return;
    }
    LLVMValueRef o = LLVMBuildIntToPtr(B, PP(w, a[0]), w->p8, "");
    w->pay[v] = LLVMBuildICmp(B, LLVMIntEQ, ld(w, o, offsetof(sc_object, shape)), K(w, (uint64_t)in->imm), "");
    return;
  }
  case IR_ldslot:
  case IR_stslot: {
    LLVMValueRef o = LLVMBuildIntToPtr(B, PP(w, a[0]), w->p8, "");
    LLVMValueRef s = ldp(w, o, offsetof(sc_object, slots));
    uint64_t off = (uint64_t)in->aux * sizeof(sc_value);
    if (in->op == IR_ldslot) {
      set_val(w, v, ld(w, s, off), ld(w, s, off + 8));
    } else {
      LLVMValueRef t, p;
      boxed(w, a[1], &t, &p);
      st(w, s, off, t);
      st(w, s, off + 8, p);
    }
    return;
  }
  case IR_elemkind: {
    LLVMValueRef o = LLVMBuildIntToPtr(B, PP(w, a[0]), w->p8, "");
    LLVMValueRef idx = K(w, offsetof(sc_array, kind));
    LLVMValueRef q = LLVMBuildPointerCast(B, LLVMBuildGEP2(B, w->i8, o, &idx, 1, ""), LLVMPointerType(w->i32, 0), "");
    w->pay[v] = LLVMBuildZExt(B, LLVMBuildLoad2(B, w->i32, q, ""), w->i64, "");
    return;
  }
  case IR_arrlen: w->pay[v] = ld(w, LLVMBuildIntToPtr(B, PP(w, a[0]), w->p8, ""), offsetof(sc_array, len)); return;
  case IR_ldelem:
  case IR_stelem: {
    LLVMValueRef o = LLVMBuildIntToPtr(B, PP(w, a[0]), w->p8, "");
    LLVMValueRef d = ldp(w, o, offsetof(sc_array, d));
    uint8_t ety = in->op == IR_ldelem ? in->ty : w->f->ins[a[2]].ty;
    LLVMValueRef off = LLVMBuildMul(B, PP(w, a[1]), K(w, ety == SC_TY_VAL ? 16 : 8), "");
    LLVMValueRef e = LLVMBuildGEP2(B, w->i8, d, &off, 1, "");
    LLVMTypeRef lt = ety == SC_TY_F64 ? w->f64 : w->i64;
    LLVMValueRef ep = LLVMBuildPointerCast(B, e, LLVMPointerType(lt, 0), "");
    if (in->op == IR_ldelem) {
      if (ety == SC_TY_VAL) set_val(w, v, ld(w, e, 0), ld(w, e, 8));
      else w->pay[v] = LLVMBuildLoad2(B, lt, ep, "");
    } else if (ety == SC_TY_VAL) {
      st(w, e, 0, TT(w, a[2]));
      st(w, e, 8, PP(w, a[2]));
    } else {
      LLVMBuildStore(B, PP(w, a[2]), ep);
    }
    return;
  }
  case IR_addslot: {
    /* room in the slots: store, then the new shape; else the runtime grows them */
    const sc_shape *ns = (const sc_shape *)(uintptr_t)in->imm;
    if (!ns || !ns->nfields) {
      fail(w, "addslot without its shape (IR from text)%s", "");
      return;
    }
    uint32_t slot = ns->nfields - 1;
    LLVMValueRef o = LLVMBuildIntToPtr(B, PP(w, a[0]), w->p8, ""), t, p;
    LLVMValueRef idx = K(w, offsetof(sc_object, cap));
    LLVMValueRef cp = LLVMBuildPointerCast(B, LLVMBuildGEP2(B, w->i8, o, &idx, 1, ""), LLVMPointerType(w->i32, 0), "");
    LLVMValueRef room = LLVMBuildICmp(B, LLVMIntUGT, LLVMBuildLoad2(B, w->i32, cp, ""), K32(w, slot), "");
    LLVMBasicBlockRef fast = LLVMAppendBasicBlockInContext(w->C, w->fn, "");
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(w->C, w->fn, "");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(w->C, w->fn, "");
    LLVMBuildCondBr(B, room, fast, slow);
    LLVMPositionBuilderAtEnd(B, fast);
    boxed(w, a[1], &t, &p);
    LLVMValueRef s = ldp(w, o, offsetof(sc_object, slots));
    st(w, s, (uint64_t)slot * sizeof(sc_value), t);
    st(w, s, (uint64_t)slot * sizeof(sc_value) + 8, p);
    st(w, o, offsetof(sc_object, shape), K(w, (uint64_t)(uintptr_t)ns));
    LLVMBuildBr(B, done);
    LLVMPositionBuilderAtEnd(B, slow);
    boxed(w, a[1], &t, &p);
    LLVMValueRef x[4] = {o, ptrk(w, ns), t, p};
    hcall(w, SC_H_add_field, x);
    LLVMBuildBr(B, done);
    LLVMPositionBuilderAtEnd(B, done);
    return;
  }
  case IR_jmp: LLVMBuildBr(B, w->bb[in->succ[0]]); return;
  case IR_br: LLVMBuildCondBr(B, PP(w, a[0]), w->bb[in->succ[0]], w->bb[in->succ[1]]); return;
  case IR_ret: {
    LLVMValueRef t, p, r = ldp(w, w->fp, offsetof(sc_frame, ret));
    boxed(w, a[0], &t, &p);
    st(w, r, 0, t);
    st(w, r, 8, p);
    LLVMBuildRet(B, K32(w, SC_ST_RET));
    return;
  }
  case IR_halt: LLVMBuildRet(B, K32(w, SC_ST_HALT)); return;
  case IR_framecheck: {
    /* frames fp .. fp + n - 1 are the chain's: the callee needs fp + n */
    sc_vm *vm = w->c->vm;
    uint64_t n = sc_fs_frames(w->f, in->fs);
    uintptr_t end = (uintptr_t)(vm->frames + vm->frames_cap) - n * sizeof(sc_frame);
    check(w, in, LLVMBuildICmp(B, LLVMIntULT, LLVMBuildPtrToInt(B, w->fp, w->i64, ""), K(w, end), ""));
    return;
  }
  case IR_deopt: LLVMBuildBr(B, exit_block(w, in)); return;
  default: lower_generic(w, v, in); return;
  }
}

static LLVMTypeRef llty(lw *w, uint8_t ty) {
  switch (ty) {
  case SC_TY_F64: return w->f64;
  case SC_TY_BOOL: return w->i1;
  default: return w->i64;
  }
}

/* Scratch room: the most values any helper call or exit needs at once. */
static uint32_t scratch_need(sc_irfunc *f) {
  uint32_t n = 1;
  for (uint32_t i = 1; i < f->nins; i++)
    if (!f->ins[i].dead && f->ins[i].nargs > n) n = f->ins[i].nargs;
  return n; /* exits have buffers of their own */
}

static sc_native_fn compile(void *ctx, sc_irfunc *f, FILE *dump, void **handle, char *err, size_t errlen) {
  llctx *c = ctx;
  *handle = NULL;
  LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
  lw W = {.c = c, .f = f, .err = err, .errlen = errlen}, *w = &W;
  w->C = LLVMOrcThreadSafeContextGetContext(tsc);
  char name[128];
  snprintf(name, sizeof name, "%s.%u", f->name, c->serial++);
  w->M = LLVMModuleCreateWithNameInContext(name, w->C);
  LLVMSetDataLayout(w->M, LLVMOrcLLJITGetDataLayoutStr(c->jit));
  LLVMSetTarget(w->M, LLVMOrcLLJITGetTripleString(c->jit));
  w->B = LLVMCreateBuilderInContext(w->C);
  w->i1 = LLVMInt1TypeInContext(w->C);
  w->i8 = LLVMInt8TypeInContext(w->C);
  w->i32 = LLVMInt32TypeInContext(w->C);
  w->i64 = LLVMInt64TypeInContext(w->C);
  w->f64 = LLVMDoubleTypeInContext(w->C);
  w->p8 = LLVMPointerType(w->i8, 0);
  w->p64 = LLVMPointerType(w->i64, 0);
  declare_helpers(w);
  LLVMTypeRef ps[2] = {w->p8, w->p8};
  w->fn = LLVMAddFunction(w->M, name, LLVMFunctionType(w->i32, ps, 2, false));
  w->vm = LLVMGetParam(w->fn, 0);
  w->fp = LLVMGetParam(w->fn, 1);
  sc_ir_dom(f);
  sc_arena *A = f->arena;
  w->bb = sc_arena_alloc(A, f->nblk * sizeof *w->bb);
  w->tailbb = sc_arena_alloc(A, f->nblk * sizeof *w->tailbb);
  w->exits = sc_arena_alloc(A, (f->nfs ? f->nfs : 1) * SC_NREASONS * sizeof *w->exits);
  w->tag = sc_arena_alloc(A, f->nins * sizeof *w->tag);
  w->pay = sc_arena_alloc(A, f->nins * sizeof *w->pay);

  LLVMBasicBlockRef entry = w->entry = LLVMAppendBasicBlockInContext(w->C, w->fn, "entry");
  {
    const char *ln[2] = {"llvm.lifetime.start", "llvm.lifetime.end"};
    LLVMTypeRef lp[2] = {w->i64, w->p8};
    w->lifety = LLVMFunctionType(LLVMVoidTypeInContext(w->C), lp, 2, false);
    for (int i = 0; i < 2; i++)
      w->life[i] = LLVMGetIntrinsicDeclaration(w->M, LLVMLookupIntrinsicID(ln[i], strlen(ln[i])), &w->p8, 1);
  }
  for (uint32_t k = 0; k < f->nrpo; k++) {
    char bn[16];
    snprintf(bn, sizeof bn, "b%u", f->rpo[k]);
    w->bb[f->rpo[k]] = LLVMAppendBasicBlockInContext(w->C, w->fn, bn);
  }
  LLVMPositionBuilderAtEnd(w->B, entry);
  LLVMTypeRef sv = LLVMArrayType(w->i64, 2 * scratch_need(f));
  w->buf = LLVMBuildPointerCast(w->B, LLVMBuildAlloca(w->B, sv, "buf"), w->p8, "");
  w->out = LLVMBuildPointerCast(w->B, LLVMBuildAlloca(w->B, LLVMArrayType(w->i64, 2), "out"), w->p8, "");
  LLVMBuildBr(w->B, w->bb[0]);

  /* Blocks in reverse post-order: definitions before uses, except phi
   * operands, filled in afterwards. */
  for (uint32_t k = 0; k < f->nrpo && !w->failed; k++) {
    uint32_t b = f->rpo[k];
    LLVMPositionBuilderAtEnd(w->B, w->bb[b]);
    const sc_blk *bl = &f->blk[b];
    for (uint32_t i = 0; i < bl->nins; i++) {
      uint32_t v = bl->ins[i];
      const sc_ins *in = &f->ins[v];
      if (in->op != IR_phi) continue;
      w->pay[v] = LLVMBuildPhi(w->B, llty(w, in->ty), "");
      if (in->ty == SC_TY_VAL) w->tag[v] = LLVMBuildPhi(w->B, w->i64, "");
    }
    for (uint32_t i = 0; i < bl->nins && !w->failed; i++) lower_ins(w, bl->ins[i]);
    /* phi operands flow from where the block's lowering ended */
    w->tailbb[b] = LLVMGetInsertBlock(w->B);
  }
  if (!w->failed) {
    for (uint32_t k = 0; k < f->nrpo; k++) {
      uint32_t b = f->rpo[k];
      const sc_blk *bl = &f->blk[b];
      for (uint32_t i = 0; i < bl->nins; i++) {
        uint32_t v = bl->ins[i];
        const sc_ins *in = &f->ins[v];
        if (in->op != IR_phi) continue;
        for (uint32_t p = 0; p < bl->npreds; p++) {
          uint32_t pb = bl->preds[p];
          if (f->rpo_index[pb] == UINT32_MAX) continue;
          LLVMBasicBlockRef from = w->tailbb[pb];
          LLVMValueRef pv = w->pay[in->args[p]];
          LLVMAddIncoming(w->pay[v], &pv, &from, 1);
          if (in->ty == SC_TY_VAL) {
            LLVMValueRef tv = w->tag[in->args[p]];
            LLVMAddIncoming(w->tag[v], &tv, &from, 1);
          }
        }
      }
    }
  }
  LLVMDisposeBuilder(w->B);
  char *msg = NULL;
  if (!w->failed && LLVMVerifyModule(w->M, LLVMReturnStatusAction, &msg)) {
    snprintf(err, errlen, "LLVM rejected the lowered code: %s", msg);
    w->failed = true;
  }
  LLVMDisposeMessage(msg);
  if (!w->failed) {
    LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
    LLVMErrorRef e = LLVMRunPasses(w->M, getenv("SC_LLVM_PASSES") ? getenv("SC_LLVM_PASSES") : "default<O2>", c->tm, po);
    LLVMDisposePassBuilderOptions(po);
    if (e) w->failed = !fail_err(e, err, errlen);
  }
  if (w->failed) {
    LLVMDisposeModule(w->M);
    LLVMOrcDisposeThreadSafeContext(tsc);
    return NULL;
  }
  if (dump) {
    char *text = LLVMPrintModuleToString(w->M);
    fputs(text, dump);
    LLVMDisposeMessage(text);
  }
  LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(w->M, tsc);
  LLVMOrcDisposeThreadSafeContext(tsc); /* the module keeps it alive */
  LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(LLVMOrcLLJITGetMainJITDylib(c->jit));
  LLVMErrorRef e = LLVMOrcLLJITAddLLVMIRModuleWithRT(c->jit, rt, tsm);
  if (e) {
    LLVMOrcDisposeThreadSafeModule(tsm);
    LLVMOrcReleaseResourceTracker(rt);
    fail_err(e, err, errlen);
    return NULL;
  }
  LLVMOrcJITTargetAddress addr = 0;
  e = LLVMOrcLLJITLookup(c->jit, &addr, name);
  if (e) {
    fail_err(e, err, errlen);
    if ((e = LLVMOrcResourceTrackerRemove(rt))) LLVMConsumeError(e);
    LLVMOrcReleaseResourceTracker(rt);
    return NULL;
  }
  if (c->nlive == c->clive) {
    uint32_t nc = c->clive ? 2 * c->clive : 16;
    LLVMOrcResourceTrackerRef *nl = realloc(c->live, nc * sizeof *nl);
    if (!nl) {
      snprintf(err, errlen, "out of memory");
      if ((e = LLVMOrcResourceTrackerRemove(rt))) LLVMConsumeError(e);
      LLVMOrcReleaseResourceTracker(rt);
      return NULL;
    }
    c->live = nl;
    c->clive = nc;
  }
  c->live[c->nlive++] = rt;
  c->st.compiled++;
  if (++c->st.units > c->st.units_max) c->st.units_max = c->st.units;
  *handle = rt;
  return (sc_native_fn)(uintptr_t)addr;
}

const sc_backend_impl sc_backend_llvm = {"llvm", create, compile, release, stats, destroy};
