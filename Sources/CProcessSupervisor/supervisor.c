// The objective supervisor: a child subreaper that no descendant outlives. See
// CProcessSupervisor.h and docs/DECISIONS.md ("objective supervisor").
#define _GNU_SOURCE
#include "CProcessSupervisor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
  int saved = errno;
  unsigned char byte = (unsigned char)sig;
  ssize_t ignored = write(signal_pipe[1], &byte, 1);
  (void)ignored;
  errno = saved;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hpo_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

/// Reads /proc/<pid>/stat; returns the text after the command name (after ") "), or NULL.
static char *stat_fields(int pid, char *buf, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n <= 0) return NULL;
  buf[n] = 0;
  char *close_paren = strrchr(buf, ')');
  if (!close_paren || close_paren[1] == 0) return NULL;
  return close_paren + 2;
}

unsigned long long hpo_process_start_time(int pid) {
  char buf[1024];
  char *p = stat_fields(pid, buf, sizeof buf);
  if (!p || *p == 'Z' || *p == 'X') return 0;  // a zombie has ended: nobody reaped it yet
  // Fields after the name start at field 3 (state); the start time is field 22.
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (!p) return 0;
    p++;
  }
  return strtoull(p, NULL, 10);
}

static int parent_of(int pid) {
  char buf[1024];
  char *p = stat_fields(pid, buf, sizeof buf);
  if (!p) return -1;
  char state;
  int ppid;
  if (sscanf(p, "%c %d", &state, &ppid) != 2) return -1;
  return ppid;
}

/// Sends SIGKILL to every descendant of this process (found through /proc parent links).
static void kill_descendants(void) {
  int self = getpid();
  size_t count = 0, capacity = 256;
  int *pids = malloc(capacity * sizeof *pids), *parents = malloc(capacity * sizeof *parents);
  DIR *dir = opendir("/proc");
  if (!dir || !pids || !parents) {
    if (dir) closedir(dir);
    free(pids);
    free(parents);
    return;
  }
  struct dirent *entry;
  while ((entry = readdir(dir))) {
    char *end;
    long pid = strtol(entry->d_name, &end, 10);
    if (*end != 0 || pid <= 0) continue;
    int ppid = parent_of((int)pid);
    if (ppid < 0) continue;
    if (count == capacity) {
      capacity *= 2;
      int *np = realloc(pids, capacity * sizeof *pids), *nq = realloc(parents, capacity * sizeof *parents);
      if (!np || !nq) {
        free(np ? np : pids);
        free(nq ? nq : parents);
        closedir(dir);
        return;
      }
      pids = np;
      parents = nq;
    }
    pids[count] = (int)pid;
    parents[count] = ppid;
    count++;
  }
  closedir(dir);
  // Mark descendants until nothing changes: parents[i] == 0 marks a found descendant.
  char *found = calloc(count ? count : 1, 1);
  if (found) {
    int changed = 1;
    while (changed) {
      changed = 0;
      for (size_t i = 0; i < count; i++) {
        if (found[i]) continue;
        int is_child = parents[i] == self;
        for (size_t j = 0; j < count && !is_child; j++) is_child = found[j] && pids[j] == parents[i];
        if (is_child) {
          found[i] = 1;
          changed = 1;
          kill(pids[i], SIGKILL);
        }
      }
    }
    free(found);
  }
  free(pids);
  free(parents);
}

