/* Strings as ropes (runtime/str.c): a long concatenation is a node that
 * keeps its pieces; every read of the bytes (compare, hash, map key, print,
 * index) sees exactly the bytes a copying concatenation would have made,
 * whatever the rope's shape, and flattening deep ropes needs no C stack. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

static sc_rt rt;

static void setup(void) {
  sc_runtime_init();
  sc_rt_init(&rt, NULL);
}

TestSuite(strings, .init = setup);

static sc_str *str(const char *s) { return sc_str_new(s, (int64_t)strlen(s)); }
static sc_value sv(sc_str *s) { return sc_ptr(SC_STR, s); }

static sc_str *cat(sc_str *a, sc_str *b) {
  sc_value r;
  cr_assert(sc_rt_binary(&rt, SC_OP_Add, sv(a), sv(b), &r), "Add failed: %s", rt.errmsg);
  cr_assert_eq(r.tag, SC_STR);
  cr_assert_eq(r.s->len, a->len + b->len);
  return r.s;
}

static bool holds(sc_str *s, const char *want) {
  size_t n = strlen(want);
  const char *d = sc_str_data(s);
  return (size_t)s->len == n && !memcmp(d, want, n) && d[n] == 0;
}

static bool binop(sc_op op, sc_str *a, sc_str *b) {
  sc_value r;
  cr_assert(sc_rt_binary(&rt, op, sv(a), sv(b), &r), "%s failed: %s", sc_op_name(op), rt.errmsg);
  cr_assert_eq(r.tag, SC_BOOL);
  return r.i;
}

static char *printed(sc_value v) {
  char *buf;
  size_t n;
  FILE *f = open_memstream(&buf, &n);
  sc_value_print(&rt, f, v);
  fclose(f);
  return buf;
}

/* "0123456789" repeated, n bytes, as the expected flat content */
static char *digits(size_t n) {
  char *d = malloc(n + 1);
  for (size_t i = 0; i < n; i++) d[i] = (char)('0' + i % 10);
  d[n] = 0;
  return d;
}

Test(strings, short_results_copy_long_ones_are_ropes) {
  sc_str *a = str("0123456789012345678901234567890"), *b = str("12345678901234567890123456789012");
  sc_str *s = cat(a, b); /* 63 bytes: copied */
  cr_assert_not_null(s->data);
  cr_assert(holds(s, "012345678901234567890123456789012345678901234567890123456789012"));
  sc_str *r = cat(s, str("3")); /* 64 bytes: a rope */
  cr_assert_null(r->data, "a 64-byte result is not copied");
  cr_assert_eq(r->hash, 0);
  char *want = digits(64);
  cr_assert(holds(r, want));
  const char *d = sc_str_data(r);
  cr_assert_eq(sc_str_data(r), d, "flattened once, then cached");
  free(want);
}

Test(strings, empty_pieces_return_the_other_operand) {
  sc_str *e = str(""), *a = str("abc");
  cr_assert_eq(cat(e, a), a);
  cr_assert_eq(cat(a, e), a);
  cr_assert_eq(cat(e, e)->len, 0);
  sc_str *big = str("");
  char *want = digits(200);
  for (int i = 0; i < 20; i++) {
    big = cat(big, e);
    big = cat(big, str("0123456789"));
    big = cat(e, big);
  }
  cr_assert_null(big->data);
  cr_assert(holds(big, want));
  cr_assert_eq(cat(big, e), big);
  free(want);
}

Test(strings, length_needs_no_flattening) {
  sc_str *s = str("");
  for (int i = 0; i < 100; i++) s = cat(s, str("xy"));
  sc_value n;
  cr_assert(sc_rt_unary(&rt, SC_OP_StrLen, sv(s), &n));
  cr_assert_eq(n.tag, SC_INT);
  cr_assert_eq(n.i, 200);
  cr_assert_null(s->data, "StrLen flattened the rope");
}

/* 10^6 one-byte concatenations each way: flattening is iterative. */
Test(strings, deep_ropes_flatten_without_recursion) {
  enum { N = 1000000 };
  sc_str *piece[10];
  for (int k = 0; k < 10; k++) piece[k] = sc_str_new((const char[]){(char)('0' + k)}, 1);
  sc_str *left = str(""), *right = str("");
  for (int i = 0; i < N; i++) {
    left = cat(left, piece[i % 10]);              /* s = s + x */
    right = cat(piece[(N - 1 - i) % 10], right); /* s = x + s */
  }
  cr_assert_null(left->data);
  cr_assert_null(right->data);
  char *want = digits(N);
  cr_assert(holds(left, want));
  cr_assert(holds(right, want));
  cr_assert(sc_str_eq(left, right));
  cr_assert_eq(sc_str_cmp(left, right), 0);
  cr_assert_eq(sc_str_hash(left), sc_str_hash(sc_str_new(want, N)));
  /* index: bytes at both ends and in the middle */
  cr_assert_eq(sc_str_data(left)[0], '0');
  cr_assert_eq(sc_str_data(left)[N / 2 + 3], '3');
  cr_assert_eq(sc_str_data(right)[N - 1], '9');
  free(want);
}

