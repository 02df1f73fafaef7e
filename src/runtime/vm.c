/* The VM object: program, globals, profiles, value stack and frames, the GC
 * root for the stack, and runtime error reports with their stack trace. */
#define GC_THREADS
#include <gc.h>
#include <gc/gc_mark.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/vm_internal.h"

/* VMs inside sc_vm_run_main. Their value stacks are atomic GC memory (the
 * collector does not scan them by itself); push_roots scans each one up to
 * the end of its innermost frame, so values left above it by returned
 * frames do not keep garbage alive. */
static sc_vm *running;
static GC_push_other_roots_proc prev_push_roots;

static void push_roots(void) {
  for (sc_vm *vm = running; vm; vm = vm->next_running)
    if (vm->stack_top > vm->stack) GC_push_all(vm->stack, vm->stack_top);
  if (prev_push_roots) prev_push_roots();
}

static void install_roots(void) {
  static int done;
  if (done) return;
  prev_push_roots = GC_get_push_other_roots();
  GC_set_push_other_roots(push_roots);
  done = 1;
}

#define SC_INITIAL_STACK 1024
#define SC_INITIAL_FRAMES 256

sc_vm *sc_vm_create(sc_program *p, const sc_vm_options *opts) {
  sc_runtime_init();
  sc_gc_configure(opts ? opts->max_heap : 0, opts && opts->verbose_gc);
  sc_diags d = {.filename = p ? p->filename : NULL};
  if (sc_verify(p, &d)) {
    sc_diags_print(&d, opts && opts->err ? opts->err : stderr);
    return NULL;
  }
  install_roots();
  sc_vm *vm = sc_gc_alloc(sizeof *vm);
  vm->prog = p;
  sc_rt_init(&vm->rt, p);
  if (opts) vm->opts = *opts;
  else vm->opts.profile = 1;
  if (!vm->opts.out) vm->opts.out = stdout;
  if (!vm->opts.err) vm->opts.err = stderr;
  if (vm->opts.jit == SC_JIT_TIERED) vm->opts.profile = 1; /* tiers speculate on the profile */
  vm->stress_p = vm->opts.deopt_stress;
  vm->stress_state = vm->opts.stress_seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
  if (!vm->stress_state) vm->stress_state = 1;
  const char *nf_env = getenv("SHAPEC_NO_FUSION");
  vm->fuse = !(nf_env && *nf_env && strcmp(nf_env, "0"));
  vm->max_frames = vm->opts.max_frames ? vm->opts.max_frames : SC_DEFAULT_MAX_FRAMES;
  /* all-zero bytes are null values */
  vm->globals = sc_gc_alloc((p->nglobals ? p->nglobals : 1) * sizeof(sc_value));
  vm->gstores = sc_gc_alloc_atomic(2 * (p->nglobals ? p->nglobals : 1));
  memset(vm->gstores, 0, 2 * (p->nglobals ? p->nglobals : 1));
  vm->gwatch = vm->gstores + (p->nglobals ? p->nglobals : 1);
  uint32_t nf = p->nfuncs;
  vm->profiles = sc_gc_alloc((nf ? nf : 1) * sizeof(sc_profile));
  vm->funcs = sc_gc_alloc((nf ? nf : 1) * sizeof(sc_vfunc));
  for (uint32_t i = 0; i < nf; i++) {
    const sc_func *f = p->funcs[i];
    sc_profile *pr = &vm->profiles[i];
    /* threaded code (filled by the interpreter), the feedback slots and the
     * back-edge counters in one block: an instruction finds its slot and a
     * backward Jump its counter at a fixed offset from itself. Scanned
     * memory: slots may hold shape pointers. */
    size_t n = f->ncode ? f->ncode : 1, nfb = f->nfeedback ? f->nfeedback : 1;
    size_t bytes = n * (sizeof(sc_tinsn) + sizeof(uint32_t)) + nfb * sizeof(sc_fb_slot);
    sc_tinsn *code = sc_gc_alloc(bytes);
    memset(code, 0, bytes);
    pr->slots = (sc_fb_slot *)(code + n);
    pr->backedges = (uint32_t *)(pr->slots + nfb);
    for (uint32_t k = 0; k < f->nfeedback; k++) sc_vm_slot_clear(&pr->slots[k]);
    sc_vfunc *vf = &vm->funcs[i];
    vf->f = f;
    vf->code = code;
    vf->prof = pr;
    vf->slots = pr->slots;
    vf->backedges = pr->backedges;
    vf->index = i;
    vf->frame_size = f->nlocals + f->max_stack;
    vf->nlocals = f->nlocals;
  }
  size_t cap = SC_INITIAL_STACK;
  vm->stack = sc_gc_alloc_atomic(cap * sizeof(sc_value));
  memset(vm->stack, 0, cap * sizeof(sc_value));
  vm->stack_end = vm->stack + cap;
  vm->stack_top = vm->stack;
  vm->frames_cap = SC_INITIAL_FRAMES < vm->max_frames + 1 ? SC_INITIAL_FRAMES : vm->max_frames + 1;
  vm->frames = sc_gc_alloc_atomic(vm->frames_cap * sizeof(sc_frame));
  return vm;
}

