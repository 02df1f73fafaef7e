/* LLVM backend: SSA maps onto LLVM IR directly (a val is two i64 values),
 * the new pass manager's O2 pipeline optimizes it, ORC LLJIT compiles it.
 * One LLJIT per context (per compiling thread); each function is its own
 * module in its own thread-safe context, added under its own resource
 * tracker (the code's handle: removing it frees the code). Helpers are
 * absolute symbols in the JIT's main dylib, so dumps read
 * `call @sc_jh_binary(...)`. Built into the LLVM module (llvm_module.h),
 * which libshapec opens on first use; what it calls in libshapec comes
 * in the context's host table. */
#include "config.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Object.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "backend/llvm_module.h"


typedef struct llctx {
  const sc_llvm_host *h; /* what it calls in libshapec */
  sc_vm *vm;
  LLVMOrcLLJITRef jit;
  LLVMTargetMachineRef tm;
  sc_backend_stats st;
  unsigned serial; /* unique symbol names */
  /* the resource trackers of code not released yet: destroy releases them */
  LLVMOrcResourceTrackerRef *live;
  uint32_t nlive, clive;
  /* a length asked for (--emit=asm): the function's symbol in the object
   * file the JIT links, and its size there (0: not seen) */
  const char *len_of;
  uint64_t len;
} llctx;

/* Every object file on its way to the JIT's linker: the size of the symbol
 * asked for, as its symbol table says (the function's instructions; its
 * constants live in sections of their own). */
static LLVMErrorRef object_seen(void *ctx, LLVMMemoryBufferRef *obj) {
  llctx *c = ctx;
  if (!c->len_of) return NULL;
  char *msg = NULL;
  LLVMBinaryRef bin = LLVMCreateBinary(*obj, NULL, &msg);
  LLVMDisposeMessage(msg);
  if (!bin) return NULL; /* the length stays unknown: compile says so */
  char prefix = LLVMOrcLLJITGetGlobalPrefix(c->jit);
  LLVMSymbolIteratorRef si = LLVMObjectFileCopySymbolIterator(bin);
  for (; si && !LLVMObjectFileIsSymbolIteratorAtEnd(bin, si); LLVMMoveToNextSymbol(si)) {
    const char *n = LLVMGetSymbolName(si);
    if (n && prefix && *n == prefix) n++;
    if (n && !strcmp(n, c->len_of)) c->len = LLVMGetSymbolSize(si);
  }
  if (si) LLVMDisposeSymbolIterator(si);
  LLVMDisposeBinary(bin);
  return NULL;
}

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
static const char *helper_symbol(const llctx *c, char *buf, size_t n, int h) {
  snprintf(buf, n, "sc_jh_%s", c->h->helpers[h].name);
  return buf;
}

static void *create(const sc_llvm_host *h, sc_vm *vm, const sc_abi *abi, char *err, size_t errlen) {
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
  llctx *c = calloc(1, sizeof *c);
  c->h = h;
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
    syms[i].Name = LLVMOrcLLJITMangleAndIntern(c->jit, helper_symbol(c, name, sizeof name, i));
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
  LLVMOrcObjectTransformLayerSetTransform(LLVMOrcLLJITGetObjTransformLayer(c->jit), object_seen, c);
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
  LLVMValueRef *tag, *pay;  /* per value: a val's tag and payload; others in pay */
  LLVMValueRef out;         /* the out slot in the native frame */
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
    const char *s = w->c->h->helpers[i].sig;
    LLVMTypeRef ps[12];
    unsigned n = (unsigned)strlen(s) - 1;
    for (unsigned k = 0; k < n; k++) ps[k] = sigty(w, s[k + 1]);
    w->hty[i] = LLVMFunctionType(sigty(w, s[0]), ps, n, false);
    char name[48];
    w->hfn[i] = LLVMAddFunction(w->M, helper_symbol(w->c, name, sizeof name, i), w->hty[i]);
  }
}

static LLVMValueRef hcall(lw *w, int h, LLVMValueRef *args) {
  unsigned n = (unsigned)strlen(w->c->h->helpers[h].sig) - 1;
  return LLVMBuildCall2(w->B, w->hty[h], w->hfn[h], args, n, "");
}

