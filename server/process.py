"""Worker processes that die with their supervisor.

uvicorn's multi-process supervisor starts its workers as child processes. If the supervisor is killed with
SIGKILL it cannot stop them, and they go on serving and holding the port, so a restart fails. On Linux a child
can ask the kernel to send it a signal when its parent dies (prctl PR_SET_PDEATHSIG): each worker asks for
SIGTERM, which uvicorn handles as a graceful stop."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

SUPERVISOR = "KYNANGSO_SUPERVISOR_PID"  # set by `serve` for its workers
PR_SET_PDEATHSIG = 1


def die_with_supervisor() -> None:
    supervisor = os.environ.get(SUPERVISOR)
    if not supervisor or not sys.platform.startswith("linux") or int(supervisor) == os.getpid():
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return  # not allowed here (an unusual sandbox): the supervisor's own shutdown still stops us
    if os.getppid() != int(supervisor):  # the supervisor died before we asked: stop now
        os.kill(os.getpid(), signal.SIGTERM)
