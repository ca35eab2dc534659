"""The bad-input corpus: hostile and broken files, made at test time (nothing downloaded).

Each :class:`Case` writes its input files into a fresh folder and returns the ``gtconvert``
command line to run on them. It states the exact behaviour expected:

* ``error``: a substring of the one ``error:`` line on stderr; the exit code is 2, there is
  no traceback and no output (nor a temporary sibling of it) is left behind;
* or ``warning``: the code of an event in ``--report`` and a ``check`` of the repaired output
  (exit code 0).

Valid starting points for every format come from :func:`valid_coco` and the ``valid_*``
builders, which write the small hand-made COCO dataset with gtconvert's own writers; the
fuzz tests mutate the same files.
"""

from __future__ import annotations

import json
import struct
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# ---------------------------------------------------------------------------------------
# valid starting points
# ---------------------------------------------------------------------------------------


def _block_rle(h: int, w: int, rows: slice, cols: slice) -> dict[str, Any]:
    from gtconvert.geometry import mask_to_rle

    m = np.zeros((h, w), dtype=bool)
    m[rows, cols] = True
    return mask_to_rle(m)


def coco_doc() -> dict[str, Any]:
    """Two images, two categories with unusual ids, a box, a polygon and an RLE mask."""
    rle = _block_rle(20, 20, slice(2, 6), slice(3, 7))
    rle = {"size": rle["size"], "counts": rle["counts"]}
    return {
        "info": {"description": "bad-input corpus"},
        "images": [
            {"id": 1, "file_name": "a.jpg", "width": 40, "height": 30},
            {"id": 2, "file_name": "sub/b.png", "width": 20, "height": 20},
        ],
        "categories": [{"id": 3, "name": "cat"}, {"id": 7, "name": "dog"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 3, "bbox": [2, 3, 10, 8], "area": 80, "iscrowd": 0},
            {
                "id": 2,
                "image_id": 1,
                "category_id": 7,
                "bbox": [5, 5, 10, 7],
                "area": 70,
                "iscrowd": 0,
                "segmentation": [[5, 5, 15, 5, 15, 12, 5, 12]],
            },
            {
                "id": 3,
                "image_id": 2,
                "category_id": 3,
                "bbox": [3, 2, 4, 4],
                "iscrowd": 0,
                "segmentation": rle,
            },
        ],
    }


def write_coco(folder: Path, doc: dict[str, Any] | str | bytes, name: str = "coco.json") -> Path:
    """Write a COCO document (a dict, or raw text/bytes for malformed cases)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(doc, dict):
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    elif isinstance(doc, str):
        path.write_text(doc, encoding="utf-8")
    else:
        path.write_bytes(doc)
    return path


def valid_coco(folder: Path) -> Path:
    return write_coco(folder, coco_doc())


def _dataset() -> Any:
    import gtconvert

    tmp = Path(__import__("tempfile").mkdtemp(prefix="gtc-corpus-"))
    return gtconvert.read(valid_coco(tmp), "coco")


def _write(fmt: str, path: Path, **opts: Any) -> Path:
    import gtconvert

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what each target cannot hold is not the point here
        gtconvert.write(_dataset(), path, fmt, **opts)
    return path


def valid_yolo(folder: Path) -> Path:
    return _write("yolo", folder / "yolo", task="segment")


def valid_voc(folder: Path) -> Path:
    return _write("voc", folder / "voc")


def valid_masks(folder: Path) -> Path:
    return _write("masks", folder / "masks")


def valid_mat(folder: Path, version: str = "7") -> Path:
    return _write("matlab", folder / ("gt73.mat" if version == "7.3" else "gt.mat"), mat_version=version)


VALID_BUILDERS: dict[str, Callable[[Path], Path]] = {
    "coco": valid_coco,
    "yolo": valid_yolo,
    "voc": valid_voc,
    "masks": valid_masks,
    "matlab": valid_mat,
    "matlab73": lambda folder: valid_mat(folder, "7.3"),
}

# ---------------------------------------------------------------------------------------
# small file makers
# ---------------------------------------------------------------------------------------

VOC_XML = """<?xml version="1.0" encoding="utf-8"?>
<annotation>
  <filename>{filename}</filename>
  <size><width>40</width><height>30</height><depth>3</depth></size>
  <object><name>cat</name>
    <bndbox><xmin>{xmin}</xmin><ymin>{ymin}</ymin><xmax>{xmax}</xmax><ymax>{ymax}</ymax></bndbox>
  </object>
