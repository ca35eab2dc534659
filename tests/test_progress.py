"""Progress bars: drawn on stderr for long steps when it is a terminal, silent otherwise and
with --quiet; every pool of pixel work (masks, semantic masks, crops, previews) counts its jobs."""

from __future__ import annotations

import io

import pytest

from gtconvert import pixels, progress
from gtconvert.cli import _parser


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _square(x: int) -> int:
    return x * x


def _terminal(monkeypatch: pytest.MonkeyPatch) -> _Terminal:
    """stderr as a terminal, in the test's body (pytest's capture resets it after fixtures)."""
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(progress, "enabled", True)
    return err


def test_a_long_step_draws_a_bar_named_after_its_work_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _terminal(monkeypatch)
    assert pixels.map_files(_square, [(i,) for i in range(300)], workers=1) == [i * i for i in range(300)]
    drawn = terminal.getvalue()
    assert "tests test_progress" in drawn and "100%" in drawn


def test_the_pool_gives_the_results_in_order_with_its_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _terminal(monkeypatch)
    jobs = ((i,) for i in range(250))
    assert pixels.map_files(_square, jobs, 250, workers=2, desc="squares") == [i * i for i in range(250)]
    assert "squares" in terminal.getvalue()


def test_silent_when_not_enabled_or_short(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _terminal(monkeypatch)
    assert list(progress.progress(range(10), 10, "short")) == list(range(10))  # under 200 items
    monkeypatch.setattr(progress, "enabled", False)
    assert pixels.map_files(_square, [(i,) for i in range(300)], workers=1, desc="off")[-1] == 299**2
    assert terminal.getvalue() == ""


def test_silent_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr(progress, "enabled", True)
    assert len(pixels.map_files(_square, [(i,) for i in range(300)], workers=1)) == 300
    assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("argv", "quiet"),
    [
        (["convert", "a.json", "out", "--quiet"], True),
        (["--quiet", "convert", "a.json", "out"], True),
        (["preview", "a.json", "out", "--quiet"], True),
        (["convert", "a.json", "out"], False),
    ],
)
def test_quiet_is_accepted_before_or_after_the_command(argv: list[str], quiet: bool) -> None:
    assert _parser().parse_args(argv).quiet is quiet
