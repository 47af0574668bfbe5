#ifndef HPOTOP_CPROCESSSUPERVISOR_H
#define HPOTOP_CPROCESSSUPERVISOR_H

/// Runs one trial's objective under supervision (the body of `hpotop __supervise`) and returns
/// the objective's exit code; when the objective was killed by a signal, this process kills
/// itself with the same signal instead of returning.
///
/// The caller's standard input must be the read end of a pipe whose write end the worker holds:
/// end of file there means the worker is gone, and the whole subtree is killed at once.
/// SIGTERM, SIGINT or SIGHUP stops the objective's process group with SIGTERM, then SIGKILL to
/// every descendant after `grace_ms`. `path` is executed with `argv` and this process's
/// environment, in its own process group, with default signal dispositions.
int hpo_supervise(int grace_ms, const char *path, char *const argv[]);

/// The start time of a process (field 22 of /proc/<pid>/stat, in clock ticks since boot), or 0
/// when it does not exist or has ended (a zombie).
unsigned long long hpo_process_start_time(int pid);

/// pipe2(fds, O_CLOEXEC): a pipe whose ends no exec'd child inherits. 0 on success.
int hpo_pipe_cloexec(int fds[2]);

#endif
