/* The Tier-2 compiler's library entry (shapec/compiler.h): checks a
 * request, runs the pipeline and the backend, and describes the code's
 * deopt points, guards, OSR entry and assumptions. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jit/driver.h"
#include "jit/tier.h"
#include "shapec/compiler.h"

struct sc_compiler {
  const sc_backend_impl *be;
  void *ctx;
  sc_vm *vm;
};

sc_compiler *sc_compiler_new(sc_vm *vm, const char *backend, char *err, size_t errlen) {
  char ignored[256];
  if (!err || !errlen) err = ignored, errlen = sizeof ignored;
  if (!vm) {
    snprintf(err, errlen, "no VM");
    return NULL;
  }
  const sc_backend_impl *be = sc_backend_find(backend, err, errlen);
  if (!be) return NULL;
  void *ctx = sc_jit_backend_create(be, vm, err, errlen);
  if (!ctx) return NULL;
  sc_compiler *c = calloc(1, sizeof *c);
  c->be = be;
  c->ctx = ctx;
  c->vm = vm;
  sc_jit_prepare_vm(vm);
  return c;
}

void sc_compiler_free(sc_compiler *c) {
  if (!c) return;
  sc_jit_backend_destroy(c->be, c->ctx);
  free(c);
}

void sc_compile_result_free(sc_compile_result *res) {
  if (!res) return;
  free(res->osr_live);
  free(res->osr_exits);
  free(res->deopts);
  free(res->guards);
  free(res->deps);
  res->osr_live = res->osr_exits = NULL;
  res->deopts = NULL;
  res->guards = NULL;
  res->deps = NULL;
  res->nosr_live = res->nosr_exits = res->ndeopts = res->nguards = res->ndeps = 0;
}

static int bad(sc_compile_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(sc_compile_result *res, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(res->error, sizeof res->error, fmt, ap);
  va_end(ap);
  return res->status = SC_COMPILE_BAD_REQUEST;
}

/* The shapes the VM's runtime made: feedback may only name those. */
typedef struct shapeset {
  const sc_shape **v;
  uint32_t n, cap;
} shapeset;

static int cmp_ptr(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)*(const sc_shape *const *)a, y = (uintptr_t)*(const sc_shape *const *)b;
  return (x > y) - (x < y);
}

