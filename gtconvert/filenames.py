"""File names from a dataset: relative paths that cannot leave the output folder, and names
that would be one file on a case-insensitive or Unicode-normalising file system.

:mod:`gtconvert.fileio` re-exports every public name, where the readers and writers import them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath

from .errors import GtconvertError

#: The longest name component (bytes) the common file systems allow.
NAME_MAX = 255


def safe_relative(name: str, *, file: str | os.PathLike | None = None, record: str | None = None) -> str:
    """A file name from a dataset as a POSIX relative path that cannot leave the output folder.

    Rejects absolute paths, Windows drive letters and ``..`` components with a clear error.
    Backslashes are treated as separators (files from Windows machines).
    """
    text = str(name).replace("\\", "/")
    if is_plainly_relative(text) and not _CONTROL.search(text) and len(text) <= NAME_MAX // 4:
        return text  # the common case, without building two path objects per name
    return checked_relative(name, file=file, record=record)


#: Control characters (NUL, newline, ...) would cut a name short or split a line-based list.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def checked_relative(name: str, *, file: str | os.PathLike | None = None, record: str | None = None) -> str:
    """:func:`safe_relative` by the full check alone, whatever the name (the oracle of its fast path)."""
    text = str(name).replace("\\", "/")
    if _CONTROL.search(text):
        raise GtconvertError(
            f"file name {name!r} holds a control character",
            file=file,
            record=record,
            fix="rename the file without newlines, tabs or NUL",
        )
    if any(len(os.fsencode(part)) > NAME_MAX for part in text.split("/")):
        raise GtconvertError(
            f"file name {name!r} has a component longer than 255 bytes",
            file=file,
            record=record,
            fix="use shorter file names",
        )
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


def same_file_key(name: str) -> str:
    """What two names share when they would be one file somewhere: equal after Unicode NFC
    normalisation (macOS stores ``café`` as NFD) and case folding (macOS, Windows)."""
    if name.isascii():
        return name.casefold()
    import unicodedata

    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def first_shared_file(owners: Sequence[str], files: Sequence[str]) -> tuple[str, str, str, str] | None:
    """The first two owners whose files would be one file (equal by :func:`same_file_key`), as
    ``(earlier owner, its file, owner, file)``; None when every file is its own."""
    keys = [same_file_key(name) for name in files]
    if len(set(keys)) == len(keys):
        return None
    seen: dict[str, int] = {}
    for i, key in enumerate(keys):
        j = seen.setdefault(key, i)
        if j != i:
            return owners[j], files[j], owners[i], files[i]
    return None  # unreachable: some key repeats


def would_share(file_a: str, file_b: str) -> str:
    """How two colliding names are said: the same, or the same only on macOS/Windows."""
    return "would share" if file_a == file_b else "differ only in case or Unicode form and would share"


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
