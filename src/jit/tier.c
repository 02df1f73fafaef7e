/* The eager tier: every function lifted, optimized and compiled before
 * main runs. Each compilation has its own arena, dropped when the native
 * code exists. */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jit/driver.h"
#include "jit/helpers.h"
#include "jit/tier.h"

/* OSR code by (function, loop header pc). */
enum { OSR_NONE, OSR_PENDING, OSR_READY, OSR_FAILED };
/* Compiled code's backend handle and the context that owns it: a worker's
 * index, or -1 for the executing thread's context. */
typedef struct code_ref {
  void *h;
  int owner;
} code_ref;

typedef struct osr_entry {
  uint32_t func, pc;
  sc_native_fn fn;
  int state;
  code_ref code;
  uint8_t *checked; /* READY: the tag the entry guards want in each frame slot (0xff: any; malloc'd) */
  uint32_t nchecked, remakes;
} osr_entry;

/* A compilation request and, once built, its result. The profile is a
 * snapshot taken by the executing thread when the request is made: the
 * worker reads nothing the interpreter writes. */
typedef struct creq {
  struct creq *next;
  uint32_t func, osr_pc, gen;
  bool spec;
  uint8_t *osr_tags; /* OSR: each frame slot's tag at the request (malloc'd) */
  uint32_t nosr_tags;
  uint8_t *osr_checked; /* OSR: the tag each slot's entry guard checks, 0xff none (malloc'd) */
  sc_profile prof;
  sc_profile *profs; /* for the inliner (NULL: none): pidx says whose */
  uint32_t nprofs;   /* profs are copies (background), to free */
  sc_value *gvals;  /* the globals' values and store counts at the request */
  uint8_t *gstores; /* (gidx says which) */
  sc_snapidx pidx, gidx; /* idx malloc'd when profs / gvals are copies */
  bool own_globals; /* a copy (background), not the VM's own (synchronous) */
  sc_transition *trans; /* the shape transitions it may follow, at the request (malloc'd) */
  uint32_t ntrans;
  double queued_at; /* for the latency in traces */
  uint8_t *spec_n;  /* --trace-deopt: every slot's entry count when the feedback was read */
  uint64_t *tsigs;  /* every function's typed entry signature at the request (malloc'd) */
  /* result */
  sc_job_result res;
  code_ref code; /* res.handle and the context that owns it */
} creq;

/* Code that assumes the value of a global: dropped when it is stored. */
typedef struct gdep {
  uint32_t global, func, osr_pc, gen;
} gdep;

typedef struct worker {
  struct sc_jit *j;
  pthread_t th;
  void *ctx;
  int index;
  void **rel; /* handles to release in ctx, under j->mu */
  uint32_t nrel, crel;
  sc_backend_stats bs; /* the context's, refreshed by the worker under j->mu */
  char err[256];
} worker;

/* --stats: deopts counted by where they left and why. */
typedef struct deopt_site {
  uint32_t func, pc, reason, count, forced;
} deopt_site;

typedef struct sc_jit {
  const sc_backend_impl *be;
  sc_vm *vm;
  void *ctx;      /* the executing thread's context (eager, synchronous) */
  double *secs;   /* per function: lift + passes + codegen (the last compile) */
  double total;   /* all compilations */
  double t_start; /* when the VM started running */
  uint32_t nover; /* compilations over the compile budget */
  uint32_t ncompiled, nosr, nosr_entries, ndeopts, ninvalidated, nfailed, nstale, nrequests;
  uint32_t guards_emitted, guards_removed, guards_hoisted, ndep_invalidated, inlined;
  deopt_site *sites;
  uint32_t nsites, csites;
  /* --trace-deopt: what the last code installed for each function
   * speculated on: per slot of every function (fb_off[func] + slot, then
   * its return slot), the entries it saw (the interpreter only appends
   * entries); NULL: none */
  uint32_t *fb_off;
  uint8_t **spec_n;
  gdep *gdeps;
  uint32_t ngdeps, cgdeps;
  osr_entry *osr;
  uint32_t nosrtab, cosrtab;
  code_ref *code;    /* per function: the handle of vm->funcs[i].native */
  code_ref *dropped; /* code dropped, released once no compiled code runs */
  uint32_t ndropped, cdropped, nreleased;
  /* background compilation: requests go to `queue`, results come back on
   * `done`; both under mu. ndone tells the executing thread, without the
   * lock, that there is something to install. */
  uint32_t nworkers, nstarted;
  worker *workers;
  pthread_mutex_t mu;
  pthread_cond_t cv, cv_done;
  creq *queue, *qtail, *done;
  bool stop;
  atomic_bool cancel; /* the VM stops: builds in flight end at their next step */
  atomic_int ndone;
  /* what a request needs (reach()): marks per function and global, equal
   * to epoch when in the current set, and the set itself */
  uint32_t *fmark, *gmark, epoch;
  uint32_t *need, *need_depth, nneed, *gneed, ngneed; /* need_depth: calls from the function compiled */
  /* --stats: a thread samples which tier the executing thread is in */
  pthread_t sampler;
  bool sampling;
  atomic_bool sampler_stop;
  uint64_t samples[2]; /* interpreter (and compiling there), native code */
} sc_jit;

#define SC_DEOPT_LIMIT 16  /* deopts of one compiled function before it is dropped */
#define SC_RECOMPILE_LIMIT 3 /* recompiles before the function stays interpreted */
/* drops for reaching code compiled unreached (pass_unreached.c), each at
 * once; past it they count as deopts (a site whose feedback never counts
 * would otherwise recompile forever) */
#define SC_UNREACHED_LIMIT 16
/* While a request is with the worker, the interpreter looks for the
 * result at every call of the function (so the first call after the code
 * is ready runs it) and every so many iterations of a loop waiting for
 * OSR code (an atomic load and a table lookup each time). */
#define SC_POLL_CALLS 1
#define SC_POLL_ITERS 16

int sc_backend_available(const char *name) { return sc_backend_find(name, NULL, 0) != NULL; }

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* --trace-tiering: `[tier] FUNC: MSG`, or as JSON, one object a line with
 * the event's name (docs/json.md). pc: the loop's, for OSR events (else 0). */
static void trace(sc_vm *vm, const char *event, const sc_vfunc *vf, uint32_t pc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void trace(sc_vm *vm, const char *event, const sc_vfunc *vf, uint32_t pc, const char *fmt, ...) {
  FILE *t = vm->opts.trace_tiering;
  if (!t) return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!(vm->opts.json & SC_JSON_TRACE_TIERING)) {
    fprintf(t, "[tier] %s: %s\n", vf->f->name, msg);
    return;
  }
  fputs("{\"type\":\"tier\",\"event\":", t);
  sc_json_str(t, event);
  fputs(",\"func\":", t);
  sc_json_str(t, vf->f->name);
  if (pc) fprintf(t, ",\"loop_pc\":%u", pc);
  fprintf(t, ",\"calls\":%llu,\"msg\":", (unsigned long long)vf->prof->calls);
  sc_json_str(t, msg);
  fputs("}\n", t);
}

/* Native code for r (an OSR entry when r->osr_pc), with speculation on
 * r->prof when r->spec (q, when not NULL: an inspection's pipeline and
 * length request). Reads only the program, r and constant VM fields, so
 * that it can run on a worker thread with that thread's context. */