/* Balanced, and a piece shared by both sides (s + s), and ropes of ropes
 * that were already flattened. */
Test(strings, every_shape_gives_the_same_bytes) {
  sc_str *ten = str("0123456789");
  sc_str *s = ten;
  for (int i = 0; i < 10; i++) s = cat(s, s); /* 10 * 2^10 bytes */
  char *want = digits(10240);
  cr_assert(holds(s, want));
  sc_str *half = str(""), *other = str("");
  for (int i = 0; i < 512; i++) half = cat(half, ten);
  for (int i = 0; i < 512; i++) other = cat(ten, other);
  sc_str *both = cat(half, other); /* left-leaning + right-leaning */
  cr_assert_null(both->data);
  cr_assert(holds(both, want));
  (void)sc_str_data(half); /* a flattened piece inside a new rope */
  sc_str *again = cat(cat(half, str("")), other);
  cr_assert(holds(again, want));
  free(want);
}

Test(strings, equality_and_order_by_content) {
  sc_str *a = str(""), *b = str("");
  for (int i = 0; i < 100; i++) a = cat(a, str("abc"));
  for (int i = 0; i < 9; i++) b = cat(b, str("abcabcabcabcabcabcabcabcabcabc")); /* other shape */
  b = cat(b, str("abcabcabcabcabcabcabcabcabcabc"));
  cr_assert_neq(a, b);
  cr_assert_null(a->data);
  cr_assert_null(b->data);
  cr_assert(binop(SC_OP_Eq, a, b));
  cr_assert(!binop(SC_OP_Ne, a, b));
  cr_assert(sc_value_equal(sv(a), sv(b)));
  sc_str *c = cat(a, str("d")), *d = cat(a, str("a"));
  cr_assert(!binop(SC_OP_Eq, c, d));
  cr_assert(binop(SC_OP_Gt, c, d));
  cr_assert(binop(SC_OP_Lt, a, c), "a prefix orders first");
  cr_assert(binop(SC_OP_Le, a, b));
  cr_assert(!binop(SC_OP_Lt, c, str("abc")));
  cr_assert(binop(SC_OP_Lt, str("abb"), c));
  /* same length, hashes known: still by content */
  (void)sc_str_hash(c), (void)sc_str_hash(d);
  cr_assert(!sc_str_eq(c, d));
  cr_assert_eq(sc_str_hash(a), sc_str_hash(b));
}

Test(strings, rope_keys_find_flat_keys_and_back) {
  sc_value m = sc_ptr(SC_MAP, sc_map_new()), v;
  char *want = digits(100);
  sc_str *rope = str("");
  for (int i = 0; i < 10; i++) rope = cat(rope, str("0123456789"));
  cr_assert_null(rope->data);
  cr_assert(sc_rt_map_set(&rt, m, sv(rope), sc_int(7)));
  cr_assert(sc_rt_map_get(&rt, m, sv(str(want)), &v));
  cr_assert_eq(v.tag, SC_INT);
  cr_assert_eq(v.i, 7);
  sc_str *other = cat(str(want), str("!"));
  cr_assert(sc_rt_map_set(&rt, m, sv(str(want)), sc_int(8)));
  cr_assert(sc_rt_map_get(&rt, m, sv(rope), &v));
  cr_assert_eq(v.i, 8, "one key, overwritten");
  cr_assert(sc_rt_map_has(&rt, m, sv(other), &v));
  cr_assert_eq(v.i, 0);
  cr_assert(sc_rt_map_set(&rt, m, sv(other), sc_int(9)));
  cr_assert_eq(m.m->count, 2);
  free(want);
}

Test(strings, printing_a_rope) {
  sc_str *s = str("");
  for (int i = 0; i < 40; i++) s = cat(s, str("a\"\n"));
  cr_assert_null(s->data);
  char *t = printed(sv(s)), *want = malloc(400), *w = want;
  for (int i = 0; i < 40; i++) w = stpcpy(w, "a\"\n");
  cr_assert_str_eq(t, want, "raw at top level");
  free(t);
  sc_value elem = sv(s);
  t = printed(sc_ptr(SC_ARRAY, sc_array_from(&elem, 1)));
  w = stpcpy(want, "[\"");
  for (int i = 0; i < 40; i++) w = stpcpy(w, "a\\\"\\n");
  strcpy(w, "\"]");
  cr_assert_str_eq(t, want, "quoted inside a container");
  free(t);
  free(want);
}

/* s = s + s forever: the length never overflows; the concatenation whose
 * bytes could not fit in the heap fails as out of memory, and before it
 * nothing was copied. */
Test(strings, doubling_stops_at_out_of_memory) {
  sc_str *s = str("0123456789012345678901234567890123456789012345678901234567890123");
  int i = 0;
  sc_value r;
  while (i < 100 && sc_rt_binary(&rt, SC_OP_Add, sv(s), sv(s), &r)) {
    cr_assert_gt(r.s->len, s->len);
    s = r.s;
    i++;
  }
  cr_assert_lt(i, 100);
  cr_assert_str_eq(rt.errmsg, "out of memory");
  cr_assert_null(s->data);
}
