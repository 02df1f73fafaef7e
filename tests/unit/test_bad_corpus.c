/* The bad-input corpus through the library: every tests/bad/NAME.sasm must
 * fail to assemble or verify with exactly the diagnostics of NAME.stderr
 * (as `shapec check tests/bad/NAME.sasm` prints them from the source root). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shapec/shapec.h"

#define BAD_DIR SC_SRCDIR "/tests/bad"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0, r;
  char *buf = malloc(cap + 1);
  while ((r = fread(buf + n, 1, cap - n, f)) > 0)
    if ((n += r) == cap) buf = realloc(buf, (cap *= 2) + 1);
  fclose(f);
  buf[n] = 0;
  *len = n;
  return buf;
}

static bool has_suffix(const char *s, const char *suf) {
  size_t l = strlen(s), k = strlen(suf);
  return l > k && !strcmp(s + l - k, suf);
}

/* The diagnostics for one file, as the CLI prints them. */
static char *check(const char *name) {
  char path[4096], shown[4096];
  snprintf(path, sizeof path, "%s/%s.sasm", BAD_DIR, name);
  snprintf(shown, sizeof shown, "tests/bad/%s.sasm", name);
  size_t len;
  char *src = slurp(path, &len);
  cr_assert_not_null(src, "cannot read %s", path);
  sc_diags d = {.filename = shown};
  sc_program *p = sc_assemble(shown, src, len, &d);
  free(src);
  if (p) {
    cr_assert_eq(d.n, 0, "%s: assembled with diagnostics", name);
    cr_assert_neq(sc_verify(p, &d), 0, "%s: verifies, but it is in the bad corpus", name);
  }
  cr_assert_gt(d.n, 0, "%s: rejected without a diagnostic", name);
  char *out;
  size_t n;
  FILE *f = open_memstream(&out, &n);
  sc_diags_print(&d, f);
  fclose(f);
  return out;
}

Test(bad_corpus, every_file_gives_its_diagnostics) {
  sc_runtime_init();
  DIR *dir = opendir(BAD_DIR);
  cr_assert_not_null(dir, "no %s", BAD_DIR);
  struct dirent *e;
  int files = 0, failed = 0;
  while ((e = readdir(dir))) {
    if (!has_suffix(e->d_name, ".sasm")) continue;
    char name[1024], path[4096];
    snprintf(name, sizeof name, "%.*s", (int)(strlen(e->d_name) - 5), e->d_name);
    snprintf(path, sizeof path, "%s/%s.stderr", BAD_DIR, name);
    size_t wl;
    char *want = slurp(path, &wl);
    cr_assert_not_null(want, "%s.sasm has no %s.stderr", name, name);
    char *got = check(name);
    if (strcmp(got, want)) {
      fprintf(stderr, "tests/bad/%s.sasm:\n--- expected\n%s--- got\n%s", name, want, got);
      failed++;
    }
    /* every line is `tests/bad/NAME.sasm:LINE:COL: error: ...` or a summary */
    char prefix[1100];
    snprintf(prefix, sizeof prefix, "tests/bad/%s.sasm:", name);
    for (char *line = got; *line; line = strchr(line, '\n') + 1)
      cr_assert(!strncmp(line, prefix, strlen(prefix)) && strstr(line, " error: "), "%s: malformed line", name);
    free(got);
    free(want);
    files++;
  }
  closedir(dir);
  cr_assert_eq(failed, 0, "%d of %d bad files gave other diagnostics", failed, files);
  cr_assert_geq(files, 45, "only %d files in the bad corpus", files);
}

/* No stray expectation files. */
Test(bad_corpus, every_stderr_has_its_source) {
  DIR *dir = opendir(BAD_DIR);
  cr_assert_not_null(dir);
  struct dirent *e;
  while ((e = readdir(dir))) {
    if (e->d_name[0] == '.') continue;
    cr_assert(has_suffix(e->d_name, ".sasm") || has_suffix(e->d_name, ".stderr"), "stray file %s", e->d_name);
    if (!has_suffix(e->d_name, ".stderr")) continue;
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%.*s.sasm", BAD_DIR, (int)(strlen(e->d_name) - 7), e->d_name);
    cr_assert_eq(stat(path, &sb), 0, "%s has no source", e->d_name);
  }
  closedir(dir);
}
