/* --emit=html: the pass viewer page (html.h). Everything is inline (CSS,
 * a little JS, the SVG drawings): the page opens without a network. The IR
 * text is sc_ir_print's, the drawings are Graphviz's renderings of
 * sc_ir_print_dot's graphs; this file only marks them up, reading the text
 * form ir.h documents. Every text from the program is HTML-escaped. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/html.h"
#include "runtime/runtime.h"

extern char **environ;

struct sc_html {
  FILE *out;
  const sc_program *p;
  const char *src;
  size_t srclen;
  uint32_t fn;      /* the function whose pipeline runs */
  uint32_t stage;   /* stages of it shown so far */
  char *prev;       /* its IR text after the previous stage */
  size_t prevlen;
  int dot;          /* 0 not tried yet, 1 works, -1 missing */
};

static void esc(FILE *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default:
      if (c < 0x20 && c != '\t' && c != '\n') fprintf(out, "&#x%x;", 0x2400 + c); /* a visible control picture */
      else putc(c, out);
    }
  }
}

static void escs(FILE *out, const char *s) { esc(out, s, strlen(s)); }

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f8fa;color:#1f2328}"
    "header{background:#24292f;color:#fff;padding:10px 16px}header h1{margin:0;font-size:18px}"
    "header p{margin:4px 0 0;color:#d0d7de;font-size:12px}main{padding:8px 16px}"
    "h2{font-size:16px;margin:18px 0 6px;padding:4px 8px;background:#ddf4ff;border-left:4px solid #0969da}"
    "section.pass{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:6px 0;padding:4px 8px}"
    "section.pass h3{font-size:13px;margin:2px 0 4px}section.pass.same h3{color:#6e7781;font-weight:normal}"
    ".badge{font:12px monospace;margin-left:8px}.badge .a{color:#1a7f37}.badge .d{color:#cf222e}"
    ".stage{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:8px}"
    ".ir,.src,.asm{font:12px/1.35 ui-monospace,monospace;white-space:pre;overflow-x:auto;margin:0}"
    ".ir .l{display:block;padding-left:4px;border-left:3px solid transparent}"
    ".ir .l.d1{border-left-color:#54aeff}.ir .l.d2{border-left-color:#0969da}.ir .l.d3{border-left-color:#0a3069}"
    ".ir .add{background:#dafbe1}.ir .del{background:#ffebe9;color:#82071e;text-decoration:line-through}"
    "body.hide-del .ir .del{display:none}.asm span,.src .sl{display:block;min-height:1.35em}"
    ".ir .blk{font-weight:bold}.ir .hdr{background:#ddf4ff}.ir .hdr::after{content:'  \\27f3 loop header';color:#0969da}"
    ".ir .st{color:#6e7781}.ir .deopt .m::before{content:'\\25c6';color:#bc4c00}.ir .guard{color:#9a6700;font-weight:bold}"
    ".ir .m{display:inline-block;width:1.2em}.ir a.pc{display:inline-block;width:3.5em;color:#0969da;text-decoration:none}"
    ".ir a.pc::before{content:attr(data-l)}.ir a.pc:hover{text-decoration:underline}.ir .nopc{display:inline-block;width:3.5em}"
    ".cfg{overflow:auto;max-height:720px;border-left:1px solid #d0d7de;padding-left:6px}.cfg svg{max-width:100%;height:auto}"
    ".note{color:#9a6700;font-style:italic}"
    ".src .ln{display:inline-block;width:3em;color:#6e7781;text-align:right;margin-right:1em}"
    ".src .sl:target{background:#fff8c5}.asm .h{font-weight:bold;color:#0969da}"
    "nav table{border-collapse:collapse;font-size:12px}nav td,nav th{border:1px solid #d0d7de;padding:1px 5px;text-align:left}"
    "nav a{text-decoration:none}nav td.changed{background:#dafbe1}nav td.same{color:#8c959f}"
    ".legend span{margin-right:14px}";

static const char script[] =
    "document.getElementById('showdel').addEventListener('change',function(e){"
    "document.body.classList.toggle('hide-del',!e.target.checked);});"
    "document.querySelectorAll('section.pass').forEach(function(s){"
    "var c=document.querySelector('nav td[data-for=\"'+s.id+'\"]');"
    "if(c)c.className=s.classList.contains('same')?'same':'changed';});";