static void build(const sc_jit *j, void *ctx, int owner, creq *r, FILE *dump, bool budget,
                  const sc_jit_inspect *q) {
  sc_job job = {.prog = j->vm->prog, .func = r->func, .osr_pc = r->osr_pc, .osr_tags = r->osr_tags,
                .nosr_tags = r->nosr_tags, .osr_checked = r->osr_checked, .prof = r->spec ? &r->prof : NULL,
                .profs = r->profs, .globals = r->gvals, .gstores = r->gstores, .pidx = r->pidx,
                .gidx = r->gidx, .trans = r->trans, .ntrans = r->ntrans, .inl = j->vm->opts.inl,
                .budget = !budget ? 0 : j->vm->opts.compile_budget ? j->vm->opts.compile_budget : SC_DEFAULT_COMPILE_BUDGET,
                .dump = dump, .cancel = &j->cancel, .deopt_stress = j->vm->stress_p > 0, .tsigs = r->tsigs};
#ifdef SC_CHECKING
  job.verify = true;
#endif
  if (q) {
    job.pipeline = q->pipeline;
    job.want_len = q->want_len;
  }
  sc_jit_build(j->be, ctx, &job, &r->res, NULL, NULL);
  r->code = (code_ref){r->res.handle, owner};
}

/* Backends set up process-wide state when a context is made (LLVM's
 * targets, its registry of libraries) without locking: one at a time. */
static pthread_mutex_t backend_setup = PTHREAD_MUTEX_INITIALIZER;

static void *worker_main(void *arg) {
  worker *w = arg;
  sc_jit *j = w->j;
  w->ctx = sc_jit_backend_create(j->be, j->vm, w->err, sizeof w->err);
  pthread_mutex_lock(&j->mu);
  j->nstarted++;
  pthread_cond_broadcast(&j->cv);
  if (w->ctx && !j->stop) {
    pthread_mutex_unlock(&j->mu);
    sc_jit_warm_up(j->be, w->ctx, j->vm->prog);
    pthread_mutex_lock(&j->mu);
  }
  while (w->ctx) {
    while (!j->queue && !w->nrel && !j->stop) pthread_cond_wait(&j->cv, &j->mu);
    if (j->stop) break;
    if (w->nrel) { /* code of this context that will not run again */
      for (uint32_t k = 0; k < w->nrel; k++) j->be->release(w->ctx, w->rel[k]);
      w->nrel = 0;
      j->be->stats(w->ctx, &w->bs);
      continue;
    }
    creq *r = j->queue;
    j->queue = r->next;
    if (!j->queue) j->qtail = NULL;
    pthread_mutex_unlock(&j->mu);
    build(j, w->ctx, w->index, r, NULL, true, NULL);
    pthread_mutex_lock(&j->mu);
    j->be->stats(w->ctx, &w->bs);
    r->next = j->done;
    j->done = r;
    atomic_store_explicit(&j->ndone, 1, memory_order_release);
    pthread_cond_signal(&j->cv_done);
  }
  pthread_mutex_unlock(&j->mu);
  /* the code dies with the context: sc_jit_free has uninstalled it */
  sc_jit_backend_destroy(j->be, w->ctx);
  return NULL;
}

static bool start_workers(sc_vm *vm, sc_jit *j, uint32_t n) {
  j->workers = calloc(n, sizeof *j->workers);
  for (uint32_t i = 0; i < n; i++) {
    j->workers[i].j = j;
    j->workers[i].index = (int)i;
    /* a plain thread: it never touches the GC heap's mutable objects, and
     * compiling is not interrupted by collections */
    if (pthread_create(&j->workers[i].th, NULL, worker_main, &j->workers[i])) {
      fprintf(vm->opts.err, "shapec: error: cannot start a compile thread\n");
      return false;
    }
    j->nworkers++;
  }
  pthread_mutex_lock(&j->mu);
  while (j->nstarted < j->nworkers) pthread_cond_wait(&j->cv, &j->mu);
  pthread_mutex_unlock(&j->mu);
  for (uint32_t i = 0; i < n; i++)
    if (!j->workers[i].ctx) {
      fprintf(vm->opts.err, "shapec: error: cannot start the %s backend: %s\n", j->be->name, j->workers[i].err);
      return false;
    }
  return true;
}

void *sc_jit_backend_create(const sc_backend_impl *be, sc_vm *vm, char *err, size_t errlen) {
  pthread_mutex_lock(&backend_setup);
  void *ctx = be->create(vm, &sc_jit_abi, err, errlen);
  pthread_mutex_unlock(&backend_setup);
  return ctx;
}

void sc_jit_backend_destroy(const sc_backend_impl *be, void *ctx) {
  pthread_mutex_lock(&backend_setup);
  if (ctx) be->destroy(ctx);
  pthread_mutex_unlock(&backend_setup);
}

void sc_jit_prepare_vm(sc_vm *vm) {
  if (vm->native_ready) return;
  /* frames never move under compiled code */
  uint32_t full = vm->max_frames + 1;
  if (vm->frames_cap < full) {
    sc_frame *nf = sc_gc_alloc_atomic((size_t)full * sizeof(sc_frame));
    memcpy(nf, vm->frames, (size_t)vm->frames_cap * sizeof(sc_frame));
    vm->frames = nf;
    vm->frames_cap = full;
  }
  sc_interp_prepare(vm);
  vm->native_ready = true;
}

#define SC_SAMPLE_NS 500000 /* 0.5 ms */

static void *sampler_main(void *arg) {
  sc_jit *j = arg;
  struct timespec ts = {0, SC_SAMPLE_NS};
  while (!atomic_load_explicit(&j->sampler_stop, memory_order_relaxed)) {
    nanosleep(&ts, NULL);
    j->samples[__atomic_load_n(&j->vm->in_native, __ATOMIC_RELAXED) ? 1 : 0]++;
  }
  return NULL;
}

bool sc_jit_init(sc_vm *vm) {
  if (vm->jit) return true;
  const char *name = vm->opts.backend;
  char why[600];
  const sc_backend_impl *be = sc_backend_find(name, why, sizeof why);
  if (!be) {
    fprintf(vm->opts.err, "shapec: error: %s\n", why);
    return false;
  }
  sc_jit *j = calloc(1, sizeof *j);
  j->be = be;
  j->vm = vm;
  j->secs = calloc(vm->prog->nfuncs ? vm->prog->nfuncs : 1, sizeof *j->secs);
  j->code = calloc(vm->prog->nfuncs ? vm->prog->nfuncs : 1, sizeof *j->code);
  j->fmark = calloc(vm->prog->nfuncs ? vm->prog->nfuncs : 1, sizeof *j->fmark);
  j->need = calloc(vm->prog->nfuncs ? vm->prog->nfuncs : 1, sizeof *j->need);
  j->need_depth = calloc(vm->prog->nfuncs ? vm->prog->nfuncs : 1, sizeof *j->need_depth);
  j->gmark = calloc(vm->prog->nglobals ? vm->prog->nglobals : 1, sizeof *j->gmark);
  j->gneed = calloc(vm->prog->nglobals ? vm->prog->nglobals : 1, sizeof *j->gneed);
  pthread_mutex_init(&j->mu, NULL);
  pthread_cond_init(&j->cv, NULL);
  pthread_cond_init(&j->cv_done, NULL);
  atomic_init(&j->ndone, 0);
  atomic_init(&j->cancel, false);
  vm->jit = j;
  int nt = vm->opts.jit_threads;
  if (vm->opts.jit == SC_JIT_TIERED && nt != SC_JIT_SYNC) {
    if (!start_workers(vm, j, nt > 0 ? (uint32_t)(nt < SC_MAX_JIT_THREADS ? nt : SC_MAX_JIT_THREADS) : 1)) {
      sc_jit_free(vm);
      return false;
    }
  } else {
    char err[256] = "";
    if (!(j->ctx = sc_jit_backend_create(be, vm, err, sizeof err))) {
      fprintf(vm->opts.err, "shapec: error: cannot start the %s backend: %s\n", be->name, err);
      sc_jit_free(vm);
      return false;
    }
  }
  if (vm->opts.trace_deopt) {
    uint32_t nf = vm->prog->nfuncs;
    j->fb_off = calloc(nf + 1, sizeof *j->fb_off);
    j->spec_n = calloc(nf ? nf : 1, sizeof *j->spec_n);
    /* each function's slots, then its return slot (sc_profile.ret) */
    for (uint32_t i = 0; i < nf; i++) j->fb_off[i + 1] = j->fb_off[i] + vm->prog->funcs[i]->nfeedback + 1;
  }
  sc_jit_prepare_vm(vm);
  atomic_init(&j->sampler_stop, false);
  if (vm->opts.stats && !pthread_create(&j->sampler, NULL, sampler_main, j)) j->sampling = true;
  j->t_start = now();
  return true;
}

