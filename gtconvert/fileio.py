"""Safe file output: atomic writes, no path escaping the output folder, fast JSON.

Every writer creates its output through :func:`atomic_output`: the data goes to a temporary
sibling and is renamed into place only when complete, so a failure leaves nothing behind and
an existing output is replaced only with ``overwrite=True``.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from .errors import GtconvertError


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, *, is_dir: bool, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` when the block succeeds."""
    target = Path(path)
    if target.exists() and not overwrite:
        raise GtconvertError(
            "output already exists", file=target, fix="choose another output or pass --overwrite"
        )
    parent = target.parent if str(target.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}.tmp-"
    if is_dir:
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    else:
        fd, name = tempfile.mkstemp(prefix=prefix, dir=parent)
        os.close(fd)
        tmp = Path(name)
    try:
        yield tmp
        if target.exists():
            _remove(target)
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def link_or_copy(src: str | os.PathLike, dst: str | os.PathLike) -> None:
    """Hard-link ``src`` to ``dst`` when the file system allows it, else copy it."""
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def safe_relative(name: str, *, file: str | os.PathLike | None = None, record: str | None = None) -> str:
    """A file name from a dataset as a POSIX relative path that cannot leave the output folder.

    Rejects absolute paths, Windows drive letters and ``..`` components with a clear error.
    Backslashes are treated as separators (files from Windows machines).
    """
    text = str(name).replace("\\", "/")
    if is_plainly_relative(text):
        return text  # the common case, without building two path objects per name
    return checked_relative(name, file=file, record=record)


def checked_relative(name: str, *, file: str | os.PathLike | None = None, record: str | None = None) -> str:
    """:func:`safe_relative` by the full check alone, whatever the name (the oracle of its fast path)."""
    text = str(name).replace("\\", "/")
    windows = PureWindowsPath(str(name))
    pure = PurePosixPath(text)
    if pure.is_absolute() or windows.drive or ".." in pure.parts or not text.strip("/. "):
        raise GtconvertError(
            f"file name {name!r} escapes the output folder",
            file=file,
            record=record,
            fix="use file names relative to the image folder (no '..', no absolute paths)",
        )
    return str(PurePosixPath(*[p for p in pure.parts if p not in ("", ".")]))


def is_plainly_relative(text: str) -> bool:
    """True when ``text`` (``/``-separated) is already what :func:`checked_relative` returns.

    Anything unusual (absolute, drive letter, empty, ``.``/``..``/hidden components, doubled or
    trailing separators) takes the full check instead.
    """
    return (
        bool(text)
        and text[0] != "/"
        and text[1:2] != ":"
        and text[-1] != "/"
        and "//" not in text
        and "/." not in "/" + text
        and bool(text.strip("/. "))
    )


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


def read_json(path: str | os.PathLike) -> Any:
    """Parse a JSON file once, with orjson; errors name the file and line."""
    import orjson

    data = Path(path).read_bytes()
    try:
        with gc_paused():
            return orjson.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:  # orjson's message carries line and column
        raise GtconvertError(
            f"not valid JSON ({exc})", file=path, fix="check that the file is complete JSON"
        ) from None


def dump_json(obj: Any, path: str | os.PathLike) -> None:
    """Write JSON as UTF-8 (numpy scalars and arrays allowed)."""
    import orjson

    Path(path).write_bytes(orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY))
