"""gtconvert: computer-vision ground truth between MATLAB and the Python world, exactly.

>>> import gtconvert
>>> ds = gtconvert.read("gTruth.mat", images="photos/")      # doctest: +SKIP
>>> gtconvert.write(ds, "out/", "yolo", task="segment")       # doctest: +SKIP
>>> ds.to_pandas().groupby("category").size()                 # doctest: +SKIP

Heavy dependencies are imported only when a format is used, so ``import gtconvert`` is fast.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .errors import GtconvertError, GtconvertWarning
from .report import Report

if TYPE_CHECKING:
    from .model import Dataset

__version__ = "0.1.0"
__all__ = [
    "Dataset",
    "GtconvertError",
    "GtconvertWarning",
    "Report",
    "convert",
    "formats",
    "read",
    "write",
]


def read(path: str | os.PathLike, format: str | None = None, **options: Any) -> Dataset:
    """Read a dataset; the format is recognised from ``path`` unless given."""
    from . import registry

    fmt = registry.get(format) if format else registry.detect(path)
    kwargs = registry.split_options(fmt.module.read, options, where=f"reading {fmt.name}")
    return fmt.module.read(path, **kwargs)


def write(dataset: Dataset, path: str | os.PathLike, format: str | None = None, **options: Any) -> None:
    """Write ``dataset`` to ``path`` in ``format`` (guessed from a ``.json``/``.mat`` name)."""
    from . import registry

    fmt = registry.get(format) if format else registry.guess_output(path)
    if fmt is None:
        raise GtconvertError("cannot tell the output format", file=path, fix="name it with --to")
    if not fmt.can_write():
        raise GtconvertError(f"gtconvert cannot write {fmt.name}")
    kwargs = registry.split_options(fmt.module.write, options, where=f"writing {fmt.name}")
    fmt.module.write(dataset, path, **kwargs)


def convert(
    src: str | os.PathLike,
    dst: str | os.PathLike,
    *,
    src_format: str | None = None,
    dst_format: str | None = None,
    read_options: dict[str, Any] | None = None,
    write_options: dict[str, Any] | None = None,
) -> Dataset:
    """Read ``src`` and write it to ``dst``; returns the dataset that was written."""
    dataset = read(src, src_format, **(read_options or {}))
    write(dataset, dst, dst_format, **(write_options or {}))
    return dataset


def formats() -> list[str]:
    """Names of the formats this installation can read or write."""
    from . import registry

    return [f.name for f in registry.available()]


def __getattr__(name: str) -> Any:
    # Dataset and friends load numpy; import them only when asked for.
    if name in ("Dataset", "Annotations", "Images", "Category", "Kind", "PixelRef"):
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module 'gtconvert' has no attribute {name!r}")
