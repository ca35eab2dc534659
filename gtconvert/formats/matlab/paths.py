"""Files of a MATLAB ground truth: the labeller's paths, resolved against the user's folders.

The paths stored in a groundTruth are absolute paths of the labelling machine, often
``C:\\...``; they are resolved against a user-given folder by the longest matching relative
suffix, then by basename, like MATLAB's own ``changeFilePaths``
(``shared/docs/matlab-groundtruth.md`` section 2). Video sources name their frames
``<stem>_<row>.png``; label PNGs are looked for beside the .mat.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ... import report
from .interchange import Interchange


@dataclass(frozen=True)
class Folders:
    """Where the paths stored in one MATLAB file are looked for."""

    mat_dir: str  #: the folder of the .mat (absolute): stored relative paths start there
    images: str | None = None  #: the user's image folder (``--images``)
    saved_root: str | None = None  #: the image root gtconvert's writer recorded, relative to ``mat_dir``


# ---- path text ---------------------------------------------------------------------------


def split_path(stored: str) -> list[str]:
    return [p for p in stored.replace("\\", "/").split("/") if p not in ("", ".")]


class FileIndex:
    """Files under some folders, found by basename and then by the longest common suffix."""

    def __init__(self, roots: list[str], suffixes: tuple[str, ...]) -> None:
        self.by_name: dict[str, list[tuple[str, list[str]]]] = {}
        for root in roots:
            if not root or not os.path.isdir(root):
                continue
            for dirpath, _dirs, files in os.walk(root):
                for f in files:
                    if f.lower().endswith(suffixes):
                        full = os.path.join(dirpath, f)
                        parts = split_path(os.path.relpath(full, root))
                        self.by_name.setdefault(f.lower(), []).append((full, [p.lower() for p in parts]))

    def find(self, stored: str) -> str | None:
        parts = [p.lower() for p in split_path(stored)]
        if not parts:
            return None
        candidates = self.by_name.get(parts[-1], [])
        best, best_len = None, 0
        for full, cparts in candidates:
            n = 0
            while n < min(len(parts), len(cparts)) and parts[-1 - n] == cparts[-1 - n]:
                n += 1
            if n > best_len:
                best, best_len = full, n
        return best


def is_absolute(path: str) -> bool:
    """Absolute on any machine: a POSIX root, a UNC share or a Windows drive letter."""
    from pathlib import PureWindowsPath

    if path.startswith(("/", "\\")):
        return True
    # only "X:..." can carry a drive here; skip building a path object per image otherwise
    return path[1:2] == ":" and bool(PureWindowsPath(path).drive)


def _relative_to_common(paths: list[str]) -> list[str]:
    """Absolute foreign paths -> the part below their common folder (keeps subfolders)."""
    split = [split_path(p) for p in paths]
    if not split:
        return []
    # a drive letter becomes a folder ("C:" -> "C"), so paths from several drives stay apart
    split = [[s[0].rstrip(":"), *s[1:]] if s and s[0].endswith(":") else s for s in split]
    common = 0
    shortest = min(len(s) for s in split)
    while common < shortest - 1 and all(s[common] == split[0][common] for s in split):
        common += 1
    return ["/".join(s[common:]) for s in split]


def relative(file: str, mat_dir: str) -> str:
    try:
        return Path(os.path.relpath(file, mat_dir)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(file).as_posix()


# ---- images and videos -------------------------------------------------------------------


def is_video(ic: Interchange) -> bool:
    """A video or image-sequence source whose frames have no files of their own."""
    return bool(ic.sourceName) and not any(ic.imageFiles)


def video_file(ic: Interchange, folders: Folders) -> str | None:
    """The labelled video on this machine: its stored path, under ``--images`` or beside the .mat."""
    stored = ic.sourceName
    parts = split_path(stored)
    if not parts:
        return None
    candidate = stored if os.path.isabs(stored) else os.path.join(folders.mat_dir, stored)
    if os.path.isfile(candidate):
        return os.path.abspath(candidate)
    if folders.images:  # longest matching suffix, then basename, like images
        suffix = PurePosixPath(parts[-1]).suffix.lower() or parts[-1].lower()
        hit = FileIndex([folders.images], (suffix,)).find(stored)
        if hit:
            return os.path.abspath(hit)
    beside = os.path.join(folders.mat_dir, parts[-1])
    return os.path.abspath(beside) if os.path.isfile(beside) else None


def image_names(
    ic: Interchange, folders: Folders, video_file: str | None = None
) -> tuple[list[str], str, list[str | None]]:
    """File names (relative to the image root), the root, and each image's file if found."""
    n = len(ic.imageFiles)
    mat_dir, images = folders.mat_dir, folders.images
    if is_video(ic):  # frames of a video: <stem>_<row>.png, decoded from the video when written
        stem = PurePosixPath(split_path(ic.sourceName)[-1] if split_path(ic.sourceName) else "video").stem
        width = len(str(n))
        names = [f"{stem}_{i + 1:0{width}d}.png" for i in range(n)]
        root = images or mat_dir
        found = [p if os.path.isfile(p) else None for p in (os.path.join(root, nm) for nm in names)]
        if not any(found) and n:
            _warn_frames_not_extracted(ic, names, video_file)
        return names, root, found
    from ...imagefiles import IMAGE_SUFFIXES

    if images:
        index = FileIndex([images], IMAGE_SUFFIXES)
        found = [index.find(f) for f in ic.imageFiles]
        missing = [f for f, p in zip(ic.imageFiles, found) if p is None]
        report.warn(
            "matlab.unresolved_images",
            f"MATLAB: {len(missing)} of {n} image paths not found under {images}",
            len(missing),
            examples=missing[:5],
        )
        names = [
            Path(os.path.relpath(p, images)).as_posix() if p else split_path(f)[-1]
            for f, p in zip(ic.imageFiles, found)
        ]
        return names, images, found
    found = []
    for f in ic.imageFiles:
        candidate = f if os.path.isabs(f) else os.path.join(mat_dir, f)
        found.append(candidate if f and os.path.isfile(candidate) else None)
    if folders.saved_root is not None:  # written by gtconvert: names relative to the original root
        root = os.path.normpath(os.path.join(mat_dir, folders.saved_root))
        names = [os.path.relpath(os.path.join(mat_dir, f), root).replace(os.sep, "/") for f in ic.imageFiles]
        return names, root, found
    if not any(is_absolute(f) for f in ic.imageFiles):
        # "/".join of the split parts is PurePosixPath(*parts).as_posix(), without an object per image
        names = [("/".join(split_path(f)) or ".") if f else "" for f in ic.imageFiles]
        return names, mat_dir, found
    return _relative_to_common(ic.imageFiles), "", found


