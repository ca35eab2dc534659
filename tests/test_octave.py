"""The .m code in GNU Octave, and cross-checks between Octave and the Python side.

* ``matlab/tests/run_all.m`` passes (every .m test).
* A real groundTruth, turned into the plain struct ``saveobj`` holds and exported by Octave's
  ``gtconvert.exportStruct``, reads in Python exactly as the raw file does.
* Python's interchange file goes through Octave's ``readInterchange`` + ``exportStruct`` and
  comes back equal (the way to Image Labeler and back).
* Octave's ``poly2mask`` and Python's rasterisation (pycocotools, after the MATLAB -> COCO
  vertex shift) agree on the pixels of the same MATLAB polygons.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gtconvert
from gtconvert import geometry
from gtconvert.model import Kind
from gtconvert.testing import assert_datasets_equal

from .strategies import datasets

OCTAVE = shutil.which("octave-cli")
REPO = Path(__file__).resolve().parents[1]
MATLAB = REPO / "matlab"
FIXTURES = REPO.parent / "shared" / "fixtures" / "matlab"

pytestmark = [pytest.mark.octave, pytest.mark.skipif(OCTAVE is None, reason="octave-cli is not installed")]


def octave(code: str, cwd: Path, timeout: float = 300) -> str:
    """Run ``code`` in a fresh octave-cli with +gtconvert on the path; fail with its output."""
    script = f"addpath('{MATLAB}'); pkg load image;\n{code}"
    proc = subprocess.run(
        [OCTAVE, "--norc", "--quiet", "--eval", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_m_tests_pass(tmp_path):
    out = octave(f"cd('{MATLAB / 'tests'}'); exit(run_all() > 0);", tmp_path)
    assert "0 failed" in out and "FAIL" not in out, out


# ---- no variable hides a function ------------------------------------------------------

#: MATLAB functions that GNU Octave 7 lacks, so that asking Octave does not find them
MATLAB_ONLY = {"contains", "split", "pattern", "width", "height", "count", "string", "join", "strip", "table"}
#: loop counters, as MATLAB's own code uses them (the imaginary unit is written 1i there)
LOOP_COUNTERS = {"i", "j"}


def _assigned_names(code: str) -> set[str]:
    """Variables, outputs, inputs and anonymous-function arguments a .m file defines."""
    code = re.sub(r"%.*", "", re.sub(r"'[^'\n]*'", "''", code))
    names = set(re.findall(r"^\s*(?:for\s+)?([A-Za-z]\w*)\s*(?:\([^=\n]*\)|\{[^=\n]*\})?\s*=(?!=)", code, re.M))
    lists = re.findall(r"^\s*\[([^\]]*)\]\s*=(?!=)", code, re.M)
    lists += re.findall(r"@\(([^)]*)\)", code)
    for head in re.finditer(r"^\s*function\s+(?:(?:\[([^\]]*)\]|(\w+))\s*=\s*)?\w+\s*(?:\(([^)]*)\))?", code, re.M):
        lists += [head.group(1) or head.group(2) or "", head.group(3) or ""]
    for text in lists:
        names |= {n.split("(")[0].split(".")[0].split("{")[0] for n in re.split(r"[,\s]+", text)}
    return {n for n in names if re.fullmatch(r"[A-Za-z]\w*", n)}


def test_no_variable_shadows_a_function(tmp_path):
    defined = {path: _assigned_names(path.read_text()) for path in sorted(MATLAB.rglob("*.m"))}
    names = sorted(set().union(*defined.values()) - LOOP_COUNTERS)
    assert {"varargin", "files", "labels"} <= set(names)  # the parser sees the code
    probe = "names = {" + ", ".join(f"'{n}'" for n in names) + "};\n"
    probe += "for k = 1:numel(names), e = exist(names{k}); if any(e == [2 3 5 8]), disp(names{k}); end, end\n"
    functions = set(octave(probe, tmp_path).split()) | (set(names) & MATLAB_ONLY)
    assert "gtconvert" not in names, "a variable named gtconvert hides the package"
    shadowing = {path.relative_to(MATLAB).as_posix(): sorted(n & functions) for path, n in defined.items() if n & functions}
    assert not shadowing, shadowing


# ---- a real groundTruth through Octave ----------------------------------------------------


def _plain(value):
    """mat-io values -> what scipy.io.savemat writes as MATLAB plain types (saveobj's shape)."""
    import enum

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, np.void):
        return {k: _plain(value[k]) for k in value.dtype.names}
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "m":
            return value.astype("timedelta64[ns]").astype(np.float64) / 1e9
        if value.dtype.kind == "T" or value.dtype.kind == "U":
            return "" if value.size == 0 else str(value.ravel()[0])
        if value.dtype.names:
            out = np.empty(value.shape, dtype=[(n, object) for n in value.dtype.names])
            for idx in np.ndindex(value.shape):
                for n in value.dtype.names:
                    out[idx][n] = _plain(value[idx][n])
            return out
        if value.dtype == object:
            if value.size == 1 and isinstance(value.ravel()[0], enum.Enum):
                return value.ravel()[0].name
            out = np.empty(value.shape, dtype=object)
            for idx in np.ndindex(value.shape):
                out[idx] = _plain(value[idx])
            return out
    return value


