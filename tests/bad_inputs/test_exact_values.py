"""Integer ids beyond 2^53 are kept exactly, or refused in one line; never merged by float64.

Before, ids went through float64: 2^53 + 1 became 2^53, two distinct annotation ids were
"duplicates [9007199254740992]" (a number not in the file) and image ids changed silently.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_inputs.corpus import coco_doc, write_coco
from bad_inputs.helpers import one_error, run, temporaries, tree

BIG = 2**53


def _big_ids() -> dict:
    doc = coco_doc()
    new = {1: BIG + 1, 2: BIG + 3}
    for img in doc["images"]:
        img["id"] = new[img["id"]]
    for k, ann in enumerate(doc["annotations"]):
        ann["image_id"] = new[ann["image_id"]]
        ann["id"] = BIG + 1 + k  # 2^53 + 1 and 2^53 + 2 are one float64
    doc["categories"][0]["id"] = 2**62 + 1
    for ann in doc["annotations"]:
        if ann["category_id"] == 3:
            ann["category_id"] = 2**62 + 1
    return doc


def _ids(doc: dict) -> tuple[list, list, list, list]:
    return (
        sorted(i["id"] for i in doc["images"]),
        sorted(a["id"] for a in doc["annotations"]),
        sorted(a["image_id"] for a in doc["annotations"]),
        sorted(c["id"] for c in doc["categories"]),
    )


def test_big_ids_are_kept_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _big_ids()
    src = write_coco(tmp_path / "in", doc)
    before = tree(tmp_path / "in")
    code, lines = run(["convert", str(src), str(tmp_path / "out.json"), "--to", "coco"], capsys)
    assert code == 0, lines
    assert _ids(json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))) == _ids(doc)
    code, lines = run(["convert", str(src), str(tmp_path / "voc"), "--to", "voc"], capsys)
    assert code == 0, lines
    code, lines = run(["convert", str(tmp_path / "voc"), str(tmp_path / "back.json"), "--from", "voc"], capsys)
    assert code == 0, lines
    back = json.loads((tmp_path / "back.json").read_text(encoding="utf-8"))
    assert _ids(back)[0] == _ids(doc)[0]  # VOC keeps the image ids in its gtconvert.json
    assert tree(tmp_path / "in") == before
    assert not temporaries(tmp_path)


@pytest.mark.parametrize(
    "where,value,words",
    [
        ("annotation", 2**63 + 5, "does not fit 64 bits"),
        ("image", float(BIG) * 4, "a float beyond 2^53"),
        ("annotation", -(2**63) - 1, "a float beyond 2^53"),  # orjson reads it as a float
    ],
)
def test_ids_that_cannot_be_exact_are_refused(where: str, value: object, words: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    doc = coco_doc()
    doc[f"{where}s"][0]["id"] = value
    src = write_coco(tmp_path / "in", doc)
    before = tree(tmp_path / "in")
    code, lines = run(["convert", str(src), str(tmp_path / "out.json")], capsys)
    one_error(code, lines, words)
    assert f"{where} id" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    assert tree(tmp_path / "in") == before


def test_real_duplicates_beyond_2_53_are_named_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = coco_doc()
    for ann in doc["annotations"]:
        ann["id"] = BIG + 7
    src = write_coco(tmp_path / "in", doc)
    code, lines = run(["convert", str(src), str(tmp_path / "out.json")], capsys)
    one_error(code, lines, f"duplicate annotation ids [{BIG + 7}]")
