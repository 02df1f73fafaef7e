/* SIGINT and SIGTERM end `shapec` with the program's output so far on
 * stdout. Both are blocked in every thread (threads inherit the mask, so
 * this runs first in main) and one thread waits for them with sigwait:
 * the flush runs there as ordinary code, not in a signal handler, so
 * taking stdout's lock is allowed. The signal is then raised again with
 * its default action, so the exit status still says which signal ended the
 * process. A signal ignored at start (a background job of a
 * non-interactive shell) stays ignored. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"

static void *waiter(void *arg) {
  const sigset_t *set = arg;
  int sig;
  if (sigwait(set, &sig)) return NULL;
  /* a Print blocked on a full pipe holds the lock: wait up to ~1 s for it,
   * then end without the flush rather than not at all */
  struct timespec ts = {0, 10 * 1000 * 1000};
  for (int k = 0; k < 100; k++) {
    if (!ftrylockfile(stdout)) {
      fflush_unlocked(stdout);
      funlockfile(stdout);
      break;
    }
    nanosleep(&ts, NULL);
  }
  signal(sig, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  pthread_sigmask(SIG_UNBLOCK, &one, NULL);
  raise(sig);
  return NULL;
}

void sc_cli_flush_on_signals(void) {
  static sigset_t set; /* the waiter's, for the process's lifetime */
  sigemptyset(&set);
  const int sigs[] = {SIGINT, SIGTERM};
  for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
    struct sigaction sa;
    if (!sigaction(sigs[i], NULL, &sa) && sa.sa_handler != SIG_IGN) sigaddset(&set, sigs[i]);
  }
  if (!sigismember(&set, SIGINT) && !sigismember(&set, SIGTERM)) return;
  sigset_t old;
  pthread_sigmask(SIG_BLOCK, &set, &old);
  pthread_t th;
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&at, 64 * 1024);
  if (pthread_create(&th, &at, waiter, &set)) pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&at);
}
