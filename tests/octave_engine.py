"""A stand-in for ``matlab.engine``'s MatlabEngine that runs the real ``.m`` code in GNU Octave.

Same call surface as the bridge uses (``addpath``, ``eval(code, nargout=0|1)``, ``quit``), over
one long-lived ``octave-cli`` process so that the workspace persists between calls, as in
MATLAB. Only the apps' windows are absent: ``imageLabeler`` and ``imageSegmenter`` are stub
functions that record what they were opened with (global ``gtconvertStandInApp``), and
:meth:`OctaveEngine.schedule` plays the person who exports after a few polls of the workspace.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

OCTAVE = shutil.which("octave-cli")

_STUBS = {
    "imageLabeler.m": "function imageLabeler(varargin)\n"
    "%IMAGELABELER  Stand-in: records its input instead of opening a window.\n"
    "global gtconvertStandInApp\ngtconvertStandInApp = varargin{1};\nend\n",
    "imageSegmenter.m": "function imageSegmenter(varargin)\n"
    "%IMAGESEGMENTER  Stand-in: records its input instead of opening a window.\n"
    "global gtconvertStandInApp\ngtconvertStandInApp = varargin{1};\nend\n",
}


class OctaveError(RuntimeError):
    """An error raised by the Octave code (like matlab.engine.MatlabExecutionError)."""


class OctaveEngine:
    """A persistent ``octave-cli`` with the MATLAB engine's ``eval`` / ``addpath`` / ``quit``."""

    def __init__(self, timeout: float = 120.0) -> None:
        if OCTAVE is None:
            raise RuntimeError("octave-cli is not installed")
        self.timeout = timeout
        self.calls: list[str] = []
        self._actions: list[tuple[int, str]] = []  # (polls still to wait, code)
        self._stubs = Path(tempfile.mkdtemp(prefix="octave-stand-in-"))
        for name, text in _STUBS.items():
            (self._stubs / name).write_text(text)
        self._proc = subprocess.Popen(
            [OCTAVE, "--norc", "--quiet", "--no-history"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._buffer = b""
        self._run(f"pkg load image; addpath('{self._stubs}');", want_value=False)

    # ---- the engine surface ------------------------------------------------------------
    def addpath(self, folder: str, nargout: int = 0) -> None:
        self._run(f"addpath('{folder}');", want_value=False)

    def eval(self, code: str, nargout: int = 0) -> object:
        self.calls.append(code)
        if "exist(" in code:
            self._play_user()
        return self._run(code, want_value=nargout > 0)

    def quit(self) -> None:
        if self._proc.poll() is None:
            self._proc.stdin.write(b"exit(0)\n")
            self._proc.stdin.flush()
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        shutil.rmtree(self._stubs, ignore_errors=True)

    # ---- the simulated person ----------------------------------------------------------
    def schedule(self, code: str, after_polls: int = 2) -> None:
        """Run ``code`` (e.g. create ``gTruth``) once the bridge has polled ``after_polls`` times."""
        self._actions.append((after_polls, code))

    def _play_user(self) -> None:
        if not self._actions:
            return
        polls, code = self._actions[0]
        if polls > 1:
            self._actions[0] = (polls - 1, code)
            return
        self._actions.pop(0)
        self._run(code, want_value=False)

    # ---- the protocol: each call is one eval() inside try/catch, ended by a marker ----
    def _run(self, code: str, want_value: bool) -> object:
        marker = uuid.uuid4().hex
        literal = (
            "[" + " char(10) ".join("'" + line.replace("'", "''") + "'" for line in code.split("\n")) + "]"
        )
        if want_value:
            body = f"gtconvertStandInValue = eval({literal}); disp(['{marker}V' jsonencode(gtconvertStandInValue)]);"
        else:
            body = f"eval({literal}); disp('{marker}K');"
        script = (
            f"try\n {body}\ncatch gtconvertStandInErr\n"
            f" disp(['{marker}E' gtconvertStandInErr.identifier '|' "
            f"strrep(gtconvertStandInErr.message, char(10), ' ')]);\nend\nfflush(stdout);\n"
        )
        self._proc.stdin.write(script.encode())
        self._proc.stdin.flush()
        output = self._read_until(marker)
        status, rest = output[0], output[1:]
        if status == "E":
            raise OctaveError(rest)
        if status == "V":
            return json.loads(rest)
        return None

    def _read_until(self, marker: str) -> str:
        fd = self._proc.stdout.fileno()
        token = marker.encode()
        while True:
            index = self._buffer.find(token)
            if index >= 0:
                end = self._buffer.find(b"\n", index)
                if end >= 0:
                    line = self._buffer[index + len(token) : end].decode()
                    self._buffer = self._buffer[end + 1 :]
                    return line
            ready, _, _ = select.select([fd], [], [], self.timeout)
            if not ready:
                raise TimeoutError(f"octave-cli gave no answer within {self.timeout} s")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise OctaveError("octave-cli exited: " + self._buffer.decode(errors="replace")[-500:])
            self._buffer += chunk