void sc_vm_free(sc_vm *vm) {
  if (!vm) return;
  for (sc_vm *r = running; r; r = r->next_running)
    if (r == vm) return; /* still running (documented: not allowed) */
  if (vm->hooks) vm->hooks->stop(vm); /* a tier manager left over: its threads and code */
  /* the VM's own blocks go back now; the program's values go when
   * unreachable, as the collector finds */
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++) GC_FREE(vm->funcs[i].code);
  GC_FREE(vm->funcs);
  GC_FREE(vm->profiles);
  GC_FREE(vm->globals);
  GC_FREE(vm->gstores);
  GC_FREE(vm->stack);
  GC_FREE(vm->frames);
  memset(vm, 0, sizeof *vm);
  GC_FREE(vm);
}

void sc_vm_global_stored(sc_vm *vm, uint32_t g) {
  vm->gstores[g]++;
  if (vm->gwatch[g] && vm->hooks) vm->hooks->global_stored(vm, g);
}

void sc_vm_set_output(sc_vm *vm, FILE *out) {
  if (vm) vm->opts.out = out ? out : stdout;
}

const sc_profile *sc_vm_profile(const sc_vm *vm, uint32_t func_index) {
  if (!vm || func_index >= vm->prog->nfuncs) return NULL;
  return &vm->profiles[func_index];
}

/* Compiled code recurses on the native stack (compiled -> helper ->
 * compiled ...), up to the VM's frame limit: it runs on a thread whose
 * stack is big enough for that (reserved, touched only as used). */
#define SC_NATIVE_STACK ((size_t)1 << 30)

/* SHAPEC_NATIVE_STACK=SIZE (bytes, or K/M/G) sizes the execution thread's
 * stack instead, so that tests reach its end quickly. */
static size_t native_stack_size(void) {
  const char *e = getenv("SHAPEC_NATIVE_STACK");
  if (!e || !*e) return SC_NATIVE_STACK;
  char *end;
  unsigned long long v = strtoull(e, &end, 10);
  int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
  if (shift) end++;
  size_t n = (size_t)v << shift;
  return *end || n < 2 * SC_NATIVE_RESERVE ? SC_NATIVE_STACK : n;
}

static void *run_thread(void *arg) {
  sc_vm *vm = arg;
  pthread_attr_t at;
  void *lo = NULL;
  size_t size = 0;
  if (!pthread_getattr_np(pthread_self(), &at)) {
    if (pthread_attr_getstack(&at, &lo, &size)) lo = NULL;
    pthread_attr_destroy(&at);
  }
  /* the stack grows down from lo + size; without its bounds, count from here */
  uintptr_t low = lo ? (uintptr_t)lo : (uintptr_t)__builtin_frame_address(0) - native_stack_size();
  vm->native_limit = low + SC_NATIVE_RESERVE;
  vm->run_status = sc_interp_run(vm);
  vm->native_limit = 0;
  return NULL;
}