/// Kills every descendant and reaps them until this process has no child left. Orphans of the
/// subtree are re-parented here (child subreaper), so "no child" means "no descendant".
static void kill_subtree(void) {
  long long give_up = now_ms() + 10000;  // a process stuck in the kernel cannot be waited on forever
  for (;;) {
    pid_t reaped;
    while ((reaped = waitpid(-1, NULL, WNOHANG)) > 0) {}
    if (reaped < 0 && errno == ECHILD) return;  // the usual case: the objective left nothing
    kill_descendants();
    if (now_ms() > give_up) return;
    struct timespec pause = {0, 5 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
}

/// Reaps exited descendants that were re-parented here, leaving the objective unreaped.
static void reap_orphans(pid_t objective) {
  for (;;) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return;
    if (info.si_pid == objective) return;
    waitpid(info.si_pid, NULL, 0);
  }
}

int hpo_supervise(int grace_ms, const char *path, char *const argv[]) {
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  // Standard input is the worker's lifeline; the objective reads /dev/null.
  int lifeline = fcntl(0, F_DUPFD_CLOEXEC, 3);
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0 && devnull != 0) {
    dup2(devnull, 0);
    close(devnull);
  }
  if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    fprintf(stderr, "hpotop: supervisor: cannot create a pipe: %s\n", strerror(errno));
    return 127;
  }
  struct sigaction handler;
  memset(&handler, 0, sizeof handler);
  handler.sa_handler = on_signal;
  sigemptyset(&handler.sa_mask);
  handler.sa_flags = SA_RESTART;
  int handled[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP};
  for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++) sigaction(handled[i], &handler, NULL);
  signal(SIGPIPE, SIG_IGN);
  sigset_t unblocked;
  sigemptyset(&unblocked);
  for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++) sigaddset(&unblocked, handled[i]);
  sigprocmask(SIG_UNBLOCK, &unblocked, NULL);

  // Every process of the trial carries this tag, so a later worker can find leftovers of a
  // supervisor that is gone (see hpotop's leftover sweep).
  char tag[64];
  snprintf(tag, sizeof tag, "%d:%llu", (int)getpid(), hpo_process_start_time(getpid()));
  setenv("HPOTOP_SUPERVISOR", tag, 1);

  int exec_error[2];
  if (pipe2(exec_error, O_CLOEXEC) != 0) {
    fprintf(stderr, "hpotop: supervisor: cannot create a pipe: %s\n", strerror(errno));
    return 127;
  }
  pid_t supervisor = getpid();
  pid_t child = fork();
  if (child == 0) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++) sigaction(s, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != supervisor) _exit(127);
    execv(path, argv);
    int e = errno;
    ssize_t ignored = write(exec_error[1], &e, sizeof e);
    (void)ignored;
    _exit(127);
  }
  if (child < 0) {
    fprintf(stderr, "hpotop: cannot start %s: %s\n", argv[0], strerror(errno));
    return 127;
  }
  setpgid(child, child);  // also here: no race with a stop that arrives before the child's own call
  close(exec_error[1]);
  int exec_errno = 0;
  ssize_t got;
  do got = read(exec_error[0], &exec_errno, sizeof exec_errno);
  while (got < 0 && errno == EINTR);
  close(exec_error[0]);
  if (got == (ssize_t)sizeof exec_errno) {
    waitpid(child, NULL, 0);
    fprintf(stderr, "hpotop: cannot start %s: %s\n", argv[0], strerror(exec_errno));
    return 127;
  }

  long long kill_at = -1;
  int stopping = 0;
  for (;;) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, child, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == child) break;
    int timeout = -1;
    if (kill_at >= 0) {
      long long left = kill_at - now_ms();
      if (left <= 0) {
        kill(-child, SIGKILL);
        kill_descendants();
        kill_at = -1;
        continue;
      }
      timeout = (int)left;
    }
    struct pollfd fds[2] = {{signal_pipe[0], POLLIN, 0}, {lifeline, POLLIN, 0}};
    int n = poll(fds, lifeline >= 0 ? 2 : 1, timeout);
    if (n < 0) continue;
    if (fds[0].revents & POLLIN) {
      unsigned char sigs[64];
      ssize_t k;
      while ((k = read(signal_pipe[0], sigs, sizeof sigs)) > 0) {
        for (ssize_t i = 0; i < k; i++) {
          if (sigs[i] == SIGCHLD) {
            reap_orphans(child);
            continue;
          }
          if (stopping) continue;
          stopping = 1;
          kill(-child, SIGTERM);
          kill_at = now_ms() + grace_ms;
        }
      }
    }
    if (lifeline >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      char buf[64];
      ssize_t k = read(lifeline, buf, sizeof buf);
      if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN)) {
        // The worker is gone: nobody will record this trial, so nothing of it may go on.
        close(lifeline);
        lifeline = -1;
        kill(-child, SIGKILL);
        kill_descendants();
      }
    }
  }
  // The objective has exited but is not reaped yet, so its process group id cannot have been
  // reused: the group can be killed safely. Its children were re-parented here when it exited,
  // so after reaping it, this process's children are all that is left of the trial.
  kill(-child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
  kill_subtree();

  if (WIFEXITED(status)) return WEXITSTATUS(status);
  int sig = WTERMSIG(status);
  // Die the same way, so the worker sees the objective's signal; no core file of our own.
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  sigset_t just;
  sigemptyset(&just);
  sigaddset(&just, sig);
  sigprocmask(SIG_UNBLOCK, &just, NULL);
  raise(sig);
  return 128 + sig;
}
