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
    """Read a dataset; the format is recognised from ``path`` unless given.

    ``options`` are the reader's keyword options (``gtconvert formats`` lists them); one that
    does not apply is a :class:`GtconvertError` (:func:`gtconvert.registry.route_options`).
    """
    from . import registry

    fmt = registry.reader_for(path, format)
    kwargs, _ = registry.route_options(options, reader=fmt)
    return fmt.read(path, **kwargs)


def write(dataset: Dataset, path: str | os.PathLike, format: str | None = None, **options: Any) -> None:
    """Write ``dataset`` to ``path`` in ``format`` (guessed from a ``.json``/``.mat`` name)."""
    from . import registry

    fmt = registry.writer_for(path, format)
    _, kwargs = registry.route_options(options, writer=fmt)
    fmt.write(dataset, path, **kwargs)


def convert(
    src: str | os.PathLike,
    dst: str | os.PathLike,
    *,
    src_format: str | None = None,
    dst_format: str | None = None,
    read_options: dict[str, Any] | None = None,
    write_options: dict[str, Any] | None = None,
    dask: Any = None,
    shard_images: int | None = None,
    **options: Any,
) -> Dataset:
    """Read ``src`` and write it to ``dst``; returns the dataset that was written.

    ``options`` go to the reader and/or the writer that accepts each, as on the command line;
    ``read_options`` and ``write_options`` go to one side only. Both formats and every option
    are checked before anything is read. A COCO file of 256 MB or more converted to YOLO, VOC or
    masks is streamed in chunks of images (:mod:`gtconvert.stream`); the result is then a
    :class:`gtconvert.stream.Streamed` with the counts, as the dataset was never whole.

    ``dask`` runs the conversion as a Dask bag over shards of ``shard_images`` images (the
    ``dask`` extra, :mod:`gtconvert.sharded`): a ``distributed.Client``, a scheduler address,
    ``"local"`` for a ``LocalCluster`` of this machine, or ``"processes"`` / ``"threads"``;
    the result is then a :class:`gtconvert.sharded.Sharded` with the counts.
    """
    from . import fileio, registry, sharded, stream

    reader = registry.reader_for(src, src_format)
    writer = registry.writer_for(dst, dst_format)
    read_kwargs, write_kwargs = registry.route_options(options, reader=reader, writer=writer)
    read_kwargs.update(registry.route_options(read_options or {}, reader=reader)[0])
    write_kwargs.update(registry.route_options(write_options or {}, writer=writer)[1])
    inputs = (src, options.get("images"), read_kwargs.get("images"))
    fileio.check_output(dst, overwrite=bool(write_kwargs.get("overwrite")), inputs=inputs)
    if dask is not None or shard_images is not None:  # shards on a Dask cluster
        with fileio.protected(*inputs):
            done = sharded.convert(
                src, dst, reader, writer, read_kwargs, write_kwargs, scheduler=dask, shard_images=shard_images
            )
        return done  # type: ignore[return-value]  # its counts
    if stream.applies(reader, writer, src, read_kwargs, write_kwargs):  # a big COCO file, chunk by chunk
        with fileio.protected(*inputs):
            streamed = stream.convert(src, dst, writer, read_kwargs, write_kwargs)
        if streamed is not None:
            return streamed  # type: ignore[return-value]  # its counts; the dataset was never whole
    dataset = reader.read(src, **read_kwargs)
    with fileio.protected(*inputs):
        writer.write(dataset, dst, **write_kwargs)
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