static int run(sc_vm *vm) {
  if (!vm->native_ready) return sc_interp_run(vm);
  pthread_attr_t at;
  pthread_t th;
  pthread_attr_init(&at);
  pthread_attr_setstacksize(&at, native_stack_size());
  int e = pthread_create(&th, &at, run_thread, vm);
  pthread_attr_destroy(&at);
  if (e) {
    fprintf(vm->opts.err, "shapec: error: cannot start the execution thread\n");
    return SC_EXIT_COMPILER_ERROR;
  }
  pthread_join(th, NULL);
  return vm->run_status;
}

int sc_vm_run_main(sc_vm *vm) {
  if (!vm) return SC_EXIT_BAD_PROGRAM;
  vm->rt.has_error = 0;
  if (vm->prog->main_index < 0 || (uint32_t)vm->prog->main_index >= vm->prog->nfuncs) {
    sc_rt_error(&vm->rt, "program has no main function");
    fflush(vm->opts.out);
    sc_fprint_escaped(vm->opts.err, "runtime error: %s\n", vm->rt.errmsg);
    return SC_EXIT_RUNTIME_ERROR;
  }
  const sc_jit_hooks *h = vm->opts.jit != SC_JIT_OFF ? vm->hooks : NULL;
  if (h && vm->opts.jit == SC_JIT_TIERED) {
    uint32_t t = vm->opts.tier_threshold ? vm->opts.tier_threshold : SC_DEFAULT_TIER_THRESHOLD;
    for (uint32_t i = 0; i < vm->prog->nfuncs; i++) vm->funcs[i].tier_at = t;
    /* before start threads the code: backward jumps count down from it */
    vm->osr_at = vm->opts.osr_threshold ? vm->opts.osr_threshold : SC_DEFAULT_OSR_THRESHOLD;
  }
  if (h && !h->start(vm)) return SC_EXIT_COMPILER_ERROR;
  vm->next_running = running;
  running = vm;
  int status = run(vm);
  /* unlink (runs may nest only through distinct VMs) */
  for (sc_vm **l = &running; *l; l = &(*l)->next_running)
    if (*l == vm) {
      *l = vm->next_running;
      break;
    }
  vm->stack_top = vm->stack;
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++) sc_interp_flush_counts(vm, i);
  fflush(vm->opts.out);
  if (h && vm->opts.stats) h->stats(vm, vm->opts.stats);
  else if (vm->opts.stats) /* nothing compiles without the tier manager */
    fputs(vm->opts.json & SC_JSON_STATS ? "{\"type\":\"stats\",\"jit\":null}\n" : "jit: off (nothing compiled)\n",
          vm->opts.stats);
  if (vm->opts.stats) sc_gc_print_stats(vm->opts.stats);
  /* stop the compile threads before anything else goes away */
  if (h) h->stop(vm);
  return status;
}

ptrdiff_t sc_vm_grow_stack(sc_vm *vm, sc_frame *fp, size_t need) {
  ptrdiff_t d;
  if (!sc_vm_try_grow_stack(vm, fp, need, &d)) sc_vm_fatal_oom(vm);
  return d;
}

bool sc_vm_try_grow_stack(sc_vm *vm, sc_frame *fp, size_t need, ptrdiff_t *disp) {
  size_t cap = (size_t)(vm->stack_end - vm->stack);
  size_t ncap = cap * 2;
  while (ncap < need) ncap *= 2;
  sc_value *ns = sc_gc_try_alloc_atomic(ncap * sizeof(sc_value));
  if (!ns) return sc_rt_stack_overflow(&vm->rt);
  /* copy up to the GC extent; zero the rest so no stale bits get scanned */
  size_t live = (size_t)(vm->stack_top - vm->stack);
  if (live > cap) live = cap;
  memcpy(ns, vm->stack, cap * sizeof(sc_value));
  memset(ns + cap, 0, (ncap - cap) * sizeof(sc_value));
  ptrdiff_t d = ns - vm->stack;
  /* compiled code's callers receive results outside the stack */
  sc_value *olds = vm->stack, *olde = vm->stack + cap;
  for (sc_frame *f = vm->frames; fp && f <= fp; f++) {
    f->base += d;
    if (f->ret >= olds && f->ret < olde) f->ret += d;
  }
  /* Publish the new stack only after copying: a collection during the
   * allocation above scanned the old one. */
  sc_value *old = vm->stack;
  vm->stack = ns;
  vm->stack_end = ns + ncap;
  vm->stack_top = ns + live;
  GC_FREE(old);
  *disp = d;
  return true;
}