static void drop(sc_vm *vm, code_ref c);

/* The shape transitions r's compilation may follow, from the profiles of
 * the n functions in fs (every function when fs is NULL) as they are now:
 * the compilation never reads the shape tree itself. */
static void snap_transitions(sc_vm *vm, creq *r, const uint32_t *fs, uint32_t n) {
  for (uint32_t q = 0; q < n; q++) {
    uint32_t k = fs ? fs[q] : q;
    sc_jit_transitions_of(vm->prog->funcs[k], &vm->profiles[k], &r->trans, &r->ntrans);
  }
  sc_jit_transitions_sort(r->trans, &r->ntrans);
}

static void account(sc_jit *j, const creq *r) {
  j->total += r->res.secs;
  j->guards_removed += r->res.guards_removed;
  j->guards_emitted += r->res.guards_emitted;
  j->guards_hoisted += r->res.guards_hoisted;
  j->inlined += r->res.inlined;
  if (r->res.fn) {
    j->secs[r->func] = r->res.secs;
    j->ncompiled++;
  } else if (r->res.over_budget) {
    j->nover++;
  } else {
    j->nfailed++;
  }
}

/* The typed entries compiled code has now: calls compiled with them check
 * the signature again before taking one (it may be dropped meanwhile). */
static void snap_entries(sc_vm *vm, creq *r) {
  uint32_t n = vm->prog->nfuncs;
  if (!(r->tsigs = malloc((n ? n : 1) * sizeof *r->tsigs))) return;
  for (uint32_t i = 0; i < n; i++) r->tsigs[i] = vm->funcs[i].tsig;
}

/* Compiles func on the executing thread and installs it: generic, or
 * speculative on the VM's feedback read in place (as compile_here);
 * budget: within the compile budget. false with the reason in *r. */
static bool compile_one(sc_vm *vm, uint32_t func, bool spec, FILE *dump, bool budget, creq *r,
                        const sc_jit_inspect *q) {
  sc_jit *j = vm->jit;
  *r = (creq){.func = func, .spec = spec, .osr_pc = q ? q->osr_pc : 0};
  if (spec) {
    for (uint32_t i = 0; i < vm->prog->nfuncs; i++) sc_interp_flush_counts(vm, i);
    r->prof = vm->profiles[func];
    r->profs = vm->profiles;
    r->gvals = vm->globals;
    r->gstores = vm->gstores;
    snap_transitions(vm, r, NULL, vm->prog->nfuncs);
  }
  snap_entries(vm, r);
  build(j, j->ctx, -1, r, dump, budget, q);
  account(j, r);
  free(r->res.gdeps); /* unused: this code is installed by hand (eager) or never runs (--emit) */
  free(r->trans);
  free(r->tsigs);
  if (!r->res.fn) return false;
  if (r->osr_pc) return true; /* never entered: it goes with the context */
  drop(vm, j->code[func]);
  sc_jit_set_code(&vm->funcs[func], r->res.fn, r->res.tsig);
  j->code[func] = r->code;
  return true;
}

bool sc_jit_compile_inspect(sc_vm *vm, uint32_t func, sc_jit_inspect *q, char *err, size_t errlen) {
  creq r; /* inspection: whatever the size */
  bool ok = compile_one(vm, func, q->spec, q->dump, false, &r, q);
  q->fn = r.res.fn;
  q->len = r.res.len;
  if (!ok) snprintf(err, errlen, "%s", r.res.err);
  return ok;
}

/* Code that will not be entered again; activations of it may still be
 * running: it is released once none can be (sc_jit_release_dropped). */
static void drop(sc_vm *vm, code_ref c) {
  sc_jit *j = vm->jit;
  if (!c.h) return;
  if (j->ndropped == j->cdropped) {
    j->cdropped = j->cdropped ? 2 * j->cdropped : 16;
    j->dropped = realloc(j->dropped, j->cdropped * sizeof *j->dropped);
  }
  j->dropped[j->ndropped++] = c;
  vm->code_dropped = true;
}

/* No compiled code is on the stack: release the dropped code, each handle
 * in the context that made it (a worker's goes to that worker). */
void sc_jit_release_dropped(sc_vm *vm) {
  sc_jit *j = vm->jit;
  vm->code_dropped = false;
  if (!j || !j->ndropped) return;
  bool to_workers = false;
  pthread_mutex_lock(&j->mu);
  for (uint32_t k = 0; k < j->ndropped; k++) {
    code_ref c = j->dropped[k];
    if (c.owner < 0) {
      j->be->release(j->ctx, c.h);
      continue;
    }
    worker *w = &j->workers[c.owner];
    if (w->nrel == w->crel) {
      w->crel = w->crel ? 2 * w->crel : 16;
      w->rel = realloc(w->rel, w->crel * sizeof *w->rel);
    }
    w->rel[w->nrel++] = c.h;
    to_workers = true;
  }
  if (to_workers) pthread_cond_broadcast(&j->cv);
  pthread_mutex_unlock(&j->mu);
  j->nreleased += j->ndropped;
  j->ndropped = 0;
}

static creq *request(sc_vm *vm, sc_vfunc *vf, uint32_t osr_pc) {
  creq *r = calloc(1, sizeof *r);
  r->func = vf->index;
  r->osr_pc = osr_pc;
  r->gen = vf->gen;
  r->spec = true; /* tiering always speculates: a function that keeps deopting stays interpreted */
  r->queued_at = now();
  vm->jit->nrequests++;
  return r;
}

static void copy_profile(sc_profile *to, const sc_profile *p, const sc_func *f) {
  to->calls = p->calls;
  to->ret = p->ret;
  to->backedges = malloc((f->ncode ? f->ncode : 1) * sizeof *p->backedges);
  memcpy(to->backedges, p->backedges, f->ncode * sizeof *p->backedges);
  to->slots = malloc((f->nfeedback ? f->nfeedback : 1) * sizeof *p->slots);
  memcpy(to->slots, p->slots, f->nfeedback * sizeof *p->slots);
}

static void reach_func(sc_jit *j, uint32_t k, uint32_t d) {
  if (j->fmark[k] == j->epoch) return;
  j->fmark[k] = j->epoch;
  j->need_depth[j->nneed] = d;
  j->need[j->nneed++] = k;
}

/* What compiling func may read, as j->need (functions: func first, then
 * every one the inliner may reach) and j->gneed (globals): the functions
 * called, named by PushFunc, seen by a CallValue or held in a global that
 * is loaded, from func and, within the inlining depth, from those small
 * enough to be inlined; the globals those functions load. A request
 * copies only these, so its cost does not grow with the program. */
