"""The format registry: a name, a way to recognise the input, a reader and a writer.

Each module in :mod:`gtconvert.formats` defines ``DESCRIPTION``, ``detect(path) -> bool``,
``read(path, **options) -> Dataset`` and ``write(dataset, path, **options) -> None``. Modules
are imported only when a format is used, so that ``import gtconvert`` stays fast.

A reader's or writer's options are its keyword-only parameters. Options reach them only
through :func:`route_options`, the one policy of the CLI and of ``gtconvert.read``, ``write``
and ``convert``: each goes to the side that accepts it, and one that applies to no side is an
error with the same words everywhere.
"""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from . import limits
from .errors import GtconvertError

#: name -> module; the order is the detection order (most specific first).
_FORMATS: dict[str, str] = {
    "matlab": "gtconvert.formats.matlab",
    "openlabel": "gtconvert.formats.openlabel",  # before coco: its metadata may hold "categories"
    "coco": "gtconvert.formats.coco",
    "voc": "gtconvert.formats.voc",
    "semantic": "gtconvert.formats.semantic",  # before yolo: its data.yaml names masks_dir
    "yolo": "gtconvert.formats.yolo",
    "masks": "gtconvert.formats.masks",
    "classify": "gtconvert.formats.classify",  # last: any folder of class folders looks like one
}


#: The EXIF frame each format's labels live in (docs/orientation.md): "stored" (the pixels as
#: the file holds them) or "displayed" (the orientation tag applied). The first is the default;
#: a second can be chosen with the ``exif_frame`` option. A format not named here is "stored".
EXIF_FRAMES: dict[str, tuple[str, ...]] = {
    "matlab": ("stored",),  # imread ignores the tag
    "yolo": ("displayed",),  # Ultralytics loads images with OpenCV, which applies it
    "coco": ("displayed", "stored"),  # CVAT, Label Studio label the displayed image; others differ
    "voc": ("displayed", "stored"),
    "openlabel": ("displayed", "stored"),  # labelled in browsers, which apply the tag
    "semantic": ("displayed", "stored"),  # image and mask both loaded by OpenCV
    "masks": ("stored", "displayed"),  # the PNG's own pixels: MATLAB Image Segmenter, Datumaro
    "classify": ("stored",),  # crops are cut from the stored pixels
}

#: Writers that put the images beside the labels: ``--exif bake`` gives them upright copies.
#: Those in ``BAKES_BESIDE`` name images elsewhere; baked images go to ``images/`` beside them.
CARRIES_IMAGES = frozenset({"yolo", "voc", "semantic", "classify"})
BAKES_BESIDE = frozenset({"coco", "matlab", "openlabel"})


@dataclass(frozen=True)
class Format:
    name: str
    module: ModuleType

    @property
    def description(self) -> str:
        return getattr(self.module, "DESCRIPTION", "")

    def can_read(self) -> bool:
        return hasattr(self.module, "read")

    def can_write(self) -> bool:
        return hasattr(self.module, "write")

    @property
    def exif_frames(self) -> tuple[str, ...]:
        """The EXIF frames this format's labels may be in, the default first (:data:`EXIF_FRAMES`)."""
        return tuple(getattr(self.module, "EXIF_FRAMES", None) or EXIF_FRAMES.get(self.name, ("stored",)))

    def options(self, action: str) -> list[str]:
        """Keyword options accepted by ``read`` or ``write`` (the EXIF ones included)."""
        fn = getattr(self.module, action, None)
        if fn is None:
            return []
        extra = ["exif_frame"] if len(self.exif_frames) > 1 else []
        if action == "write" and self.name in CARRIES_IMAGES | BAKES_BESIDE:
            extra.append("exif")
        return keyword_options(fn) + extra

    def exif_frame(self, chosen: str | None = None) -> str:
        """The frame of this reading or writing: ``chosen`` (checked) or the default."""
        if chosen is None:
            return self.exif_frames[0]
        if chosen not in self.exif_frames:
            raise GtconvertError(
                f"--exif-frame {chosen} does not apply to {self.name}",
                fix=f"{self.name} labels are in the {' or '.join(self.exif_frames)} frame",
            )
        return chosen

    def read(self, path: str | os.PathLike, **options: Any) -> Any:
        """The format's ``read`` in its EXIF frame, brought to the stored frame (:mod:`gtconvert.exif`),
        then the dataset options (:func:`dataset_options`) on its result."""
        from .exif import after_read
        from .imagefiles import header_scope
        from .ops.categories import apply_options

        ops = {k: options.pop(k) for k in dataset_options() if k in options}
        _check_images_folder(options.get("images"))
        frame = self.exif_frame(options.pop("exif_frame", None))
        with header_scope(frame) as seen:
            dataset = after_read(self.module.read(path, **options), frame, seen)
        limits.check_images(dataset.images, file=path)  # whatever the reader: sizes bounded
        return apply_options(dataset, **ops) if ops else dataset

    def write(self, dataset: Any, path: str | os.PathLike, **options: Any) -> None:
        """The format's ``write``, the labels first turned into its EXIF frame (or baked upright, :mod:`gtconvert.exif_write`)."""
        from .exif_write import write_in_frame

        frame = self.exif_frame(options.pop("exif_frame", None))
        mode = options.pop("exif", None)
        carries = self.name in CARRIES_IMAGES
        write_in_frame(self, dataset, path, frame=frame, mode=mode, carries_images=carries, options=options)


