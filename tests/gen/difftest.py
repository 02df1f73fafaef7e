#!/usr/bin/env python3
"""Differential testing of shapec on generated programs.

  difftest.py --shapec PATH [--count N] [--seed S] [--modes "ARGS;ARGS;..."]
              [--out DIR] [--hot] [--timeout SECS] [--jobs J] [--no-model]
              [--no-minimize] [--minimize-seconds M] [--seconds T] [FILE.sasm ...]

Programs come from gen.py (seeds S .. S+N-1), or are the FILEs given. Each
must pass `shapec check` (a generated program that does not is a generator
or verifier bug: a failure). Each then runs under every mode
(`shapec run prog.sasm ARGS...`, with a timeout); stdout, stderr and exit
status of every mode must equal the first mode's byte for byte: the first
mode is the oracle (use the plain interpreter, e.g. --no-profile). Later
tiers plug in as more modes ("--jit=eager --backend=mir", ...). The first
mode is also checked against refvm.py, the reference interpreter written
from the spec: same stdout and status, same stack trace, and the runtime
error message only loosely (the message text itself is reported, not failed).

A failing program is minimized by delta debugging over its instruction and
label lines (every candidate must still pass `shapec check` and still fail
the same way) and written to DIR/NAME.sasm with DIR/NAME.txt (what differed)
and DIR/NAME.orig.sasm; minimizing stops after M seconds (default 300,
so a hang, whose every candidate runs to the timeout, cannot stall a
campaign). Prints `N passed, N failed`; exit status 1 if
anything failed. --seconds T bounds a campaign by time: programs not
started T seconds after the start are not run (counted as `not run`).
"""
import argparse, os, re, shlex, subprocess, sys, tempfile, time

sys.dont_write_bytecode = True

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import gen  # noqa: E402
import refvm  # noqa: E402


def real_binary(shapec):
    """(argv0, env) that run shapec without its libtool wrapper script when
    possible (the wrapper costs tens of milliseconds a run)."""
    shapec = os.path.abspath(shapec)
    env = dict(os.environ)
    try:
        head = open(shapec, "rb").read(4096)
    except OSError:
        return shapec, env
    if head.startswith(b"#!") and b"just a wrapper for" in open(shapec, "rb").read():
        text = open(shapec, errors="replace").read()
        m = re.search(r"^ *program='(.*)'$", text, re.M)
        libs = os.path.join(os.path.dirname(shapec), ".libs")
        if m and os.access(os.path.join(libs, m.group(1)), os.X_OK):
            env["LD_LIBRARY_PATH"] = libs + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
            cand = os.path.join(libs, m.group(1))
            try:
                ok = subprocess.run([cand, "--version"], env=env, capture_output=True, timeout=10).returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if ok: return cand, env
    return shapec, dict(os.environ)