</annotation>
"""


def voc_folder(folder: Path, xml: str, name: str = "a.xml") -> Path:
    root = folder / "voc"
    (root / "Annotations").mkdir(parents=True, exist_ok=True)
    (root / "Annotations" / name).write_text(xml, encoding="utf-8")
    return root


def voc_box(
    folder: Path, xmin: Any = 3, ymin: Any = 4, xmax: Any = 12, ymax: Any = 11, filename: str = "a.jpg"
) -> Path:
    return voc_folder(folder, VOC_XML.format(filename=filename, xmin=xmin, ymin=ymin, xmax=xmax, ymax=ymax))


def yolo_folder(folder: Path, yaml_text: str, labels: dict[str, str], size: str = "40x30") -> Path:
    root = folder / "yolo"
    (root / "labels").mkdir(parents=True, exist_ok=True)
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "data.yaml").write_text(yaml_text, encoding="utf-8")
    for stem, text in labels.items():
        (root / "labels" / f"{stem}.txt").write_text(text, encoding="utf-8")
    return root


YOLO_YAML = "train: images\nnames:\n  0: cat\n  1: dog\n"


def png_bytes(matrix: np.ndarray) -> bytes:
    """An 8-bit greyscale PNG, written by hand (so the corpus does not rely on Pillow to make it)."""
    h, w = matrix.shape
    raw = b"".join(b"\x00" + matrix[r].astype(np.uint8).tobytes() for r in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def masks_folder(
    folder: Path, png: bytes, classes: list[dict] | None = None, images: list[dict] | None = None
) -> Path:
    root = folder / "masks"
    (root / "index").mkdir(parents=True, exist_ok=True)
    (root / "index" / "a.png").write_bytes(png)
    doc: dict[str, Any] = {
        "format": "gtconvert-masks",
        "classes": classes or [{"value": 1, "id": 1, "name": "cat"}],
    }
    if images is not None:
        doc["images"] = images
    (root / "classes.json").write_text(json.dumps(doc), encoding="utf-8")
    return root


def _label_matrix() -> np.ndarray:
    m = np.zeros((30, 40), dtype=np.uint8)
    m[5:10, 5:12] = 1
    return m


def savemat(path: Path, variables: dict[str, Any]) -> Path:
    from scipy.io import savemat as _savemat

    path.parent.mkdir(parents=True, exist_ok=True)
    _savemat(path, variables)
    return path


def drop_h5_field(path: Path, field: str) -> Path:
    import h5py

    with h5py.File(path, "r+") as f:
        del f["gtconvert"][field]
    return path


def drop_v7_field(path: Path, field: str) -> Path:
    from scipy.io import loadmat
    from scipy.io import savemat as _savemat

    s = loadmat(path, squeeze_me=False)["gtconvert"]
    rec = s.ravel()[0]
    kept = {n: rec[n] for n in s.dtype.names if n != field}
    _savemat(path, {"gtconvert": kept}, do_compression=True)
    return path


def billion_laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE annotation [\n  '
        + "\n  ".join(entities)
        + "\n]>\n<annotation><filename>&lol9;</filename></annotation>\n"
    )


EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE annotation [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<annotation><filename>&xxe;</filename>
  <size><width>40</width><height>30</height><depth>3</depth></size>
</annotation>
"""

# ---------------------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One bad input and exactly what gtconvert must do with it."""

    name: str
    build: Callable[[Path], list[str]]  # writes inputs under the folder; returns the CLI args
    error: str | None = None  # substring of the single error line (exit code 2)
    warning: str | None = None  # code of a report event (exit code 0)
    check: Callable[[Path], None] | None = None  # checks the output folder/file (exit code 0)

    def __post_init__(self) -> None:
        assert (self.error is None) != (self.check is None), self.name


