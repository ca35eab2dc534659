"""The format options of the command line: one table for convert, info, validate, preview, merge.

Each option goes only to the reader or writer that accepts it
(:func:`gtconvert.registry.route_options`), the policy the library follows too; the types here
check values at their bounds before any file is opened.
"""

from __future__ import annotations

import argparse
import math
from typing import Any


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = text.lower().split("x")
        size = int(w), int(h)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 640x480, not {text!r}") from None
    if min(size) <= 0:
        raise argparse.ArgumentTypeError("width and height must be positive")
    return size


def _split(text: str) -> dict[str, float]:
    try:
        pairs = [p.split("=") for p in text.split(",")]
        split = {name.strip(): float(frac) for name, frac in pairs}
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected e.g. train=0.8,val=0.2, not {text!r}") from None
    if len(split) != len(pairs) or not all(split):
        raise argparse.ArgumentTypeError(f"each split needs its own non-empty name, not {text!r}")
    if not all(math.isfinite(f) and f > 0 for f in split.values()) or abs(sum(split.values()) - 1) > 1e-9:
        raise argparse.ArgumentTypeError(f"the fractions must be positive and sum to 1, not {text!r}")
    return split


def _count(text: str) -> int:
    """A non-negative integer option (--seed, --void-border)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to {2**32 - 1}, not {text!r}")
    return value


def positive_count(text: str) -> int:
    """A whole number from 1 (--shard-images)."""
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number from 1, not {text!r}")
    return value


#: The options some readers or writers accept; each goes only to the side that accepts it
#: (:func:`gtconvert.registry.route_options`), for convert, info and validate alike.
FORMAT_OPTIONS: dict[str, dict[str, Any]] = {
    "--images": {"metavar": "DIR", "help": "folder holding the images (resolves MATLAB paths)"},
    "--image-size": {"type": _size, "metavar": "WxH", "help": "image size when images are absent"},
    "--task": {
        "choices": ["detect", "segment", "obb", "pose"],
        "help": "YOLO task (default: pose with keypoints, segment with polygons or masks, obb with rotated boxes, else detect)",
    },
    "--split": {"type": _split, "metavar": "NAME=FRAC,...", "help": "split images, e.g. train=0.8,val=0.2"},
    "--seed": {"type": _count, "help": "seed of --split (default: 0)"},
    "--split-by": {
        "metavar": "video|folder|attribute:NAME",
        "help": "with --split: the frames of a video, the images of a folder or of an attribute value stay in one split",
    },
    "--crops": {"action": "store_true", "help": "classify: one image per object (its box)"},
    "--link-images": {
        "action": "store_true",
        "help": "hard-link the output's images instead of copying them (editing one edits the input)",
    },
    "--background": {"metavar": "NAME", "help": "semantic: unlabelled pixels are class 0 NAME, not 255"},
    "--map": {"metavar": "OLD=NEW,...", "help": "rename categories (equal names merge)"},
    "--keep": {"metavar": "NAME,...", "help": "only these categories and their objects"},
    "--drop": {"metavar": "NAME,...", "help": "leave out these categories and their objects"},
    "--masks": {"action": "store_true", "help": "VOC: also write segmentation PNGs"},
    "--crowd": {
        "choices": ["skip", "keep"],
        "help": "YOLO/VOC: iscrowd objects (default: keep, as ordinary objects)",
    },
    "--instances": {"action": "store_true", "help": "one mask per connected component"},
    "--vertex-convention": {"choices": ["center", "openlabel"], "help": "MATLAB vertex shift"},
    "--mat-version": {"choices": ["7", "7.3"], "help": "interchange .mat version"},
    "--every": {"type": int, "metavar": "N", "help": "video: keep every N-th frame"},
    "--merge": {"action": "store_true", "help": "merge several groundTruth variables"},
    "--bw": {"action": "store_true", "help": "masks: also write BW masks"},
    "--void-border": {
        "type": _count,
        "metavar": "N",
        "help": "VOC masks: N-pixel 255 (void) band around objects",
    },
    "--indent": {"action": "store_true", "help": "COCO: indented, readable JSON"},
    "--exif": {"choices": ["keep", "bake"], "help": "bake: write upright images (EXIF tag applied)"},
    "--exif-frame": {"choices": ["displayed", "stored"], "help": "EXIF frame of COCO/VOC/... labels"},
    "--origin": {
        "choices": ["devkit", "zero"],
        "help": "VOC corners: devkit (1-based, the default) or zero (Datumaro, CVAT, globox)",
    },
}


def add_format_options(p: argparse.ArgumentParser) -> None:
    """The format options, in their own group of ``p``'s help."""
    g = p.add_argument_group(
        "format options (each applies to the formats that accept it; see gtconvert formats)"
    )
    for flag, spec in FORMAT_OPTIONS.items():
        g.add_argument(flag, default=None, **spec)  # None: not given, so routed nowhere


def add_shard_options(p: argparse.ArgumentParser) -> None:
    """``convert``'s options of a conversion run as Dask shards (:mod:`gtconvert.sharded`)."""
    p.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="write YOLO, VOC or masks in shards of images on Dask (the dask extra): a scheduler "
        "address (tcp://host:8786), local (a cluster of this machine's cores), processes or threads",
    )
    p.add_argument(
        "--shard-images",
        type=positive_count,
        metavar="N",
        help="images per shard with --dask (default: 10000)",
    )


def format_options(args: argparse.Namespace) -> dict[str, Any]:
    """The format options as keyword arguments; those not given are None."""
    dests = (flag[2:].replace("-", "_") for flag in FORMAT_OPTIONS)
    return {dest: getattr(args, dest) for dest in dests}
