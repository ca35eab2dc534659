"""Which outputs may be written: none that could lose data when written or replaced.

:func:`check_output` is the one policy (``gtconvert.convert``, the CLI and every
:func:`gtconvert.fileio.atomic_output` apply it); :func:`protected` names the inputs of the
conversion running; :func:`check_ours` guards the folders written beside an output.
:mod:`gtconvert.fileio` re-exports every public name, where the writers import them.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import GtconvertError
from .filenames import NAME_MAX

#: Inputs of the conversion running in this context: no output may be one or hold one.
_protected: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar("gtconvert_inputs", default=())


@contextlib.contextmanager
def protected(*paths: str | os.PathLike | None) -> Iterator[None]:
    """Inside the block, no output may be one of ``paths`` or a folder holding one."""
    extra = tuple(q for p in paths if p is not None and os.fspath(p) for q in _both_forms(Path(p)))
    token = _protected.set((*_protected.get(), *extra))
    try:
        yield
    finally:
        _protected.reset(token)


def _both_forms(path: Path) -> tuple[Path, ...]:
    """A path as written (absolute, the link itself) and with its links followed."""
    return (Path(os.path.abspath(path)), path.resolve())


def _location(target: Path) -> Path:
    """Where an output is: its parent resolved, its own name kept (a link is replaced, not followed)."""
    if target.name in ("", ".", ".."):
        return target.resolve()
    return target.parent.resolve() / target.name


def check_output(
    path: str | os.PathLike, *, overwrite: bool = False, inputs: tuple[str | os.PathLike | None, ...] = ()
) -> None:
    """Refuse an output whose writing (or replacing, with ``overwrite``) could lose data.

    Refused: an empty name, a name component over 255 bytes, the current folder or one above
    it, the file system root, the home folder, an input (or a folder holding one; the inputs
    are ``inputs`` and those of every enclosing :func:`protected`), a parent that is not a
    folder, and an existing output without ``overwrite`` (a dangling symlink exists too).
    """
    text = os.fspath(path)
    if not text.strip():
        raise GtconvertError("the output name is empty", fix="name an output file or folder")
    target = Path(text)
    too_long = [part for part in target.parts if len(os.fsencode(part)) > NAME_MAX]
    if too_long:
        raise GtconvertError(
            "a component of the output path is longer than 255 bytes", file=text, fix="use a shorter name"
        )
    where = _location(target)
    fix = "name a new file or folder for the output"
    if where == Path(where.anchor) or where == Path.home().resolve():
        raise GtconvertError("the output is the file system root or the home folder", file=text, fix=fix)
    if Path.cwd().resolve().is_relative_to(where):
        raise GtconvertError("the output is the current folder or a folder above it", file=text, fix=fix)
    for given in (
        *_protected.get(),
        *(q for p in inputs if p is not None and os.fspath(p) for q in _both_forms(Path(p))),
    ):
        if where == given:
            raise GtconvertError(
                "the output is also an input or another output of this conversion", file=text, fix=fix
            )
        if given.is_relative_to(where):
            raise GtconvertError(f"the output folder holds an input ({given})", file=text, fix=fix)
    if os.path.lexists(target) and not overwrite:
        raise GtconvertError(
            "output already exists", file=text, fix="choose another output or pass --overwrite"
        )
    parent = target.parent
    for folder in (parent, *parent.parents):
        if os.path.lexists(folder):
            if not folder.is_dir():
                raise GtconvertError(
                    f"{folder} is not a folder", file=text, fix="choose an output under a folder"
                )
            break


#: A folder gtconvert writes beside an output (MATLAB's label PNGs, --exif bake's images) holds
#: this file, so that ``--overwrite`` replaces such a folder only when it is ours.
OURS_MARKER = ".gtconvert-output"


def check_ours(folder: str | os.PathLike, what: str) -> None:
    """Refuse to write ``folder`` (``what``, for the message) when it exists and is not ours."""
    if os.path.lexists(folder) and not os.path.isfile(os.path.join(folder, OURS_MARKER)):
        raise GtconvertError(
            f"{what} goes to this folder, which exists and was not written by gtconvert",
            file=folder,
            fix="write the output somewhere else (even --overwrite never replaces this folder)",
        )


def mark_ours(folder: str | os.PathLike) -> None:
    """Mark a folder being written as ours (:func:`check_ours`)."""
    open(os.path.join(folder, OURS_MARKER), "w").close()
