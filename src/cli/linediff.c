/* A line diff for the pass viewer (html.c): which lines of the IR a pass
 * added and which it removed, by a longest common subsequence of lines
 * (after the common head and tail, which most passes leave alone). */
#include <stdlib.h>
#include <string.h>

#include "cli/html.h"

/* Past this many table cells the diff gives up (every line changed). */
#define MAX_CELLS (8u << 20)

static bool same(const sc_line *a, const sc_line *b) { return a->len == b->len && !memcmp(a->s, b->s, a->len); }

int sc_line_diff(const sc_line *a, uint32_t na, const sc_line *b, uint32_t nb, sc_diff_op **out, uint32_t *nout) {
  sc_diff_op *ops = malloc(((size_t)na + nb + 1) * sizeof *ops);
  if (!ops) return -1;
  uint32_t n = 0, head = 0, tail = 0;
  while (head < na && head < nb && same(&a[head], &b[head])) head++;
  while (tail < na - head && tail < nb - head && same(&a[na - 1 - tail], &b[nb - 1 - tail])) tail++;
  for (uint32_t k = 0; k < head; k++) ops[n++] = (sc_diff_op){SC_DIFF_SAME, k, k};
  uint32_t ma = na - head - tail, mb = nb - head - tail;
  const sc_line *A = a + head, *B = b + head;
  int status = 0;
  if ((uint64_t)(ma + 1) * (mb + 1) > MAX_CELLS) {
    for (uint32_t i = 0; i < ma; i++) ops[n++] = (sc_diff_op){SC_DIFF_DEL, head + i, 0};
    for (uint32_t j = 0; j < mb; j++) ops[n++] = (sc_diff_op){SC_DIFF_ADD, 0, head + j};
    status = 1;
  } else {
    /* L[i][j]: the LCS of A[i..) and B[j..) */
    uint32_t w = mb + 1;
    uint32_t *L = calloc((size_t)(ma + 1) * w, sizeof *L);
    if (!L) {
      free(ops);
      return -1;
    }
    for (uint32_t i = ma; i-- > 0;)
      for (uint32_t j = mb; j-- > 0;)
        L[i * w + j] = same(&A[i], &B[j]) ? L[(i + 1) * w + j + 1] + 1
                       : L[(i + 1) * w + j] >= L[i * w + j + 1] ? L[(i + 1) * w + j]
                                                                : L[i * w + j + 1];
    uint32_t i = 0, j = 0;
    while (i < ma || j < mb) {
      if (i < ma && j < mb && same(&A[i], &B[j])) {
        ops[n++] = (sc_diff_op){SC_DIFF_SAME, head + i++, head + j++};
      } else if (i < ma && (j == mb || L[(i + 1) * w + j] >= L[i * w + j + 1])) {
        ops[n++] = (sc_diff_op){SC_DIFF_DEL, head + i++, 0};
      } else {
        ops[n++] = (sc_diff_op){SC_DIFF_ADD, 0, head + j++};
      }
    }
    free(L);
  }
  for (uint32_t k = 0; k < tail; k++) ops[n++] = (sc_diff_op){SC_DIFF_SAME, na - tail + k, nb - tail + k};
  *out = ops;
  *nout = n;
  return status;
}