static void reach(sc_vm *vm, uint32_t func) {
  sc_jit *j = vm->jit;
  const sc_program *p = vm->prog;
  const sc_inline_options *inl = &vm->opts.inl;
  if (++j->epoch == 0) { /* wrapped: no stale mark may equal it */
    memset(j->fmark, 0, p->nfuncs * sizeof *j->fmark);
    memset(j->gmark, 0, p->nglobals * sizeof *j->gmark);
    j->epoch = 1;
  }
  j->nneed = j->ngneed = 0;
  const uint32_t *depth = j->need_depth;
  reach_func(j, func, 0);
  for (uint32_t q = 0; q < j->nneed; q++) {
    const sc_func *f = p->funcs[j->need[q]];
    /* its callees are inlined into the compilation only within the depth,
     * and only if f itself is (or is the function compiled) */
    bool expand = !inl->off && depth[q] < inl->depth + 1 && (q == 0 || f->ncode <= inl->max_size);
    const sc_fb_slot *slots = vm->profiles[f->index].slots;
    for (uint32_t pc = 0; pc < f->ncode; pc++) {
      const sc_insn *in = &f->code[pc];
      int64_t callee = -1;
      switch ((sc_op)in->op) {
      case SC_OP_LoadGlobal:
        if (j->gmark[in->a] != j->epoch) {
          j->gmark[in->a] = j->epoch;
          j->gneed[j->ngneed++] = (uint32_t)in->a;
        }
        if (vm->globals[in->a].tag == SC_FUNC) callee = vm->globals[in->a].i;
        break;
      case SC_OP_Call:
      case SC_OP_PushFunc: callee = in->a; break;
      case SC_OP_CallValue:
        if (!expand || in->fb < 0) break;
        for (unsigned e = 0; e < slots[in->fb].n; e++)
          if (slots[in->fb].e[e] < p->nfuncs) reach_func(j, (uint32_t)slots[in->fb].e[e], depth[q] + 1);
        break;
      default: break;
      }
      if (expand && callee >= 0 && (uint64_t)callee < p->nfuncs) reach_func(j, (uint32_t)callee, depth[q] + 1);
    }
  }
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static uint32_t *sorted_copy(const uint32_t *v, uint32_t n) {
  uint32_t *c = malloc((n ? n : 1) * sizeof *c);
  memcpy(c, v, n * sizeof *c);
  qsort(c, n, sizeof *c, cmp_u32);
  return c;
}

/* --trace-deopt: the entry counts of the feedback r reads now. */
static void note_feedback(sc_vm *vm, creq *r) {
  sc_jit *j = vm->jit;
  if (!j->fb_off || !r->spec) return;
  uint32_t nf = vm->prog->nfuncs;
  r->spec_n = malloc(j->fb_off[nf] + 1);
  if (!r->spec_n) return;
  for (uint32_t i = 0; i < nf; i++) {
    uint32_t n = vm->prog->funcs[i]->nfeedback;
    for (uint32_t k = 0; k < n; k++) r->spec_n[j->fb_off[i] + k] = vm->profiles[i].slots[k].n;
    r->spec_n[j->fb_off[i] + n] = vm->profiles[i].ret.n;
  }
}

/* What the worker may read of the interpreter's state, copied now: the
 * function's profile and, when it speculates, those of the functions it
 * may inline, the globals it may assume (reach()) and the shape
 * transitions their SetProps may follow; nothing else. */
static void snapshot(sc_vm *vm, creq *r) {
  sc_jit *j = vm->jit;
  snap_entries(vm, r);
  if (!r->spec) {
    sc_interp_flush_counts(vm, r->func); /* hot counts live in the threaded code */
    copy_profile(&r->prof, &vm->profiles[r->func], vm->prog->funcs[r->func]);
    return;
  }
  reach(vm, r->func);
  uint32_t *fs = sorted_copy(j->need, j->nneed);
  r->profs = malloc((j->nneed ? j->nneed : 1) * sizeof *r->profs);
  r->nprofs = j->nneed;
  r->pidx = (sc_snapidx){fs, j->nneed};
  for (uint32_t q = 0; q < j->nneed; q++) {
    sc_interp_flush_counts(vm, fs[q]);
    copy_profile(&r->profs[q], &vm->profiles[fs[q]], vm->prog->funcs[fs[q]]);
  }
  copy_profile(&r->prof, &vm->profiles[r->func], vm->prog->funcs[r->func]);
  note_feedback(vm, r);
  uint32_t *gs = sorted_copy(j->gneed, j->ngneed);
  r->gvals = malloc((j->ngneed ? j->ngneed : 1) * sizeof *r->gvals);
  r->gstores = malloc(j->ngneed ? j->ngneed : 1);
  r->gidx = (sc_snapidx){gs, j->ngneed};
  for (uint32_t q = 0; q < j->ngneed; q++) {
    r->gvals[q] = vm->globals[gs[q]];
    r->gstores[q] = vm->gstores[gs[q]];
  }
  r->own_globals = true;
  snap_transitions(vm, r, fs, j->nneed);
}

static void free_req(creq *r) {
  if (r->prof.slots != NULL && r->prof.backedges != NULL) {
    free(r->prof.backedges);
    free(r->prof.slots);
  }
  for (uint32_t i = 0; i < r->nprofs; i++) {
    free(r->profs[i].backedges);
    free(r->profs[i].slots);
  }
  if (r->nprofs) free(r->profs);
  if (r->own_globals) {
    free(r->gvals);
    free(r->gstores);
  }
  free((uint32_t *)r->pidx.idx);
  free((uint32_t *)r->gidx.idx);
  free(r->res.gdeps);
  free(r->trans);
  free(r->osr_tags);
  free(r->osr_checked);
  free(r->spec_n);
  free(r->tsigs);
  free(r);
}

static void enqueue(sc_jit *j, creq *r) {
  pthread_mutex_lock(&j->mu);
  if (j->qtail) j->qtail->next = r;
  else j->queue = r;
  j->qtail = r;
  pthread_cond_signal(&j->cv);
  pthread_mutex_unlock(&j->mu);
}

static osr_entry *osr_find(sc_jit *j, uint32_t func, uint32_t pc) {
  for (uint32_t k = 0; k < j->nosrtab; k++)
    if (j->osr[k].func == func && j->osr[k].pc == pc) return &j->osr[k];
  return NULL;
}

static osr_entry *osr_add(sc_jit *j, uint32_t func, uint32_t pc) {
  if (j->nosrtab == j->cosrtab) {
    j->cosrtab = j->cosrtab ? 2 * j->cosrtab : 8;
    j->osr = realloc(j->osr, j->cosrtab * sizeof *j->osr);
  }
  osr_entry *e = &j->osr[j->nosrtab++];
  *e = (osr_entry){func, pc, NULL, OSR_NONE, {NULL, -1}, NULL, 0, 0};
  return e;
}

/* Whether the globals r's code assumes still hold the values it assumed;
 * if so, watch them (a store drops the code). */
static bool take_deps(sc_vm *vm, creq *r) {
  sc_jit *j = vm->jit;
  for (uint32_t k = 0; k < r->res.ngdeps; k++) {
    uint32_t g = r->res.gdeps[k];
    int64_t at = sc_snapidx_at(&r->gidx, g);
    if (at < 0 || vm->gstores[g] != r->gstores[at] || vm->globals[g].tag != r->gvals[at].tag ||
        vm->globals[g].i != r->gvals[at].i)
      return false;
  }
  for (uint32_t k = 0; k < r->res.ngdeps; k++) {
    if (j->ngdeps == j->cgdeps) {
      j->cgdeps = j->cgdeps ? 2 * j->cgdeps : 16;
      j->gdeps = realloc(j->gdeps, j->cgdeps * sizeof *j->gdeps);
    }
    j->gdeps[j->ngdeps++] = (gdep){r->res.gdeps[k], r->func, r->osr_pc, vm->funcs[r->func].gen};
    vm->gwatch[r->res.gdeps[k]] = 1;
  }
  return true;
}

/* Drops e's code (activations finish in it); it is then in state st. */
static void osr_forget(sc_vm *vm, osr_entry *e, int st) {
  e->state = st;
  e->fn = NULL;
  drop(vm, e->code);
  e->code = (code_ref){NULL, -1};
  free(e->checked);
  e->checked = NULL;
}

/* Drops vf's code (activations finish in it) and its OSR code; later calls
 * interpret until it is compiled again. */
static void drop_code(sc_vm *vm, sc_vfunc *vf) {
  sc_jit *j = vm->jit;
  sc_jit_set_code(vf, NULL, 0);
  drop(vm, j->code[vf->index]);
  j->code[vf->index] = (code_ref){NULL, -1};
  vf->deopts = 0;
  vf->gen++;
  j->ninvalidated++;
  for (uint32_t k = 0; k < j->nosrtab; k++)
    if (j->osr[k].func == vf->index && j->osr[k].state != OSR_FAILED) osr_forget(vm, &j->osr[k], OSR_NONE);
  vf->tier_at = vf->prof->calls + (vm->opts.tier_threshold ? vm->opts.tier_threshold : SC_DEFAULT_TIER_THRESHOLD);
}

void sc_jit_global_changed(sc_vm *vm, uint32_t g) {
  sc_jit *j = vm->jit;
  vm->gwatch[g] = 0;
  if (!j) return;
  uint32_t keep = 0;
  for (uint32_t k = 0; k < j->ngdeps; k++) {
    gdep d = j->gdeps[k];
    if (d.global != g) {
      j->gdeps[keep++] = d;
      continue;
    }
    sc_vfunc *vf = &vm->funcs[d.func];
    if (d.gen != vf->gen) continue; /* dropped already */
    drop_code(vm, vf);
    j->ndep_invalidated++;
    trace(vm, "invalidated", vf, 0, "invalidated: its code assumed the value of global %s, which changed",
          vm->prog->global_names[g]);
  }
  j->ngdeps = keep;
}

/* --trace-deopt: r's code is installed; its deopts are against r's feedback. */
static void keep_feedback(sc_jit *j, creq *r) {
  if (!j->spec_n) return;
  free(j->spec_n[r->func]);
  j->spec_n[r->func] = r->spec_n;
  r->spec_n = NULL;
}

/* A finished compilation: install it unless its function's code was
 * dropped since the request (then it was made on stale feedback) or a
 * global it assumes changed meanwhile. */
static void install(sc_vm *vm, creq *r) {
  sc_jit *j = vm->jit;
  sc_vfunc *vf = &vm->funcs[r->func];
  account(j, r);
  if (r->res.fn && r->gen == vf->gen && !take_deps(vm, r)) {
    j->nstale++;
    drop(vm, r->code);
    trace(vm, "discarded", vf, r->osr_pc, "compiled code discarded: a global it assumes changed meanwhile");
    if (!r->osr_pc) vf->queued = 0;
    else {
      osr_entry *e = osr_find(j, r->func, r->osr_pc);
      if (e) e->state = OSR_NONE;
    }
    return;
  }
  double lat = (now() - r->queued_at) * 1e3;
  if (!r->osr_pc) {
    vf->queued = 0;
    if (r->gen != vf->gen) {
      j->nstale++;
      drop(vm, r->code);
      trace(vm, "discarded", vf, 0, "compiled code discarded: the function was invalidated meanwhile");
    } else if (!r->res.fn) {
      vf->failed = 1;
      trace(vm, "failed", vf, 0, "cannot compile (%s): stays interpreted", r->res.err);
    } else {
      drop(vm, j->code[r->func]);
      sc_jit_set_code(vf, r->res.fn, r->res.tsig);
      j->code[r->func] = r->code;
      vf->deopts = 0;
      keep_feedback(j, r);
      trace(vm, "installed", vf, 0, "installed after %llu calls (%s, %s): compiled in %.3f ms, %.3f ms after the request",
            (unsigned long long)vf->prof->calls, j->be->name, r->spec ? "speculative" : "generic",
            r->res.secs * 1e3, lat);
    }
    return;
  }
  osr_entry *e = osr_find(j, r->func, r->osr_pc);
  if (!e) {
    drop(vm, r->code);
    return;
  }
  if (r->gen != vf->gen) {
    j->nstale++;
    drop(vm, r->code);
    e->state = OSR_NONE;
    trace(vm, "discarded", vf, r->osr_pc, "OSR code for loop pc %u discarded: the function was invalidated meanwhile",
          r->osr_pc);
  } else if (!r->res.fn) {
    e->state = OSR_FAILED;
    trace(vm, "osr_failed", vf, r->osr_pc, "loop at pc %u blacklisted for OSR: %s", r->osr_pc, r->res.err);
  } else {
    e->state = OSR_READY;
    e->fn = r->res.fn;
    e->code = r->code;
    free(e->checked);
    e->checked = r->osr_checked;
    e->nchecked = r->nosr_tags;
    r->osr_checked = NULL;
    j->nosr++;
    keep_feedback(j, r);
    trace(vm, "osr_ready", vf, r->osr_pc, "OSR code for loop pc %u ready (%s): compiled in %.3f ms, %.3f ms after the request",
          r->osr_pc, j->be->name, r->res.secs * 1e3, lat);
  }
}

/* Installs what the workers finished, in request order. */
static void poll_done(sc_vm *vm) {
  sc_jit *j = vm->jit;
  if (!j->nworkers || !atomic_load_explicit(&j->ndone, memory_order_acquire)) return;
  pthread_mutex_lock(&j->mu);
  creq *d = j->done, *rev = NULL;
  j->done = NULL;
  atomic_store_explicit(&j->ndone, 0, memory_order_relaxed);
  pthread_mutex_unlock(&j->mu);
  while (d) {
    creq *n = d->next;
    d->next = rev;
    rev = d;
    d = n;
  }
  while (rev) {
    creq *n = rev->next;
    install(vm, rev);
    free_req(rev);
    rev = n;
  }
}

/* opts.jit_wait: block until the workers have finished something, then
 * install it (reproducible tiering that still goes through the workers). */
static void wait_done(sc_vm *vm) {
  sc_jit *j = vm->jit;
  pthread_mutex_lock(&j->mu);
  while (!j->done) pthread_cond_wait(&j->cv_done, &j->mu);
  pthread_mutex_unlock(&j->mu);
  poll_done(vm);
}

/* Compiles r on the executing thread (--jit-threads=0) and installs it:
 * the VM's own profiles and globals are read in place, no snapshot (the
 * shape transitions are snapshotted all the same: the passes read only
 * those). */
static void compile_here(sc_vm *vm, sc_vfunc *vf, creq *r) {
  sc_jit *j = vm->jit;
  reach(vm, r->func);
  for (uint32_t q = 0; q < j->nneed; q++) sc_interp_flush_counts(vm, j->need[q]);
  snap_entries(vm, r);
  r->prof = *vf->prof;
  if (r->spec) {
    r->gvals = vm->globals;
    r->gstores = vm->gstores;
    r->profs = vm->profiles;
    snap_transitions(vm, r, j->need, j->nneed);
  }
  note_feedback(vm, r);
  build(vm->jit, vm->jit->ctx, -1, r, NULL, true, NULL);
  r->prof.slots = NULL;
  install(vm, r);
  free_req(r);
}

void sc_jit_tier_up(sc_vm *vm, sc_vfunc *vf) {
  sc_jit *j = vm->jit;
  vf->tier_at = 0;
  poll_done(vm);
  if (vf->native || vf->failed) return;
  if (!j->nworkers) {
    compile_here(vm, vf, request(vm, vf, 0));
    return;
  }
  if (!vf->queued) {
    creq *r = request(vm, vf, 0);
    snapshot(vm, r);
    vf->queued = 1;
    trace(vm, "requested", vf, 0, "compilation requested after %llu calls (%s)",
          (unsigned long long)vf->prof->calls, r->spec ? "speculative" : "generic");
    enqueue(j, r);
    if (vm->opts.jit_wait)
      while (vf->queued) wait_done(vm);
  }
  if (vf->queued) vf->tier_at = vf->prof->calls + SC_POLL_CALLS;
}

/* Whether the frame holds what e's entry guards check. */
static bool osr_fits(const osr_entry *e, const sc_frame *fp) {
  for (uint32_t k = 0; k < e->nchecked; k++)
    if (e->checked[k] != 0xff && fp->base[k].tag != e->checked[k]) return false;
  return true;
}

sc_native_fn sc_jit_osr(sc_vm *vm, sc_frame *fp, uint32_t pc, uint32_t *again) {
  sc_jit *j = vm->jit;
  sc_vfunc *vf = &vm->funcs[fp->vf->index];
  *again = 0;
  poll_done(vm);
  if (vf->failed) return NULL;
  osr_entry *e = osr_find(j, vf->index, pc);
  if (!e) e = osr_add(j, vf->index, pc);
  if (e->state == OSR_READY && !osr_fits(e, fp)) {
    /* its entry guards would leave at once (a local changed type since
     * the request): compile the loop again for what the frame holds now */
    osr_forget(vm, e, ++e->remakes > SC_RECOMPILE_LIMIT ? OSR_FAILED : OSR_NONE);
    if (e->state == OSR_FAILED)
      trace(vm, "osr_failed", vf, pc, "loop at pc %u blacklisted for OSR: its locals changed type %u times", pc,
            SC_RECOMPILE_LIMIT);
    else
      trace(vm, "osr_dropped", vf, pc, "OSR code for loop pc %u dropped: the frame's types no longer fit its entry", pc);
  }
  if (e->state == OSR_NONE) {
    creq *r = request(vm, vf, pc);
    /* the frame's tags now: what the OSR code may expect to be entered with */
    const sc_func *bf = vf->f;
    r->nosr_tags = bf->nlocals + bf->max_stack;
    r->osr_tags = malloc(r->nosr_tags + 1);
    r->osr_checked = malloc(r->nosr_tags + 1);
    for (uint32_t k = 0; k < r->nosr_tags; k++) r->osr_tags[k] = (uint8_t)fp->base[k].tag;
    memset(r->osr_checked, 0xff, r->nosr_tags + 1);
    e->state = OSR_PENDING;
    if (!j->nworkers) {
      compile_here(vm, vf, r);
    } else {
      snapshot(vm, r);
      trace(vm, "osr_requested", vf, pc, "OSR compilation requested for loop pc %u after %u iterations", pc, vm->osr_at);
      enqueue(j, r);
      if (vm->opts.jit_wait)
        while (e->state == OSR_PENDING) {
          wait_done(vm);
          e = osr_find(j, vf->index, pc); /* the table may have moved */
        }
    }
  }
  switch (e->state) {
  case OSR_READY:
    j->nosr_entries++;
    *again = vm->osr_at; /* enter again when the loop gets hot again */
    trace(vm, "osr_entry", vf, pc, "OSR entry at loop pc %u (%s)", pc, j->be->name);
    return e->fn;
  case OSR_PENDING: /* look again in a while */
    *again = SC_POLL_ITERS;
    return NULL;
  default:
    return NULL;
  }
}

static void count_site(sc_jit *j, const sc_func *at, uint32_t bpc, uint32_t reason, bool forced) {
  deopt_site *d = NULL;
  for (uint32_t k = 0; k < j->nsites && !d; k++)
    if (j->sites[k].func == at->index && j->sites[k].pc == bpc && j->sites[k].reason == reason) d = &j->sites[k];
  if (!d) {
    if (j->nsites == j->csites) {
      uint32_t c = j->csites ? 2 * j->csites : 16;
      deopt_site *ns = realloc(j->sites, c * sizeof *ns);
      if (!ns) return; /* the count is lost, not the run */
      j->sites = ns;
      j->csites = c;
    }
    d = &j->sites[j->nsites++];
    *d = (deopt_site){.func = at->index, .pc = bpc, .reason = reason};
  }
  d->count++;
  d->forced += forced;
}

/* --trace-deopt: where, why, the operands the instruction was about to
 * take (seen) and the feedback the code speculated on, and whether
 * --deopt-stress forced it (docs/json.md). */
static void trace_deopt(sc_vm *vm, const sc_vfunc *vf, const sc_func *at, uint32_t bpc, uint32_t reason,
                        const sc_value *stack, uint32_t nstack, bool forced) {
  FILE *t = vm->opts.trace_deopt;
  bool json = vm->opts.json & SC_JSON_TRACE_DEOPT;
  const sc_insn *in = bpc < at->ncode ? &at->code[bpc] : NULL;
  uint32_t line = at->lines && in ? at->lines[bpc] : 0;
  int pops = in ? sc_op_pops(in) : 0;
  uint32_t nops = pops < 0 ? 0 : (uint32_t)pops < nstack ? (uint32_t)pops : nstack;
  const sc_profile *prof = vm->profiles ? &vm->profiles[at->index] : NULL;
  const char *op = in ? sc_op_name((sc_op)in->op) : "?";
  /* the entries the code was compiled with; all of them without a record */
  const sc_jit *j = vm->jit;
  unsigned spec = UINT32_MAX;
  /* the instruction's slot; a return's check reads the return slot, after the others */
  int64_t slot = -1;
  if (in && in->op == SC_OP_ReturnValue) slot = at->nfeedback;
  else if (in && in->fb >= 0 && (uint32_t)in->fb < at->nfeedback) slot = in->fb;
  if (j && j->spec_n && j->spec_n[vf->index] && slot >= 0)
    spec = j->spec_n[vf->index][j->fb_off[at->index] + (uint32_t)slot];
  char ent[8 * SC_ENTRY_MAXPARAMS] = "";
  static const char *const ty[] = {[SC_TY_VOID] = "?", [SC_TY_VAL] = "any", [SC_TY_I64] = "int",
                                    [SC_TY_F64] = "float", [SC_TY_BOOL] = "bool"};
  if (reason == SC_RS_ENTRY) { /* the arguments, and the types the entry takes */
    nops = nstack;
    for (uint32_t k = 0; k < sc_entry_nparams(vf->tsig) && k < SC_ENTRY_MAXPARAMS; k++) {
      strcat(ent, k ? "," : "");
      strcat(ent, ty[sc_entry_param(vf->tsig, k)]);
    }
  } else if (reason == SC_RS_RESULT) { /* the call's result (on top), and the type the callee's entry returns */
    const sc_insn *call = bpc > 0 && bpc - 1 < at->ncode ? &at->code[bpc - 1] : NULL;
    uint64_t sig = call && call->op == SC_OP_Call && (uint32_t)call->a < vm->prog->nfuncs ? vm->funcs[call->a].tsig : 0;
    nops = nstack ? 1 : 0;
    strcat(ent, ty[sig ? sc_entry_result(sig) : SC_TY_VOID]); /* ?: its code was dropped since */
  }
  if (!json) {
    fprintf(t, "[deopt] %s: %s at pc %u (%s, line %u)", at->name, sc_reason_text((sc_reason)reason), bpc, op, line);
    if (at != vf->f) fprintf(t, " inlined in %s", vf->f->name);
    fputs(": seen ", t);
    if (nops) sc_fb_print_values(vm->prog, stack + nstack - nops, nops, t, false);
    else fputs("nothing", t);
    fputs("; speculated ", t);
    if (reason == SC_RS_ENTRY || reason == SC_RS_RESULT) fputs(ent, t);
    else sc_fb_print_slot(vm->prog, at, prof, bpc, spec, t, false);
    fputs(forced ? " [forced by --deopt-stress]\n" : "\n", t);
    return;
  }
  fputs("{\"type\":\"deopt\",\"func\":", t);
  sc_json_str(t, at->name);
  fputs(",\"compiled\":", t);
  sc_json_str(t, vf->f->name);
  fprintf(t, ",\"pc\":%u,\"line\":%u,\"op\":", bpc, line);
  sc_json_str(t, op);
  fputs(",\"reason\":", t);
  sc_json_str(t, sc_reason_name((sc_reason)reason));
  fputs(",\"seen\":", t);
  sc_fb_print_values(vm->prog, stack + nstack - nops, nops, t, true);
  fputs(",\"speculated\":", t);
  if (reason == SC_RS_ENTRY || reason == SC_RS_RESULT) {
    fputc('[', t);
    sc_json_str(t, ent);
    fputc(']', t);
  } else
    sc_fb_print_slot(vm->prog, at, prof, bpc, spec, t, true);
  fprintf(t, ",\"stress\":%s}\n", forced ? "true" : "false");
}

void sc_jit_deopted(sc_vm *vm, sc_vfunc *vf, const sc_func *at, uint32_t bpc, uint32_t reason,
                    const sc_value *stack, uint32_t nstack) {
  sc_jit *j = vm->jit;
  bool forced = vm->stress_fired;
  vm->stress_fired = false;
  if (j) {
    j->ndeopts++;
    count_site(j, at, bpc, reason, forced);
  }
  if (vm->opts.trace_deopt) trace_deopt(vm, vf, at, bpc, reason, stack, nstack, forced);
  /* runtime errors also leave through here: they end the program anyway */
  if (!j || vm->opts.jit != SC_JIT_TIERED) return;
  if (reason == SC_RS_UNREACHED && !forced && vf->unreached < SC_UNREACHED_LIMIT) {
    /* the code was compiled before this part of it ever ran: the
     * interpreter now runs it, and the next compilation has its feedback
     * (not counted as a recompile: each one gives a site feedback) */
    vf->unreached++;
    drop_code(vm, vf);
    trace(vm, "invalidated", vf, 0, "invalidated: it reached code the interpreter had never run (pc %u of %s)", bpc,
          at->name);
    return;
  }
  if (++vf->deopts < SC_DEOPT_LIMIT) return;
  /* the guards keep failing: drop the code (activations finish in it), drop
   * the function's OSR code, and compile again later on fresher feedback */
  drop_code(vm, vf);
  /* generic compiled code is slower than the interpreter: past the limit,
   * give the function up rather than compile it without speculation */
  if (++vf->recompiles >= SC_RECOMPILE_LIMIT) vf->failed = 1;
  if (vf->failed)
    trace(vm, "invalidated", vf, 0, "invalidated after %u deopts, %u times: stays interpreted", SC_DEOPT_LIMIT,
          vf->recompiles);
  else
    trace(vm, "invalidated", vf, 0, "invalidated after %u deopts; recompile %u", SC_DEOPT_LIMIT, vf->recompiles);
}

/* The host's progress callback, if any (sc_vm_options.progress). */
static void progress(sc_vm *vm, uint32_t done, int end) {
  if (vm->opts.progress) vm->opts.progress(vm->opts.progress_arg, done, vm->prog->nfuncs, end);
}

bool sc_jit_compile_all(sc_vm *vm) {
  progress(vm, 0, 0);
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++) {
    creq r;
    bool ok = compile_one(vm, i, false, NULL, true, &r, NULL);
    progress(vm, i + 1, !ok && !r.res.over_budget);
    if (ok) {
      trace(vm, "compiled", &vm->funcs[i], 0, "compiled eagerly (%s) in %.3f ms", vm->jit->be->name,
            vm->jit->secs[i] * 1e3);
      continue;
    }
    if (r.res.over_budget) { /* never the user's error: it runs interpreted */
      trace(vm, "failed", &vm->funcs[i], 0, "not compiled (%s): stays interpreted", r.res.err);
      continue;
    }
    sc_fprint_escaped(vm->opts.err, "shapec: error: cannot compile function %s with %s: %s\n", vm->prog->funcs[i]->name,
                      vm->jit->be->name, r.res.err);
    return false;
  }
  progress(vm, vm->prog->nfuncs, 1);
  return true;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int cmp_site(const void *a, const void *b) {
  const deopt_site *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  if (x->func != y->func) return x->func < y->func ? -1 : 1;
  return x->pc != y->pc ? (x->pc < y->pc ? -1 : 1) : (x->reason > y->reason) - (x->reason < y->reason);
}

/* The --stats figures, gathered once for the text and the JSON forms. */
typedef struct stats {
  uint64_t samples_native, samples_interp;
  uint32_t nfuncs; /* compiled */
  double compile_ms, median_ms, p90_ms, max_ms, run_ms;
  sc_backend_stats bs;
} stats;

static void gather(sc_vm *vm, stats *st) {
  sc_jit *j = vm->jit;
  memset(st, 0, sizeof *st);
  if (j->sampling) {
    atomic_store_explicit(&j->sampler_stop, true, memory_order_relaxed);
    pthread_join(j->sampler, NULL);
    j->sampling = false;
    st->samples_interp = j->samples[0];
    st->samples_native = j->samples[1];
  }
  double *s = malloc(vm->prog->nfuncs * sizeof *s + 8), total = 0;
  uint32_t n = 0;
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++)
    if (j->secs[i] > 0) total += s[n++] = j->secs[i];
  st->nfuncs = n;
  if (!n) s[n++] = 0;
  qsort(s, n, sizeof *s, cmp_double);
  st->compile_ms = total * 1e3;
  st->median_ms = s[n / 2] * 1e3;
  st->p90_ms = s[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1] * 1e3;
  st->max_ms = s[n - 1] * 1e3;
  free(s);
  if (j->ctx) j->be->stats(j->ctx, &st->bs);
  pthread_mutex_lock(&j->mu);
  for (uint32_t i = 0; i < j->nworkers; i++) {
    const sc_backend_stats *w = &j->workers[i].bs;
    st->bs.compiled += w->compiled;
    st->bs.released += w->released;
    st->bs.units += w->units;
    st->bs.units_max += w->units_max;
    if (w->unit) st->bs.unit = w->unit;
  }
  pthread_mutex_unlock(&j->mu);
  st->run_ms = (now() - j->t_start) * 1e3;
  if (j->nsites) qsort(j->sites, j->nsites, sizeof *j->sites, cmp_site); /* sites may be NULL */
}