def _check_images_folder(images: Any) -> None:
    """``--images`` must name a folder: a typo would read the dataset without its images (exit 0),
    and a trainer fails on it later."""
    if images is None or os.path.isdir(images):
        return
    what = "is not a folder" if os.path.exists(images) else "does not exist"
    raise GtconvertError(
        f"--images {images} {what}", file=images, fix="name the folder that holds the images"
    )


def _closest_formats(name: str) -> str:
    """The fix of an unknown format name: the closest known names first, then all of them."""
    import difflib

    close = difflib.get_close_matches(name.lower(), list(_FORMATS), n=2, cutoff=0.5)
    every = f"use one of: {', '.join(_FORMATS)}"
    return f"did you mean {' or '.join(close)}? ({every})" if close else every


def dataset_options() -> list[str]:
    """Options every reading accepts: dataset operations applied after the reader (``--map``...)."""
    from .ops.categories import apply_options

    return keyword_options(apply_options)


def keyword_options(fn: Any) -> list[str]:
    """The keyword-only parameters of a reader or writer: its options."""
    return [
        p.name for p in inspect.signature(fn).parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]


def register_format(name: str, module: str) -> None:
    """Add (or replace) a format implemented by ``module`` (an importable dotted name)."""
    _FORMATS[name] = module


def names() -> list[str]:
    return list(_FORMATS)


def get(name: str) -> Format:
    """The format called ``name``; a clear error lists the known names otherwise."""
    module = _FORMATS.get(name)
    if module is None:
        raise GtconvertError(f"unknown format {name!r}", fix=_closest_formats(str(name)))
    try:
        return Format(name, importlib.import_module(module))
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("gtconvert.formats"):
            raise GtconvertError(f"format {name!r} is not available in this version") from None
        raise


def available() -> list[Format]:
    """The formats whose module is present."""
    out = []
    for name in _FORMATS:
        try:
            out.append(get(name))
        except GtconvertError:
            continue
    return out


def detect(path: str | os.PathLike) -> Format:
    """The first format whose ``detect`` recognises ``path``."""
    if not os.path.exists(path):
        raise GtconvertError("no such file or folder", file=path)
    if get("yolo").module.claims_first(os.fspath(path)):  # Datumaro's annotations/ is not VOC's
        return get("yolo")
    for fmt in available():
        sniff = getattr(fmt.module, "detect", None)
        if sniff is not None and fmt.can_read() and sniff(os.fspath(path)):
            return fmt
    raise GtconvertError(
        "cannot tell the format of this input",
        file=path,
        fix=f"name it with --from ({', '.join(_FORMATS)})",
    )


def guess_output(path: str | os.PathLike) -> Format | None:
    """Guess a target from an output name (``x.json`` -> coco, ``x.mat`` -> matlab)."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    by_suffix = {".json": "coco", ".mat": "matlab"}
    return get(by_suffix[suffix]) if suffix in by_suffix else None


def reader_for(path: str | os.PathLike, name: str | None = None) -> Format:
    """The format that reads ``path``: the one called ``name``, else the one detected."""
    fmt = get(name) if name else detect(path)
    if not fmt.can_read():
        raise GtconvertError(f"gtconvert cannot read {fmt.name}")
    return fmt


def writer_for(path: str | os.PathLike, name: str | None = None) -> Format:
    """The format that writes ``path``: the one called ``name``, else guessed from the name."""
    fmt = get(name) if name else guess_output(path)
    if fmt is None:
        raise GtconvertError("cannot tell the output format", file=path, fix="name it with --to")
    if not fmt.can_write():
        raise GtconvertError(f"gtconvert cannot write {fmt.name}")
    return fmt


def route_options(
    options: Mapping[str, Any], *, reader: Format | None = None, writer: Format | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``options`` into ``(read options, write options)``: the one option policy.

    Each option is given to the reader and/or the writer whose signature accepts it (both,
    when both do); an option whose value is None counts as not given. An option that
    applies to neither side is a :class:`GtconvertError` naming it (as its CLI flag) and
    what each side accepts, the same for the CLI and for :func:`gtconvert.read`,
    :func:`gtconvert.write` and :func:`gtconvert.convert`. Every reading also accepts the
    dataset options (:func:`dataset_options`), applied to what the reader read.
    """
    read_ok = set(reader.options("read")) if reader else set()
    write_ok = set(writer.options("write")) if writer else set()
    sides = {f"reading {reader.name}": read_ok} if reader else {}
    if writer:
        sides[f"writing {writer.name}"] = write_ok
    if reader:
        read_ok = read_ok | set(dataset_options())
    given = {k: v for k, v in options.items() if v is not None}
    stray = sorted(k for k in given if k not in read_ok | write_ok)
    if stray:
        also = f"; every reading accepts {', '.join(map(_flag, dataset_options()))}" if reader else ""
        raise GtconvertError(
            f"{', '.join(map(_flag, stray))} does not apply to {' or '.join(sides)}",
            fix="; ".join(
                f"{side} accepts {', '.join(map(_flag, sorted(ok))) or 'no options'}"
                for side, ok in sides.items()
            )
            + also,
        )
    read = {k: v for k, v in given.items() if k in read_ok}
    write = {k: v for k, v in given.items() if k in write_ok}
    return read, write


def _flag(option: str) -> str:
    return "--" + option.replace("_", "-")
