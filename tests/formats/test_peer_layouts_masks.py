"""Masks folders as other tools write them: Datumaro's common semantic segmentation
(``dataset_meta.json`` or ``labelmap.txt``, ``images/``, ``masks/`` in colour, palette or grey),
and a folder that is none of the masks layouts, refused with what it lacks."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gtconvert import registry
from gtconvert.errors import GtconvertError
from gtconvert.formats import coco, masks
from gtconvert.pixels import mask_of_values, read_label_matrix
from gtconvert.report import Report

# label index -> (name, colour); 0 is the black background Datumaro's exporter marks
LABELS = [("background", (0, 0, 0)), ("road", (128, 64, 128)), ("car", (0, 0, 142)), ("tree", (107, 142, 35))]


def label_image(seed: int, h: int = 12, w: int = 16) -> np.ndarray:
    """A random (h, w) matrix of label indices 0..3 in blocks, so every label has an area."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(0, len(LABELS), size=(h // 4, w // 4))
    return np.kron(blocks, np.ones((4, 4), dtype=np.int64))


def meta(background: bool = True) -> dict:
    doc = {
        "label_map": {str(k): n for k, (n, _) in enumerate(LABELS)},
        "segmentation_colors": [list(c) for _, c in LABELS],
    }
    if background:
        doc["background_label"] = "0"
    return doc


def css_folder(root: Path, mode: str, matrices: dict[str, np.ndarray], *, labels: str = "meta") -> Path:
    """Write a common semantic segmentation folder; ``mode`` is rgb, palette or grey."""
    (root / "masks").mkdir(parents=True)
    (root / "images").mkdir()
    if labels == "meta":
        (root / "dataset_meta.json").write_text(json.dumps(meta()))
    elif labels == "labelmap":
        lines = ["# label:color_rgb:parts:actions"] + [f"{n}:{','.join(map(str, c))}::" for n, c in LABELS]
        (root / "labelmap.txt").write_text("\n".join(lines) + "\n")
    colours = np.array([c for _, c in LABELS], dtype=np.uint8)
    for name, m in matrices.items():
        Image.new("RGB", (m.shape[1], m.shape[0]), (9, 9, 9)).save(root / "images" / f"{name}.jpg")
        if mode == "rgb":
            Image.fromarray(colours[m]).save(root / "masks" / f"{name}.png")
        elif mode == "palette":
            # palette indices unrelated to label indices: label k at index 10 + k
            im = Image.fromarray((m + 10).astype(np.uint8), mode="P")
            pal = np.zeros((256, 3), dtype=np.uint8)
            pal[10 : 10 + len(LABELS)] = colours
            im.putpalette(pal.ravel().tolist())
            im.save(root / "masks" / f"{name}.png")
        else:
            Image.fromarray(m.astype(np.uint8), mode="L").save(root / "masks" / f"{name}.png")
    return root


def check_read(ds, matrices: dict[str, np.ndarray]) -> None:
    """Every label but the background is a category; each mask's pixels are exactly its label's."""
    assert [c.name for c in ds.categories] == [n for n, _ in LABELS[1:]]
    assert [c.id for c in ds.categories] == [1, 2, 3]
    assert ds.categories[0].color == pytest.approx(tuple(v / 255 for v in LABELS[1][1]))
    assert sorted(ds.images.file_name.tolist()) == sorted(f"{n}.jpg" for n in matrices)
    ann = ds.annotations
    for i, name in enumerate(ds.images.file_name.tolist()):
        m = matrices[name[:-4]]
        assert (ds.images.width[i], ds.images.height[i]) == (m.shape[1], m.shape[0])
        rows = np.flatnonzero(ann.image == i)
        got = {ds.categories[ann.category[r]].id: r for r in rows}
        assert set(got) == set(np.unique(m[m > 0]).tolist())
        for label, r in got.items():
            ref = ann.pixel_ref[r]
            pixels = mask_of_values(read_label_matrix(ref.path), ref.values)
            assert np.array_equal(pixels, m == label)
            assert ann.area[r] == np.count_nonzero(m == label)


@pytest.mark.parametrize("mode", ["rgb", "palette", "grey"])
def test_common_semantic_segmentation_read(tmp_path: Path, mode: str) -> None:
    matrices = {"a": label_image(1), "b": label_image(2, 8, 8)}
    root = css_folder(tmp_path / "css", mode, matrices)
    assert masks.detect(str(root))
    assert registry.detect(str(root)).name == "masks"
    ds = masks.read(root)
    check_read(ds, matrices)
    assert Path(ds.image_root) == (root / "images").resolve()


def test_labelmap_txt_and_no_background_label(tmp_path: Path) -> None:
    matrices = {"a": label_image(3)}
    root = css_folder(tmp_path / "css", "rgb", matrices, labels="labelmap")
    check_read(masks.read(root), matrices)  # the black label is the background


