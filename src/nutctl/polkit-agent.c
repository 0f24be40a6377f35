/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Starting pkttyagent so polkit can ask for a password on nutctl's terminal.
 *
 * polkit shows its question through an authentication agent; a desktop session has one, an
 * ssh or console login does not. Like systemctl, nutctl then forks
 * "pkttyagent --notify-fd N --fallback" (--fallback: an agent already registered is kept)
 * and waits until the agent closes fd N, which it does once it is registered (or when it
 * exits because it could not be). Only then is the call sent, with the
 * allow-interactive-authorization flag; the agent is stopped after the reply.
 *
 * The agent registers for the caller's logind session, not with --process for nutctl's pid:
 * nutd asks polkit about a "system-bus-name" subject, and polkit finds agents for such a
 * subject through its session only. An agent registered for a unix-process is never asked
 * (tried with polkit 122: the check still ends in InteractiveAuthorizationRequired), and
 * agents cannot be registered for a bus name.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "macro.h"
#include "polkit-agent.h"

#ifndef POLKIT_AGENT_PATH
#define POLKIT_AGENT_PATH "/usr/bin/pkttyagent"
#endif

/* How long to wait for the agent to register before calling anyway. */
#define POLKIT_AGENT_START_TIMEOUT_MSEC 10000

static _Noreturn void polkit_agent_exec(pid_t parent, int notify_fd)
{
        char fd_text[16];

        /* the agent must not outlive nutctl, which may die before it can stop it */
        (void) prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
                _exit(EXIT_FAILURE);
        if (fcntl(notify_fd, F_SETFD, 0) < 0)      /* keep it open across exec */
                _exit(EXIT_FAILURE);
        snprintf(fd_text, sizeof(fd_text), "%d", notify_fd);
        execl(POLKIT_AGENT_PATH, POLKIT_AGENT_PATH, "--notify-fd", fd_text, "--fallback", (char *) NULL);
        _exit(EXIT_FAILURE);
}

/**
 * polkit_agent_open() - start pkttyagent and wait until it is ready
 *
 * On success *ret_pid is the agent's pid, for polkit_agent_close(). A missing pkttyagent is
 * not an error: the agent exits, the notify fd closes, and the call goes on without one.
 */
int polkit_agent_open(pid_t *ret_pid)
{
        _cleanup_close_ int read_fd = -EBADF, write_fd = -EBADF;
        struct pollfd p = { .events = POLLIN };
        pid_t parent = getpid(), pid;
        int fds[2];

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        read_fd = fds[0];
        write_fd = fds[1];
        fflush(NULL);
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                polkit_agent_exec(parent, write_fd);

        close(TAKE_FD(write_fd));
        /* POLLHUP once the agent's copy of the write end is closed: registered, or gone */
        p.fd = read_fd;
        while (poll(&p, 1, POLKIT_AGENT_START_TIMEOUT_MSEC) < 0 && errno == EINTR)
                ;
        *ret_pid = pid;
        return 0;
}

/* Stops the agent and reaps it. */
void polkit_agent_close(pid_t pid)
{
        if (pid <= 0)
                return;
        (void) kill(pid, SIGTERM);
        (void) kill(pid, SIGCONT);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
}
