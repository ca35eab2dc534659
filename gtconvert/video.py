"""Frames of labelled videos (MATLAB Video Labeler sources), with PyAV: sizes and PNG frames.

A video-sourced groundTruth labels frames by time (``TimeStamps``, seconds from the start of
the video). Reading needs only the stream header (:func:`stream_size`); the frames themselves
are decoded when a writer copies images (:func:`write_frames`, reached through
:func:`gtconvert.imagefiles.copy_images`).

Time -> frame rule (:func:`nearest_frames`, the only place it lives): a frame's time is its
presentation timestamp minus that of the first frame (MATLAB's ``VideoReader`` counts from 0
whatever the container's start time), and a labelled time takes the frame whose time is
nearest, if it lies within half a frame period (the median gap between frames); otherwise no
frame matches and the image is reported, never replaced by a neighbour.

PyAV (``av``) is the optional extra ``video``; it is imported only inside functions.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import report
from .errors import GtconvertError
from .fileio import link_or_copy

#: How to get the optional dependency, for messages.
INSTALL_HINT = 'pip install "gtconvert[video]"'

#: Slack on the half-period tolerance: stored times are doubles rounded by MATLAB (0.0333333).
_TOLERANCE_SLACK = 1e-6

#: PNG encodes run in threads (cv2 releases the GIL) while the next frame decodes; at most this
#: many decoded frames wait, so memory stays bounded whatever the length of the video.
_WRITE_THREADS = 2
_MAX_PENDING = 4


def available() -> bool:
    """True when PyAV is installed (without importing it)."""
    return importlib.util.find_spec("av") is not None


def _open(path: str | os.PathLike) -> Any:
    import av

    try:
        container = av.open(os.fspath(path))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise GtconvertError(f"cannot open the video ({exc})", file=path) from None
    if not container.streams.video:
        container.close()
        raise GtconvertError("the file has no video stream", file=path)
    return container


def stream_size(path: str | os.PathLike) -> tuple[int, int]:
    """``(width, height)`` of the first video stream, from the header (nothing is decoded)."""
    with _open(path) as container:
        ctx = container.streams.video[0].codec_context
        width, height = int(ctx.width), int(ctx.height)
    if width <= 0 or height <= 0:
        raise GtconvertError("the video stream header has no frame size", file=path)
    return width, height


def nearest_frames(times: np.ndarray, frame_times: np.ndarray) -> np.ndarray:
    """Index of the frame shown at each time, or -1 when no frame is within half a period.

    ``frame_times`` are sorted seconds. The nearest frame wins (the earlier on a tie); the
    tolerance is half the median gap between frames, so a time in a gap of a variable-rate
    video, before the first frame or past the last matches nothing. NaN matches nothing.
    """
    times = np.asarray(times, dtype=np.float64)
    frame_times = np.asarray(frame_times, dtype=np.float64)
    out = np.full(len(times), -1, dtype=np.int64)
    if len(frame_times) == 0:
        return out
    period = float(np.median(np.diff(frame_times))) if len(frame_times) > 1 else np.inf
    right = np.clip(np.searchsorted(frame_times, times), 0, len(frame_times) - 1)
    left = np.clip(right - 1, 0, len(frame_times) - 1)
    take_left = np.abs(times - frame_times[left]) <= np.abs(frame_times[right] - times)
    best = np.where(take_left, left, right)
    distance = np.abs(times - frame_times[best])
    ok = distance <= period / 2 * (1 + _TOLERANCE_SLACK) + _TOLERANCE_SLACK
    out[ok] = best[ok]
    return out


@dataclass
class Timeline:
    """Presentation timestamps of every frame (sorted) and of the keyframes, from the packets."""

    pts: np.ndarray
    keyframe: np.ndarray  # bool per entry of pts
    time_base: float

    @property
    def seconds(self) -> np.ndarray:
        return (self.pts - self.pts[0]) * self.time_base if len(self.pts) else np.zeros(0)


def _timeline(container: Any, path: str) -> Timeline:
    """Demux (no decoding) to learn each frame's timestamp and which frames are keyframes."""
    stream = container.streams.video[0]
    pts, key = [], []
    for packet in container.demux(stream):
        if packet.size == 0:  # the demuxer's final empty packet
            continue
        stamp = packet.pts if packet.pts is not None else packet.dts
        if stamp is None:
            raise GtconvertError("the video has frames without timestamps", file=path)
        pts.append(stamp)
        key.append(packet.is_keyframe)
    order = np.argsort(pts, kind="stable")
    return Timeline(
        np.asarray(pts, dtype=np.int64)[order], np.asarray(key, dtype=bool)[order], float(stream.time_base)
    )