def test_labels_without_colours_use_the_voc_colour_map(tmp_path: Path) -> None:
    """Datumaro generates the VOC colour map when dataset_meta.json gives no colours."""
    from gtconvert.png import voc_colormap

    m = label_image(4)
    root = tmp_path / "css"
    (root / "masks").mkdir(parents=True)
    (root / "dataset_meta.json").write_text(json.dumps({"labels": [n for n, _ in LABELS]}))
    Image.fromarray(voc_colormap(len(LABELS))[m]).save(root / "masks" / "a.png")
    ds = masks.read(root)
    assert [c.name for c in ds.categories] == ["road", "car", "tree"]  # VOC's 0 is black
    ann = ds.annotations
    for r in range(len(ann)):
        ref = ann.pixel_ref[r]
        label = ds.categories[ann.category[r]].id
        assert np.array_equal(mask_of_values(read_label_matrix(ref.path), ref.values), m == label)
    assert ds.images.file_name.tolist() == ["a.png"]  # no image: the mask's name


def test_a_generated_black_is_no_background(tmp_path: Path) -> None:
    """Without colours, label 0 gets VOC's black but stays a label unless it is named background."""
    m = label_image(10)
    root = tmp_path / "css"
    (root / "masks").mkdir(parents=True)
    (root / "dataset_meta.json").write_text(json.dumps({"labels": ["car", "road", "tree", "sky"]}))
    Image.fromarray(m.astype(np.uint8), mode="L").save(root / "masks" / "a.png")
    ds = masks.read(root)
    assert [c.name for c in ds.categories] == ["car", "road", "tree", "sky"]
    car = int(np.flatnonzero(ds.annotations.category == 0)[0])
    assert ds.annotations.area[car] == np.count_nonzero(m == 0)


def test_unknown_colours_become_categories_with_a_warning(tmp_path: Path) -> None:
    m = label_image(5)
    root = css_folder(tmp_path / "css", "rgb", {"a": m})
    pixels = np.asarray(Image.open(root / "masks" / "a.png")).copy()
    pixels[:4, :4] = (1, 2, 3)
    Image.fromarray(pixels).save(root / "masks" / "a.png")
    with Report() as rep, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = masks.read(root)
    assert rep.count("masks.unknown_values") == 1
    assert ds.categories[-1].name == "value_1_2_3"
    row = int(np.flatnonzero(ds.annotations.category == len(ds.categories) - 1)[0])
    assert ds.annotations.area[row] == 16


def test_subset_folders_are_splits(tmp_path: Path) -> None:
    """Datumaro's subset-dirs layout (OpenVINO Training Extensions): <split>/dataset_meta.json."""
    train = {"a": label_image(12), "b": label_image(13)}
    val = {"a": label_image(14)}  # the same name in another split is another image
    css_folder(tmp_path / "d" / "train", "rgb", train)
    css_folder(tmp_path / "d" / "val", "rgb", val)
    root = tmp_path / "d"
    assert masks.detect(str(root)) and registry.detect(str(root)).name == "masks"
    ds = masks.read(root)
    assert Path(ds.image_root) == root.resolve()
    assert ds.images.file_name.tolist() == ["train/images/a.jpg", "train/images/b.jpg", "val/images/a.jpg"]
    assert [e["split"] for e in ds.images.extra.tolist()] == ["train", "train", "val"]
    assert all((root / n).is_file() for n in ds.images.file_name.tolist())
    assert len(set(ds.images.id.tolist())) == 3 and len(set(ds.annotations.id.tolist())) == len(
        ds.annotations
    )
    ann = ds.annotations
    for i, m in enumerate([train["a"], train["b"], val["a"]]):
        rows = np.flatnonzero(ann.image == i)
        assert sorted(ds.categories[ann.category[r]].id for r in rows) == sorted(
            set(np.unique(m[m > 0]).tolist())
        )
        for r in rows:
            ref = ann.pixel_ref[r]
            label = ds.categories[ann.category[r]].id
            assert np.array_equal(mask_of_values(read_label_matrix(ref.path), ref.values), m == label)


def test_subsets_with_other_labels_are_refused(tmp_path: Path) -> None:
    css_folder(tmp_path / "d" / "train", "rgb", {"a": label_image(15)})
    css_folder(tmp_path / "d" / "val", "rgb", {"a": label_image(16)})
    other = meta()
    other["label_map"]["3"] = "bush"
    (tmp_path / "d" / "val" / "dataset_meta.json").write_text(json.dumps(other))
    with pytest.raises(GtconvertError, match="labels differ"):
        masks.read(tmp_path / "d")


