"""Which YOLO layout a folder is, where its class names are and what its splits name.

| layout | written by | class names | splits |
|---|---|---|---|
| Ultralytics | Ultralytics, Roboflow, CVAT/Datumaro "YOLOv8", gtconvert | ``data.yaml`` ``names`` (or ``nc``) | ``train``/``val``/``test`` |
| Darknet | Darknet, CVAT "YOLO 1.1", Datumaro ``yolo`` | ``obj.data`` ``names =`` (``obj.names``) | ``train =``, ``valid =`` lists |
| names file | Label Studio, LabelImg, Datumaro ``yolo`` (loose) | ``obj.names`` or ``classes.txt`` | ``images/<split>/`` folders |

Labels follow Ultralytics' rule (the last ``images`` folder becomes ``labels``, else the label
lies beside its image; Datumaro's loose layout may call the label folder ``annotations``), but
in a Darknet layout Darknet's (beside the image, a few folders renamed inside the dataset: see
:func:`.paths.darknet_label_of`). See docs/layouts.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import GtconvertError
from .datayaml import YAML_NAMES, load, looks_like_data_yaml
from .paths import ULTRALYTICS, Pairing
from .splits import NOT_LABELS, Source, yaml_sources

#: Files that hold one class name a line, in the order they are looked for.
NAMES_FILES = ("obj.names", "classes.txt", "classes.names", "obj.names.txt")
#: Folders that hold the label files of a layout without data.yaml.
LABEL_FOLDERS = ("labels", "Labels", "annotations", "Annotations")
#: obj.data keys that are no split (Darknet's own keys; Datumaro reserves the first three).
_DARKNET_KEYS = {"classes", "names", "backup", "eval", "results", "map", "labels", "top"}
_SPLIT_OF_KEY = {"valid": "val", "validation": "val"}
#: Folder names under images/ that name a split (Roboflow writes valid/).
_SPLIT_FOLDERS = {"train": "train", "val": "val", "valid": "val", "validation": "val", "test": "test"}


@dataclass
class Layout:
    """A YOLO dataset found on disk."""

    root: Path
    doc: dict[str, Any] | None  #: data.yaml (None in the other layouts)
    names: list[str] | None  #: from a names file (None: data.yaml's, or the sidecar's)
    sources: list[Source]
    pairing: Pairing = ULTRALYTICS  #: where each image's label file is
    described_by: str = ""  #: the file that says what the dataset is (for messages)
    split_from_folder: bool = field(default=False)  #: images/<split>/ names the split


def darknet_config(folder: Path) -> Path | None:
    """The Darknet ``.data`` file of ``folder`` (``obj.data`` first), if there is one."""
    if (folder / "obj.data").is_file():
        return folder / "obj.data"
    for p in sorted(folder.glob("*.data")):
        if p.is_file() and b"names" in p.read_bytes()[:4096]:
            return p
    return None


def names_file(folder: Path) -> Path | None:
    """A file of class names, one a line, in ``folder`` or in its label folder."""
    for where in (folder, *(folder / d for d in LABEL_FOLDERS)):
        for n in NAMES_FILES:
            if (where / n).is_file():
                return where / n
    return None


def label_folder(folder: Path) -> str | None:
    """The label folder of a layout without data.yaml (``labels`` or Datumaro's ``annotations``):
    one holding label text files (VOC's ``Annotations`` holds XML)."""
    return next((d for d in LABEL_FOLDERS if _holds_label_texts(folder / d)), None)


def _holds_label_texts(folder: Path) -> bool:
    """Whether ``folder`` or one of its subfolders holds a ``.txt`` file that may be labels."""
    if not folder.is_dir():
        return False
    with os.scandir(folder) as entries:
        subfolders = []
        for e in entries:
            if e.name.endswith(".txt") and e.name.lower() not in NOT_LABELS:
                return True
            if e.is_dir():
                subfolders.append(e.path)
    for sub in sorted(subfolders):
        with os.scandir(sub) as entries:
            if any(e.name.endswith(".txt") and e.name.lower() not in NOT_LABELS for e in entries):
                return True
    return False


def is_yolo_layout(folder: Path) -> bool:
    """Whether ``folder`` is a Darknet layout or a names file beside label files (no data.yaml)."""
    if darknet_config(folder) is not None:
        return True
    return names_file(folder) is not None and label_folder(folder) is not None


def locate(path: Path) -> Layout:
    """The layout of the dataset at ``path`` (a folder, its data.yaml or its obj.data)."""
    if path.is_file() and path.suffix == ".data":
        return _darknet(path)
    if path.is_dir() and not any(looks_like_data_yaml(path / n) for n in YAML_NAMES):
        config = darknet_config(path)
        if config is not None:
            return _darknet(config)
        names = names_file(path)
        labels = label_folder(path) or ("labels" if (path / "labels").is_dir() else None)
        if names is not None and labels is not None:
            return _folders(path, read_names(names), labels, str(names))
    root, doc = load(path)
    if doc is None:
        return _folders(root, None, "labels", str(root))
    yaml_file = str(path if path.is_file() else next(path / n for n in YAML_NAMES if (path / n).is_file()))
    sources = yaml_sources(str(root), doc, yaml_file)
    if not sources:
        return _folders(root, None, "labels", yaml_file, doc)
    return Layout(root, doc, None, sources, described_by=yaml_file)


def _folders(
    root: Path, names: list[str] | None, labels: str, described_by: str, doc: dict[str, Any] | None = None
) -> Layout:
    """``images/`` (its first folders naming splits) paired with ``labels/`` or ``annotations/``."""
    source = Source("", os.path.normpath(root / "images"), "images/")
    return Layout(root, doc, names, [source], Pairing(labels), described_by, split_from_folder=True)


def split_of_folder(rel: str) -> str:
    """The split an image's first folder under ``images/`` names (``train/x.jpg``), or ""."""
    first = rel.split("/", 1)[0] if "/" in rel else ""
    return _SPLIT_FOLDERS.get(first.lower(), "")


def read_names(path: Path) -> list[str]:
    """Class names, one a line (blank lines skipped, as Darknet and Datumaro do)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise GtconvertError("the class names file is not UTF-8 text", file=path) from None
    names = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not names:
        raise GtconvertError("the class names file is empty", file=path, fix="list one class name a line")
    return names


def _darknet(config: Path) -> Layout:
    """Darknet's ``obj.data``: ``classes = N``, ``train = data/train.txt``, ``names = data/obj.names``."""
    root = config.parent
    values = parse_darknet_config(config)
    names_value = values.get("names")
    names_path = _darknet_path(root, names_value) if names_value else None
    if names_path is None or not names_path.is_file():
        fallback = names_file(root)
        if fallback is None:
            raise GtconvertError(
                f"obj.data names = {names_value!r} names no file",
                file=config,
                fix="put the class names (one a line) in obj.names beside obj.data",
            )
        names_path = fallback
    names = read_names(names_path)
    declared = values.get("classes", "").strip()
    if declared and (not declared.isdigit() or int(declared) != len(names)):
        raise GtconvertError(
            f"obj.data says classes = {declared}, but {names_path.name} names {len(names)} classes",
            file=config,
            fix="make the two agree",
        )
    sources = []
    for key, value in values.items():
        if key in _DARKNET_KEYS:
            continue
        found = _darknet_path(root, value)
        if found is None:
            raise GtconvertError(
                f"obj.data {key} = {value!r} names nothing", file=config, fix="correct the entry in obj.data"
            )
        sources.append(Source(_SPLIT_OF_KEY.get(key, key), os.path.normpath(found), f"{key} = {value}"))
    if not sources:
        raise GtconvertError("obj.data names no split", file=config, fix="add train = train.txt")
    return Layout(root, None, names, sources, Pairing(root=str(root)), described_by=str(config))


def parse_darknet_config(path: Path) -> dict[str, str]:
    """``key = value`` lines (Darknet's own reader ignores the others, and so does this one)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GtconvertError("obj.data is not UTF-8 text", file=path) from None
    out = {}
    for line in text.splitlines():
        m = re.match(r"^\s*(\w+)\s*=\s*(.*?)\s*$", line)
        if m and m.group(2):
            out[m.group(1)] = m.group(2)
    return out


def _darknet_path(root: Path, value: str) -> Path | None:
    """A path of obj.data: under the dataset, with or without Darknet's ``data/`` prefix."""
    value = value.strip().replace("\\", "/")
    candidates = [Path(value)] if os.path.isabs(value) else [root / value]
    if value.startswith("data/"):
        candidates.append(root / value[5:])
    candidates.append(Path(value))  # relative to where Darknet runs
    return next((c for c in candidates if c.exists()), None)
