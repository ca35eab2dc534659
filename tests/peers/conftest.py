"""The peers' venv: Ultralytics and Datumaro, installed apart from gtconvert by ``.ci/run``.

``GTCONVERT_PEERS_PYTHON`` names the venv's python (``.ci/run`` sets it); without it the
default place ``/opt/gtconvert-peers/bin/python`` is tried. Tests that need the peers skip
when neither exists (a developer's machine), and fail when the variable names a python that
is not there, so that CI never passes by skipping them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent / "scripts"
DEFAULT_PYTHON = Path("/opt/gtconvert-peers/bin/python")
MARKER = "PEER-JSON "


@pytest.fixture(scope="session")
def peer_python() -> Path:
    named = os.environ.get("GTCONVERT_PEERS_PYTHON")
    if named:
        if not Path(named).is_file():
            pytest.fail(f"GTCONVERT_PEERS_PYTHON={named} does not exist (run .ci/run to make the venv)")
        return Path(named)
    if not DEFAULT_PYTHON.is_file():
        pytest.skip("the peers' venv is absent (made by .ci/run; or set GTCONVERT_PEERS_PYTHON)")
    return DEFAULT_PYTHON


@pytest.fixture
def run_peer(peer_python, tmp_path_factory):
    """``run_peer(script, *args)``: run ``scripts/<script>.py`` in the peers' venv, return its JSON."""
    settings = tmp_path_factory.mktemp("peer-settings")

    def run(script: str, *args: object) -> dict:
        env = dict(os.environ, YOLO_OFFLINE="1", YOLO_CONFIG_DIR=str(settings), PYTHONWARNINGS="ignore")
        env.pop("PYTHONPATH", None)  # the peers' venv sees none of our environment's packages
        proc = subprocess.run(
            [str(peer_python), str(SCRIPTS / f"{script}.py"), *map(str, args)],
            capture_output=True, text=True, env=env, timeout=600,
        )  # fmt: skip
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARKER)]
        if proc.returncode != 0 or not lines:
            pytest.fail(
                f"{script} {args} failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
            )
        return json.loads(lines[-1][len(MARKER) :])

    return run
