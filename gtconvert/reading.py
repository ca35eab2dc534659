"""Reading inputs safely: regular files only, UTF-8 side files, YAML without aliases, JSON.

Nothing here writes. A FIFO, device or folder where a file is expected is refused at once
(never opened for a blocking read); what a dataset names outside its own folder is refused
before it is read. :mod:`gtconvert.fileio` re-exports every name, where the readers import them.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import GtconvertError


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many containers without cycles.

    Parsing JSON or building a record per annotation creates millions of lists and dicts; the
    collector would scan the growing heap again and again, each pass longer than the last.
    Reference counting still frees everything; only cycle detection waits.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_dataset_root(root: str | os.PathLike, *, file: str | os.PathLike) -> None:
    """Refuse a dataset root (YOLO's ``path:``) that is the file system root or the home folder:
    reading would walk every file under it."""
    where = Path(os.path.abspath(root))
    if where == Path(where.anchor) or where == Path.home().absolute():
        raise GtconvertError(
            f"the dataset root is {where}: reading it would walk every file under it",
            file=file,
            fix="set path: to the dataset's own folder",
        )


def outside(paths: list[str], root: str | os.PathLike) -> str | None:
    """The first of ``paths`` outside ``root``, compared as written (``..`` resolved, links kept:
    an image folder that is a link elsewhere is the user's choice); None when all are inside."""
    base = os.path.normpath(os.path.abspath(root))
    prefix = base if base.endswith(os.sep) else base + os.sep
    for p in paths:
        full = os.path.normpath(os.path.abspath(p))
        if full != base and not full.startswith(prefix):
            return p
    return None


def regular_file(path: str | os.PathLike) -> None:
    """Refuse anything but a regular file (a folder, a FIFO or a device would fail or hang)."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise GtconvertError(f"cannot read it ({exc.strerror})", file=path, fix="check the path") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a pipe, socket or device)"
        raise GtconvertError(f"this is {kind}", file=path, fix="give the path of a regular file")


def read_regular(path: str | os.PathLike) -> bytes:
    """The bytes of a regular file; a FIFO, socket, device or folder is refused, never read.

    The file is opened without blocking (a FIFO's open would wait for a writer) and checked on
    the open descriptor, so a link to ``/dev/zero`` or a FIFO swapped in meanwhile is refused
    too. A missing file raises ``FileNotFoundError`` as ``open`` does (callers decide).
    """
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a pipe, socket or device)"
            raise GtconvertError(f"this is {kind}", file=path, fix="give the path of a regular file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read()
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike, *, what: str = "this file") -> str:
    """A small side file's text (a split list, ``labelmap.txt``): a regular file, UTF-8 (a BOM
    is dropped); anything else is one error naming the file and the first bad byte."""
    data = read_regular(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GtconvertError(
            f"{what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            file=path,
            fix="save it as UTF-8",
        ) from None


def read_yaml(path: str | os.PathLike) -> Any:
    """Parse a small YAML side file (``data.yaml``) safely: a regular file, no aliases.

    ``yaml.safe_load`` expands aliases, so a few hundred bytes of nested ``*a`` references (the
    "billion laughs" of YAML) would take minutes and gigabytes; no dataset file needs them.
    Parser errors (``yaml.YAMLError``, ``UnicodeDecodeError``) are left to the caller.
    """
    import yaml

    regular_file(path)
    text = Path(path).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if "*" in text and any(isinstance(e, yaml.AliasEvent) for e in yaml.parse(text, Loader=loader)):
        raise GtconvertError(
            "the file uses YAML aliases (*name)", file=path, fix="write every value out in full"
        )
    return yaml.load(text, Loader=loader)


def read_json(path: str | os.PathLike) -> Any:
    """Parse a JSON file once, with orjson; errors name the file and line."""
    import orjson

    regular_file(path)
    data = Path(path).read_bytes()
    try:
        with gc_paused():
            return orjson.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:  # orjson's message carries line and column
        raise GtconvertError(
            f"not valid JSON ({exc})", file=path, fix="check that the file is complete JSON"
        ) from None
