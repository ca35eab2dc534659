"""Safe file output: atomic writes, no path escaping the output folder, fast JSON.

Every writer creates its output through :func:`atomic_output`: the data goes to a temporary
sibling and is renamed into place only when complete, so a failure leaves nothing behind and
an existing output is replaced only with ``overwrite=True``. Which outputs may be written is
:mod:`gtconvert.outputs`, the checks of file names from a dataset :mod:`gtconvert.filenames`;
both are re-exported here.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import GtconvertError
from .filenames import checked_relative as checked_relative
from .filenames import first_shared_file as first_shared_file
from .filenames import is_plainly_relative as is_plainly_relative
from .filenames import safe_relative as safe_relative
from .filenames import same_file_key as same_file_key
from .filenames import would_share as would_share
from .outputs import OURS_MARKER as OURS_MARKER
from .outputs import check_ours as check_ours
from .outputs import check_output as check_output
from .outputs import mark_ours as mark_ours
from .outputs import protected as protected
from .reading import check_dataset_root as check_dataset_root
from .reading import gc_paused as gc_paused
from .reading import outside as outside
from .reading import read_json as read_json
from .reading import read_regular as read_regular
from .reading import read_text as read_text
from .reading import read_yaml as read_yaml
from .reading import regular_file as regular_file

#: Temporaries are ``.<name>.tmp-<pid>-<random>`` (a new output being written) and
#: ``.<name>.old-<pid>-<random>`` (a replaced output until it is deleted): the pid lets the
#: next run tell the leftovers of a killed run from those of a run still going.
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[^.]+$")
_TMP_NAME = 120  # the part of the output's name kept in its temporaries (room for the suffix)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, *, is_dir: bool, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it to ``path`` when the block succeeds.

    The output is checked by :func:`check_output` first. Without ``overwrite`` the final
    rename itself refuses an existing target (one that appeared meanwhile is never replaced).
    With it, the old output is renamed aside, the new one renamed in, and only then is the old
    one deleted; a failure puts the old one back. Files and folders follow the umask.
    """
    check_output(path, overwrite=overwrite)
    target = Path(path)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(exc, target, "cannot make the output's folder") from None
    remove_leftovers(parent, target.name)
    tmp = _make_temporary(parent, target.name, is_dir)
    try:
        yield tmp
        _install(tmp, target, overwrite)
    except OSError as exc:
        _remove(tmp)
        if exc.errno not in _HINTS:
            raise
        raise _os_error(exc, Path(exc.filename or target), "cannot write the output") from exc
    except BaseException:
        _remove(tmp)
        raise


#: The errors of the environment (not of gtconvert) met while writing, with their fix.
_HINTS = {
    errno.ENOSPC: "free some space on that disk",
    errno.EDQUOT: "free some space on that disk",
    errno.EROFS: "choose an output on a writable disk",
    errno.EACCES: "choose an output in a folder you can write to",
    errno.EPERM: "choose an output in a folder you can write to",
    errno.ENAMETOOLONG: "use a shorter name",
    errno.ENOTDIR: "choose an output under a folder",
}


def _os_error(exc: OSError, file: Path, what: str) -> GtconvertError:
    reason = exc.strerror or type(exc).__name__
    hint = _HINTS.get(exc.errno or 0, "check the output's folder")
    return GtconvertError(f"{what} ({reason}); nothing was written", file=file, fix=hint)


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask would, for every thread)
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temporary_name(parent: Path, name: str, kind: str) -> Path:
    return parent / f".{name[:_TMP_NAME]}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def _make_temporary(parent: Path, name: str, is_dir: bool) -> Path:
    """A new temporary beside the output, with the permissions the output itself will have."""
    tmp = _temporary_name(parent, name, "tmp")
    try:
        if is_dir:
            os.mkdir(tmp, 0o700)
        else:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.chmod(tmp, (0o777 if is_dir else 0o666) & ~_umask())
    except OSError as exc:
        _remove(tmp)
        raise _os_error(exc, parent / name, "cannot write beside the output") from None
    return tmp


def _install(tmp: Path, target: Path, overwrite: bool) -> None:
    if not (overwrite and os.path.lexists(target)):
        rename_no_replace(tmp, target)
        return
    aside = _temporary_name(target.parent, target.name, "old")
    try:
        os.rename(target, aside)
    except OSError as exc:
        raise _os_error(exc, target, "cannot move the old output aside; it is unchanged") from None
    try:
        rename_no_replace(tmp, target)
    except BaseException:
        os.rename(aside, target)
        raise
    failed: list[str] = []
    if _is_folder(aside):
        shutil.rmtree(aside, onerror=lambda *a: failed.append(a[1]))
    else:
        _unlink(aside, failed)
    if failed:
        from .report import warn

        warn(
            "output.old_left",
            f"the new output is in {target}; the old one could not be fully deleted and what is "
            f"left of it is in {aside} (e.g. {failed[0]}): remove it by hand",
        )


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _unlink(path: Path, failed: list[str]) -> None:
    try:
        path.unlink()
    except OSError:
        failed.append(str(path))


def rename_no_replace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``, refusing (GtconvertError) when ``dst`` exists, even as a dangling link."""
    try:
        _renameat2_noreplace(src, dst)
        return
    except FileExistsError:
        raise _appeared(dst) from None
    except NotImplementedError:
        pass
    except OSError as exc:
        raise _os_error(exc, dst, "cannot move the finished output into place") from None
    try:  # no renameat2: reserve the name atomically, then replace the reservation
        if src.is_dir():
            os.mkdir(dst)
        else:
            os.close(os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise _appeared(dst) from None
    os.replace(src, dst)


def _appeared(dst: Path) -> GtconvertError:
    return GtconvertError(
        "output already exists (it appeared while converting; it was left as it is)",
        file=dst,
        fix="choose another output or pass --overwrite",
    )


_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _renameat2_noreplace(src: Path, dst: Path) -> None:
    fn = _libc_renameat2()
    if fn is None:
        raise NotImplementedError
    if fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE) == 0:
        return
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        raise NotImplementedError  # the kernel or the file system lacks it
    raise OSError(err, os.strerror(err), os.fspath(dst))


@functools.lru_cache(maxsize=1)
def _libc_renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(parent: Path, name: str) -> list[Path]:
    """Remove the temporaries of ``parent/name`` left by runs that were killed; return them.

    A temporary belongs to a run by the pid in its name; only those whose process is gone are
    touched. An old output moved aside by a run killed before its replacement was in place is
    put back when nothing took its name.
    """
    removed = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if not match or match["name"] != name[:_TMP_NAME] or _pid_alive(int(match["pid"])):
            continue
        path = Path(entry.path)
        if match["kind"] == "old" and not os.path.lexists(parent / name):
            with contextlib.suppress(OSError):
                os.rename(path, parent / name)
                continue
        _remove(path)
        removed.append(path)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):  # gone already, or on a disk that refuses even that
            path.unlink()


def link_or_copy(src: str | os.PathLike, dst: str | os.PathLike) -> None:
    """Hard-link ``src`` to ``dst`` when the file system allows it, else copy it."""
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def dump_json(obj: Any, path: str | os.PathLike) -> None:
    """Write JSON as UTF-8 (numpy scalars and arrays allowed)."""
    import orjson

    Path(path).write_bytes(orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY))
