"""gtconvert.video: which frame a row time is, and seeking that lands late.

The frames of real videos are tested with MATLAB's video sources (``formats/test_matlab_video.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtconvert import video


@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(1, 40),
    period=st.sampled_from([1 / 24, 1 / 25, 1 / 30, 1001 / 30000, 1 / 60, 0.5]),
    picks=st.lists(st.tuples(st.integers(0, 39), st.floats(-0.49, 0.49)), min_size=1, max_size=20),
)
def test_nearest_frame_rule(n: int, period: float, picks: list[tuple[int, float]]) -> None:
    """A time within half a period of frame k is frame k; past either end by more, none."""
    frame_times = np.arange(n) * period
    ks = np.array([k % n for k, _ in picks])
    offsets = np.array([f for _, f in picks])
    assert video.nearest_frames(frame_times[ks] + offsets * period, frame_times).tolist() == ks.tolist()
    outside = np.array([-0.51 * period, frame_times[-1] + 0.51 * period, np.nan])
    expect = [-1, -1, -1] if n > 1 else [0, 0, -1]  # one frame: no period, any time is it
    assert video.nearest_frames(outside, frame_times).tolist() == expect


def test_a_gap_in_a_variable_rate_video_matches_nothing() -> None:
    frame_times = np.array([0.0, 0.04, 0.08, 0.40, 0.44])  # frames dropped between 0.08 and 0.40
    got = video.nearest_frames(np.array([0.1, 0.24, 0.38, 0.081]), frame_times)
    assert got.tolist() == [2, -1, 3, 2]


class _FakeContainer:
    """Frames 0..19 (pts 10 k), keyframes every 5; a seek lands ``late`` keyframes past its target."""

    def __init__(self, late: int) -> None:
        self.pts = np.arange(20) * 10
        self.late, self.start, self.seeks = late, 0, 0

        class Streams:
            video = [object()]

        self.streams = Streams()

    def seek(self, offset: int, stream: object, backward: bool = True) -> None:
        self.seeks += 1
        key = int(offset) // 50 * 5  # the keyframe at or before the offset
        self.start = key + 5 * self.late if key else 0  # a seek to the start is always exact

    def decode(self, stream: object):
        for p in self.pts[self.start :]:
            yield type("Frame", (), {"pts": int(p)})()


@pytest.mark.parametrize("late", [0, 1])
def test_seeking_past_the_target_falls_back_to_decoding_from_the_start(late: int) -> None:
    from gtconvert.video import Timeline, frames_at

    container = _FakeContainer(late)
    timeline = Timeline(container.pts.copy(), np.arange(20) % 5 == 0, 0.04)
    targets = [0, 60, 70, 120, 190]
    got = [pts for pts, frame in frames_at(container, timeline, targets)]
    assert got == targets
    assert container.seeks == (4 if not late else 3)  # start, 60, 120, 190 | start, 60 (late), start