@pytest.mark.parametrize(
    "name", ["iris-rect-scene/gTruth.mat", "helmet-video/gTruth.mat", "ivan-polygon/gTruthV1.mat"]
)
def test_real_ground_truth_exported_by_octave_reads_like_the_raw_file(name, tmp_path):
    import matio
    import scipy.io

    source = FIXTURES / name
    if not source.is_file():
        pytest.skip("shared MATLAB fixtures not present")
    loaded = matio.load_from_mat(str(source))
    variable = next(k for k in loaded if not k.startswith("__"))
    saved = loaded[variable].properties["any"][0, 0]
    plain = {k: _plain(saved[k]) for k in ("DataSource", "LabelDefinitions", "LabelData")}
    if np.size(plain["DataSource"]["TimeStamps"]) == 0:
        plain["DataSource"]["TimeStamps"] = np.zeros((0, 0))
    scipy.io.savemat(tmp_path / "plain.mat", {"s": plain})
    out = tmp_path / "octave.mat"
    octave(f"d = load('plain.mat'); gtconvert.exportStruct(d.s, '{out}', 'ReadImageSize', false);", tmp_path)

    raw = gtconvert.read(source, "matlab", image_size=(640, 480))
    via_octave = gtconvert.read(out, "matlab", image_size=(640, 480))
    assert len(raw.annotations) > 0
    assert_datasets_equal(
        raw,
        via_octave,
        category_fields=("id", "name", "type"),
        annotation_fields=("kind", "bbox", "geometry"),
        image_fields=("file_name", "width", "height"),
    )
    np.testing.assert_array_equal(raw.images.time, via_octave.images.time)


# ---- Python -> Octave -> Python --------------------------------------------------------


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        # a MATLAB label has one shape type, so each dataset keeps to one kind
        st.one_of(datasets(kinds=(Kind.BOX,)), datasets(kinds=(Kind.POLYGON,))),
        min_size=4,
        max_size=4,
    )
)
def test_python_interchange_survives_octave(tmp_path, batch):
    # one Octave run per example handles a batch of datasets, to keep Octave's start-up cheap
    folder = tmp_path / str(abs(hash(tuple(len(d.annotations) for d in batch))))
    folder.mkdir(exist_ok=True)
    for i, ds in enumerate(batch):
        gtconvert.write(_single_parts(ds), folder / f"in{i}.mat", "matlab", overwrite=True)
    octave(
        f"for i = 0:{len(batch) - 1}\n"
        "  spec = gtconvert.internal.readInterchange(sprintf('in%d.mat', i));\n"
        "  stored = load(sprintf('in%d.mat', i));\n"
        "  gtconvert.exportStruct(spec, sprintf('out%d.mat', i), 'ReadImageSize', false, "
        "'ImageSize', stored.gtconvert.imageSize);\n"
        "end\n",
        folder,
    )
    for i in range(len(batch)):
        back = gtconvert.read(folder / f"out{i}.mat", "matlab")
        before = _matlab_numbering(gtconvert.read(folder / f"in{i}.mat", "matlab"))
        assert_datasets_equal(
            before,
            back,
            atol=1e-9,
            # a label nothing uses is a Rectangle in MATLAB; its own (empty) type comes back
            category_fields=("name", "type"),
            annotation_fields=("kind", "bbox", "geometry"),
            image_fields=("file_name", "width", "height"),
        )


