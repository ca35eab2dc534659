"""The images of an OpenLABEL file: which files its URIs name, their sizes, video frames.

OpenLABEL has no image table. MathWorks names each object's image in
``object_data_pointers.<name>.uri`` (and each context's in a ``text`` entry), as the
labelling machine's path (``C:/...``); a video is one stream whose frames are numbered from
0, with ``frame_properties.time_stamp`` text (``string(duration)``, e.g. ``"0.5 sec"``) or
ASAM's ``timestamp``. Files written by gtconvert carry the table in ``metadata.gtconvert``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np

from ... import report
from ...model import Images


def split_path(stored: str) -> list[str]:
    return [p for p in stored.replace("\\", "/").split("/") if p not in ("", ".")]


def is_absolute(path: str) -> bool:
    """Absolute on any machine: a POSIX root, a UNC share or a Windows drive letter."""
    return path.startswith(("/", "\\")) or bool(PureWindowsPath(path).drive)


def resolve_names(
    uris: list[str], json_dir: str, images: str | None
) -> tuple[list[str], str, list[str | None]]:
    """File names relative to an image root, that root, and each image's file where found.

    With ``images``: each URI is found under it by the longest matching path suffix (the
    labelling machine's folders differ from this one's). Without: relative URIs are relative to
    the JSON file; absolute ones are named below their common folder.
    """
    if images:
        return _under(uris, images)
    found = []
    for u in uris:
        candidate = u if os.path.isabs(u) else os.path.join(json_dir, u)
        found.append(candidate if u and os.path.isfile(candidate) else None)
    if not any(is_absolute(u) for u in uris):
        return ["/".join(split_path(u)) for u in uris], json_dir, found
    parts = [split_path(u) for u in uris]
    common = _common_folder([p[:-1] for p in parts])
    names = ["/".join(p[len(common) :]) for p in parts]
    root = "/" + "/".join(common) if uris and uris[0].startswith("/") else ""
    return names, root if root and os.path.isdir(root) else json_dir, found


def _common_folder(folders: list[list[str]]) -> list[str]:
    """The leading path parts every folder shares."""
    if not folders:
        return []
    n = 0
    while all(len(f) > n and f[n] == folders[0][n] for f in folders):
        n += 1
    return folders[0][:n]


def _under(uris: list[str], images: str) -> tuple[list[str], str, list[str | None]]:
    from ...imagefiles import find_images

    by_name: dict[str, list[list[str]]] = {}
    for rel in find_images(images):
        parts = rel.split("/")
        by_name.setdefault(parts[-1].lower(), []).append(parts)
    names: list[str] = []
    found: list[str | None] = []
    for u in uris:
        want = [p.lower() for p in split_path(u)]
        best, best_len = None, 0
        for cand in by_name.get(want[-1] if want else "", []):
            n = 0
            while n < min(len(want), len(cand)) and want[-1 - n] == cand[-1 - n].lower():
                n += 1
            if n > best_len:
                best, best_len = cand, n
        names.append("/".join(best) if best else (want and split_path(u)[-1]) or "")
        found.append(os.path.join(images, *best) if best else None)
    missing = [u for u, f in zip(uris, found) if f is None]
    report.warn(
        "openlabel.unresolved_images",
        f"OpenLABEL: {len(missing)} of {len(uris)} image paths not found under {images}",
        len(missing),
        examples=missing[:5],
    )
    return names, images, found


def sizes(found: list[str | None], image_size: tuple[int, int] | None) -> tuple[np.ndarray, np.ndarray]:
    """Widths and heights from the image files, else ``image_size``; unknown ones counted."""
    from ...imagefiles import header_sizes

    n = len(found)
    width, height = np.zeros(n, np.int64), np.zeros(n, np.int64)
    have = [i for i, f in enumerate(found) if f]
    if have:
        w, h = header_sizes([found[i] for i in have])
        width[have], height[have] = w, h
    unknown = width == 0
    if unknown.any() and image_size is not None:
        width[unknown], height[unknown] = image_size
        unknown[:] = False
    report.warn(
        "openlabel.unknown_size",
        f"OpenLABEL: size of {int(unknown.sum())} image(s) unknown (width/height 0; OpenLABEL has no "
        "image sizes); pass --images DIR or --image-size WxH",
        int(unknown.sum()),
    )
    return width, height


def stored_images(records: list[dict[str, Any]], path: Any) -> Images:
    """The image table gtconvert wrote into ``metadata.gtconvert.images``."""
    from ...errors import GtconvertError

    try:
        return Images.create(
            [str(r["file_name"]) for r in records],
            width=[int(r.get("width") or 0) for r in records],
            height=[int(r.get("height") or 0) for r in records],
            id=[int(r["id"]) for r in records],
            time=[float(r.get("time", np.nan)) for r in records],
            video=[str(r.get("video", "")) for r in records],
            extra=[r.get("extra") for r in records],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise GtconvertError(
            f"metadata.gtconvert.images is damaged ({type(exc).__name__}: {exc})",
            file=path,
            fix="delete metadata.gtconvert to read the file as any OpenLABEL file",
        ) from None


def frame_names(video_uri: str, n: int) -> list[str]:
    """Frames of a video named ``<stem>_<frame number>.png`` (1-based, zero-padded), as the
    MATLAB reader names the frames of a video groundTruth."""
    parts = split_path(video_uri)
    stem = PurePosixPath(parts[-1]).stem if parts else "video"
    width = len(str(n))
    return [f"{stem}_{f + 1:0{width}d}.png" for f in range(n)]


_UNITS = {
    "sec": 1.0,
    "s": 1.0,
    "secs": 1.0,
    "min": 60.0,
    "mins": 60.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "day": 86400.0,
    "days": 86400.0,
}
_CLOCK = re.compile(r"^(-)?(?:(\d+):)?(\d+):(\d+(?:\.\d*)?)$")


def parse_time(properties: Any) -> float:
    """A frame's time in seconds: ASAM ``timestamp`` (a number), else MathWorks' ``time_stamp``
    text (``"0.5 sec"``, ``"1.25 min"``, ``"00:00:01.5"``); NaN when neither reads as a time."""
    if not isinstance(properties, dict):
        return np.nan
    for key in ("timestamp", "time_stamp"):
        value = properties.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            seconds = _text_seconds(value.strip())
            if seconds == seconds:
                return seconds
    return np.nan


def _text_seconds(text: str) -> float:
    clock = _CLOCK.match(text)
    if clock:
        sign = -1.0 if clock.group(1) else 1.0
        hours = float(clock.group(2) or 0)
        return sign * (hours * 3600 + float(clock.group(3)) * 60 + float(clock.group(4)))
    number, _, unit = text.partition(" ")
    try:
        value = float(number)
    except ValueError:
        return np.nan
    scale = _UNITS.get(unit.strip().lower(), 1.0 if not unit else np.nan)
    return value * scale


def relative_root(json_dir: str, saved: str) -> str:
    return str(Path(os.path.normpath(os.path.join(json_dir, saved))))