/* --stats=json: one object (docs/json.md). */
static void print_stats_json(sc_vm *vm, FILE *out) {
  sc_jit *j = vm->jit;
  const sc_program *p = vm->prog;
  if (!j) {
    fputs("{\"type\":\"stats\",\"jit\":null}\n", out);
    return;
  }
  stats st;
  gather(vm, &st);
  static const char *const tiers[] = {"off", "eager", "tiered"};
  fputs("{\"type\":\"stats\",\"jit\":", out);
  sc_json_str(out, vm->opts.jit >= 0 && vm->opts.jit <= 2 ? tiers[vm->opts.jit] : "?");
  fputs(",\"backend\":", out);
  sc_json_str(out, j->be->name);
  fprintf(out, ",\"run_ms\":%.3f,\"samples\":{\"native\":%llu,\"interpreter\":%llu}", st.run_ms,
          (unsigned long long)st.samples_native, (unsigned long long)st.samples_interp);
  fprintf(out, ",\"functions_compiled\":%u,\"compile_ms\":{\"total\":%.3f,\"median\":%.3f,\"p90\":%.3f,\"max\":%.3f}",
          st.nfuncs, st.compile_ms, st.median_ms, st.p90_ms, st.max_ms);
  fprintf(out, ",\"compilations\":%u,\"failed\":%u,\"osr_compilations\":%u,\"osr_entries\":%u,\"requests\":%u,"
          "\"over_budget\":%u,\"stale\":%u,\"unfinished\":%u,\"deopts\":%u,\"invalidations\":%u,\"global_invalidations\":%u,"
          "\"guards\":{\"emitted\":%u,\"removed\":%u,\"hoisted\":%u},\"inlined_calls\":%u",
          j->ncompiled, j->nfailed, j->nosr, j->nosr_entries, j->nrequests, j->nover, j->nstale,
          j->nrequests - j->ncompiled - j->nfailed - j->nover, j->ndeopts, j->ninvalidated, j->ndep_invalidated,
          j->guards_emitted, j->guards_removed, j->guards_hoisted, j->inlined);
  fprintf(out, ",\"code\":{\"released\":%u,\"waiting\":%u,\"held\":%llu,\"made\":%llu,\"units\":%u,\"units_max\":%u}",
          j->nreleased, j->ndropped, (unsigned long long)(st.bs.compiled - st.bs.released),
          (unsigned long long)st.bs.compiled, st.bs.units, st.bs.units_max);
  fputs(",\"function_ms\":{", out);
  const char *sep = "";
  for (uint32_t i = 0; i < p->nfuncs; i++)
    if (j->secs[i] > 0) {
      fputs(sep, out);
      sc_json_str(out, p->funcs[i]->name);
      fprintf(out, ":%.3f", j->secs[i] * 1e3);
      sep = ",";
    }
  fputs("},\"deopt_sites\":[", out);
  for (uint32_t k = 0; k < j->nsites; k++) {
    const deopt_site *d = &j->sites[k];
    const sc_func *f = p->funcs[d->func];
    fputs(k ? ",{\"func\":" : "{\"func\":", out);
    sc_json_str(out, f->name);
    fprintf(out, ",\"pc\":%u,\"line\":%u,\"op\":", d->pc, f->lines && d->pc < f->ncode ? f->lines[d->pc] : 0);
    sc_json_str(out, d->pc < f->ncode ? sc_op_name((sc_op)f->code[d->pc].op) : "?");
    fputs(",\"reason\":", out);
    sc_json_str(out, sc_reason_name((sc_reason)d->reason));
    fprintf(out, ",\"count\":%u,\"forced\":%u}", d->count, d->forced);
  }
  fputs("]}\n", out);
}