sc_html *sc_html_new(FILE *out, const sc_program *p, const char *src, size_t len, const char *about) {
  sc_html *h = calloc(1, sizeof *h);
  if (!h) return NULL;
  *h = (sc_html){.out = out, .p = p, .src = src, .srclen = len};
  const char *file = p->filename ? p->filename : "program";
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>shapec: ", out);
  escs(out, file);
  fprintf(out, "</title>\n<style>%s</style></head>\n<body>\n<header><h1>shapec pass viewer: ", style);
  escs(out, file);
  fputs("</h1><p>", out);
  escs(out, about);
  fputs("</p></header>\n<main>\n<p class=\"legend\"><span style=\"background:#dafbe1\">added by the pass</span>"
        "<span style=\"background:#ffebe9;text-decoration:line-through\">removed by the pass</span>"
        "<span style=\"background:#ddf4ff\">loop header</span><span style=\"border-left:3px solid #0969da\">&nbsp;in a "
        "loop (darker: deeper)</span><span style=\"color:#bc4c00\">&#9670; may deopt (has a frame state)</span>"
        "<span style=\"color:#9a6700;font-weight:bold\">guard</span>"
        "<label><input type=\"checkbox\" id=\"showdel\" checked> show removed lines</label></p>\n",
        out);
  return h;
}

/* A table of contents: a row per function, a cell per stage (the sections
 * say whether they changed; the script colors the cells). */
void sc_html_nav(sc_html *h, const char *pipeline, int only) {
  FILE *out = h->out;
  fputs("<nav><table><tr><th>function</th>", out);
  for (const char *s = pipeline; *s;) {
    size_t n = strcspn(s, ",");
    fputs("<th>", out);
    esc(out, s, n);
    fputs("</th>", out);
    s += n + (s[n] == ',');
  }
  fputs("</tr>\n", out);
  for (uint32_t i = 0; i < h->p->nfuncs; i++) {
    if (only >= 0 && i != (uint32_t)only) continue;
    fprintf(out, "<tr><th><a href=\"#f%u\">", i);
    escs(out, h->p->funcs[i]->name);
    fputs("</a></th>", out);
    uint32_t k = 0;
    for (const char *s = pipeline; *s; k++) {
      size_t n = strcspn(s, ",");
      fprintf(out, "<td data-for=\"f%u-s%u\"><a href=\"#f%u-s%u\">%u</a></td>", i, k, i, k, k);
      s += n + (s[n] == ',');
    }
    fputs("</tr>\n", out);
  }
  fputs("</table></nav>\n", out);
}

void sc_html_func(sc_html *h, uint32_t fn) {
  h->fn = fn;
  h->stage = 0;
  fprintf(h->out, "<section class=\"func\" id=\"f%u\"><h2>func ", fn);
  escs(h->out, h->p->funcs[fn]->name);
  fputs("</h2>\n", h->out);
}

void sc_html_func_end(sc_html *h) {
  free(h->prev);
  h->prev = NULL;
  h->prevlen = 0;
  fputs("</section>\n", h->out);
}

/* text split into lines (the last newline ends the last line). */
static sc_line *split_lines(const char *text, size_t len, uint32_t *n) {
  uint32_t cap = 1;
  for (size_t i = 0; i < len; i++) cap += text[i] == '\n';
  sc_line *v = malloc(cap * sizeof *v);
  uint32_t k = 0;
  for (size_t i = 0; v && i < len;) {
    const char *e = memchr(text + i, '\n', len - i);
    size_t l = e ? (size_t)(e - (text + i)) : len - i;
    v[k++] = (sc_line){text + i, l};
    i += l + 1;
  }
  *n = k;
  return v;
}

/* Graphviz's SVG of the dot text, or NULL: *missing set when dot is not
 * installed (else why holds what went wrong). */
static char *run_dot(const char *text, size_t len, size_t *svglen, bool *missing, char *why, size_t whylen) {
  *missing = false;
  const char *tmpdir = getenv("TMPDIR");
  char path[512];
  snprintf(path, sizeof path, "%s/shapec-dot-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0) {
    snprintf(why, whylen, "cannot create a temporary file: %s", strerror(errno));
    return NULL;
  }
  unlink(path);
  bool wrote = true;
  for (size_t off = 0; wrote && off < len;) {
    ssize_t w = write(fd, text + off, len - off);
    if (w <= 0) wrote = false;
    else off += (size_t)w;
  }
  int pfd[2];
  if (!wrote || lseek(fd, 0, SEEK_SET) != 0 || pipe(pfd)) {
    snprintf(why, whylen, "cannot write the graph for dot: %s", strerror(errno));
    close(fd);
    return NULL;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fd, 0);
  posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&fa, pfd[0]);
  char *argv[] = {"dot", "-Tsvg", NULL};
  pid_t pid;
  int rc = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fd);
  close(pfd[1]);
  if (rc) {
    close(pfd[0]);
    if (rc == ENOENT) *missing = true;
    snprintf(why, whylen, "cannot run Graphviz's dot: %s", strerror(rc));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (buf && n + 4096 > cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) free(buf);
      buf = nb;
    }
    if (!buf) break;
    ssize_t r = read(pfd[0], buf + n, cap - n - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
  }
  close(pfd[0]);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) continue;
  if (!buf || !WIFEXITED(st) || WEXITSTATUS(st)) {
    snprintf(why, whylen, "Graphviz's dot failed (%s)", !buf ? "out of memory" : "exit status not 0");
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127) *missing = true; /* spawnp by shell on some libcs */
    free(buf);
    return NULL;
  }
  buf[n] = 0;
  *svglen = n;
  return buf;
}