def _coco_with(**changes: Any) -> Callable[[dict], dict]:
    def edit(doc: dict) -> dict:
        doc.update(changes)
        return doc

    return edit


def _edit_coco(edit: Callable[[dict], Any]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        doc = coco_doc()
        edit(doc)
        return write_coco(folder, doc)

    return build


def _ann(doc: dict, k: int, **changes: Any) -> None:
    doc["annotations"][k].update(changes)


def convert(make_input: Callable[[Path], Path], to: str, *extra: str) -> Callable[[Path], list[str]]:
    """A case's build: make the input in ``folder``, convert it to ``to`` into ``../out/result``."""

    def build(folder: Path) -> list[str]:
        src = make_input(folder)
        return ["convert", str(src), str(folder.parent / "out" / "result"), "--to", to, *extra]

    return build


def _read_only(make_input: Callable[[Path], Path], *extra: str) -> Callable[[Path], list[str]]:
    """A conversion to COCO: the reader is what is under test."""
    return convert(make_input, "coco", *extra)


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _yolo_rows(out: Path, stem: str) -> list[list[float]]:
    text = (out / "labels" / f"{stem}.txt").read_text(encoding="utf-8")
    return [[float(v) for v in line.split()] for line in text.splitlines() if line.strip()]


def _check_yolo_clipped(out: Path) -> None:
    # box [-4, -2, 10, 8] on 40x30 clipped in corner space to [0, 0, 6, 6]
    rows = _yolo_rows(out, "a")
    assert len(rows) == 1
    cls, cx, cy, w, h = rows[0]
    assert (cls, cx, cy, w, h) == (0, 3 / 40, 3 / 30, 6 / 40, 6 / 30) or np.allclose(
        [cx, cy, w, h], [3 / 40, 3 / 30, 6 / 40, 6 / 30], atol=1e-6
    ), rows


def _check_yolo_nothing_for_a(out: Path) -> None:
    assert _yolo_rows(out, "a") == []  # the label file exists (a negative image) and is empty


def _check_voc_clipped(out: Path) -> None:
    xml = (out / "Annotations" / "a.xml").read_text(encoding="utf-8")
    assert "<xmin>31</xmin>" in xml and "<xmax>40</xmax>" in xml and "<truncated>1</truncated>" in xml, xml


def _check_only_the_box(out: Path) -> None:
    rows = _yolo_rows(out, "a")  # the degenerate polygon is gone; the box of image a remains
    assert len(rows) == 1 and rows[0][0] == 0, rows


def _check_mask_padded(out: Path) -> None:
    from PIL import Image

    index = np.asarray(Image.open(out / "index" / "sub" / "b.png"))
    assert index.shape == (20, 20)
    assert index[:10, :10].all() and not index[10:, :].any() and not index[:, 10:].any()


def _check_unicode_yolo(out: Path) -> None:
    assert (out / "labels" / "日本語 é.txt").is_file()
    assert (out / "labels" / "sub" / "b.txt").is_file()


def _check_empty_coco(out: Path) -> None:
    doc = _json(out)
    assert doc["images"] == [] and doc["annotations"] == [] and doc["categories"] == []


def _check_empty_yolo(out: Path) -> None:
    import yaml

    doc = yaml.safe_load((out / "data.yaml").read_text(encoding="utf-8"))
    assert doc["names"] in ({}, [])
    assert not list((out / "labels").rglob("*.txt")) if (out / "labels").exists() else True


def _check_masks_unknown_value(out: Path) -> None:
    doc = _json(out)
    names = sorted(c["name"] for c in doc["categories"])
    assert names == ["cat", "value_9"], names


def _not_a_ground_truth(folder: Path) -> Path:
    return savemat(folder / "gTruth.mat", {"gTruth": np.eye(3)})


def _mat73_missing(field: str) -> Callable[[Path], Path]:
    return lambda folder: drop_h5_field(valid_mat(folder, "7.3"), field)


def _mat7_missing(field: str) -> Callable[[Path], Path]:
    return lambda folder: drop_v7_field(valid_mat(folder, "7"), field)


def _truncated(make: Callable[[Path], Path], keep: float, inner: str | None = None) -> Callable[[Path], Path]:
    """Cut a valid file (or the file ``inner`` of a valid folder) to a fraction of its bytes."""

    def build(folder: Path) -> Path:
        made = make(folder)
        target = made / inner if inner else made
        data = target.read_bytes()
        target.write_bytes(data[: int(len(data) * keep)])
        return made

    return build


def _replace_in(make: Callable[[Path], Path], inner: str, old: str, new: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        made = make(folder)
        target = made / inner
        text = target.read_text(encoding="utf-8")
        assert old in text, (old, text)
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
        return made

    return build


def _utf16(make: Callable[[Path], Path], inner: str) -> Callable[[Path], Path]:
    """Re-encode a file as UTF-16: a byte search for ``<!DOCTYPE`` no longer sees it."""

    def build(folder: Path) -> Path:
        made = make(folder)
        target = folder / inner
        target.write_bytes(target.read_text(encoding="utf-8").encode("utf-16"))
        return made

    return build


def _escape(name: str) -> Callable[[Path], Path]:
    def edit(doc: dict) -> None:
        doc["images"][0]["file_name"] = name

    return _edit_coco(edit)


def _images_named(*names: str) -> Callable[[Path], Path]:
    def edit(doc: dict) -> None:
        doc["images"][0]["file_name"], doc["images"][1]["file_name"] = names

    return _edit_coco(edit)


def _only_box(bbox: list[Any]) -> Callable[[Path], Path]:
    def edit(doc: dict) -> None:
        doc["annotations"] = [doc["annotations"][0]]
        doc["annotations"][0]["bbox"] = bbox
        doc["annotations"][0].pop("area", None)

    return _edit_coco(edit)


def _polygon(coords: list[float]) -> Callable[[Path], Path]:
    return _edit_coco(lambda doc: _ann(doc, 1, segmentation=[coords], bbox=None))


def _rle_counts(counts: Any, size: list[int]) -> Callable[[Path], Path]:
    return _edit_coco(lambda doc: _ann(doc, 2, segmentation={"size": size, "counts": counts}))


def _empty_coco(folder: Path) -> Path:
    return write_coco(folder, {"images": [], "annotations": [], "categories": []})


# One case per line reads as a table; keep ruff format from splitting them.
# fmt: off
CASES: list[Case] = [
    # ---- JSON ----------------------------------------------------------------------------
    Case("json_truncated", _read_only(_truncated(valid_coco, 0.5)), error="not valid JSON"),
    Case("json_malformed", _read_only(lambda f: write_coco(f, '{"images": [,], "annotations": []}')), error="not valid JSON"),
    Case("json_empty_file", _read_only(lambda f: write_coco(f, b"")), error="cannot tell the format of this input"),
    Case("json_empty_file_as_coco", _read_only(lambda f: write_coco(f, b""), "--from", "coco"), error="not valid JSON"),
    Case("json_not_utf8", _read_only(lambda f: write_coco(f, b'{"images": [{"file_name": "\xff\xfe"}]}')), error="not valid JSON"),
    Case("json_nan_literal", _read_only(lambda f: write_coco(f, json.dumps(coco_doc()).replace("[2, 3, 10, 8]", "[NaN, 3, 10, 8]"))), error="not valid JSON"),
    Case("json_top_level_list", convert(lambda f: write_coco(f, '[{"images": []}]'), "yolo"), error="top level is not a JSON object"),
    Case("json_images_not_list", _read_only(_edit_coco(_coco_with(images={"id": 1}))), error="'images' is not a list"),
    Case("json_image_without_file_name", _read_only(_edit_coco(lambda d: d["images"][0].pop("file_name"))), error="image record needs 'id' and 'file_name'"),
    Case("json_duplicate_image_ids", _read_only(_edit_coco(lambda d: d["images"][1].update(id=1))), error="duplicate image ids [1]"),
    Case("json_duplicate_annotation_ids", _read_only(_edit_coco(lambda d: _ann(d, 2, id=1))), error="duplicate annotation ids [1]"),
    Case("json_duplicate_category_ids", _read_only(_edit_coco(lambda d: d["categories"][1].update(id=3))), error="duplicate category ids [3]"),
    Case("json_unknown_category_id", _read_only(_edit_coco(lambda d: _ann(d, 0, category_id=99))), error="category_id 99 does not exist"),
    Case("json_unknown_image_id", _read_only(_edit_coco(lambda d: _ann(d, 0, image_id=42))), error="image_id 42 does not exist"),
    Case("json_string_image_id", _read_only(_edit_coco(lambda d: d["images"][0].update(id="one"))), error="every image id must be a number"),
    Case("json_category_id_not_a_number", _read_only(_edit_coco(lambda d: d["categories"][0].update(id="three"))), error="every category id must be a number"),
    Case("json_bbox_three_numbers", _read_only(_edit_coco(lambda d: _ann(d, 0, bbox=[1, 2, 3]))), error="bbox must be 4 numbers"),
    Case("json_bbox_strings", _read_only(_edit_coco(lambda d: _ann(d, 0, bbox=["a", "b", "c", "d"]))), error="bbox must be 4 numbers"),
    Case("json_odd_coordinate_count", _read_only(_polygon([5, 5, 15, 5, 15])), error="polygon has an odd number of coordinates"),
    Case("json_rle_without_counts", _read_only(_rle_counts(None, [20, 20])), error="RLE segmentation needs 'size' [h, w] and 'counts'"),
    Case("json_rle_counts_wrong_total", _read_only(_rle_counts([10, 5, 20], [20, 20])), error="RLE counts cover 35 pixels, not 20 x 20 = 400"),
    Case("json_rle_size_not_image_size", convert(_rle_counts([0, 100], [10, 10]), "masks"), warning="masks.size_mismatch", check=_check_mask_padded),
    # ---- boxes ---------------------------------------------------------------------------
    Case("json_infinity_literal", convert(_only_box([float("inf"), 3, 10, 8]), "voc"), error="not valid JSON"),
    Case("json_number_overflows_to_inf", convert(lambda f: write_coco(f, json.dumps(coco_doc()).replace("[2, 3, 10, 8]", "[1e400, 3, 10, 8]")), "voc"), error="number is infinity"),
    Case("box_negative_origin_clipped", convert(_only_box([-4, -2, 10, 8]), "yolo", "--task", "detect"), warning="yolo.clipped", check=_check_yolo_clipped),
    Case("box_negative_size", convert(_only_box([10, 10, -5, 4]), "yolo", "--task", "detect"), warning="yolo.degenerate", check=_check_yolo_nothing_for_a),
    Case("box_zero_size", convert(_only_box([10, 10, 0, 0]), "yolo", "--task", "detect"), warning="yolo.degenerate", check=_check_yolo_nothing_for_a),
    Case("box_outside_image", convert(_only_box([100, 100, 5, 5]), "yolo", "--task", "detect"), warning="yolo.outside", check=_check_yolo_nothing_for_a),
    Case("box_past_border_voc", convert(_only_box([30, 3, 20, 8]), "voc"), warning="voc.clipped", check=_check_voc_clipped),
    # ---- polygons ------------------------------------------------------------------------
    Case("polygon_one_point", convert(_polygon([5, 5]), "yolo"), warning="yolo.degenerate", check=_check_only_the_box),
    Case("polygon_two_points", convert(_polygon([5, 5, 15, 10]), "yolo"), warning="yolo.degenerate", check=_check_only_the_box),
    Case("polygon_three_points_two_equal", convert(_polygon([5, 5, 15, 10, 5, 5]), "yolo"), warning="yolo.degenerate", check=_check_only_the_box),
    # ---- names ---------------------------------------------------------------------------
    Case("name_dotdot_yolo", convert(_escape("../evil.jpg"), "yolo"), error="'../evil.jpg' escapes the output folder"),
    Case("name_nested_dotdot_voc", convert(_escape("sub/../../evil.jpg"), "voc"), error="escapes the output folder"),
    Case("name_absolute_masks", convert(_escape("/tmp/evil.jpg"), "masks"), error="image file names mix absolute and relative paths"),
    Case("name_windows_drive_yolo", convert(_escape("C:\\Windows\\evil.jpg"), "yolo"), error="escapes the output folder"),
    Case("name_windows_drive_relative_voc", convert(_escape("C:evil.jpg"), "voc"), error="'C:evil.jpg' escapes the output folder"),
    Case("name_case_collision_yolo", convert(_images_named("Photo.jpg", "photo.jpg"), "yolo"), error="differ only in case"),
    Case("name_case_collision_voc", convert(_images_named("A.jpg", "a.png"), "voc"), error="differ only in case"),
    Case("name_nfc_nfd_collision_yolo", convert(_images_named("caf\u00e9.jpg", "cafe\u0301.jpg"), "yolo"), error="differ only in case or Unicode form"),
    Case("name_nfc_nfd_collision_voc", convert(_images_named("caf\u00e9.jpg", "CAFE\u0301.png"), "voc"), error="differ only in case or Unicode form"),
    Case("name_nfc_nfd_collision_semantic", convert(_images_named("caf\u00e9.jpg", "cafe\u0301.png"), "semantic"), error="differ only in case or Unicode form"),
    Case("name_nfc_nfd_collision_masks", convert(_images_named("caf\u00e9.jpg", "cafe\u0301.jpg"), "masks"), error="the same file name"),
    Case("name_unicode_kept", convert(_images_named("日本語 é.jpg", "sub/b.png"), "yolo"), check=_check_unicode_yolo),
    # ---- empty ---------------------------------------------------------------------------
    Case("empty_dataset_to_coco", convert(_empty_coco, "coco"), check=_check_empty_coco),
    Case("empty_dataset_to_yolo", convert(_empty_coco, "yolo"), check=_check_empty_yolo),
    # ---- XML -----------------------------------------------------------------------------
    Case("xml_truncated", _read_only(_truncated(valid_voc, 0.6, "Annotations/a.xml")), error="not a valid VOC XML file"),
    Case("xml_mismatched_tag", _read_only(lambda f: voc_folder(f, "<annotation><filename>a.jpg</name></annotation>")), error="not a valid VOC XML file"),
    Case("xml_billion_laughs", _read_only(lambda f: voc_folder(f, billion_laughs())), error="declares a DTD or entities"),
    Case("xml_external_entity", _read_only(lambda f: voc_folder(f, EXTERNAL_ENTITY)), error="declares a DTD or entities"),
    Case("xml_billion_laughs_utf16", _read_only(_utf16(lambda f: voc_folder(f, billion_laughs().replace('"1.0"?>', '"1.0" encoding="utf-16"?>')), "voc/Annotations/a.xml")), error="DTDForbidden"),
    Case("xml_wrong_root", _read_only(lambda f: voc_folder(f, "<html><body/></html>")), error="root element is <html>, not <annotation>"),
    Case("xml_coordinate_not_a_number", _read_only(lambda f: voc_box(f, xmin="abc")), error="<xmin> is 'abc', not a number"),
    Case("xml_coordinate_nan", _read_only(lambda f: voc_box(f, xmin="nan")), error="<xmin> is 'nan', not a finite number"),
    Case("xml_coordinate_inf", _read_only(lambda f: voc_box(f, xmax="inf")), error="<xmax> is 'inf', not a finite number"),
    Case("xml_inverted_box", _read_only(lambda f: voc_box(f, xmin=12, xmax=3)), error="xmax 3 < xmin 12 - 1: the box has a negative size"),
    Case("xml_missing_coordinate", _read_only(lambda f: voc_folder(f, VOC_XML.format(filename="a.jpg", xmin=1, ymin=1, xmax=5, ymax=5).replace("<ymax>5</ymax>", ""))), error="<ymax> is missing"),
    # ---- YAML / YOLO ---------------------------------------------------------------------
    Case("yaml_malformed", _read_only(lambda f: yolo_folder(f, "names: [cat, dog\ntrain: {", {"a": ""})), error="data.yaml is not valid YAML"),
    Case("yaml_truncated", _read_only(_truncated(valid_yolo, 0.3, "data.yaml"), "--from", "yolo"), error="data.yaml"),
    Case("yaml_not_a_mapping", _read_only(lambda f: yolo_folder(f, "- cat\n- dog\n", {"a": ""})), error="data.yaml is not a mapping"),
    Case("yaml_python_tag", _read_only(lambda f: yolo_folder(f, "names: !!python/object/apply:os.system ['echo hi']\n", {"a": ""})), error="data.yaml is not valid YAML"),
    Case("yolo_class_id_out_of_range", _read_only(lambda f: yolo_folder(f, YOLO_YAML, {"a": "5 0.5 0.5 0.2 0.2\n"}), "--image-size", "40x30"), error="class 5 is not one of the 2 classes"),
    Case("yolo_negative_class_id", _read_only(lambda f: yolo_folder(f, YOLO_YAML, {"a": "-1 0.5 0.5 0.2 0.2\n"}), "--image-size", "40x30"), error="class -1 is not one of the 2 classes"),
    Case("yolo_odd_coordinate_count", _read_only(lambda f: yolo_folder(f, YOLO_YAML, {"a": "0 0.1 0.1 0.5 0.1 0.5 0.5 0.1\n"}), "--image-size", "40x30"), error="a row has 8 numbers"),
    Case("yolo_two_point_polygon_row", _read_only(lambda f: yolo_folder(f, YOLO_YAML, {"a": "0 0.1 0.1 0.5 0.5 0.2\n0 0.1 0.1 0.5 0.5\n"}), "--image-size", "40x30"), error="a row has 6 numbers"),
    Case("yolo_not_a_number", _read_only(lambda f: yolo_folder(f, YOLO_YAML, {"a": "0 0.5 abc 0.2 0.2\n"}), "--image-size", "40x30"), error="not a number"),
    Case("yolo_nan_coordinate", _read_only(lambda f: yolo_folder(f, YOLO_YAML, {"a": "0 nan 0.5 0.2 0.2\n"}), "--image-size", "40x30"), error="not a finite number"),
    # ---- PNG / masks ---------------------------------------------------------------------
    Case("png_truncated", _read_only(lambda f: masks_folder(f, png_bytes(_label_matrix())[:45])), error="cannot read label image"),
    Case("png_not_a_png", _read_only(lambda f: masks_folder(f, b"this is not a PNG at all")), error="cannot read label image"),
    Case("png_unknown_value", _read_only(lambda f: masks_folder(f, png_bytes(_label_matrix() * 9))), warning="masks.unknown_values", check=_check_masks_unknown_value),
    Case("png_label_matrix_wrong_size", _read_only(lambda f: masks_folder(f, png_bytes(_label_matrix()), images=[{"id": 1, "file_name": "a.jpg", "width": 64, "height": 48, "mask": "index/a.png"}])), error="label image is 40 x 30, not 64 x 48"),
    Case("masks_class_map_escapes", _read_only(lambda f: masks_folder(f, png_bytes(_label_matrix()), images=[{"id": 1, "file_name": "a.jpg", "mask": "../../etc/passwd"}])), error="escapes the output folder"),
    Case("masks_class_map_truncated", _read_only(_truncated(valid_masks, 0.5, "classes.json")), error="not valid JSON"),
    # ---- MAT -----------------------------------------------------------------------------
    Case("mat_truncated_v7", _read_only(_truncated(valid_mat, 0.5)), error="cannot read this MAT-file"),
    Case("mat_truncated_v73", _read_only(_truncated(lambda f: valid_mat(f, "7.3"), 0.5)), error="cannot read this MAT-file"),
    Case("mat_garbage", _read_only(lambda f: write_coco(f, b"MATLAB 5.0 MAT-file" + bytes(range(256)) * 4, "junk.mat")), error="cannot read this MAT-file"),
    Case("mat_not_a_ground_truth", _read_only(_not_a_ground_truth), error="no groundTruth, label table or gtconvert interchange variable"),
    Case("mat_v73_missing_field", _read_only(_mat73_missing("labelNames")), error="'labelNames' is missing"),
    Case("mat_v7_missing_field", _read_only(_mat7_missing("objImage")), error="'objImage' is missing"),
]
# fmt: on