/* Address `off` bytes into p (an i8*), as a pointer to t. */
static LLVMValueRef addr(lw *w, LLVMValueRef p, int32_t off, LLVMTypeRef t) {
  LLVMValueRef idx = K(w, (uint64_t)off);
  LLVMValueRef q = off ? LLVMBuildGEP2(w->B, w->i8, p, &idx, 1, "") : p;
  return LLVMBuildPointerCast(w->B, q, LLVMPointerType(t, 0), "");
}
static LLVMValueRef ptrk(lw *w, const void *p) {
  return LLVMConstIntToPtr(K(w, (uint64_t)(uintptr_t)p), w->p8);
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

/* llvm.lifetime.start (end: 1) of argument buffer v. */
static void life(lw *w, int end, uint32_t v) {
  LLVMValueRef a[2] = {K(w, (uint64_t)(w->f->ins[v].aux > 0 ? w->f->ins[v].aux : 1)), w->pay[v]};
  LLVMBuildCall2(w->B, w->lifety, w->life[end], a, 2, "");
}

static void set_val(lw *w, uint32_t v, LLVMValueRef t, LLVMValueRef p) {
  w->tag[v] = t;
  w->pay[v] = p;
}

static LLVMValueRef TT(lw *w, uint32_t v) { return w->tag[v]; }
static LLVMValueRef PP(lw *w, uint32_t v) { return w->pay[v]; }

/* x op y wrapping (pay) and whether it overflowed (tag, an i1 the ovf
 * after it reads). */
static void ovf(lw *w, uint32_t v, const char *name, LLVMValueRef a, LLVMValueRef b) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  LLVMTypeRef ty = w->i64;
  LLVMValueRef fnv = LLVMGetIntrinsicDeclaration(w->M, id, &ty, 1);
  LLVMTypeRef ps[2] = {w->i64, w->i64}, rs[2] = {w->i64, w->i1};
  LLVMTypeRef fty = LLVMFunctionType(LLVMStructTypeInContext(w->C, rs, 2, false), ps, 2, false);
  LLVMValueRef args[2] = {a, b};
  LLVMValueRef r = LLVMBuildCall2(w->B, fty, fnv, args, 2, "");
  w->pay[v] = LLVMBuildExtractValue(w->B, r, 0, "");
  w->tag[v] = LLVMBuildExtractValue(w->B, r, 1, "");
}

static LLVMIntPredicate ipred(int c) {
  static const LLVMIntPredicate p[] = {LLVMIntEQ,  LLVMIntNE,  LLVMIntSLT, LLVMIntSLE, LLVMIntSGT,
                                        LLVMIntSGE, LLVMIntULT, LLVMIntULE, LLVMIntUGT, LLVMIntUGE};
  return p[c];
}
static LLVMRealPredicate fpred(int c) {
  static const LLVMRealPredicate p[] = {LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
                                        LLVMRealOLE, LLVMRealOGT, LLVMRealOGE};
  return p[c];
}

/* A typed entry's arguments and result travel as i64 bits. */
static LLVMValueRef to_bits(lw *w, uint32_t x) {
  switch (w->f->ins[x].ty) {
  case SC_TY_F64: return LLVMBuildBitCast(w->B, PP(w, x), w->i64, "");
  case SC_TY_BOOL: return LLVMBuildZExt(w->B, PP(w, x), w->i64, "");
  default: return PP(w, x);
  }
}
static LLVMValueRef from_bits(lw *w, LLVMValueRef b, sc_ty ty) {
  switch (ty) {
  case SC_TY_F64: return LLVMBuildBitCast(w->B, b, w->f64, "");
  case SC_TY_BOOL: return LLVMBuildICmp(w->B, LLVMIntNE, b, K(w, 0), "");
  default: return b;
  }
}

