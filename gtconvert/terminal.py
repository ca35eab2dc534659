"""The terminal the CLI runs in: signals that end a run, and a stdout that may go away.

SIGTERM and SIGHUP unwind like Ctrl-C, so every temporary is removed on the way out; a closed
or full stdout never turns a finished conversion into an error.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so every temporary is removed on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


def catch_termination() -> dict[int, Any]:
    """SIGTERM and SIGHUP (timeout, kill, CI cancel, docker stop) clean up like SIGINT.

    Returns the handlers replaced, for the CLI's ``main`` to put back.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}  # only the main thread may set handlers (the library caller keeps its own)
    replaced = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, None):
            replaced[sig] = signal.signal(sig, terminate)
    return replaced


class StdoutGone(Exception):
    """Writing to stdout failed (a closed pipe, a full disk): the reader went away, not the work."""


class GuardedStdout:
    """stdout whose write and flush failures raise :class:`StdoutGone` (told from the output's own)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except (OSError, ValueError) as exc:
            raise StdoutGone from exc

    def flush(self) -> None:
        try:
            self.stream.flush()
        except (OSError, ValueError) as exc:
            raise StdoutGone from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def stdout_gone() -> None:
    """The reader of stdout went away (``| head``) or it is full: drop what is left of it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        sys.stdout = None  # type: ignore[assignment]


def finish(code: int) -> int:
    """Flush stdout inside the CLI's ``main``, where a closed or full stdout is caught."""
    if sys.stdout is not None:
        sys.stdout.flush()
    return code
