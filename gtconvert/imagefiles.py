"""Image files beside label files: sizes from headers, copies or links, splits, many small files.

Shared by the folder formats (YOLO, Pascal VOC). Image sizes come from the file header only
(Pillow opens lazily and reads no pixels), so reading a large dataset does not decode images.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from .errors import GtconvertError
from .fileio import link_or_copy

#: What Ultralytics accepts as an image (lower-case suffixes): the one list of image suffixes,
#: for every search of an image folder.
IMAGE_SUFFIXES = (".bmp", ".dng", ".jpeg", ".jpg", ".mpo", ".png", ".tif", ".tiff", ".webp", ".pfm", ".heic")

#: Threads for many small file operations (they wait on the disk, not the CPU).
IO_THREADS = 8


def header_size(path: str | os.PathLike) -> tuple[int, int] | None:
    """``(width, height)`` read from the image header, or None when the file does not exist.

    Inside :func:`header_scope` the EXIF orientation is read in the same open and recorded, and
    the size is the one of the scope's frame (swapped for tags 5 to 8 in the displayed frame).
    """
    scope = _SCOPE
    info = header_info(path)
    if info is None:
        return None
    width, height, tag = info
    if scope is None:
        return width, height
    scope.seen[_key(path)] = (width, height, tag)
    return (height, width) if scope.frame == "displayed" and tag >= 5 else (width, height)


def header_sizes(paths: Sequence[str | os.PathLike]) -> tuple[np.ndarray, np.ndarray]:
    """Widths and heights of many images from their headers; 0 where the file is missing."""
    sizes = map_batched(header_size, paths)
    w = np.array([s[0] if s else 0 for s in sizes], dtype=np.int64)
    h = np.array([s[1] if s else 0 for s in sizes], dtype=np.int64)
    return w, h


#: The EXIF tag that says how a viewer turns the stored pixels (1 to 8).
ORIENTATION_TAG = 0x0112


def _orientation_of(im: Any) -> int:
    tag = im.getexif().get(ORIENTATION_TAG, 1)
    return int(tag) if isinstance(tag, int) and 1 <= tag <= 8 else 1


def header_orientation(path: str | os.PathLike) -> int:
    """The EXIF orientation (1 to 8) from the image header; 1 when absent, unknown or missing.

    Pillow's lazy open plus ``getexif()`` parses only the header, not the pixels.
    """
    info = header_info(path)
    return info[2] if info else 1


def header_info(path: str | os.PathLike) -> tuple[int, int, int] | None:
    """``(stored width, stored height, EXIF orientation)`` from one header read; None if missing.

    JPEG and PNG headers are walked by :mod:`gtconvert.headers` (several times faster than
    Pillow's open); other formats and unusual layouts are read by Pillow, whose answers those are.
    """
    from PIL import Image

    from .headers import Unparsed, read_header

    try:
        width, height, tag = read_header(path)
        limit = Image.MAX_IMAGE_PIXELS
        if not limit or width * height <= limit:
            return width, height, tag
        # past Pillow's decompression-bomb limit: Pillow's own warning or error, below
    except FileNotFoundError:
        return None
    except (Unparsed, OSError, struct.error):
        pass
    try:
        with Image.open(path) as im:
            return int(im.size[0]), int(im.size[1]), _orientation_of(im)
    except FileNotFoundError:
        return None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:  # damaged images
        raise GtconvertError(f"cannot read the image header ({exc})", file=path) from None


def header_infos(
    paths: Sequence[str | os.PathLike], *, strict: bool = True
) -> list[tuple[int, int, int] | None]:
    """:func:`header_info` of many images (threads: the reads wait on the disk).

    With ``strict=False`` a damaged header gives None, as a missing file does (``validate``
    names such images; a reader only wants the tags it can have).
    """
    return map_batched(header_info if strict else _header_info_or_none, paths)


def map_batched(fn: Any, items: Sequence[Any]) -> list[Any]:
    """``[fn(x) for x in items]``, from :data:`IO_THREADS` threads taking batches when there are many.

    One future per header would cost more than the header (100,000 futures took 15 s on a
    loaded 2-core machine, the headers 2 s); the threads overlap the waits on a cold disk.
    """
    if len(items) < 64:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor  # lazy: only when there are images

    size = -(-len(items) // (IO_THREADS * 4))
    with ThreadPoolExecutor(IO_THREADS) as pool:
        batches = pool.map(lambda lo: [fn(x) for x in items[lo : lo + size]], range(0, len(items), size))
        return [y for batch in batches for y in batch]


def _header_info_or_none(path: str | os.PathLike) -> tuple[int, int, int] | None:
    try:
        return header_info(path)
    except GtconvertError:
        return None


def header_orientations(paths: Sequence[str | os.PathLike]) -> np.ndarray:
    """EXIF orientations of many images from their headers; 1 where unknown or missing."""
    return np.array([i[2] if i else 1 for i in header_infos(paths)], dtype=np.int64)


class HeaderScope:
    """What :func:`header_size` saw inside :func:`header_scope`: path -> (width, height, tag)."""

    def __init__(self, frame: str) -> None:
        self.frame = frame
        self.seen: dict[str, tuple[int, int, int]] = {}

    def lookup(self, path: str | os.PathLike) -> tuple[int, int, int] | None:
        return self.seen.get(_key(path))


_SCOPE: HeaderScope | None = None


@contextmanager
def header_scope(frame: str) -> Iterator[HeaderScope]:
    """While a format reads or writes: header sizes come in ``frame`` ("stored"/"displayed")
    and each header's orientation is recorded, so that no image header is read twice.

    One scope at a time per process (the registry opens it around a reader or a writer).
    """
    global _SCOPE
    outer, _SCOPE = _SCOPE, HeaderScope(frame)
    try:
        yield _SCOPE
    finally:
        _SCOPE = outer


def _key(path: str | os.PathLike) -> str:
    return os.path.normpath(os.path.abspath(os.fspath(path)))


def known_sizes(dataset: Any, *, target: str) -> tuple[np.ndarray, np.ndarray]:
    """Image sizes of a dataset; where it has none, from the headers of the images under ``image_root``."""
    img = dataset.images
    width, height = img.width.copy(), img.height.copy()
    unknown = np.flatnonzero((width <= 0) | (height <= 0))
    if len(unknown) and dataset.image_root:
        w, h = header_sizes([os.path.join(dataset.image_root, img.file_name[i]) for i in unknown])
        width[unknown], height[unknown] = w, h
        unknown = unknown[(w <= 0) | (h <= 0)]
    if len(unknown):
        names = ", ".join(str(img.file_name[i]) for i in unknown[:5])
        raise GtconvertError(
            f"{target} needs image sizes; {len(unknown)} images have none and were not found ({names})",
            fix="pass --images DIR where the images are, or --image-size WxH when reading",
        )
    return width, height


def find_images(folder: str | os.PathLike) -> list[str]:
    """Image files under ``folder`` (recursive), as sorted POSIX paths relative to it.

    Like ``Path.rglob("*")``: hidden names included, symlinked folders not entered, a symlink
    to a file counted; by ``os.scandir`` on strings, 10x faster than pathlib for 5,000 images.
    """
    found: list[str] = []
    stack = [("", os.fspath(folder))]
    while stack:
        prefix, path = stack.pop()
        try:
            entries = list(os.scandir(path))
        except (NotADirectoryError, FileNotFoundError, PermissionError):
            continue
        for entry in entries:
            name = entry.name
            dot = name.rfind(".")
            if 0 < dot < len(name) - 1 and name[dot:].lower() in IMAGE_SUFFIXES and entry.is_file():
                found.append(prefix + name)
            elif entry.is_dir(follow_symlinks=False):
                stack.append((f"{prefix}{name}/", entry.path))
    found.sort()
    return found


def copy_images(
    pairs: Iterable[tuple[str, str]],
    frames: Sequence[tuple[str, float] | None] | None = None,
    *,
    link: bool = False,
) -> int:
    """Copy each existing ``(src, dst)``; returns how many sources were missing.

    ``link``: hard-link instead where the file system allows (fast, no space, but an output
    image edited in place edits the input too: so only when asked). ``frames`` (from
    :func:`video_frames`, one entry per pair) names the video frame a pair shows: when its
    source file does not exist, the frame is decoded into ``dst`` as a PNG.
    """
    pairs = list(pairs)
    exists = [os.path.isfile(s) for s, _ in pairs]
    present = [sd for sd, e in zip(pairs, exists) if e]
    if present:
        from concurrent.futures import ThreadPoolExecutor

        place = link_or_copy if link else copy_file
        with ThreadPoolExecutor(IO_THREADS) as pool:
            list(pool.map(lambda sd: place(*sd), present))
    missing = len(pairs) - len(present)
    if frames is not None and missing:
        missing -= materialise_frames(
            [(*frames[i], pairs[i][1]) for i, e in enumerate(exists) if not e and frames[i] is not None]
        )
    return missing


def copy_file(src: str | os.PathLike, dst: str | os.PathLike) -> None:
    """Copy ``src`` to ``dst`` (its folders made; in the kernel where it can: sendfile)."""
    import shutil

    os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
    shutil.copyfile(src, dst)


# ---- video frames (MATLAB Video Labeler sources): decoded on demand, see gtconvert.video ----


def video_frames(dataset: Any) -> list[tuple[str, float] | None] | None:
    """Per image, ``(video file, time)`` when it is a frame of a video on disk; None if no image is.

    Only absolute paths of existing files count (a reader puts the resolved path in
    ``Images.video``; a stored path of the labeller's machine does not exist here), and only
    when PyAV is installed.
    """
    img = dataset.images
    on_disk = {v for v in set(img.video.tolist()) if v and os.path.isabs(v) and os.path.isfile(v)}
    if not on_disk:
        return None
    from . import video  # only for datasets of video frames

    if not video.available():
        return None
    return [
        (v, float(t)) if v in on_disk and np.isfinite(t) else None
        for v, t in zip(img.video.tolist(), img.time.tolist())
    ]


def materialise_frames(jobs: Sequence[tuple[str, float, str]]) -> int:
    """Write each ``(video, time, png path)``; returns how many were written.

    Each video is decoded once, in time order, seeking past the frames nobody wants and
    holding only a few frames at a time (:func:`gtconvert.video.write_frames`).
    """
    if not jobs:
        return 0
    from .video import write_frames

    return len(jobs) - len(write_frames(jobs))


def write_texts(files: Sequence[tuple[str | os.PathLike, str | bytes]]) -> None:
    """Write many small files (text as UTF-8, or bytes as given), creating their folders.

    Many files are written from :data:`IO_THREADS` threads, each taking a batch (one future
    per file would cost more than the file): on a disk, creating a file waits on the journal
    and the threads overlap those waits. Few files are written in one plain loop.
    """
    for folder in {_folder_of(p) for p, _ in files}:
        if folder:
            os.makedirs(folder, exist_ok=True)
    if len(files) < THREADED_MIN_FILES:
        _write_batch(files)
        return
    from concurrent.futures import ThreadPoolExecutor

    size = -(-len(files) // (IO_THREADS * 4))
    with ThreadPoolExecutor(IO_THREADS) as pool:
        batches = [pool.submit(_write_batch, files[i : i + size]) for i in range(0, len(files), size)]
        for batch in batches:
            batch.result()  # the first error, as the loop would raise it


#: Fewer files than this are written without threads (starting them costs more).
THREADED_MIN_FILES = 256


def _write_batch(files: Sequence[tuple[str | os.PathLike, str | bytes]]) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    for path, content in files:
        data = memoryview(content.encode("utf-8") if isinstance(content, str) else content)
        fd = os.open(path, flags, 0o666)
        try:
            while data:  # os.write may write less than asked (large files, signals)
                data = data[os.write(fd, data) :]
        finally:
            os.close(fd)


def _folder_of(path: str | os.PathLike) -> str:
    """``os.path.dirname``, without its per-call overhead for plain POSIX strings."""
    if os.sep != "/" or not isinstance(path, str):
        return os.path.dirname(path)
    head = path[: path.rfind("/") + 1]  # posixpath.dirname, inlined
    return head.rstrip("/") if head.strip("/") else head


def assign_splits(n: int, fractions: dict[str, float], seed: int | None = None) -> np.ndarray:
    """Give each of ``n`` images a split name, at random but reproducibly (``seed``, default 0).

    Fractions are normalised to sum to 1; split sizes are the rounded (half up) cumulative
    fractions, so they always add up to ``n`` and ``train=0.8,val=0.2`` of 10 gives 8 and 2.
    """
    if not fractions:
        raise GtconvertError("empty split", fix="give e.g. --split train=0.8,val=0.2")
    names = list(fractions)
    frac = np.array([fractions[k] for k in names], dtype=np.float64)
    if not np.all(np.isfinite(frac)) or np.any(frac < 0) or frac.sum() <= 0:
        raise GtconvertError(f"split fractions {fractions} must be >= 0 and not all 0")
    bounds = np.floor(np.cumsum(frac) / frac.sum() * n + 0.5).astype(np.int64)
    bounds[-1] = n
    order = np.random.default_rng(0 if seed is None else seed).permutation(n)
    out = np.empty(n, dtype=object)
    start = 0
    for name, stop in zip(names, bounds):
        out[order[start:stop]] = name
        start = stop
    return out