/* The CFG of f as inline SVG, or a note saying why not. */
static void cfg(sc_html *h, sc_irfunc *f, const char *pass) {
  FILE *out = h->out;
  fputs("<div class=\"cfg\">", out);
  if (h->dot < 0) {
    fputs("<p class=\"note\">Graphviz's dot is not installed: no CFG drawing.</p></div>\n", out);
    return;
  }
  char *text = NULL, title[256];
  size_t len = 0;
  FILE *m = open_memstream(&text, &len);
  if (!m) {
    fputs("<p class=\"note\">out of memory: no CFG drawing.</p></div>\n", out);
    return;
  }
  snprintf(title, sizeof title, "%s after %s", f->name, pass);
  sc_ir_dot_begin(m, title);
  sc_ir_print_dot(f, f->func, m);
  sc_ir_dot_end(m);
  fclose(m);
  size_t svglen;
  bool missing;
  char why[300];
  char *svg = run_dot(text, len, &svglen, &missing, why, sizeof why);
  free(text);
  if (!svg) {
    if (missing) h->dot = -1;
    fputs("<p class=\"note\">", out);
    escs(out, missing ? "Graphviz's dot is not installed: no CFG drawing." : why);
    fputs("</p></div>\n", out);
    return;
  }
  h->dot = 1;
  const char *s = strstr(svg, "<svg"); /* without the XML prologue and doctype */
  if (s) fwrite(s, 1, svglen - (size_t)(s - svg), out);
  else fputs("<p class=\"note\">Graphviz's dot wrote no SVG.</p>", out);
  free(svg);
  fputs("</div>\n", out);
}

/* The .sasm line of pc in function fi, 0 if not known. */
static uint32_t src_line(const sc_program *p, int fi, long pc) {
  if (fi < 0 || (uint32_t)fi >= p->nfuncs || pc < 0) return 0;
  const sc_func *fn = p->funcs[fi];
  return fn->lines && (uint64_t)pc < fn->ncode ? fn->lines[pc] : 0;
}

/* A number after s[i] (digits up to a non-digit); -1 if none. */
static long number(const char *s, size_t n, size_t i) {
  if (i >= n || s[i] < '0' || s[i] > '9') return -1;
  long v = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9' && v < 100000000) v = v * 10 + (s[i++] - '0');
  return v;
}

/* Where in l the needle starts after from, or -1. */
static long find(const sc_line *l, size_t from, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = from; i + k <= l->len; i++)
    if (!memcmp(l->s + i, needle, k)) return (long)i;
  return -1;
}

/* What the viewer knows of f's blocks: loop depth, headers. */
typedef struct loopinfo {
  uint32_t *depth;
  uint8_t *header;
} loopinfo;

/* One line of the IR text, marked up (the text content of the line is
 * the printer's line: the gutter, a link to the source line and a mark,
 * is drawn by CSS); ctx is the function whose bytecode
 * the block's code came from so far (inlined code: the callee's, from its
 * frame states), fsfunc the function of each frame state printed. */
