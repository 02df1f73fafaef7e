/* The one compile driver (driver.h): lift, the pass pipeline, the backend. */
#include "jit/driver.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/runtime.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Whether the job was cancelled; if so, says so in r. */
static bool cancelled(const sc_job *job, sc_job_result *r) {
  if (!job->cancel || !atomic_load_explicit(job->cancel, memory_order_relaxed)) return false;
  r->cancelled = true;
  snprintf(r->err, sizeof r->err, "cancelled");
  return true;
}

void sc_jit_warm_up(const sc_backend_impl *be, void *ctx, const sc_program *prog) {
  if (!prog || !prog->nfuncs) return;
  sc_arena a;
  sc_arena_init(&a);
  sc_irfunc *f = sc_ir_new(&a, prog, 0, prog->funcs[0]->name, 0, prog->funcs[0]->nlocals);
  uint32_t b = sc_ir_block(f);
  uint32_t k = sc_ir_append(f, b, IR_const, SC_TY_I64, 0);
  uint32_t r = sc_ir_append(f, b, IR_retst, SC_TY_VOID, 1);
  f->ins[r].args[0] = k;
  void *h = NULL;
  char err[256];
  if (be->compile(ctx, f, NULL, NULL, &h, err, sizeof err)) be->release(ctx, h);
  sc_arena_drop(&a);
}

bool sc_jit_build(const sc_backend_impl *be, void *ctx, const sc_job *job, sc_job_result *r,
                  void (*describe)(sc_irfunc *f, const sc_pass_ctx *c, void *arg), void *arg) {
  double t0 = now();
  memset(r, 0, sizeof *r);
  if (cancelled(job, r)) return false;
  sc_arena a;
  sc_arena_init(&a);
  sc_pipeline_opts o = {.out = stderr, .err = stderr, .osr_pc = job->osr_pc, .inl = job->inl, .verify = job->verify};
  sc_pass_ctx c = {.opts = &o, .osr_tags = job->osr_tags, .nosr_tags = job->nosr_tags,
                   .osr_checked = job->osr_checked, .gvals = job->globals,
                   .gstores = job->gstores, .gidx = job->gidx, .trans = job->trans, .ntrans = job->ntrans};
  if (job->prof) { /* the inliner lifts callees with their feedback */
    c.profiles = job->profs;
    c.pidx = job->pidx;
  }
  const char *pipeline = job->pipeline ? job->pipeline : job->prof ? SC_SPECULATIVE_PIPELINE : SC_EAGER_PIPELINE;
  sc_irfunc *f = sc_pipeline_lift(&a, job->prog, job->func, job->prof, pipeline, &c);
  if (!f) {
    r->rejected = true;
    snprintf(r->err, sizeof r->err, "the IR verifier rejected it");
  } else {
    r->guards_emitted = c.guards_emitted;
    r->guards_removed = c.guards_removed;
    r->guards_hoisted = c.guards_hoisted;
    r->inlined = c.inlined;
    for (uint32_t i = 1; i < f->nins; i++) r->ir_size += !f->ins[i].dead;
    if (job->budget && r->ir_size > job->budget) {
      /* code generation grows faster than the IR: big functions stay
       * interpreted rather than stall a compile thread for seconds */
      r->over_budget = true;
      snprintf(r->err, sizeof r->err, "over the compile budget: %u IR instructions, at most %u", r->ir_size,
               job->budget);
      goto done;
    }
    if (describe) describe(f, &c, arg);
    /* lifting and the passes take milliseconds; code generation may take
     * longer: a stopping VM does not wait for it to start */
    if (cancelled(job, r)) goto done;
    f->callee_esig = job->tsigs; /* calls to compiled code of these signatures take it */
    sc_lower(f, job->deopt_stress); /* the backends translate LIR */
    sc_diags d = {.filename = "ir"};
    uint32_t lir = 0;
    for (uint32_t i = 1; i < f->nins; i++) lir += !f->ins[i].dead;
    /* a small function may still lower to much code (an exit per check,
     * storing every frame value): code generation grows with that */
    if (job->budget && lir > (uint64_t)job->budget * SC_LIR_PER_IR) {
      r->over_budget = true;
      snprintf(r->err, sizeof r->err, "over the compile budget: %u LIR instructions once lowered, at most %llu", lir,
               (unsigned long long)job->budget * SC_LIR_PER_IR);
    } else if (job->verify && sc_ir_verify(f, &d)) {
      fprintf(stderr, "shapec: error: the IR verifier failed after pass 'lower' on function '%s':\n", f->name);
      for (uint32_t k = 0; k < d.n; k++) fprintf(stderr, "  %s\n", d.v[k].msg);
      r->rejected = true;
      snprintf(r->err, sizeof r->err, "the IR verifier rejected it");
    } else
      r->fn = be->compile(ctx, f, job->dump, job->want_len ? &r->len : NULL, &r->handle, r->err, sizeof r->err);
    r->tsig = r->fn ? f->esig : 0;
    if (r->fn && c.ngdeps) {
      r->gdeps = malloc(c.ngdeps * sizeof *r->gdeps);
      memcpy(r->gdeps, c.gdeps, c.ngdeps * sizeof *r->gdeps);
      r->ngdeps = c.ngdeps;
    }
  }
done:
  sc_arena_drop(&a);
  r->secs = now() - t0;
  return r->fn != NULL;
}

void sc_jit_transitions_of(const sc_func *f, const sc_profile *prof, sc_transition **v, uint32_t *n) {
  if (!prof || !prof->slots) return;
  for (uint32_t pc = 0; pc < f->ncode; pc++) {
    const sc_insn *in = &f->code[pc];
    if (in->op != SC_OP_SetProp || in->fb < 0) continue;
    const sc_fb_slot *s = &prof->slots[in->fb];
    for (unsigned k = 0; k < s->n && k < SC_FB_MAX; k++) {
      const sc_shape *from = (const sc_shape *)(uintptr_t)s->e[k], *to;
      if (!from || !(s->aux[k] & SC_FB_ADDS_FIELD) || !(to = sc_shape_child(from, (uint32_t)in->a))) continue;
      if (!(*n & (*n - 1))) *v = realloc(*v, (*n ? 2 * *n : 1) * sizeof **v); /* full at 0 and at powers of 2 */
      (*v)[(*n)++] = (sc_transition){from, to, (uint32_t)in->a};
    }
  }
}

static int cmp_transition(const void *a, const void *b) {
  const sc_transition *x = a, *y = b;
  uintptr_t p = (uintptr_t)x->from, q = (uintptr_t)y->from;
  return p != q ? (p > q) - (p < q) : (x->name > y->name) - (x->name < y->name);
}

void sc_jit_transitions_sort(sc_transition *v, uint32_t *n) {
  if (!*n) return;
  qsort(v, *n, sizeof *v, cmp_transition);
  uint32_t m = 1;
  for (uint32_t k = 1; k < *n; k++)
    if (cmp_transition(&v[k], &v[m - 1])) v[m++] = v[k];
  *n = m;
}