def test_category_of_several_kinds_survives_octave(tmp_path):
    """A category with boxes, polygons and a line goes to MATLAB as one label per kind
    (MATLAB labels have one type) and comes back to Python as one category, each kind kept."""
    import warnings

    from gtconvert.model import Annotations, Category, Dataset, Images

    tri = np.array([[2.5, 3.5], [20.5, 3.5], [10.5, 20.5]])
    kinds = [Kind.BOX, Kind.BOX, Kind.POLYGON, Kind.POLYLINE, Kind.POLYGON]
    ann = Annotations.create(
        [0, 0, 0, 0, 1], 0, kinds, bbox=[[1, 2, 3, 4], [5, 6, 7, 8]] + [[0, 0, 0, 0]] * 3,
        parts=[[], [], [tri], [tri[:2]], [tri + 1]],
    )  # fmt: skip
    geo = ann.kind != Kind.BOX
    ann.bbox[geo] = geometry.ragged_bbox(ann.part_start, ann.vertex_start, ann.vertices)[geo]
    img = Images.create(["a.png", "b.png"], width=[40, 40], height=[30, 30])
    ds = Dataset(img, [Category(1, "car"), Category(2, "unused")], ann)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gtconvert.write(ds, tmp_path / "in.mat", "matlab")
    octave(
        "spec = gtconvert.internal.readInterchange('in.mat');\n"
        "assert(isequal(sort(fieldnames(spec.LabelData)), sort({'car'; 'car_line'; 'car_polygon'; 'unused'})));\n"
        "assert(iscell(spec.LabelData(1).car_polygon) && size(spec.LabelData(1).car, 1) == 2);\n"
        "stored = load('in.mat');\n"
        "gtconvert.exportStruct(spec, 'out.mat', 'ReadImageSize', false, "
        "'ImageSize', stored.gtconvert.imageSize);\n",
        tmp_path,
    )
    back = gtconvert.read(tmp_path / "out.mat", "matlab")
    assert [(c.name, c.type) for c in back.categories] == [("car", ""), ("unused", "")]
    assert_datasets_equal(
        ds, back, atol=1e-9, category_fields=("name", "type"), annotation_fields=("kind", "bbox", "geometry")
    )


def _matlab_numbering(ds):
    """Ids as a trip through groundTruth leaves them: it has no image, label or object ids, so
    they become 1..N in image order, 1..K in label order, and 1..M in (image, label) order."""
    import dataclasses

    ann = ds.annotations
    order = np.lexsort((np.arange(len(ann)), ann.category, ann.image))
    ids = np.empty(len(ann), dtype=np.int64)
    ids[order] = np.arange(1, len(ann) + 1)
    ann = dataclasses.replace(ann, id=ids)
    images = dataclasses.replace(ds.images, id=np.arange(1, len(ds.images) + 1))
    cats = [dataclasses.replace(c, id=k + 1) for k, c in enumerate(ds.categories)]
    return ds.replace(images=images, categories=cats, annotations=ann)


def _ascii(text: str) -> str:
    return "".join(c if ord(c) < 128 else f"u{ord(c):x}" for c in text)