static void ir_line(sc_html *h, sc_irfunc *f, const sc_line *l, const char *cls, const loopinfo *li, int32_t *block,
                    int *ctx, int *fsfunc) {
  FILE *out = h->out;
  char classes[96];
  snprintf(classes, sizeof classes, "l%s", cls);
  size_t n = strlen(classes);
  const char *s = l->s;
  size_t ind = 0;
  while (ind < l->len && s[ind] == ' ') ind++;
  long pc = -1;
  int fi = *ctx;
  bool deopt = false;
  if (ind == 0 && l->len > 1 && s[0] == 'b' && number(s, l->len, 1) >= 0) { /* a block label */
    long b = number(s, l->len, 1);
    *block = b < (long)f->nblk ? (int32_t)b : -1;
    *ctx = (int)f->func;
    fi = -1;
    n += (size_t)snprintf(classes + n, sizeof classes - n, " blk%s", *block >= 0 && li->header[*block] ? " hdr" : "");
  } else if (ind > 0 && l->len > ind + 2 && s[ind] == 'f' && s[ind + 1] == 's' && find(l, ind, " = state ") >= 0) {
    /* fsN = state NAME@PC [...] */
    long id = number(s, l->len, ind + 2);
    long at = find(l, ind, " = state ") + 9;
    long e = at;
    while ((size_t)e < l->len && s[e] != '@' && s[e] != ' ') e++;
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(e - at), s + at);
    fi = sc_func_find(h->p, name);
    if (id >= 0 && id < (long)f->nfs) fsfunc[id] = fi;
    if ((size_t)e < l->len && s[e] == '@') pc = number(s, l->len, (size_t)e + 1);
    n += (size_t)snprintf(classes + n, sizeof classes - n, " st");
  } else if (ind > 0) { /* an instruction */
    long at = find(l, ind, " !fs");
    if (at >= 0) {
      long id = number(s, l->len, (size_t)at + 4);
      if (id >= 0 && id < (long)f->nfs && fsfunc[id] != -2) *ctx = fi = fsfunc[id];
      deopt = true;
    }
    for (long i = (long)l->len - 1; i > (long)ind; i--) /* the trailing @PC */
      if (s[i] == '@') {
        if (s[i - 1] == ' ' && number(s, l->len, (size_t)i + 1) >= 0) {
          size_t k = (size_t)i + 1;
          while (k < l->len && s[k] >= '0' && s[k] <= '9') k++;
          if (k == l->len) pc = number(s, l->len, (size_t)i + 1);
        }
        break;
      }
    size_t op = ind;
    long eq = find(l, ind, " = ");
    if (s[ind] == 'v' && eq > 0) { /* vN = TYPE op */
      op = (size_t)eq + 3;
      while (op < l->len && s[op] != ' ') op++;
      op++;
    }
    size_t oe = op;
    while (oe < l->len && s[oe] != ' ' && s[oe] != '[') oe++;
    bool guard = (oe - op == 5 && !memcmp(s + op, "guard", 5)) || (oe - op == 5 && !memcmp(s + op, "deopt", 5)) ||
                 (oe - op == 9 && !memcmp(s + op, "checkkind", 9));
    if (deopt) n += (size_t)snprintf(classes + n, sizeof classes - n, " deopt");
    if (guard) n += (size_t)snprintf(classes + n, sizeof classes - n, " guard");
  }
  if (*block >= 0 && li->depth[*block])
    n += (size_t)snprintf(classes + n, sizeof classes - n, " d%u", li->depth[*block] < 3 ? li->depth[*block] : 3);
  fprintf(out, "<span class=\"%s\">", classes);
  uint32_t line = pc >= 0 ? src_line(h->p, fi, pc) : 0;
  if (line) {
    fprintf(out, "<a class=\"pc\" href=\"#L%u\" title=\"", line);
    escs(out, h->p->funcs[fi]->name);
    fprintf(out, " pc %ld: line %u of the source\" data-l=\":%u\"></a>", pc, line, line);
  } else fputs("<span class=\"nopc\"></span>", out);
  fputs("<span class=\"m\"></span>", out);
  esc(out, l->s, l->len);
  fputs("</span>", out);
}