bool sc_vm_grow_frames(sc_vm *vm, sc_frame **fp) {
  uint32_t limit = vm->max_frames + 1; /* + the sentinel */
  if (vm->frames_cap >= limit) return sc_rt_stack_overflow(&vm->rt);
  uint32_t ncap = vm->frames_cap > limit / 2 ? limit : vm->frames_cap * 2;
  sc_frame *nf = sc_gc_try_alloc_atomic((size_t)ncap * sizeof(sc_frame));
  if (!nf) return sc_rt_stack_overflow(&vm->rt); /* the heap limit is the depth limit */
  memcpy(nf, vm->frames, (size_t)vm->frames_cap * sizeof(sc_frame));
  *fp = nf + (*fp - vm->frames);
  GC_FREE(vm->frames);
  vm->frames = nf;
  vm->frames_cap = ncap;
  return true;
}

_Noreturn void sc_vm_fatal_oom(sc_vm *vm) {
  fflush(vm ? vm->opts.out : stdout);
  fflush(NULL);
  FILE *err = vm ? vm->opts.err : stderr;
  fprintf(err, "runtime error: %s\n", SC_RT_OOM);
  fflush(err);
  _exit(SC_EXIT_RUNTIME_ERROR); /* compile threads may be running: no atexit work */
}

bool sc_rt_stack_overflow(sc_rt *rt) { return sc_rt_error(rt, "stack overflow"); }

bool sc_rt_check_callee(sc_rt *rt, sc_value fn, uint32_t argc, uint32_t *index) {
  if (fn.tag != SC_FUNC) return sc_rt_error(rt, "cannot call %s", sc_tag_name((sc_tag)fn.tag));
  const sc_func *f = rt->prog->funcs[fn.i];
  if (f->arity != argc)
    return sc_rt_error(rt, "function %s expects %u arguments, got %u", f->name, f->arity, argc);
  *index = (uint32_t)fn.i;
  return true;
}

void sc_vm_trace_line(const sc_vm *vm, FILE *err, const sc_func *f, uint32_t bpc) {
  uint32_t line = f->lines && bpc < f->ncode ? f->lines[bpc] : 0;
  sc_fprint_escaped(err, "  at %s (%s:%u)\n", f->name, vm->prog->filename ? vm->prog->filename : "?", line);
}

#define SC_TRACE_KEEP 20 /* frames shown at each end of a long trace */

void sc_vm_report_error(sc_vm *vm, const sc_frame *fp, const sc_tinsn *pc) {
  FILE *err = vm->opts.err;
  fflush(vm->opts.out);
  sc_fprint_escaped(err, "runtime error: %s\n", vm->rt.errmsg);
  uint32_t n = (uint32_t)(fp - vm->frames); /* frames 1..n; 0 is the sentinel */
  for (uint32_t k = 0; k < n; k++) {
    if (n > 2 * SC_TRACE_KEEP && k == SC_TRACE_KEEP) {
      fprintf(err, "  ... %u more frames ...\n", n - 2 * SC_TRACE_KEEP);
      k = n - SC_TRACE_KEEP - 1;
      continue;
    }
    const sc_frame *f = fp - k;
    const sc_tinsn *at = k == 0 ? pc : f->pc;
    sc_vm_trace_line(vm, err, f->vf->f, (uint32_t)(at - f->vf->code));
  }
  fflush(err);
}
