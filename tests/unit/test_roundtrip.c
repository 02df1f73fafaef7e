/* Disassembly round trip: for every program in the tree, assemble ->
 * disassemble -> reassemble gives identical bytecode. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

static void same_program(const sc_program *a, const sc_program *b, const char *path) {
  cr_assert_eq(a->nfuncs, b->nfuncs, "%s", path);
  cr_assert_eq(a->nglobals, b->nglobals, "%s", path);
  cr_assert_eq(a->main_index, b->main_index, "%s", path);
  for (uint32_t i = 0; i < a->nfuncs; i++) {
    const sc_func *f = a->funcs[i], *g = b->funcs[i];
    cr_assert_str_eq(f->name, g->name, "%s", path);
    cr_assert_eq(f->arity, g->arity, "%s", path);
    cr_assert_eq(f->nlocals, g->nlocals, "%s", path);
    if (f->nlocals) cr_assert_eq(memcmp(f->local_kinds, g->local_kinds, f->nlocals), 0, "%s", path);
    cr_assert_eq(f->ncode, g->ncode, "%s %s", path, f->name);
    for (uint32_t pc = 0; pc < f->ncode; pc++) {
      const sc_insn *x = &f->code[pc], *y = &g->code[pc];
      cr_assert(x->op == y->op && x->b == y->b, "%s %s pc %u", path, f->name, pc);
      if (sc_op_operand((sc_op)x->op) == SC_OPND_CONST) {
        sc_value u = a->consts[x->a], v = b->consts[y->a];
        cr_assert(u.tag == v.tag && (u.tag == SC_STR ? sc_str_eq(u.s, v.s) : u.i == v.i), "%s %s pc %u", path,
                  f->name, pc);
      } else if (sc_op_operand((sc_op)x->op) == SC_OPND_NAME) {
        cr_assert_str_eq(a->names[x->a], b->names[y->a]);
      } else {
        cr_assert_eq(x->a, y->a, "%s %s pc %u", path, f->name, pc);
      }
    }
  }
}

static int roundtrip_dir(const char *dir) {
  char path[4096];
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 6 || strcmp(e->d_name + l - 5, ".sasm")) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    sc_diags d1 = {0};
    sc_program *p = sc_assemble_file(path, &d1);
    if (!p || sc_verify(p, &d1)) continue; /* the bad corpus */
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    sc_disassemble(p, f);
    fclose(f);
    sc_diags d2 = {0};
    sc_program *q = sc_assemble(path, text, len, &d2);
    if (!q) sc_diags_print(&d2, stderr);
    cr_assert_not_null(q, "%s does not reassemble", path);
    cr_assert_eq(sc_verify(q, &d2), 0, "%s", path);
    same_program(p, q, path);
    free(text);
    n++;
  }
  closedir(d);
  return n;
}

Test(roundtrip, every_program_in_the_tree) {
  sc_runtime_init();
  int n = roundtrip_dir(SC_SRCDIR "/tests/programs") + roundtrip_dir(SC_SRCDIR "/bench") +
          roundtrip_dir(SC_SRCDIR "/examples");
  cr_assert_gt(n, 50, "only %d programs found", n);
}
