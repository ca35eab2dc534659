"""The format registry: a name, a way to recognise the input, a reader and a writer.

Each module in :mod:`gtconvert.formats` defines ``DESCRIPTION``, ``detect(path) -> bool``,
``read(path, **options) -> Dataset`` and ``write(dataset, path, **options) -> None``. Modules
are imported only when a format is used, so that ``import gtconvert`` stays fast.
"""

from __future__ import annotations

import importlib
import inspect
import os
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .errors import GtconvertError

#: name -> module; the order is the detection order (most specific first).
_FORMATS: dict[str, str] = {
    "matlab": "gtconvert.formats.matlab",
    "coco": "gtconvert.formats.coco",
    "voc": "gtconvert.formats.voc",
    "yolo": "gtconvert.formats.yolo",
    "masks": "gtconvert.formats.masks",
}


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

    def options(self, action: str) -> list[str]:
        """Keyword options accepted by ``read`` or ``write``."""
        fn = getattr(self.module, action, None)
        return keyword_options(fn) if fn is not None else []


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
        raise GtconvertError(f"unknown format {name!r}", fix=f"use one of: {', '.join(_FORMATS)}")
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


def split_options(fn: Any, options: dict[str, Any], *, where: str) -> dict[str, Any]:
    """Keep the options ``fn`` accepts; an option it does not accept is an error."""
    accepted = set(keyword_options(fn))
    unknown = sorted(k for k, v in options.items() if v is not None and k not in accepted)
    if unknown:
        flags = ", ".join("--" + k.replace("_", "-") for k in unknown)
        raise GtconvertError(
            f"{flags} does not apply to {where}",
            fix=f"{where} accepts: {', '.join('--' + a.replace('_', '-') for a in sorted(accepted)) or 'no options'}",
        )
    return {k: v for k, v in options.items() if v is not None}
