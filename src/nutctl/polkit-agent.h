/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A text polkit agent (pkttyagent) for the duration of one privileged call, as systemctl
 * starts one.
 */
#pragma once

#include <sys/types.h>

int polkit_agent_open(pid_t *ret_pid);
void polkit_agent_close(pid_t pid);

static inline void polkit_agent_closep(pid_t *pid)
{
        if (*pid > 0)
                polkit_agent_close(*pid);
}
