#include "repr.h"
struct node { long long value; struct node *left, *right; };
static struct node *build(long long d) {
  struct node *n = malloc(sizeof *n);
  n->value = 1;
  n->left = d ? build(d - 1) : NULL;
  n->right = d ? build(d - 1) : NULL;
  return n;
}
static long long sum(struct node *n) { return n ? n->value + sum(n->left) + sum(n->right) : 0; }
static void drop(struct node *n) { if (n) { drop(n->left); drop(n->right); free(n); } }
int main(int argc, char **argv) {
  long long depth = arg(argc, argv, 20), total = 0;
  for (int r = 0; r < 5; r++) {
    struct node *t = build(depth);
    total += sum(t);
    drop(t);
  }
  printf("%lld\n", total);
  return 0;
}