def _warn_frames_not_extracted(ic: Interchange, names: list[str], video_file: str | None) -> None:
    """Labels of a video whose frames cannot be written: say why and what to do."""
    from ... import video

    if video_file and video.available():
        return  # the writers that copy images decode the frames (gtconvert.imagefiles.copy_images)
    if video_file:
        why = f"the video is at {video_file} but PyAV is not installed: {video.INSTALL_HINT} to extract them"
    else:
        name = split_path(ic.sourceName)[-1]
        why = (
            f"the video was not found: pass --images DIR holding {name} (or put it beside the .mat), "
            f"with PyAV installed ({video.INSTALL_HINT}), to extract them"
        )
    report.warn(
        "matlab.video_frames",
        f"MATLAB: labels of video {ic.sourceName!r} are written against frame names "
        f"{names[0]}..{names[-1]} (the frames were not extracted; {why})",
        len(names),
    )


# ---- pixel-label PNGs --------------------------------------------------------------------


def pixel_files(ic: Interchange, folders: Folders) -> list[str | None]:
    """Each image's label PNG: as stored (relative to the .mat), else found by suffix/basename."""
    stored = ic.pixelLabelFiles or [""] * len(ic.imageFiles)
    if not any(stored):
        return [None] * len(stored)
    out: list[str | None] = []
    index = None
    for f in stored:
        if not f:
            out.append(None)
            continue
        direct = f if os.path.isabs(f) else os.path.join(folders.mat_dir, f)
        if os.path.isfile(direct):
            out.append(os.path.normpath(os.path.abspath(direct)))
            continue
        if index is None:  # PixelLabelData, PixelLabelData_N or any folder beside the .mat
            index = FileIndex([r for r in (folders.mat_dir, folders.images) if r], (".png",))
        hit = index.find(f)
        out.append(os.path.normpath(os.path.abspath(hit)) if hit else None)
    missing = [f for f, p in zip(stored, out) if f and p is None]
    report.warn(
        "matlab.unresolved_pixel_labels",
        f"MATLAB: {len(missing)} pixel-label PNG(s) not found (their pixel labels are not read); "
        "put the PixelLabelData folder beside the .mat or under --images",
        len(missing),
        examples=missing[:5],
    )
    return out