static void collect_shapes(shapeset *s, const sc_shape *root) {
  uint32_t top = 0, cap = 64;
  const sc_shape **stack = malloc(cap * sizeof *stack);
  stack[top++] = root;
  while (top) {
    const sc_shape *sh = stack[--top];
    if (s->n == s->cap) {
      s->cap = s->cap ? 2 * s->cap : 64;
      s->v = realloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = sh;
    for (uint32_t k = 0; k < sh->ntrans; k++) {
      if (top == cap) stack = realloc(stack, (cap *= 2) * sizeof *stack);
      stack[top++] = sh->trans[k];
    }
  }
  free(stack);
  qsort(s->v, s->n, sizeof *s->v, cmp_ptr);
}

static const sc_shape *known_shape(const shapeset *s, uint64_t e) {
  const sc_shape *p = (const sc_shape *)(uintptr_t)e;
  const sc_shape **hit = bsearch(&p, s->v, s->n, sizeof *s->v, cmp_ptr);
  return hit ? *hit : NULL;
}

/* Does a slot's state agree with its number of entries? */
static bool slot_consistent(const sc_fb_slot *s) {
  return s->state <= SC_FB_MEGA && s->n <= SC_FB_MAX && (s->state == SC_FB_UNINIT) == (s->n == 0) &&
         !(s->state == SC_FB_MONO && s->n != 1) && !(s->state == SC_FB_POLY && s->n < 2);
}

/* Feedback the pipeline may trust not to crash it: states and counts
 * consistent, every entry of the kind its instruction records. */
static bool check_feedback(sc_vm *vm, const sc_func *fn, const sc_profile *p, sc_compile_result *res) {
  if (fn->nfeedback && !p->slots) return bad(res, "feedback: no slots for %u sites", fn->nfeedback), false;
  shapeset shapes = {0};
  bool ok = true;
  for (uint32_t pc = 0; pc < fn->ncode && ok; pc++) {
    const sc_insn *in = &fn->code[pc];
    if (in->fb < 0) continue;
    if ((uint32_t)in->fb >= fn->nfeedback) {
      ok = bad(res, "function %s: instruction %u has feedback slot %d of %u", fn->name, pc, in->fb,
               fn->nfeedback) == 0;
      break;
    }
    const sc_fb_slot *s = &p->slots[in->fb];
    bool shape_ok = true;
    if (!slot_consistent(s)) {
      ok = bad(res, "function %s: feedback slot %d (pc %u): state %u with %u entries", fn->name, in->fb, pc,
               s->state, s->n) == 0;
      break;
    }
    if (s->flags >> SC_FB_NFLAGS) {
      ok = bad(res, "function %s: feedback slot %d (pc %u): unknown flags 0x%x", fn->name, in->fb, pc,
               s->flags) == 0;
      break;
    }
    for (uint32_t k = 0; k < s->n && ok; k++) {
      uint64_t e = s->e[k];
      switch ((sc_op)in->op) {
      case SC_OP_GetProp: case SC_OP_SetProp: {
        if (!e) break; /* not an object */
        if (!shapes.n) collect_shapes(&shapes, vm->rt.root_shape);
        const sc_shape *sh = known_shape(&shapes, e);
        uint32_t slot = s->aux[k] & ~SC_FB_ADDS_FIELD;
        shape_ok = sh && (s->aux[k] & SC_FB_ADDS_FIELD ? slot == sh->nfields : slot < sh->nfields);
        if (!shape_ok) ok = bad(res, "feedback slot %d (pc %u): entry %u is not a shape of this VM with that slot",
                                in->fb, pc, k) == 0;
        break;
      }
      case SC_OP_CallValue:
        if (!(e < vm->prog->nfuncs || (e >> 40 == 1 && (e & 0xff) < SC_NTAGS)))
          ok = bad(res, "feedback slot %d (pc %u): entry %u is no function index", in->fb, pc, k) == 0;
        break;
      case SC_OP_GetIndex: case SC_OP_SetIndex: case SC_OP_ArrayPush:
        if (!(e < SC_NELEMS || (e >> 8 == 1 && (e & 0xff) < SC_NTAGS)))
          ok = bad(res, "feedback slot %d (pc %u): entry %u is no elements kind", in->fb, pc, k) == 0;
        break;
      default:
        if (!(e < 256 && (e >> 4) < SC_NTAGS && (e & 15) < SC_NTAGS))
          ok = bad(res, "feedback slot %d (pc %u): entry %u is no pair of tags", in->fb, pc, k) == 0;
        break;
      }
    }
  }
  free(shapes.v);
  const sc_fb_slot *r = &p->ret; /* return type feedback: tags */
  if (ok && !slot_consistent(r))
    ok = bad(res, "function %s: return feedback: state %u with %u entries", fn->name, r->state, r->n) == 0;
  for (uint32_t k = 0; ok && k < r->n; k++)
    if (r->e[k] >= SC_NTAGS) ok = bad(res, "function %s: return feedback: entry %u is no tag", fn->name, k) == 0;
  return ok;
}

/* Globals the globals pass may fold: a value of a known tag, a function
 * value naming a function. Heap values are never read at compile time
 * (and cannot be checked: they must be this VM's). */
static bool check_globals(const sc_program *prog, const sc_value *g, sc_compile_result *res) {
  for (uint32_t k = 0; k < prog->nglobals; k++) {
    if (g[k].tag >= SC_NTAGS) return bad(res, "global %s: value of tag %u", prog->global_names[k], (unsigned)g[k].tag) == 0;
    if (g[k].tag == SC_FUNC && (uint64_t)g[k].i >= prog->nfuncs)
      return bad(res, "global %s: function %lld of %u", prog->global_names[k], (long long)g[k].i,
                 prog->nfuncs) == 0;
  }
  return true;
}

static bool is_loop_header(const sc_func *fn, uint32_t pc) {
  for (uint32_t k = 0; k < fn->ncode; k++)
    if ((sc_op_flags((sc_op)fn->code[k].op) & SC_OPF_JUMP) && (uint32_t)fn->code[k].a == pc && pc <= k) return true;
  return false;
}

/* The bytecode pc a block stands for: its own, or its successor's when the
 * compiler made it (split edges, preheaders). */
static int32_t block_pc(const sc_irfunc *f, uint32_t b) {
  for (int hops = 0; hops < 8; hops++) {
    if (f->blk[b].bcpc >= 0) return f->blk[b].bcpc;
    const sc_blk *bk = &f->blk[b];
    if (!bk->nins) return -1;
    const sc_ins *t = &f->ins[bk->ins[bk->nins - 1]];
    if (t->op != IR_jmp) return -1;
    b = t->succ[0];
  }
  return -1;
}

/* Why instruction `in` leaves when it does (sc_reason). */
static uint32_t leave_reason(const sc_ins *in) {
  switch (in->op) {
  case IR_guard: case IR_deopt: return (uint32_t)in->aux;
  case IR_iadd_ovf: case IR_isub_ovf: case IR_imul_ovf: case IR_ineg_ovf: return SC_RS_OVERFLOW;
  default: return SC_RS_CHECK;
  }
}

/* Deopt points, guards, assumptions and the OSR entry of the final IR.
 * Instruction ids start at 1 (0 means none and is no instruction). */
static void describe(sc_irfunc *f, const sc_pass_ctx *c, void *arg) {
  sc_compile_result *res = arg;
  int32_t *map = malloc((f->nfs ? f->nfs : 1) * sizeof *map);
  for (uint32_t k = 0; k < f->nfs; k++) map[k] = -1;
  res->deopts = malloc((f->nfs ? f->nfs : 1) * sizeof *res->deopts);
  res->guards = malloc((f->nins ? f->nins : 1) * sizeof *res->guards);
  res->deps = malloc((f->nins + c->ngdeps + 1) * sizeof *res->deps);
  for (uint32_t k = 0; k < c->ngdeps; k++) res->deps[res->ndeps++] = (sc_dependency){SC_DEP_GLOBAL, 0, c->gdeps[k]};
  for (uint32_t i = 1; i < f->nins; i++) {
    const sc_ins *in = &f->ins[i];
    if (in->dead) continue;
    /* a chain's unnumbered states, outermost first: a parent's number is
     * below its children's, whichever instruction names it first */
    while (in->fs >= 0 && map[in->fs] < 0) {
      int32_t s = in->fs;
      while (f->fs[s].parent >= 0 && map[f->fs[s].parent] < 0) s = f->fs[s].parent;
      map[s] = (int32_t)res->ndeopts;
      const sc_fs *fs = &f->fs[s];
      res->deopts[res->ndeopts++] = (sc_deopt_point){fs->func, fs->pc, fs->nlocals, fs->nstack, fs->parent};
    }
    uint32_t pc = in->pc >= 0 ? (uint32_t)in->pc : 0;
    if (in->fs >= 0 && (in->op == IR_guard || in->op == IR_deopt || leave_reason(in) == SC_RS_OVERFLOW))
      res->guards[res->nguards++] = (sc_guard_info){pc, leave_reason(in), (uint32_t)map[in->fs]};
    if (in->op == IR_hasshape) res->deps[res->ndeps++] = (sc_dependency){SC_DEP_SHAPE, pc, (uint64_t)in->aux};
    if (in->op == IR_Call && in->pc >= 0 && f->prog->funcs[f->func]->code[in->pc].op == SC_OP_CallValue)
      res->deps[res->ndeps++] = (sc_dependency){SC_DEP_CALLEE, pc, (uint64_t)in->imm};
  }
  /* the parents' links, once every state has its number */
  for (uint32_t k = 0; k < res->ndeopts; k++)
    if (res->deopts[k].parent >= 0) res->deopts[k].parent = map[res->deopts[k].parent];
  free(map);
  if (f->osr_pc < 0) return;
  res->osr_pc = (uint32_t)f->osr_pc;
  /* frame slots: the locals, then the operand stack at the header, which
   * the entry always reads */
  uint32_t nslots = f->prog->funcs[f->func]->nlocals;
  for (uint32_t i = 1; i < f->nins; i++)
    if (!f->ins[i].dead && f->ins[i].op == IR_param && (uint32_t)f->ins[i].imm >= nslots)
      nslots = (uint32_t)f->ins[i].imm + 1;
  res->osr_nslots = nslots;
  res->osr_live = malloc(nslots * sizeof *res->osr_live);
  for (uint32_t k = 0; k < nslots; k++) {
    bool live = false;
    for (uint32_t i = 1; i < f->nins && !live; i++)
      live = !f->ins[i].dead && f->ins[i].op == IR_param && (uint32_t)f->ins[i].imm == k;
    if (live) res->osr_live[res->nosr_live++] = k;
  }
  sc_ir_loops(f);
  for (uint32_t l = 0; l < f->nloops; l++) {
    const sc_loop *lp = &f->loops[l];
    if (block_pc(f, lp->header) != f->osr_pc) continue;
    res->osr_exits = malloc((lp->nexits ? lp->nexits : 1) * sizeof *res->osr_exits);
    for (uint32_t k = 0; k < lp->nexits; k++) {
      int32_t pc = block_pc(f, lp->exits[k]);
      if (pc >= 0) res->osr_exits[res->nosr_exits++] = (uint32_t)pc;
    }
    break;
  }
}

int sc_compile(sc_compiler *c, const sc_compile_request *req, sc_compile_result *res) {
  if (!res) return SC_COMPILE_BAD_REQUEST;
  memset(res, 0, sizeof *res);
  if (!c || !req) return bad(res, "no compiler or no request");
  sc_vm *vm = c->vm;
  const sc_program *prog = vm->prog;
  if (req->func >= prog->nfuncs) return bad(res, "no function %u (the program has %u)", req->func, prog->nfuncs);
  const sc_func *fn = prog->funcs[req->func];
  if (req->osr_pc && (req->osr_pc >= fn->ncode || !is_loop_header(fn, req->osr_pc)))
    return bad(res, "function %s: pc %u is not a loop header", fn->name, req->osr_pc);
  if (req->feedback && !check_feedback(vm, fn, req->feedback, res)) return res->status;
  const char *pipeline = req->pipeline ? req->pipeline : req->feedback ? SC_SPECULATIVE_PIPELINE : SC_DEFAULT_PIPELINE;
  char msg[200];
  if (sc_pipeline_check(pipeline, msg, sizeof msg)) return bad(res, "pipeline: %s", msg);
  if (req->globals && !req->global_stores) return bad(res, "globals without their store counts");
  if (req->globals && !check_globals(prog, req->globals, res)) return res->status;
  if (req->profiles)
    for (uint32_t i = 0; i < prog->nfuncs; i++)
      if (!check_feedback(vm, prog->funcs[i], &req->profiles[i], res)) return res->status;
  if (req->inline_options && !sc_jit_inline_check(req->inline_options, msg, sizeof msg))
    return bad(res, "%s", msg);
  sc_job job = {.prog = prog, .func = req->func, .osr_pc = req->osr_pc, .prof = req->feedback,
                .profs = req->profiles, .globals = req->global_stores ? req->globals : NULL,
                .gstores = req->globals ? req->global_stores : NULL, .pipeline = pipeline, .verify = true,
                .dump = req->dump, .deopt_stress = c->vm->stress_p > 0};
  job.inl = req->inline_options ? *req->inline_options : c->vm->opts.inl;
  /* the shape transitions the feedback's SetProps took, now: the passes
   * never read the shape tree */
  sc_transition *trans = NULL;
  sc_jit_transitions_of(fn, req->feedback, &trans, &job.ntrans);
  for (uint32_t i = 0; req->feedback && req->profiles && i < prog->nfuncs; i++)
    sc_jit_transitions_of(prog->funcs[i], &req->profiles[i], &trans, &job.ntrans);
  sc_jit_transitions_sort(trans, &job.ntrans);
  job.trans = trans;
  sc_job_result jr;
  sc_jit_build(c->be, c->ctx, &job, &jr, describe, res);
  free(trans);
  free(jr.gdeps); /* describe listed them as dependencies */
  if (jr.rejected) {
    if (req->osr_pc) return bad(res, "function %s: the loop at pc %u cannot be entered", fn->name, req->osr_pc);
    snprintf(res->error, sizeof res->error, "the IR verifier rejected function %s", fn->name);
    return res->status = SC_COMPILE_FAILED;
  }
  res->guards_emitted = jr.guards_emitted;
  res->guards_removed = jr.guards_removed;
  res->code = jr.fn;
  res->entry_sig = jr.tsig;
  res->handle = jr.handle;
  res->compile_ms = jr.secs * 1e3;
  if (!res->code) {
    snprintf(res->error, sizeof res->error, "%s", jr.err);
    sc_compile_result_free(res);
    return res->status = SC_COMPILE_FAILED;
  }
  return res->status = SC_COMPILE_OK;
}

void sc_compile_release_code(sc_compiler *c, sc_compile_result *res) {
  if (!c || !res || !res->handle) return;
  c->be->release(c->ctx, res->handle);
  res->handle = NULL;
  res->code = NULL;
}

bool sc_vm_install(sc_vm *vm, uint32_t func, const sc_compile_result *res) {
  if (!vm || func >= vm->prog->nfuncs) return false;
  if (res && (res->status != SC_COMPILE_OK || !res->code || res->osr_pc)) return false;
  sc_jit_prepare_vm(vm);
  sc_jit_set_code(&vm->funcs[func], res ? res->code : NULL, res ? res->entry_sig : 0);
  return true;
}