def test_to_coco_keeps_every_pixel(tmp_path: Path) -> None:
    from gtconvert import geometry

    matrices = {"a": label_image(6)}
    root = css_folder(tmp_path / "css", "palette", matrices)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coco.write(masks.read(root), tmp_path / "out.json")
    doc = json.loads((tmp_path / "out.json").read_text())
    names = {c["id"]: c["name"] for c in doc["categories"]}
    assert sorted(names.values()) == ["car", "road", "tree"]
    m = matrices["a"]
    for a in doc["annotations"]:
        label = [n for n, _ in LABELS].index(names[a["category_id"]])
        assert np.array_equal(geometry.rle_decode(a["segmentation"]).astype(bool), m == label)


@pytest.mark.parametrize(
    "layout, says",
    [
        ({}, "neither classes.json, index/ nor BW/"),
        ({"masks/a.png": "png"}, "no dataset_meta.json or labelmap.txt"),
        ({"dataset_meta.json": "meta"}, "no masks/ folder"),
        ({"index/readme.txt": "x"}, "neither classes.json"),
    ],
)
def test_a_folder_that_is_no_masks_layout_is_refused(tmp_path: Path, layout: dict, says: str) -> None:
    root = tmp_path / "d"
    root.mkdir()
    for rel, what in layout.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        if what == "png":
            Image.new("L", (4, 4)).save(root / rel)
        else:
            (root / rel).write_text(json.dumps(meta()) if what == "meta" else what)
    with pytest.raises(GtconvertError) as err:
        masks.read(root)
    assert says in str(err.value)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "gtconvert",
            "convert",
            str(root),
            str(tmp_path / "o.json"),
            "--from",
            "masks",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and says in run.stderr
    assert not (tmp_path / "o.json").exists()


@pytest.mark.parametrize("doc", [[1, 2], {"label_map": {"0": {"x": 1}}}, {"labels": "abc"}, {}])
def test_malformed_label_files_are_refused(tmp_path: Path, doc: object) -> None:
    root = css_folder(tmp_path / "css", "grey", {"a": label_image(11)})
    (root / "dataset_meta.json").write_text(json.dumps(doc))
    with pytest.raises(GtconvertError, match=r"dataset_meta\.json"):
        masks.read(root)


def test_bad_label_files_name_the_record(tmp_path: Path) -> None:
    root = css_folder(tmp_path / "css", "rgb", {"a": label_image(7)})
    bad = meta()
    bad["segmentation_colors"][2] = [0, 0, 300]
    (root / "dataset_meta.json").write_text(json.dumps(bad))
    with pytest.raises(GtconvertError, match=r"label_map\['2'\]"):
        masks.read(root)


PEER_SCRIPT = """
import json, sys
from datumaro.components.annotation import AnnotationType
from datumaro.components.dataset import Dataset
ds = Dataset.import_from(sys.argv[1], "common_semantic_segmentation")
names = [label.name for label in ds.categories()[AnnotationType.label]]
areas = {item.id: {names[a.label]: int(a.image.sum()) for a in item.annotations} for item in ds}
print("PEER-JSON " + json.dumps(areas))
"""


def peer_python() -> Path:
    """The peers' venv (tests/peers/conftest.py's rule): skip only when it is absent."""
    import os

    named = os.environ.get("GTCONVERT_PEERS_PYTHON")
    if named:
        return Path(named)
    default = Path("/opt/gtconvert-peers/bin/python")
    if not default.is_file() or subprocess.run([str(default), "-c", "import datumaro"]).returncode:
        # CI names its venv (then a missing Datumaro fails); a default one may be half-made
        pytest.skip(
            "the peers' venv with Datumaro is absent (made by .ci/run; or set GTCONVERT_PEERS_PYTHON)"
        )
    return default


@pytest.mark.parametrize("mode", ["rgb", "palette", "grey"])
def test_datumaro_reads_the_same_labels_and_areas(tmp_path: Path, mode: str) -> None:
    """Datumaro's own importer on the same folder: the same labels per mask, the same areas."""
    python = peer_python()
    root = css_folder(tmp_path / "css", mode, {"a": label_image(8), "b": label_image(9, 8, 8)})
    run = subprocess.run(
        [str(python), "-c", PEER_SCRIPT, str(root)], capture_output=True, text=True, timeout=600
    )
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("PEER-JSON ")]
    assert run.returncode == 0 and lines, run.stderr[-2000:]
    theirs = json.loads(lines[-1][len("PEER-JSON ") :])
    ds = masks.read(root)
    ann, ours = ds.annotations, {}
    for r in range(len(ann)):
        stem = ds.images.file_name[ann.image[r]].rsplit(".", 1)[0]
        ours.setdefault(stem, {})[ds.categories[ann.category[r]].name] = int(ann.area[r])
    assert ours == {k: {n: c for n, c in v.items() if n != "background"} for k, v in theirs.items()}
