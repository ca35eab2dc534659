"""``data.yaml``: finding and reading it (root folder, class names), and writing it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import GtconvertError
from ...fileio import read_yaml
from ...model import Dataset

SPLIT_NAMES = ("train", "val", "test")

#: The names a dataset's YAML file goes by, in the order they are looked for.
YAML_NAMES = ("data.yaml", "data.yml", "dataset.yaml")


def looks_like_data_yaml(path: Path) -> bool:
    """Whether ``path`` is a file that names classes and a split, as a data.yaml does."""
    if not path.is_file():
        return False
    head = path.read_bytes()[: 1 << 16]
    return b"names" in head and (b"train" in head or b"val" in head)


def load(path: Path) -> tuple[Path, dict[str, Any] | None]:
    """The dataset folder and its parsed ``data.yaml`` (None when there is none)."""
    import yaml

    if path.is_file():
        yaml_path, root = path, path.parent
    else:
        root = path
        yaml_path = next((path / n for n in YAML_NAMES if (path / n).is_file()), None)
        if yaml_path is None:
            if not (path / "labels").is_dir():
                raise GtconvertError(
                    "not a YOLO folder (no data.yaml, no obj.data, no labels/ or annotations/ with"
                    " obj.names or classes.txt)",
                    file=path,
                    fix="point at the dataset folder",
                )
            return root, None
    try:
        doc = read_yaml(yaml_path)  # a regular file, no aliases
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise GtconvertError(f"data.yaml is not valid YAML ({exc})", file=yaml_path) from None
    if not isinstance(doc, dict):
        raise GtconvertError(
            "data.yaml is not a mapping", file=yaml_path, fix="see the Ultralytics dataset format"
        )
    declared = doc.get("path")
    if declared:
        root = _declared_root(yaml_path.parent, str(declared))
    return root, doc


def _declared_root(yaml_dir: Path, declared: str) -> Path:
    """The folder ``data.yaml``'s ``path:`` names.

    Absolute: as written. Relative: against the folder of ``data.yaml`` first (``path: .`` is
    that folder wherever the command runs), then the current directory. A ``path`` that names
    no folder (the dataset moved since it was written) falls back to the folder of ``data.yaml``.
    """
    given = Path(declared)
    candidates = [given] if given.is_absolute() else [yaml_dir / given, given]
    return next((c for c in candidates if c.is_dir()), yaml_dir)


def class_names(doc: dict[str, Any] | None, side: dict[str, Any] | None, root: Path) -> list[str]:
    """The class names: data.yaml's ``names`` (a list, or a mapping of 0..K-1), else ``nc``
    numbered ``class_0 ...`` (as Ultralytics does), else the sidecar's."""
    if doc is None:
        if side:
            return [c["name"] for c in side["categories"]]
        raise GtconvertError(
            "no data.yaml, obj.data, obj.names or classes.txt: the class names are unknown",
            file=root,
            fix="add a data.yaml with names, or a classes.txt with one name a line",
        )
    names = doc.get("names")
    nc = doc.get("nc")
    if names is None and isinstance(nc, int) and nc >= 0:
        return [f"class_{i}" for i in range(nc)]
    out = _names(names, root)
    if isinstance(nc, int) and nc != len(out):
        raise GtconvertError(
            f"data.yaml names {len(out)} classes but says nc: {nc}",
            file=root / "data.yaml",
            fix="make the two agree (or remove nc)",
        )
    return out


def _names(names: Any, root: Path) -> list[str]:
    if isinstance(names, dict):
        try:
            keys = sorted(int(k) for k in names)
        except (TypeError, ValueError):
            raise GtconvertError("'names' keys must be class numbers", file=root / "data.yaml") from None
        if keys != list(range(len(keys))):
            raise GtconvertError("'names' must number classes 0..K-1", file=root / "data.yaml")
        return [str(names[k] if k in names else names[str(k)]) for k in keys]
    if isinstance(names, list):
        return [str(n) for n in names]
    raise GtconvertError(
        "data.yaml has no 'names'", file=root / "data.yaml", fix="add names: {0: first, ...}"
    )


def write_data_yaml(tmp: Path, final: Path, dataset: Dataset, rel: list[str], split_of: np.ndarray) -> None:
    """``data.yaml``: splits and ``names``, and no ``path``.

    Without ``path`` Ultralytics takes the folder of data.yaml as the root (``check_det_dataset``),
    so a copied or moved dataset is read from its new place; an absolute path would point at
    the old one, and a relative one is the current directory's for Ultralytics, not the yaml's.
    """
    doc: dict[str, Any] = {}
    present = [s for s in SPLIT_NAMES if (split_of == s).any()]
    if not present:
        doc["train"] = doc["val"] = "images"
    for s in present:
        members = split_of == s
        prefix = f"{s}/"
        own_folder = all(r.startswith(prefix) for r, m in zip(rel, members) if m) and not any(
            r.startswith(prefix) for r, m in zip(rel, members) if not m
        )
        if own_folder:
            doc[s] = f"images/{s}"
        else:  # the images of this split share no folder: list them (Ultralytics reads .txt lists)
            listing = "".join(f"./images/{r}\n" for r, m in zip(rel, members) if m)
            (tmp / f"{s}.txt").write_text(listing, encoding="utf-8")
            doc[s] = f"{s}.txt"
    if "val" not in doc:  # trainers require val: reuse train rather than invent one
        doc["val"] = doc["train"]
    lines = [f"{key}: {yaml_string(value)}\n" for key, value in doc.items()]
    lines.append("names:\n" if dataset.categories else "names: {}\n")
    lines.extend(f"  {i}: {yaml_string(c.name)}\n" for i, c in enumerate(dataset.categories))
    with open(tmp / "data.yaml", "w", encoding="utf-8") as f:
        f.write("".join(lines))


# Characters a YAML reader refuses raw (non-printable) or reads as line breaks inside quotes.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON's quoting, plus \\u escapes YAML needs).

    Quoted here rather than by PyYAML's emitter, so that writing YOLO does not import PyYAML
    (and compile its patterns) for a handful of strings; reading data.yaml back with
    ``yaml.safe_load`` gives ``text`` exactly (tests/formats/test_yolo_datayaml.py).
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