void sc_jit_print_stats(sc_vm *vm, FILE *out) {
  if (vm->opts.json & SC_JSON_STATS) {
    print_stats_json(vm, out);
    return;
  }
  sc_jit *j = vm->jit;
  if (!j) {
    fprintf(out, "jit: nothing compiled\n");
    return;
  }
  stats st;
  gather(vm, &st);
  uint64_t n = st.samples_native + st.samples_interp;
  if (n)
    fprintf(out, "jit: time in native code %.1f%%, in the interpreter %.1f%% (%llu samples, every %.1f ms)\n",
            100.0 * (double)st.samples_native / (double)n, 100.0 * (double)st.samples_interp / (double)n,
            (unsigned long long)n, SC_SAMPLE_NS / 1e6);
  fprintf(out, "jit: backend %s, %u functions compiled in %.3f ms; per function median %.3f ms, p90 %.3f ms, max %.3f ms\n",
          j->be->name, st.nfuncs, st.compile_ms, st.median_ms, st.p90_ms, st.max_ms);
  fprintf(out, "jit: %u compilations (%u failed, %u over the compile budget) in %.3f ms, %u OSR compilations, %u OSR entries, %u deopts, "
          "%u invalidations (%u by changed globals), %u guards emitted, %u removed, %u hoisted, %u call sites "
          "inlined\n", j->ncompiled, j->nfailed, j->nover, j->total * 1e3, j->nosr, j->nosr_entries, j->ndeopts,
          j->ninvalidated, j->ndep_invalidated, j->guards_emitted, j->guards_removed, j->guards_hoisted, j->inlined);
  fprintf(out, "jit: code released: %u compilations (%u waiting); %s holds %llu of %llu compilations in %u %s "
          "(at most %u)\n", j->nreleased, j->ndropped, j->be->name, (unsigned long long)(st.bs.compiled - st.bs.released),
          (unsigned long long)st.bs.compiled, st.bs.units, st.bs.unit ? st.bs.unit : "units", st.bs.units_max);
  if (vm->opts.jit == SC_JIT_TIERED)
    fprintf(out, "jit: run %.3f ms; %u requests (%u discarded as stale, %u unfinished at exit); compiling %.3f ms "
            "= %.1f%% of the run, %s\n", st.run_ms, j->nrequests, j->nstale, j->nrequests - j->ncompiled - j->nfailed - j->nover, j->total * 1e3,
            st.run_ms > 0 ? 100 * j->total * 1e3 / st.run_ms : 0.0,
            j->nworkers ? "on background threads" : "on the executing thread");
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++)
    if (j->secs[i] > 0) fprintf(out, "jit: function %s %.3f ms\n", vm->prog->funcs[i]->name, j->secs[i] * 1e3);
  for (uint32_t k = 0; k < j->nsites; k++) {
    const deopt_site *d = &j->sites[k];
    const sc_func *f = vm->prog->funcs[d->func];
    fprintf(out, "jit: deopts at %s pc %u (%s, line %u): %u %s", f->name, d->pc,
            d->pc < f->ncode ? sc_op_name((sc_op)f->code[d->pc].op) : "?",
            f->lines && d->pc < f->ncode ? f->lines[d->pc] : 0, d->count, sc_reason_text((sc_reason)d->reason));
    if (d->forced) fprintf(out, " (%u forced by --deopt-stress)", d->forced);
    fputc('\n', out);
  }
}

