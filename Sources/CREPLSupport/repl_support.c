#include "terun_repl_support.h"

#include <pthread.h>
#include <signal.h>

static volatile sig_atomic_t pending_sigint = 0;
static struct sigaction saved_sigint;
static int sigint_installed = 0;
static pthread_t sigint_thread;

volatile sig_atomic_t *terun_repl_sigint_flag(void) { return &pending_sigint; }

static void on_sigint(int signo) {
  pending_sigint = 1;
  // A blocking read on the REPL's thread returns EINTR only if that thread takes the signal:
  // forward it when another thread got it.
  if (!pthread_equal(pthread_self(), sigint_thread)) pthread_kill(sigint_thread, signo);
}

int terun_repl_install_sigint(void) {
  struct sigaction action;
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR
  sigint_thread = pthread_self();
  if (sigaction(SIGINT, &action, &saved_sigint) != 0) return -1;
  // The REPL's thread may have been started from a thread that blocks signals (a Swift
  // concurrency worker): let SIGINT in, or the read it blocks on never returns EINTR.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  sigint_installed = 1;
  return 0;
}

void terun_repl_restore_sigint(void) {
  if (sigint_installed) {
    sigaction(SIGINT, &saved_sigint, NULL);
    sigint_installed = 0;
  }
}

int terun_repl_take_sigint(void) {
  int pending = pending_sigint;
  pending_sigint = 0;
  return pending;
}

void terun_repl_post_interrupt(void) { pending_sigint = 1; }