class Runner:
    def __init__(self, shapec, modes, timeout, workdir):
        self.bin, self.env = real_binary(shapec)
        self.modes, self.timeout, self.dir = modes, timeout, workdir
        self.deadline = 0  # minimizing: no run outlasts it by more than 5 s

    def limit(self):
        """The time a run (or the model) may take now."""
        t = self.timeout
        if self.deadline: t = max(5, min(t, int(self.deadline - time.time())))
        return t

    def run(self, args):
        t = self.limit()
        try:
            p = subprocess.run([self.bin] + args, capture_output=True, timeout=t, cwd=self.dir,
                               env=self.env)
            return (p.stdout, p.stderr, p.returncode)
        except subprocess.TimeoutExpired as e:
            return (e.stdout or b"", (e.stderr or b"") + b"<timeout after %ds>" % t, "timeout")

    def write(self, text, name="prog.sasm"):
        with open(os.path.join(self.dir, name), "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        return name

    def check(self, text):
        """None if `shapec check` accepts the program, else its complaint."""
        out, err, st = self.run(["check", self.write(text)])
        return None if st == 0 else err.decode(errors="replace") or "exit status %s" % st

    def modes_out(self, text):
        name = self.write(text)
        return [self.run(["run", name] + shlex.split(m)) for m in self.modes]


def split_err(err):
    """(message line, trace lines) of a runtime error's stderr."""
    lines = err.split(b"\n")
    if lines and lines[0].startswith(b"runtime error: "):
        return lines[0], lines[1:]
    return None, lines


def model(text, budget, seconds=300, memory=2 << 30):
    """refvm's (stdout, stderr, status), or None when it cannot say. It runs
    in a forked child with its address space and its time bounded: a
    candidate program of a minimization may allocate in a loop for its
    whole step budget (in CI one model grew to 24 GB, the kernel killed
    the worker and the campaign stalled), and its memory goes with the
    child. Over either bound: no verdict."""
    import pickle, resource, signal
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(rd)
            resource.setrlimit(resource.RLIMIT_AS, (memory, resource.getrlimit(resource.RLIMIT_AS)[1]))
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.alarm(max(1, int(seconds)))
            try:
                res = refvm.run(text, "prog.sasm", budget, clock=lambda: 1.0)[:3]
            except (refvm.Budget, refvm.ParseError, KeyError, ValueError, IndexError, MemoryError, RecursionError):
                res = None
            data = memoryview(pickle.dumps(res))
            while data: data = data[os.write(wr, data):]
        finally:
            os._exit(0)
    os.close(wr)
    chunks = []
    with os.fdopen(rd, "rb") as f:
        while True:
            b = f.read(1 << 16)
            if not b: break
            chunks.append(b)
    _, status = os.waitpid(pid, 0)
    if status != 0 or not chunks: return None  # killed (time), or failed to report
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:
        return None


def short(b, n=400):
    s = b.decode(errors="replace") if isinstance(b, bytes) else str(b)
    return s if len(s) <= n else s[:n] + "...(%d more bytes)" % (len(s) - n)


def first_diff(a, b):
    al, bl = a.split(b"\n"), b.split(b"\n")
    for k, (x, y) in enumerate(zip(al, bl)):
        if x != y: return "line %d: %r vs %r" % (k + 1, short(x, 120), short(y, 120))
    return "line %d: one output is longer (%d vs %d lines)" % (min(len(al), len(bl)) + 1, len(al), len(bl))


def classify(rn, text, use_model, budget, seen=None):
    """(kind, description) of the program's first misbehaviour, or None.
    kind: 'check', 'crash:MODE', 'timeout:MODE', 'mode:MODE' or 'model'. seen, a dict, gets
    the oracle mode's result ('ref') and the model's ('model')."""
    if seen is None: seen = {}
    why = rn.check(text)
    if why: return ("check", "shapec check rejects the program:\n" + short(why, 1500))
    res = rn.modes_out(text)
    for m, r in zip(rn.modes, res):
        if r[2] == "timeout":
            return ("timeout:" + m, "mode %r: no result in %ds\nstderr: %s" % (m, rn.timeout, short(r[1], 1500)))
        if isinstance(r[2], int) and (r[2] < 0 or r[2] > 2):
            return ("crash:" + m, "mode %r: exit status %s\nstderr: %s" % (m, r[2], short(r[1], 1500)))
    ref = seen["ref"] = res[0]
    for m, r in zip(rn.modes[1:], res[1:]):
        if r != ref:
            what = []
            if r[2] != ref[2]: what.append("exit status %s vs %s" % (r[2], ref[2]))
            if r[0] != ref[0]: what.append("stdout " + first_diff(r[0], ref[0]))
            if r[1] != ref[1]: what.append("stderr " + first_diff(r[1], ref[1]))
            return ("mode:" + m, "mode %r differs from mode %r: %s" % (m, rn.modes[0], "; ".join(what)))
    if use_model:
        exp = seen["model"] = model(text, budget, rn.limit())
        if exp is not None:
            what = []
            if exp[2] != ref[2]: what.append("exit status %s, the model says %s" % (ref[2], exp[2]))
            if exp[0] != ref[0]: what.append("stdout " + first_diff(ref[0], exp[0]) + " (shapec vs model)")
            (m1, t1), (m2, t2) = split_err(ref[1]), split_err(exp[1])
            if (m1 is None) != (m2 is None) or t1 != t2:
                what.append("stderr " + first_diff(ref[1], exp[1]) + " (shapec vs model)")
            if what:
                return ("model", "mode %r disagrees with the reference interpreter: %s" % (rn.modes[0], "; ".join(what)))
    return None


def message_note(seen):
    """A runtime error message that differs from refvm's (reported only)."""
    res, exp = seen.get("ref"), seen.get("model")
    if res is None or exp is None: return None
    m1, m2 = split_err(res[1])[0], split_err(exp[1])[0]
    if m1 is not None and m2 is not None and m1 != m2:
        return "%s  (refvm: %s)" % (short(m1, 200), short(m2, 200))
    return None


def ddmin(lines, keep, test, max_tests, deadline=0):
    """Smallest subset of the removable lines (keep[i] False) for which test
    still holds, by delta debugging over complements; then single lines.
    Stops at max_tests tests or at the deadline (time.time())."""
    idx = [i for i in range(len(lines)) if not keep[i]]
    tests = [0]

    def t(sub):
        if tests[0] >= max_tests or (deadline and time.time() > deadline): return False
        tests[0] += 1
        s = set(sub)
        return test([l for i, l in enumerate(lines) if keep[i] or i in s])

    n = 2
    while len(idx) >= 2 and tests[0] < max_tests:
        chunk = -(-len(idx) // n)
        parts = [idx[k:k + chunk] for k in range(0, len(idx), chunk)]
        for k in range(len(parts)):
            comp = [i for j, p in enumerate(parts) if j != k for i in p]
            if t(comp):
                idx, n = comp, max(n - 1, 2)
                break
        else:
            if n >= len(idx): break
            n = min(len(idx), 2 * n)
    if len(idx) == 1 and t([]): idx = []
    return [l for i, l in enumerate(lines) if keep[i] or i in set(idx)], tests[0]


def minimize(rn, text, kind, use_model, budget, max_tests=4000, deadline=0):
    lines = [l for l in text.split("\n") if not l.strip().startswith(";")]
    structural = ("func ", "}", "global ", "local ")
    keep = [l.strip().startswith(structural) or not l.strip() for l in lines]
    want = kind.split(":")[0]
    first_check = None
    if want == "check":
        first_check = re.sub(r"^[^:]*:\d+:\d+: ", "", rn.check(text) or "").split("\n")[0]

    # the model only where it is what disagrees (a candidate that no
    # longer crashes need not be run by it); candidates' runs end by the
    # deadline, so a slow candidate cannot hold minimizing past it
    use_model = use_model and want == "model"

    def still(ls):
        cand = "\n".join(ls) + "\n"
        if want == "check":
            why = rn.check(cand)
            return why is not None and re.sub(r"^[^:]*:\d+:\d+: ", "", why).split("\n")[0] == first_check
        c = classify(rn, cand, use_model, budget)
        return c is not None and c[0] == kind

    rn.deadline = deadline
    try:
        small, n = ddmin(lines, keep, still, max_tests, deadline)
        # then drop locals and whole functions nobody needs any more
        keep2 = [not (l.strip().startswith(("local ", "global "))) for l in small]
        small, m = ddmin(small, keep2, still, max_tests // 4, deadline)
    finally:
        rn.deadline = 0
    return "\n".join(small) + "\n", n + m


def mode_works(shapec, mode):
    """A mode this shapec rejects (a backend not built) is skipped, loudly."""
    with tempfile.NamedTemporaryFile("w", suffix=".sasm", delete=False) as f:
        f.write("func main() {\n    Return\n}\n")
    try:
        r = subprocess.run([shapec, "run", f.name] + shlex.split(mode), capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if r.returncode != 0:
        print("SKIP: mode %r: %s" % (mode, (r.stderr.splitlines() or [""])[0]))
        return False
    return True


def one_case(args):
    a, name, text = args
    if a.deadline and time.time() > a.deadline: return (name, "skip", None, None, None)
    wd = tempfile.mkdtemp(prefix="shapec-diff-")
    rn = Runner(a.shapec, a.modes, a.timeout, wd)
    try:
        seen = {}
        c = classify(rn, text, not a.no_model, a.budget, seen)
        note = None if c else message_note(seen)
        if c is None: return (name, None, note, None, None)
        kind, why = c
        small = None
        if not a.no_minimize:
            t0 = time.time()
            small, ntests = minimize(rn, text, kind, not a.no_model, a.budget,
                                     deadline=t0 + a.minimize_seconds if a.minimize_seconds > 0 else 0)
            why += "\n(minimized from %d to %d lines in %d runs, %.0fs%s)" % (
                text.count("\n"), small.count("\n"), ntests, time.time() - t0,
                ", stopped by --minimize-seconds" if a.minimize_seconds > 0 and time.time() - t0 >= a.minimize_seconds else "")
        return (name, c[0], why, small, text)
    finally:
        for f in os.listdir(wd): os.unlink(os.path.join(wd, f))
        os.rmdir(wd)


def kill_children(pids):
    """SIGKILL every child of pids (the shapec runs of a pool's workers, so
    that none outlives the campaign)."""
    import signal
    for d in os.listdir("/proc"):
        if not d.isdigit(): continue
        try:
            ppid = int(open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()[1])
            if ppid in pids: os.kill(int(d), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass


def cases(a):
    if a.files:
        for f in a.files:
            yield os.path.basename(f)[:-5] if f.endswith(".sasm") else os.path.basename(f), \
                open(f, encoding="utf-8", errors="surrogateescape").read()
        return
    for seed in range(a.seed, a.seed + a.count):
        if a.deadline and time.time() > a.deadline: return  # the rest count as not run
        yield "seed%d%s" % (seed, "h" if a.hot else ""), gen.generate(seed, a.hot)[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shapec", required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--modes", default="--no-profile;", help="';'-separated argument strings; the first is the oracle")
    ap.add_argument("--out", default="difftest-failures", help="where reproducers go")
    ap.add_argument("--hot", action="store_true", help="long warm-ups and loops (JIT tiers)")
    ap.add_argument("--timeout", type=int, default=30)
    ap.add_argument("--budget", type=int, default=50000000, help="refvm step budget")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--no-model", action="store_true", help="compare modes only, not against refvm")
    ap.add_argument("--no-minimize", action="store_true")
    ap.add_argument("--minimize-seconds", type=float, default=300,
                    help="stop minimizing a failure after this many seconds (0: no limit)")
    ap.add_argument("--seconds", type=float, default=0, help="start no program after this many seconds")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("files", nargs="*")
    argv = sys.argv[1:]
    for k in range(len(argv) - 1):  # mode strings start with "--": take them as values
        if argv[k] == "--modes": argv[k:k + 2] = ["--modes=" + argv[k + 1], ""]
    a = ap.parse_args([x for x in argv if x != ""])
    a.modes = a.modes.split(";")
    a.modes = [m for m in a.modes if mode_works(a.shapec, m)]
    passed = failed = notrun = 0
    t0 = time.time()
    a.deadline = t0 + a.seconds if a.seconds > 0 else 0
    names = []

    def work():
        for n, t in cases(a):
            names.append(n)
            yield a, n, t
    stalled, slack = None, 0
    if a.jobs > 1:
        import multiprocessing
        pool = multiprocessing.Pool(a.jobs)
        it = pool.imap(one_case, work())
        # A campaign must end even if a worker dies (the pool then waits for
        # its task for ever) or a case outruns every per-run bound. Results
        # come in order and a case starts by the time the one before it has
        # finished, so each result is due within one case's worst time (its
        # runs' timeouts, then minimizing) of the previous one; a case later
        # than that is reported as stalled.
        # (each mode and the model within the timeout; minimizing's runs
        # end within 5 s of its deadline; 120 s for `check` and the rest)
        slack = a.minimize_seconds + (a.timeout + 5) * (len(a.modes) + 1) + 120

        def gather():
            nonlocal stalled
            got = 0
            while True:
                try:
                    r = it.next(slack)
                except StopIteration:
                    return
                except multiprocessing.TimeoutError:
                    stalled = names[got] if got < len(names) else "(unknown)"
                    kill_children([w.pid for w in pool._pool])
                    pool.terminate()
                    return
                got += 1
                yield r
        results = gather()
    else:
        results = map(one_case, work())
    for name, kind, why, small, orig in results:
        if kind == "skip":
            notrun += 1
            continue
        if kind is None:
            passed += 1
            if why and not a.quiet: print("%s: note: runtime error message %s" % (name, why))
            continue
        failed += 1
        os.makedirs(a.out, exist_ok=True)
        base = os.path.join(a.out, name)
        print("%s: FAIL %s: %s" % (name, kind, why))
        if small is not None:
            with open(base + ".sasm", "w", encoding="utf-8", errors="surrogateescape") as f: f.write(small)
            print("  reproducer: %s.sasm" % base)
        with open(base + ".txt", "w") as f: f.write("%s\n%s\nmodes: %r\n" % (kind, why, a.modes))
        with open(base + ".orig.sasm", "w", encoding="utf-8", errors="surrogateescape") as f: f.write(orig)
        sys.stdout.flush()
    if stalled:
        failed += 1
        print("%s: FAIL stalled: no result %.0fs after the previous one (a worker died, or a case outran "
              "its timeouts); the campaign stops here, %d programs unfinished" % (
                  stalled, slack, len(names) - passed - failed - notrun))
    if not a.files: notrun += a.count - len(names)
    print("%d passed, %d failed%s  (%d programs, modes %s, %.1fs)" % (
        passed, failed, ", %d not run (--seconds %g)" % (notrun, a.seconds) if notrun else "",
        passed + failed, " | ".join(repr(m) for m in a.modes), time.time() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
