"""Video sources of MATLAB groundTruth: the labelled frames are decoded with PyAV.

Each test makes its own small video with PyAV, every frame one solid colour that encodes its
index, and an interchange file (or the real helmet-video groundTruth) whose source is that
video; the frames written by the YOLO/VOC writers are identified by their colour.
"""

from __future__ import annotations

import warnings
from fractions import Fraction
from pathlib import Path

import av  # the dev extra installs it: these tests never skip
import numpy as np
import pytest

import gtconvert
from gtconvert import Report, video
from gtconvert.formats.matlab import interchange
from gtconvert.formats.matlab.interchange import Interchange

from .matlab_support import FIXTURES

W, H, N, RATE = 64, 48, 20, 25


def colour(k: int) -> tuple[int, int, int]:
    """Frame k's colour: its decimal digits in steps of 25 (far apart after YUV rounding)."""
    return (k % 10 * 25 + 10, k // 10 % 10 * 25 + 10, k // 100 % 10 * 25 + 10)


def frame_number(png: Path) -> int:
    """Which frame a PNG shows, from the colour at its centre (nearest digits)."""
    from PIL import Image

    with Image.open(png) as im:
        r, g, b = (int(v) for v in np.asarray(im.convert("RGB"))[im.height // 2, im.width // 2])
    return sum(round((c - 10) / 25) * 10**i for i, c in enumerate((r, g, b)))


def make_video(path: Path, codec: str = "libx264", n: int = N, rate: int = RATE, size=(W, H)) -> Path:
    """n frames of solid colours; short keyframe interval (and B-frames with x264) so seeking matters."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=Fraction(rate))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv444p" if codec == "ffv1" else "yuv420p"
        stream.codec_context.gop_size = 5
        for k in range(n):
            pixels = np.empty((size[1], size[0], 3), dtype=np.uint8)
            pixels[:] = colour(k)
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def video_interchange(path: Path, source: str, times: np.ndarray) -> Path:
    """An interchange file of a video source: one box per frame, frame names left to the reader."""
    n = len(times)
    pos = np.full((n, 9), np.nan)
    pos[:, :4] = [4, 5, 10, 8]
    ic = Interchange(
        sourceType="video",
        sourceName=source,
        imageFiles=[""] * n,
        imageIds=np.arange(1, n + 1, dtype=np.float64),
        imageSize=np.zeros((n, 2)),
        imageTime=np.asarray(times, dtype=np.float64),
        pixelLabelFiles=[""] * n,
        labelNames=["car"],
        labelIds=np.array([1.0]),
        labelTypes=["Rectangle"],
        labelColors=np.full((1, 3), np.nan),
        labelPixelIds=[np.zeros(0)],
        labelGroups=[""],
        labelDescriptions=[""],
        labelParents=[""],
        objImage=np.arange(1, n + 1, dtype=np.float64),
        objLabel=np.ones(n),
        objId=np.arange(1, n + 1, dtype=np.float64),
        objParent=np.zeros(n),
        objIsCrowd=np.zeros(n, dtype=bool),
        objPosition=pos,
        objPartCount=np.zeros(n),
        objRle=[""] * n,
        objAttributes=[""] * n,
    )
    interchange.save(ic, path, "7")
    return path


def matlab_times(n: int, rate: int = RATE) -> np.ndarray:
    """Frame times as MATLAB stores them: k / rate, rounded to 7 decimals (0.0333333)."""
    return np.round(np.arange(n) / rate, 7)


def read_quietly(path: Path, **options) -> tuple[gtconvert.Dataset, Report]:
    with Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(path, **options)
    return ds, rep


@pytest.mark.parametrize(("codec", "suffix"), [("libx264", ".mp4"), ("ffv1", ".mkv"), ("mpeg4", ".avi")])
def test_yolo_gets_the_sampled_frames(tmp_path: Path, codec: str, suffix: str) -> None:
    clip = make_video(tmp_path / f"clip{suffix}", codec)
    mat = video_interchange(tmp_path / "gt.mat", str(clip), matlab_times(N))
    ds, rep = read_quietly(mat, every=5)
    assert rep.count("matlab.video_frames") == 0
    assert ds.images.file_name.tolist() == ["clip_01.png", "clip_06.png", "clip_11.png", "clip_16.png"]
    assert set(ds.images.width.tolist()) == {W} and set(ds.images.height.tolist()) == {H}  # stream header
    assert ds.images.video.tolist() == [str(clip)] * 4
    with Report() as wrep:
        gtconvert.write(ds, tmp_path / "yolo", "yolo")
    assert wrep.count("yolo.images_missing") == 0 and wrep.count("video.unmatched_times") == 0
    pngs = sorted((tmp_path / "yolo" / "images").rglob("*.png"))
    labels = sorted((tmp_path / "yolo" / "labels").rglob("*.txt"))
    assert [p.stem for p in pngs] == [p.stem for p in labels] == ["clip_01", "clip_06", "clip_11", "clip_16"]
    assert [frame_number(p) for p in pngs] == [0, 5, 10, 15]
    from PIL import Image

    assert {Image.open(p).size for p in pngs} == {(W, H)}
    # the box [4 5 10 8] of each frame, normalised by the stream's size
    row = labels[0].read_text().split()
    assert [float(v) for v in row[1:]] == pytest.approx([(3 + 5) / W, (4 + 4) / H, 10 / W, 8 / H], abs=1e-6)


def test_rows_out_of_time_order_and_repeated(tmp_path: Path) -> None:
    """Each row gets the frame at its own time, whatever the row order; two rows may share one."""
    clip = make_video(tmp_path / "clip.mp4")
    order = [17, 3, 3, 19, 0, 11, 8]
    mat = video_interchange(tmp_path / "gt.mat", str(clip), np.array(order) / RATE)
    ds, _ = read_quietly(mat)
    gtconvert.write(ds, tmp_path / "voc", "voc")
    pngs = [tmp_path / "voc" / "JPEGImages" / n for n in ds.images.file_name]
    assert [frame_number(p) for p in pngs] == order


def test_times_without_a_frame_are_reported(tmp_path: Path) -> None:
    clip = make_video(tmp_path / "clip.mp4")
    # one time half-way between frames 2 and 3 (still frame 2 or 3: within half a period),
    # one past the last frame and one before the first: those two match nothing
    times = np.array([0.0, 2.5 / RATE - 1e-4, (N + 1) / RATE, -1 / RATE])
    mat = video_interchange(tmp_path / "gt.mat", str(clip), times)
    ds, _ = read_quietly(mat)
    with Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, tmp_path / "yolo", "yolo")
    assert rep.count("video.unmatched_times") == 2
    assert rep.count("yolo.images_missing") == 2
    pngs = sorted((tmp_path / "yolo" / "images").rglob("*.png"))
    assert [frame_number(p) for p in pngs] == [0, 2]
    assert len(list((tmp_path / "yolo" / "labels").rglob("*.txt"))) == 4  # labels are all written


def test_video_found_under_images_by_suffix(tmp_path: Path) -> None:
    """A labeller's Windows path resolves under --images by its longest matching suffix."""
    for sub in ("other", "takes"):
        (tmp_path / "media" / sub).mkdir(parents=True)
    make_video(tmp_path / "media" / "other" / "clip.mp4", n=3)  # same basename, wrong folder
    clip = make_video(tmp_path / "media" / "takes" / "clip.mp4", size=(32, 24))
    (tmp_path / "labels").mkdir()
    mat = video_interchange(tmp_path / "labels" / "gt.mat", r"D:\work\takes\clip.mp4", matlab_times(N))
    ds, rep = read_quietly(mat, images=str(tmp_path / "media"))
    assert rep.count("matlab.video_frames") == 0
    assert ds.images.video[0] == str(clip)
    assert (ds.images.width[0], ds.images.height[0]) == (32, 24)


def test_video_found_beside_the_mat(tmp_path: Path) -> None:
    clip = make_video(tmp_path / "clip.mp4")
    mat = video_interchange(tmp_path / "gt.mat", r"C:\Users\me\clip.mp4", matlab_times(N))
    ds, rep = read_quietly(mat)
    assert rep.count("matlab.video_frames") == 0
    assert ds.images.video[0] == str(clip) and ds.images.width[0] == W


def test_without_the_video_labels_use_frame_names(tmp_path: Path) -> None:
    mat = video_interchange(tmp_path / "gt.mat", r"C:\Users\me\clip.mp4", matlab_times(N))
    with Report() as rep, pytest.warns(gtconvert.GtconvertWarning, match="was not found"):
        ds = gtconvert.read(mat, image_size=(W, H))
    assert rep.count("matlab.video_frames") == N
    assert 'pip install "gtconvert[video]"' in next(
        e.message for e in rep.events if e.code == "matlab.video_frames"
    )
    assert ds.images.file_name[0] == "clip_01.png" and ds.images.video[0] == r"C:\Users\me\clip.mp4"
    with Report() as wrep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, tmp_path / "yolo", "yolo")
    assert wrep.count("yolo.images_missing") == N
    assert not list((tmp_path / "yolo").rglob("*.png"))
    assert len(list((tmp_path / "yolo" / "labels").rglob("*.txt"))) == N


def test_without_pyav_the_old_behaviour_and_how_to_install(tmp_path: Path, monkeypatch) -> None:
    make_video(tmp_path / "clip.mp4")
    mat = video_interchange(tmp_path / "gt.mat", r"C:\Users\me\clip.mp4", matlab_times(N))
    monkeypatch.setattr(video, "available", lambda: False)
    ds, rep = read_quietly(mat)
    message = next(e.message for e in rep.events if e.code == "matlab.video_frames")
    assert "PyAV is not installed" in message and 'pip install "gtconvert[video]"' in message
    assert ds.images.width.tolist() == [0] * N  # no header reader, no size
    ds.images.width[:], ds.images.height[:] = W, H
    with Report() as wrep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, tmp_path / "yolo", "yolo")
    assert wrep.count("yolo.images_missing") == N


def test_frames_extracted_by_hand_are_copied(tmp_path: Path) -> None:
    """PNG frames already beside the .mat (MATLAB's own export) are used as they are."""
    from PIL import Image

    clip = make_video(tmp_path / "clip.mp4")
    mat = video_interchange(tmp_path / "gt.mat", str(clip), matlab_times(N))
    for k in range(N):  # each file claims to be frame N-1-k: proves it was copied, not decoded
        Image.new("RGB", (W, H), colour(N - 1 - k)).save(tmp_path / f"clip_{k + 1:02d}.png")
    ds, _ = read_quietly(mat, every=10)
    gtconvert.write(ds, tmp_path / "yolo", "yolo")
    pngs = sorted((tmp_path / "yolo" / "images").rglob("*.png"))
    assert [frame_number(p) for p in pngs] == [N - 1, N - 11]


@pytest.mark.skipif(not (FIXTURES / "helmet-video").is_dir(), reason="shared MATLAB fixtures not present")
def test_real_video_groundtruth_with_its_video_under_images(tmp_path: Path) -> None:
    """helmet-video (990 frames at 30 fps, R2019a): a stand-in metmovie.mp4 under --images."""
    src = FIXTURES / "helmet-video" / "gTruth.mat"
    (tmp_path / "media").mkdir()
    make_video(tmp_path / "media" / "metmovie.mp4", n=990, rate=30, size=(64, 36))
    with Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = gtconvert.read(src, images=str(tmp_path / "media"), every=5)
        gtconvert.write(ds, tmp_path / "yolo", "yolo")
    assert rep.count("matlab.video_frames") == 0 and rep.count("video.unmatched_times") == 0
    assert len(ds.images) == 198 and set(ds.images.width.tolist()) == {64}
    pngs = sorted((tmp_path / "yolo" / "images").rglob("*.png"))
    labels = sorted((tmp_path / "yolo" / "labels").rglob("*.txt"))
    assert [p.stem for p in pngs] == [p.stem for p in labels] == [Path(n).stem for n in ds.images.file_name]
    rows = np.array([int(p.stem.rsplit("_", 1)[1]) - 1 for p in pngs])  # 0-based row of each frame
    assert [frame_number(p) for p in pngs[::17]] == rows[::17].tolist()