static void lower_ins(lw *w, uint32_t v) {
  const sc_ins *in = &w->f->ins[v];
  const uint32_t *a = in->args;
  LLVMBuilderRef B = w->B;
  if (sc_lir_is_addr(in->op)) { /* addresses in the VM, which never move while it lives */
    w->pay[v] = ptrk(w, w->c->h->lir_addr(w->c->vm, in));
    return;
  }
  switch (in->op) {
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
  case IR_iaddo: ovf(w, v, "llvm.sadd.with.overflow", PP(w, a[0]), PP(w, a[1])); return;
  case IR_isubo: ovf(w, v, "llvm.ssub.with.overflow", PP(w, a[0]), PP(w, a[1])); return;
  case IR_imulo: ovf(w, v, "llvm.smul.with.overflow", PP(w, a[0]), PP(w, a[1])); return;
  case IR_ovf: w->pay[v] = TT(w, a[0]); return;
  case IR_sdiv: w->pay[v] = LLVMBuildSDiv(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_srem_nz: w->pay[v] = LLVMBuildSRem(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_udiv32: case IR_urem32: {
    LLVMValueRef x = LLVMBuildTrunc(B, PP(w, a[0]), w->i32, ""), y = LLVMBuildTrunc(B, PP(w, a[1]), w->i32, "");
    x = in->op == IR_udiv32 ? LLVMBuildUDiv(B, x, y, "") : LLVMBuildURem(B, x, y, "");
    w->pay[v] = LLVMBuildZExt(B, x, w->i64, "");
    return;
  }
  case IR_srem: { /* x % -1 is 0; srem would trap on INT64_MIN */
    LLVMValueRef y = PP(w, a[1]), m1 = LLVMBuildICmp(B, LLVMIntEQ, y, K(w, UINT64_MAX), "");
    w->pay[v] = LLVMBuildSRem(B, PP(w, a[0]), LLVMBuildSelect(B, m1, K(w, 1), y, ""), "");
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
  case IR_fneg: w->pay[v] = LLVMBuildFNeg(B, PP(w, a[0]), ""); return;
  case IR_fcmp: w->pay[v] = LLVMBuildFCmp(B, fpred(in->aux), PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_i2f: w->pay[v] = LLVMBuildSIToFP(B, PP(w, a[0]), w->f64, ""); return;
  case IR_d2i: w->pay[v] = LLVMBuildFPToSI(B, PP(w, a[0]), w->i64, ""); return;
  case IR_bnot: w->pay[v] = LLVMBuildNot(B, PP(w, a[0]), ""); return;
  case IR_callh: {
    const char *s = w->c->h->helpers[in->aux].sig;
    LLVMValueRef x[12];
    for (uint32_t k = 0; k < in->nargs && k < 12; k++)
      x[k] = s[k + 1] == 'w' ? LLVMBuildTrunc(B, PP(w, a[k]), w->i32, "") : PP(w, a[k]);
    LLVMValueRef r = hcall(w, in->aux, x);
    if (s[0] == 'b') r = LLVMBuildICmp(B, LLVMIntNE, r, LLVMConstInt(w->i8, 0, false), "");
    else if (s[0] == 'w') r = LLVMBuildSExt(B, r, w->i64, "");
    w->pay[v] = r;
    return;
  }
  case IR_retst: LLVMBuildRet(B, LLVMBuildTrunc(B, PP(w, a[0]), w->i32, "")); return;
  case IR_vm: w->pay[v] = w->vm; return;
  case IR_outslot: w->pay[v] = w->out; return;
  case IR_argbuf: {
    /* its own slot, live in its block: one buffer shared by a large
     * function's hundreds of exits would have thousands of users, which
     * makes InstCombine quadratic; the lifetime markers let stack colouring
     * give them all one slot */
    LLVMBasicBlockRef here = LLVMGetInsertBlock(B);
    LLVMPositionBuilderBefore(B, LLVMGetBasicBlockTerminator(w->entry));
    /* i64s: helpers read sc_values there, 8-byte aligned */
    LLVMValueRef buf = LLVMBuildAlloca(B, LLVMArrayType(w->i64, (unsigned)(in->aux > 8 ? (in->aux + 7) / 8 : 1)), "buf");
    LLVMPositionBuilderAtEnd(B, here);
    w->pay[v] = LLVMBuildPointerCast(B, buf, w->p8, "");
    life(w, 0, v);
    return;
  }
  case IR_frame: w->pay[v] = w->fp; return;
  case IR_vpay: w->pay[v] = PP(w, a[0]); return;
  case IR_i2p: w->pay[v] = LLVMBuildIntToPtr(B, PP(w, a[0]), w->p8, ""); return;
  case IR_mkval: set_val(w, v, PP(w, a[0]), PP(w, a[1])); return;
  case IR_p2i: w->pay[v] = LLVMBuildPtrToInt(B, PP(w, a[0]), w->i64, ""); return;
  case IR_band: w->pay[v] = LLVMBuildAnd(B, PP(w, a[0]), PP(w, a[1]), ""); return;
  case IR_retv: LLVMBuildRet(B, to_bits(w, a[0])); return;
  case IR_param: { /* a typed entry's argument: the typed parameters in order after (vm, frame) */
    unsigned j = 2;
    for (int64_t k = 0; k < in->imm; k++) j += sc_entry_param(w->f->esig, (uint32_t)k) != SC_TY_VAL;
    w->pay[v] = from_bits(w, LLVMGetParam(w->fn, j), (sc_ty)in->ty);
    return;
  }
  case IR_callt: {
    LLVMTypeRef ps[2 + SC_ENTRY_MAXARGS];
    LLVMValueRef x[2 + SC_ENTRY_MAXARGS];
    uint32_t n = in->nargs - 1;
    for (uint32_t k = 0; k < n; k++) {
      ps[k] = k < 2 ? w->p8 : w->i64;
      x[k] = k < 2 ? PP(w, a[1 + k]) : to_bits(w, a[1 + k]);
    }
    LLVMTypeRef fty = LLVMFunctionType(w->i64, ps, n, false);
    LLVMValueRef fn = LLVMBuildPointerCast(B, PP(w, a[0]), LLVMPointerType(fty, 0), "");
    w->pay[v] = from_bits(w, LLVMBuildCall2(B, fty, fn, x, n, ""), (sc_ty)in->ty);
    return;
  }
  case IR_calln: {
    LLVMTypeRef ps[2] = {w->p8, w->p8};
    LLVMTypeRef fty = LLVMFunctionType(w->i32, ps, 2, false);
    LLVMValueRef x[2] = {PP(w, a[1]), PP(w, a[2])};
    LLVMValueRef fn = LLVMBuildPointerCast(B, PP(w, a[0]), LLVMPointerType(fty, 0), "");
    w->pay[v] = LLVMBuildSExt(B, LLVMBuildCall2(B, fty, fn, x, 2, ""), w->i64, "");
    return;
  }
  case IR_shapek:
    if (!in->imm) {
      fail(w, "shapek without its shape (IR from text)%s", "");
      return;
    }
    w->pay[v] = K(w, (uint64_t)in->imm);
    return;
  case IR_padd: {
    LLVMValueRef off = LLVMBuildShl(B, PP(w, a[1]), K(w, (uint64_t)in->aux), "");
    w->pay[v] = LLVMBuildGEP2(B, w->i8, PP(w, a[0]), &off, 1, "");
    return;
  }
  case IR_ld:
  case IR_ld32: {
    bool byte = in->op == IR_ld && in->ty == SC_TY_BOOL; /* a bool is a byte, 0 or 1 */
    LLVMTypeRef t = in->op == IR_ld32 ? w->i32 : byte ? w->i8 : in->ty == SC_TY_F64 ? w->f64 : w->i64;
    LLVMValueRef x = LLVMBuildLoad2(B, t, addr(w, PP(w, a[0]), in->aux, t), "");
    if (in->op == IR_ld32) x = LLVMBuildZExt(B, x, w->i64, "");
    else if (byte) x = LLVMBuildICmp(B, LLVMIntNE, x, LLVMConstInt(w->i8, 0, false), "");
    else if (in->ty == SC_TY_PTR) x = LLVMBuildIntToPtr(B, x, w->p8, "");
    w->pay[v] = x;
    return;
  }
  case IR_st: {
    LLVMValueRef x = PP(w, a[1]);
    if (w->f->ins[a[1]].ty == SC_TY_PTR) x = LLVMBuildPtrToInt(B, x, w->i64, "");
    else if (w->f->ins[a[1]].ty == SC_TY_BOOL) x = LLVMBuildZExt(B, x, w->i8, "");
    LLVMBuildStore(B, x, addr(w, PP(w, a[0]), in->aux, LLVMTypeOf(x)));
    return;
  }
  case IR_jmp: LLVMBuildBr(B, w->bb[in->succ[0]]); return;
  case IR_br: LLVMBuildCondBr(B, PP(w, a[0]), w->bb[in->succ[0]], w->bb[in->succ[1]]); return;
  default: fail(w, "%s is not LIR (run pass lower first)", w->c->h->irop_name(in->op)); return;
  }
}

static LLVMTypeRef llty(lw *w, uint8_t ty) {
  switch (ty) {
  case SC_TY_F64: return w->f64;
  case SC_TY_BOOL: return w->i1;
  case SC_TY_PTR: return w->p8;
  default: return w->i64;
  }
}

static sc_native_fn compile(void *ctx, sc_irfunc *f, FILE *dump, size_t *len, void **handle, char *err,
                            size_t errlen) {
  llctx *c = ctx;
  *handle = NULL;
  if (!f->rpo) c->h->ir_dom(f);
  if (!c->h->lir_check(f, err, errlen)) return NULL;
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
  /* int fn(vm, frame); a typed entry: int64_t fn(vm, frame, typed arguments) */
  LLVMTypeRef ps[2 + SC_ENTRY_MAXPARAMS] = {w->p8, w->p8};
  unsigned np = 2;
  for (uint32_t k = 0; f->esig && k < sc_entry_nparams(f->esig); k++)
    if (sc_entry_param(f->esig, k) != SC_TY_VAL) ps[np++] = w->i64;
  w->fn = LLVMAddFunction(w->M, name, LLVMFunctionType(f->esig ? w->i64 : w->i32, ps, np, false));
  w->vm = LLVMGetParam(w->fn, 0);
  w->fp = LLVMGetParam(w->fn, 1);
  c->h->ir_dom(f);
  sc_arena *A = f->arena;
  w->bb = c->h->arena_alloc(A, f->nblk * sizeof *w->bb);
  w->tailbb = c->h->arena_alloc(A, f->nblk * sizeof *w->tailbb);
  w->tag = c->h->arena_alloc(A, f->nins * sizeof *w->tag);
  w->pay = c->h->arena_alloc(A, f->nins * sizeof *w->pay);

  LLVMBasicBlockRef entry = w->entry = LLVMAppendBasicBlockInContext(w->C, w->fn, "entry");
  {
    const char *ln[2] = {"llvm.lifetime.start", "llvm.lifetime.end"};
    LLVMTypeRef lp[2] = {w->i64, w->p8};
    w->lifety = LLVMFunctionType(LLVMVoidTypeInContext(w->C), lp, 2, false);
    for (int i = 0; i < 2; i++)
      w->life[i] = LLVMGetIntrinsicDeclaration(w->M, LLVMLookupIntrinsicID(ln[i], strlen(ln[i])), &w->p8, 1);
  }
  for (int cold = 0; cold < 2; cold++) /* cold blocks last */
    for (uint32_t k = 0; k < f->nrpo; k++) {
      if (f->blk[f->rpo[k]].cold != cold) continue;
      char bn[16];
      snprintf(bn, sizeof bn, "b%u", f->rpo[k]);
      w->bb[f->rpo[k]] = LLVMAppendBasicBlockInContext(w->C, w->fn, bn);
    }
  LLVMPositionBuilderAtEnd(w->B, entry);
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
    for (uint32_t i = 0; i < bl->nins && !w->failed; i++) {
      if (i + 1 == bl->nins) /* argument buffers end with their block */
        for (uint32_t j = 0; j < bl->nins; j++)
          if (f->ins[bl->ins[j]].op == IR_argbuf) life(w, 1, bl->ins[j]);
      lower_ins(w, bl->ins[i]);
    }
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
    /* Our passes already did what O2's loop and scalar passes would (licm,
     * gvn, sccp, range, strength reduction): LLVM cleans up what lowering
     * leaves (address arithmetic, tag tests, branches). default<O2> took
     * about twice as long for no faster code (bench/run over the suite). */
    const char *passes = getenv("SC_LLVM_PASSES");
    if (!passes) passes = "function(early-cse,instcombine,simplifycfg)";
    LLVMErrorRef e = LLVMRunPasses(w->M, passes, c->tm, po);
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
  c->len_of = len ? name : NULL; /* the lookup links the object */
  c->len = 0;
  e = LLVMOrcLLJITLookup(c->jit, &addr, name);
  c->len_of = NULL;
  if (!e && len && !(*len = (size_t)c->len)) {
    snprintf(err, errlen, "LLVM's object file gives no size for %s", name);
    if ((e = LLVMOrcResourceTrackerRemove(rt))) LLVMConsumeError(e);
    LLVMOrcReleaseResourceTracker(rt);
    return NULL;
  }
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

static const sc_llvm_module module = {create, compile, release, stats, destroy, sc_llvm_disasm};

/* The module's one exported symbol (llvm_module.h). */
__attribute__((visibility("default"))) sc_llvm_module_entry_fn sc_llvm_module_entry;
const sc_llvm_module *sc_llvm_module_entry(const sc_llvm_host *h, char *err, size_t errlen) {
  if (h->version != SC_LLVM_MODULE_VERSION || h->nhelpers != SC_NHELPERS || h->nops != IR_NOPS ||
      h->ins_size != sizeof(sc_ins) || h->irfunc_size != sizeof(sc_irfunc) || h->abi_size != sizeof(sc_abi)) {
    snprintf(err, errlen, "the module was built for another version of shapec");
    return NULL;
  }
  return &module;
}