def _single_parts(ds):
    """What MATLAB holds and Octave reads: a MATLAB polygon has one vertex list (keep the first
    part), and Octave 7's ``load`` truncates non-ASCII text of MAT v5 files (it counts UTF-8
    bytes as characters; MATLAB is not affected), so names are spelled in ASCII here."""
    import dataclasses

    ann = ds.annotations
    parts = [ann.parts(i)[:1] for i in range(len(ann))]
    fixed = type(ann).create(
        ann.image, ann.category, ann.kind, id=ann.id, bbox=ann.bbox, parts=parts, iscrowd=ann.iscrowd
    )
    names = np.array([_ascii(n) for n in ds.images.file_name], dtype=object)
    images = dataclasses.replace(ds.images, file_name=names)
    cats = [dataclasses.replace(c, name=_ascii(c.name)) for c in ds.categories]
    return ds.replace(annotations=fixed, images=images, categories=cats)


# ---- poly2mask against pycocotools -------------------------------------------------------


def test_poly2mask_agrees_with_python_rasterisation(tmp_path):
    import scipy.io

    rng = np.random.default_rng(5)
    height, width = 60, 80
    polygons = []
    for _ in range(40):
        n = int(rng.integers(3, 9))
        centre = rng.uniform([15, 15], [width - 15, height - 15])
        angles = np.sort(rng.uniform(0, 2 * np.pi, n))
        radius = rng.uniform(4, 14, n)
        # MATLAB spatial coordinates (pixel centres at integers, image spans 0.5 .. W+0.5)
        polygons.append(centre + np.c_[np.cos(angles), np.sin(angles)] * radius[:, None])
    cells = np.empty((len(polygons), 1), dtype=object)
    for i, p in enumerate(polygons):
        cells[i, 0] = p
    scipy.io.savemat(tmp_path / "polys.mat", {"polys": cells})
    octave(
        f"d = load('polys.mat'); masks = cell(numel(d.polys), 1);\n"
        f"for i = 1:numel(d.polys), p = d.polys{{i}}; "
        f"masks{{i}} = poly2mask(p(:, 1), p(:, 2), {height}, {width}); end\n"
        "save('-v7', 'masks.mat', 'masks');",
        tmp_path,
    )
    masks = scipy.io.loadmat(tmp_path / "masks.mat")["masks"]
    rows, cols = np.mgrid[0:height, 0:width]
    agreement, python_exact, octave_exact = [], [], []
    for i, p in enumerate(polygons):
        octave_mask = masks[i, 0].astype(bool)
        coco = geometry.matlab_points_to_coco(p)
        python_mask = geometry.rle_decode(geometry.polygon_to_rle([coco], height, width)).astype(bool)
        # the rule both implement: a pixel is in when its centre (MATLAB (col+1, row+1)) is inside
        exact = _centres_inside(p, cols + 1.0, rows + 1.0)
        agreement.append(np.mean(octave_mask == python_mask))
        python_exact.append(np.mean(python_mask == exact))
        octave_exact.append(np.mean(octave_mask == exact))
    # Measured (seed 5, 60x80 images): Octave vs Python agreement mean 0.9959, worst 0.9933;
    # Python vs the exact centre rule mean ~0.999 (worst 0.9979); Octave's poly2mask (the image package's own
    # scanline, not MATLAB's) strays further from it on edges, which is most of the difference.
    assert np.mean(agreement) >= 0.995, f"mean pixel agreement {np.mean(agreement):.4f}"
    assert min(agreement) >= 0.99, f"worst pixel agreement {min(agreement):.4f}"
    assert np.mean(python_exact) >= 0.998, f"Python vs centre rule, mean {np.mean(python_exact):.4f}"
    assert np.mean(python_exact) > np.mean(octave_exact), "pycocotools is the closer one"
    print(
        f"poly2mask vs pycocotools: agreement mean {np.mean(agreement):.4f} min {min(agreement):.4f}; "
        f"vs exact centre rule: python {np.mean(python_exact):.4f}, octave {np.mean(octave_exact):.4f}"
    )


def _centres_inside(polygon: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon test of the points (x, y), vectorised over the points."""
    inside = np.zeros(x.shape, dtype=bool)
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0)):
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x1 + (x2 - x1) * (y - y1) / (y2 - y1)
        inside ^= crosses & (x < at)
    return inside
