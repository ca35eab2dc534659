"""The conventions of the ``.m`` code in ``matlab/``, checked on its text (no MATLAB needed).

* every error and warning has the identifier ``gtconvert:<function>:<what>``, where
  ``<function>`` is the file that raises it, and no two share one;
* every function file has help: the H1 line, the syntax, an example;
* no function changes the working folder (``cd``).

Shadowed built-ins are checked in ``test_octave.py`` (it asks Octave which names are functions).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

MATLAB = Path(__file__).resolve().parents[1] / "matlab"
FUNCTIONS = sorted((MATLAB / "+gtconvert").rglob("*.m"))
TESTS = sorted((MATLAB / "tests").glob("*.m"))
IDENTIFIER = re.compile(r"\b(error|warning)\(\s*'([^']*)'")


def _code(path: Path) -> str:
    """The file without its comments (a '%' outside a quoted text starts one)."""
    return "\n".join(re.sub(r"^((?:[^'%\n]|'[^'\n]*')*)%.*$", r"\1", line) for line in path.read_text().split("\n"))


def _help(path: Path) -> list[str]:
    lines = path.read_text().split("\n")
    assert lines[0].startswith("function "), f"{path.name}: not a function file"
    block = []
    for line in lines[1:]:
        if not line.startswith("%"):
            break
        block.append(line)
    return block


def test_the_code_is_found() -> None:
    assert len(FUNCTIONS) >= 20 and len(TESTS) >= 5


@pytest.mark.parametrize("path", FUNCTIONS, ids=lambda p: p.stem)
def test_identifiers_name_the_function_and_what(path: Path) -> None:
    raised = [(call, ident) for call, ident in IDENTIFIER.findall(_code(path)) if ident != "" and ":" in ident]
    calls = re.findall(r"\b(?:error|warning)\(", _code(path))
    assert len(raised) == len(calls), f"{path.name}: an error or warning without an identifier"
    for _call, ident in raised:
        assert re.fullmatch(rf"gtconvert:{path.stem}:[a-z][A-Za-z0-9]*", ident), f"{path.name}: {ident}"


def test_no_two_places_share_an_identifier() -> None:
    seen: dict[str, str] = {}
    for path in FUNCTIONS:
        for _call, ident in IDENTIFIER.findall(_code(path)):
            assert ident not in seen, f"{ident} in {seen.get(ident)} and {path.name}"
            seen[ident] = path.name
    assert len(seen) >= 35


@pytest.mark.parametrize("path", FUNCTIONS + TESTS, ids=lambda p: p.stem)
def test_every_function_has_help(path: Path) -> None:
    block = _help(path)
    assert block, f"{path.name}: no help text"
    assert re.match(rf"%{path.stem.upper()}  \S", block[0]), f"{path.name}: H1 line is {block[0]!r}"
    syntax = [line for line in block[1:] if re.search(rf"\b{path.stem}\(", line)]
    assert syntax, f"{path.name}: no syntax line calling {path.stem}(...)"
    public = path.parent.name == "+gtconvert"
    if public or path.parent.name == "+internal":
        assert any(line.strip() == "%   Example:" for line in block), f"{path.name}: no example"


@pytest.mark.parametrize("path", FUNCTIONS + TESTS, ids=lambda p: p.stem)
def test_no_change_of_working_folder(path: Path) -> None:
    assert not re.search(r"(^|[^\w.])cd\s*[(\s]", _code(path), re.M), f"{path.name} calls cd"


def test_the_checks_see_a_bad_file(tmp_path: Path) -> None:
    """The checks above fail on code that breaks the rules (so their passing means something)."""
    bad = tmp_path / "exportThing.m"
    bad.write_text(
        "function exportThing(x)\n% no H1\ncd(x);\nerror('gtconvert:badInput', 'no');\n"
        "warning('x is %s', 'y'); % error('gtconvert:exportThing:inComment', '')\n"
    )
    with pytest.raises(AssertionError):
        test_identifiers_name_the_function_and_what(bad)
    with pytest.raises(AssertionError):
        test_every_function_has_help(bad)
    with pytest.raises(AssertionError):
        test_no_change_of_working_folder(bad)
