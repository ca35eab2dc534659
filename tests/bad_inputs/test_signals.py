"""Signals, races and the terminal: no temporary left, no output clobbered, no false failure.

SIGTERM and SIGINT go to the whole process group of a conversion whose writer runs a process
pool (as the mask and pixel code do); two conversions race into one output; stdout is closed,
a pipe that stops reading, or a full device.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bad_inputs.corpus import valid_coco
from bad_inputs.helpers import REPO, spawn, temporaries, tree

#: A conversion whose writer, half-way, waits on two process-pool workers until signalled.
SLOW_WRITER = """
import sys, time
from concurrent.futures import ProcessPoolExecutor
import gtconvert.formats.coco.writer as w
from gtconvert.cli import main

real = w.dump_json

def nap(seconds, flag):
    open(flag, "w").close()  # this worker is inside its task: a signal now interrupts the nap
    time.sleep(seconds)
    return seconds

def slow(obj, path):
    import os, tempfile
    real(obj, path)
    flags = tempfile.mkdtemp()
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(nap, 30, os.path.join(flags, str(i))) for i in range(2)]
        # ready only once both workers run their task (a loaded machine starts them slowly)
        deadline = time.monotonic() + 60
        while len(os.listdir(flags)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        print("ready", file=sys.stderr, flush=True)
        [f.result() for f in futures]

w.dump_json = slow
if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
"""


def _wait_ready(proc: subprocess.Popen) -> None:
    line = proc.stderr.readline()  # type: ignore[union-attr]
    assert line.strip() == b"ready", line


def _group_gone(pgid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_to_the_group_leaves_no_temporary(sig: int, tmp_path: Path) -> None:
    src = valid_coco(tmp_path / "in")
    before = tree(tmp_path / "in")
    driver = tmp_path / "driver.py"
    driver.write_text(SLOW_WRITER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, str(driver), "convert", str(src), str(tmp_path / "out" / "o.json")],
        env=env,
        start_new_session=True,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    _wait_ready(proc)
    assert temporaries(tmp_path / "out"), "the writer should be half-way"
    os.killpg(proc.pid, sig)
    code = proc.wait(timeout=60)  # generous: a loaded 2-core machine is slow to reap workers
    err = proc.stderr.read().decode()  # type: ignore[union-attr]
    assert _group_gone(proc.pid), "a worker outlived the conversion"
    assert code == 128 + sig, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "no output was left behind" in lines[0], err
    assert list((tmp_path / "out").iterdir()) == []
    assert tree(tmp_path / "in") == before


def test_after_sigkill_the_next_run_removes_the_temporary(tmp_path: Path) -> None:
    src = valid_coco(tmp_path / "in")
    driver = tmp_path / "driver.py"
    driver.write_text(SLOW_WRITER, encoding="utf-8")
    out = tmp_path / "out" / "o.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, str(driver), "convert", str(src), str(out)],
        env=env,
        start_new_session=True,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    _wait_ready(proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=20)
    assert _group_gone(proc.pid)
    left = temporaries(tmp_path / "out")
    assert left and all(f"-{proc.pid}-" in p.name for p in left)
    done = spawn(["convert", str(src), str(out)], tmp_path, stderr=subprocess.PIPE)
    assert done.wait(timeout=60) == 0, done.stderr.read()  # type: ignore[union-attr]
    assert not temporaries(tmp_path / "out")
    assert len(json.loads(out.read_text(encoding="utf-8"))["annotations"]) == 3


def test_two_conversions_into_one_output(tmp_path: Path) -> None:
    """Exactly one wins; the other says the output exists and replaces nothing."""
    src = valid_coco(tmp_path / "in")
    out = tmp_path / "out"
    runs = [
        spawn(["convert", str(src), str(out), "--to", fmt], tmp_path, stderr=subprocess.PIPE)
        for fmt in ("yolo", "voc", "yolo", "voc")
    ]
    results = [(p.wait(timeout=60), p.stderr.read().decode()) for p in runs]  # type: ignore[union-attr]
    assert sorted(code for code, _ in results) == [0, 2, 2, 2], results
    for code, err in results:
        if code == 2:
            assert err.count("\n") == 1 and "output already exists" in err, err
    assert (out / "gtconvert.json").exists()
    assert not temporaries(tmp_path)


@pytest.mark.parametrize(
    "shell",
    [
        "python3 -m gtconvert info {src} | head -1",
        "python3 -m gtconvert formats | true",
        "python3 -m gtconvert info {src} --json >&-",
        "python3 -m gtconvert formats > /dev/full",
        "python3 -m gtconvert convert {src} {out} --to yolo >&-",
    ],
)
def test_stdout_gone_is_not_an_error(shell: str, tmp_path: Path) -> None:
    src = valid_coco(tmp_path / "in")
    out = tmp_path / "o"
    if "/dev/full" in shell and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    script = "set -o pipefail; " + shell.format(src=src, out=out)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert b"error" not in done.stderr and b"Traceback" not in done.stderr, done.stderr
    if " convert " in shell:
        assert (out / "data.yaml").exists()