def write_frames(jobs: Sequence[tuple[str, float, str]]) -> list[int]:
    """Write each ``(video, time, destination)`` as the PNG of the frame shown at ``time``.

    Each video is demuxed once for its timestamps, then decoded once in time order: it seeks
    to the keyframe before a wanted frame when that skips decoding, and keeps only a few frames
    in memory. Returns the indices of the jobs whose time matched no frame (reported as
    ``video.unmatched_times``).
    """
    by_video: dict[str, list[int]] = {}
    for j, (video, _, _) in enumerate(jobs):
        by_video.setdefault(video, []).append(j)
    unmatched: list[int] = []
    for video, rows in by_video.items():
        times = np.array([jobs[j][1] for j in rows], dtype=np.float64)
        lost = _write_video_frames(video, times, [jobs[j][2] for j in rows])
        unmatched.extend(rows[k] for k in lost)
    report.warn(
        "video.unmatched_times",
        f"video: {len(unmatched)} labelled time(s) match no frame (none within half a frame period); "
        "those frames were not written",
        len(unmatched),
        [f"{jobs[j][0]} @ {jobs[j][1]:.6f} s" for j in unmatched[:5]],
    )
    return sorted(unmatched)


def _write_video_frames(video: str, times: np.ndarray, destinations: list[str]) -> list[int]:
    """Frames of one video at ``times`` into ``destinations``; returns the unmatched positions."""
    import av

    with _open(video) as container:
        try:
            timeline = _timeline(container, video)
            index = nearest_frames(times, timeline.seconds)
            wanted: dict[int, list[str]] = {}
            for k in np.flatnonzero(index >= 0):
                wanted.setdefault(int(timeline.pts[index[k]]), []).append(destinations[k])
            written = _decode_wanted(container, timeline, wanted, video)
        except av.error.FFmpegError as exc:  # a damaged file: say which, not a traceback
            raise GtconvertError(f"cannot decode the video ({exc})", file=video) from None
    return [k for k in range(len(times)) if index[k] < 0 or int(timeline.pts[index[k]]) not in written]


def _decode_wanted(container: Any, timeline: Timeline, wanted: dict[int, list[str]], video: str) -> set[int]:
    """Decode in time order and save the wanted frames; returns the timestamps written."""
    targets = sorted(wanted)
    written: set[int] = set()
    with ThreadPoolExecutor(_WRITE_THREADS) as pool:
        pending: list[Future[None]] = []
        for pts, frame in frames_at(container, timeline, targets):
            if len(pending) >= _MAX_PENDING:
                pending.pop(0).result()
            image = frame.to_ndarray(format="bgr24")  # this frame's pixels only
            pending.append(pool.submit(_save_png, image, wanted[pts], video))
            written.add(pts)
        for f in pending:
            f.result()
    return written


def frames_at(container: Any, timeline: Timeline, targets: list[int]) -> Iterator[tuple[int, Any]]:
    """The decoded frames whose timestamps are ``targets`` (sorted), skipping ahead by seeking.

    A seek goes to the last keyframe at or before the next target when frames lie between the
    current position and that keyframe. Should a seek land past its target (an imprecise
    index), decoding restarts from the first frame without seeking: slower, never wrong.
    """
    stream = container.streams.video[0]
    key_rows = np.flatnonzero(timeline.keyframe)
    frames: Iterator[Any] | None = None
    held: Any = None  # a decoded frame past the previous target, maybe the next one
    position, can_seek, seeked = -1, True, False
    i = 0
    while i < len(targets):
        target = targets[i]
        key_row = _keyframe_before(key_rows, int(np.searchsorted(timeline.pts, target)))
        if frames is None or (can_seek and key_row > position + 1):
            seeked = can_seek and key_row > 0
            container.seek(int(timeline.pts[key_row if seeked else 0]), stream=stream, backward=True)
            frames, held, position = iter(container.decode(stream)), None, -1
        frame = held if held is not None and held.pts >= target else _next_at_or_after(frames, target)
        held = None
        if frame is None:
            return  # end of the stream: the remaining targets stay unmatched
        position = int(np.searchsorted(timeline.pts, frame.pts))
        if frame.pts == target:
            yield target, frame
            i, seeked = i + 1, False
        elif seeked:  # the seek landed past the target
            can_seek, frames = False, None
        else:  # the decoder never produced this timestamp: unmatched; the frame may be the next one
            held, i = frame, i + 1


def _keyframe_before(key_rows: np.ndarray, row: int) -> int:
    """Row of the last keyframe at or before ``row`` (0 when there is none)."""
    k = int(np.searchsorted(key_rows, row, side="right")) - 1
    return int(key_rows[k]) if k >= 0 else 0


def _next_at_or_after(frames: Iterator[Any], target: int) -> Any:
    """Decode until a frame whose timestamp is ``target`` or later; None at the end of the stream."""
    for frame in frames:
        if frame.pts is not None and frame.pts >= target:
            return frame
    return None


def _save_png(image: np.ndarray, destinations: list[str], video: str) -> None:
    import cv2

    first = destinations[0]
    Path(first).parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(first, image):
        raise GtconvertError("cannot write the frame", file=first, record=video)
    for other in destinations[1:]:  # two labelled rows at the same frame
        link_or_copy(first, other)
