"""The kernel a build worker runs its notebooks in.

A worker's first kernel is forked from the worker itself. Workers come from a forkserver
that has already imported ipykernel, pandas, matplotlib and the package (``workers``), so
a forked kernel is ready in a fraction of a second, without importing anything again.
The fork happens before the worker starts any thread. A kernel that dies is replaced by
one that jupyter_client launches the ordinary way: by then the worker has threads, and
forking it again would not be safe.

:class:`ForkedKernel` offers the part of jupyter_client's ``AsyncKernelManager`` that
nbclient and the runner use, so the runner treats both kinds alike.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
from pathlib import Path
from typing import Any


class ForkedKernel:
    """A kernel process forked from the worker, in its own session (process group)."""

    has_kernel = True

    def __init__(self, pid: int, connection_file: Path) -> None:
        self.pid = pid
        self.connection_file = connection_file
        self.exit_status: int | None = None

    async def is_alive(self) -> bool:
        """True until the kernel process has exited (an exited one is reaped here)."""
        if self.exit_status is None:
            with contextlib.suppress(ChildProcessError):
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid == 0:
                    return True
                self.exit_status = status
            self.exit_status = -1 if self.exit_status is None else self.exit_status
        return False

    def client(self) -> Any:
        """A kernel client for the connection file (channels not started)."""
        from jupyter_client.asynchronous import AsyncKernelClient

        kc = AsyncKernelClient()
        kc.load_connection_file(str(self.connection_file))
        return kc

    async def shutdown_kernel(self, now: bool = True) -> None:
        """Kill the kernel's process group (unless it has already exited and been reaped:
        its pid may belong to another process by now), reap it, delete the connection file."""
        if self.exit_status is None:
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.exit_status = -signal.SIGKILL
        await self.cleanup_resources()

    async def cleanup_resources(self) -> None:
        """Delete the connection file."""
        self.cleanup_connection_file()

    def cleanup_connection_file(self) -> None:
        """Delete the connection file (it holds the kernel's message key)."""
        self.connection_file.unlink(missing_ok=True)


def fork_kernel(connection_file: Path, cwd: Path, exec_lines: str) -> ForkedKernel:
    """Fork a kernel that listens on a new ``connection_file`` and runs ``exec_lines`` first.

    Call it only while the process has a single thread.
    """
    from jupyter_client.connect import write_connection_file

    write_connection_file(str(connection_file), ip="127.0.0.1", key=secrets.token_hex(32).encode())
    worker = os.getpid()
    pid = os.fork()
    if pid == 0:  # the kernel: never returns to the worker's code
        status = 1
        try:
            os.setsid()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, set())  # the worker may block some now
            os.chdir(cwd)
            from ipykernel.kernelapp import IPKernelApp

            app = IPKernelApp.instance()
            app.initialize([  # parent_handle: exit if the worker dies (ipykernel's parent poller)
                "-f", str(connection_file), f"--IPKernelApp.exec_lines={exec_lines}",
                f"--IPKernelApp.parent_handle={worker}",
            ])
            app.start()
            status = 0
        finally:
            os._exit(status)
    return ForkedKernel(pid, connection_file)


def kernel_pid(km: Any) -> int | None:
    """The process id of a running kernel, forked or launched by jupyter_client; ``None``
    once it has exited and been reaped (the pid may then be another process's)."""
    if isinstance(km, ForkedKernel):
        return km.pid if km.exit_status is None else None
    process = getattr(getattr(km, "provisioner", None), "process", None)
    return process.pid if process is not None and process.poll() is None else None