void sc_jit_free(sc_vm *vm) {
  sc_jit *j = vm->jit;
  if (!j) return;
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++) {
    sc_jit_set_code(&vm->funcs[i], NULL, 0);
    vm->funcs[i].queued = 0;
  }
  if (j->sampling) {
    atomic_store_explicit(&j->sampler_stop, true, memory_order_relaxed);
    pthread_join(j->sampler, NULL);
  }
  pthread_mutex_lock(&j->mu);
  j->stop = true;
  /* the program has ended: what is queued is dropped and what is being
   * built stops before code generation (exit waits for at most one code
   * generation in flight per worker, bounded by the compile budget) */
  atomic_store_explicit(&j->cancel, true, memory_order_relaxed);
  pthread_cond_broadcast(&j->cv);
  pthread_mutex_unlock(&j->mu);
  for (uint32_t i = 0; i < j->nworkers; i++) pthread_join(j->workers[i].th, NULL);
  for (creq *r = j->queue, *n; r; r = n) {
    n = r->next;
    free_req(r);
  }
  for (creq *r = j->done, *n; r; r = n) {
    n = r->next;
    free_req(r);
  }
  sc_jit_backend_destroy(j->be, j->ctx);
  pthread_cond_destroy(&j->cv);
  pthread_cond_destroy(&j->cv_done);
  pthread_mutex_destroy(&j->mu);
  for (uint32_t i = 0; i < j->nworkers; i++) free(j->workers[i].rel);
  free(j->workers);
  free(j->code);
  free(j->dropped);
  vm->code_dropped = false;
  free(j->secs);
  for (uint32_t k = 0; k < j->nosrtab; k++) free(j->osr[k].checked);
  free(j->osr);
  free(j->gdeps);
  free(j->fmark);
  free(j->gmark);
  free(j->need);
  free(j->need_depth);
  free(j->gneed);
  free(j->sites);
  if (j->spec_n)
    for (uint32_t i = 0; i < vm->prog->nfuncs; i++) free(j->spec_n[i]);
  free(j->spec_n);
  free(j->fb_off);
  if (vm->prog->nglobals) memset(vm->gwatch, 0, vm->prog->nglobals);
  free(j);
  vm->jit = NULL;
}

static bool start(sc_vm *vm) {
  return sc_jit_init(vm) && (vm->opts.jit != SC_JIT_EAGER || sc_jit_compile_all(vm));
}

const sc_jit_hooks sc_jit_tier_hooks = {
    .start = start,
    .hot_call = sc_jit_tier_up,
    .hot_loop = sc_jit_osr,
    .global_stored = sc_jit_global_changed,
    .release = sc_jit_release_dropped,
    .stats = sc_jit_print_stats,
    .stop = sc_jit_free,
};