void sc_html_stage(void *arg, sc_irfunc *f, const char *pass) {
  sc_html *h = arg;
  FILE *out = h->out;
  char *text = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&text, &len);
  if (!m) return;
  sc_ir_print(f, m);
  fclose(m);
  uint32_t na = 0, nb = 0, nops = 0;
  sc_line *a = split_lines(h->prev ? h->prev : "", h->prevlen, &na);
  sc_line *b = split_lines(text, len, &nb);
  sc_diff_op *ops = NULL;
  int ds = a && b ? sc_line_diff(a, na, b, nb, &ops, &nops) : -1;
  uint32_t adds = 0, dels = 0;
  for (uint32_t k = 0; k < nops; k++) adds += ops[k].kind == SC_DIFF_ADD, dels += ops[k].kind == SC_DIFF_DEL;
  bool first = h->stage == 0, changed = first || adds || dels;

  /* loops, computed for the view only: the analyses are left as they were */
  bool had = f->loop_of != NULL;
  if (!had) sc_ir_loops(f);
  loopinfo li = {calloc(f->nblk + 1, sizeof *li.depth), calloc(f->nblk + 1, 1)};
  int *fsfunc = malloc((f->nfs + 1) * sizeof *fsfunc);
  for (uint32_t k = 0; fsfunc && k <= f->nfs; k++) fsfunc[k] = -2;
  for (uint32_t bl = 0; li.depth && li.header && bl < f->nblk; bl++)
    li.depth[bl] = f->loop_of[bl] >= 0 ? f->loops[f->loop_of[bl]].depth : 0;
  for (uint32_t l = 0; li.header && l < f->nloops; l++)
    for (uint32_t e = 0; e < f->loops[l].nentries; e++) li.header[f->loops[l].entries[e]] = 1;

  fprintf(out, "<section class=\"pass%s\" id=\"f%u-s%u\" data-pass=\"", changed ? "" : " same", h->fn, h->stage);
  escs(out, pass);
  fprintf(out, "\"><h3>%u. ", h->stage);
  escs(out, f->name);
  fputs(" after ", out);
  escs(out, pass);
  if (first) fputs(" <span class=\"badge\">(the lifted IR)</span>", out);
  else if (changed) fprintf(out, " <span class=\"badge\"><span class=\"a\">+%u</span> <span class=\"d\">&minus;%u</span></span>", adds, dels);
  else fputs(" <span class=\"badge\">no change</span>", out);
  fputs("</h3>\n", out);
  if (ds < 0 || !li.depth || !li.header || !fsfunc) {
    fputs("<p class=\"note\">out of memory</p>", out);
  } else if (changed) {
    if (ds == 1) fputs("<p class=\"note\">too large to compare with the previous stage: every line is marked</p>", out);
    fputs("<div class=\"stage\"><pre class=\"ir\">", out);
    int32_t block = -1;
    int ctx = (int)f->func;
    for (uint32_t k = 0; k < nops; k++) {
      const sc_diff_op *o = &ops[k];
      if (o->kind == SC_DIFF_DEL) { /* its markup: none (the text only) */
        fputs("<span class=\"l del\"><span class=\"nopc\"></span><span class=\"m\"></span>", out);
        esc(out, a[o->a].s, a[o->a].len);
        fputs("</span>", out);
      } else {
        ir_line(h, f, &b[o->b], o->kind == SC_DIFF_ADD && !first ? " add" : "", &li, &block, &ctx, fsfunc);
      }
    }
    fputs("</pre>\n", out);
    cfg(h, f, pass);
    fputs("</div>\n", out);
  }
  fputs("</section>\n", out);
  if (!had) sc_ir_invalidate(f);
  free(li.depth);
  free(li.header);
  free(fsfunc);
  free(ops);
  free(a);
  free(b);
  free(h->prev);
  h->prev = text;
  h->prevlen = len;
  h->stage++;
}

/* The program's source, a line an anchor (#L12) for the IR to link to. */
static void source(sc_html *h) {
  FILE *out = h->out;
  fputs("<section id=\"source\"><h2>source: ", out);
  escs(out, h->p->filename ? h->p->filename : "program");
  fputs("</h2>\n<pre class=\"src\">", out);
  uint32_t n;
  sc_line *v = split_lines(h->src, h->srclen, &n);
  for (uint32_t k = 0; v && k < n; k++) {
    fprintf(out, "<span class=\"sl\" id=\"L%u\"><span class=\"ln\">%u</span>", k + 1, k + 1);
    esc(out, v[k].s, v[k].len);
    fputs("</span>", out);
  }
  free(v);
  fputs("</pre></section>\n", out);
}

void sc_html_code(sc_html *h, const char *title, const char *text, size_t len, const char *note) {
  FILE *out = h->out;
  source(h);
  fputs("<section id=\"code\"><h2>", out);
  escs(out, title);
  fputs("</h2>\n", out);
  if (!text) {
    fputs("<p class=\"note\">", out);
    escs(out, note);
    fputs("</p></section>\n", out);
    return;
  }
  fputs("<pre class=\"asm\">", out);
  uint32_t n;
  sc_line *v = split_lines(text, len, &n);
  for (uint32_t k = 0; v && k < n; k++) {
    bool head = v[k].len > 7 && !memcmp(v[k].s, "; func ", 7);
    fputs(head ? "<span class=\"h\">" : "<span>", out);
    esc(out, v[k].s, v[k].len);
    fputs("</span>", out);
  }
  free(v);
  fputs("</pre></section>\n", out);
}

void sc_html_end(sc_html *h) {
  FILE *out = h->out;
  fprintf(out, "</main>\n<script>%s</script>\n</body></html>\n", script);
  free(h->prev);
  free(h);
}
