"""The ``gtconvert`` command line: a thin layer over :mod:`gtconvert`.

Errors in the input print one line (file, record, fix) and exit with code 2; warnings about
what a conversion changed are printed once each, and saved with ``--report``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import warnings
from typing import Any, NoReturn

from .terminal import GuardedStdout, StdoutGone, Terminated, catch_termination, finish, stdout_gone

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


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


def _add_format_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "format options (each applies to the formats that accept it; see gtconvert formats)"
    )
    for flag, spec in FORMAT_OPTIONS.items():
        g.add_argument(flag, default=None, **spec)  # None: not given, so routed nowhere


def _format_options(args: argparse.Namespace) -> dict[str, Any]:
    """The format options as keyword arguments; those not given are None."""
    dests = (flag[2:].replace("-", "_") for flag in FORMAT_OPTIONS)
    return {dest: getattr(args, dest) for dest in dests}


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one ``error:`` line (exit 2), like every other failure."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (fix: see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = _Parser(
        prog="gtconvert",
        description="Convert computer-vision ground truth between MATLAB groundTruth, COCO, "
        "Pascal VOC, YOLO and PNG masks, exactly.",
    )
    p.add_argument("--version", action="version", version=f"gtconvert {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    c = sub.add_parser("convert", help="convert a dataset from one format to another")
    c.add_argument("src", help="input file or folder")
    c.add_argument("dst", help="output file or folder")
    c.add_argument("--from", dest="src_format", metavar="FORMAT", help="input format (default: detected)")
    c.add_argument("--to", dest="dst_format", metavar="FORMAT", help="output format (default: from the name)")
    c.add_argument("--overwrite", action="store_true", help="replace an existing output")
    c.add_argument("--report", metavar="FILE", help="save every clip, drop, merge and repair as JSON")
    _add_format_options(c)

    i = sub.add_parser("info", help="summarise a dataset: images, annotations by kind and category")
    i.add_argument("src")
    i.add_argument("--from", dest="src_format", metavar="FORMAT")
    i.add_argument("--json", action="store_true", help="machine-readable output")
    _add_format_options(i)

    v = sub.add_parser("validate", help="check a dataset against its format's rules and its images")
    v.add_argument("src")
    v.add_argument("--from", dest="src_format", metavar="FORMAT")
    v.add_argument("--json", action="store_true", help="machine-readable output")
    _add_format_options(v)

    sub.add_parser("formats", help="list the formats and their options")

    pv = sub.add_parser("preview", help="draw each image with its labels and an index.html gallery")
    pv.add_argument("src", help="input file or folder")
    pv.add_argument("out", help="output folder")
    pv.add_argument("--from", dest="src_format", metavar="FORMAT", help="input format (default: detected)")
    pv.add_argument("--limit", type=int, metavar="N", help="only the first N images")
    pv.add_argument("--category", nargs="+", metavar="NAME", help="only these categories and their images")
    pv.add_argument("--overwrite", action="store_true", help="replace an existing output")
    _add_format_options(pv)

    d = sub.add_parser("diff", help="compare two datasets object by object (exit 1 when they differ)")
    d.add_argument("a", help="the dataset before (any format)")
    d.add_argument("b", help="the dataset after (any format)")
    d.add_argument("--preview", metavar="DIR", help="draw the images where they differ into DIR")
    d.add_argument(
        "--tolerance",
        type=float,
        default=0.01,
        metavar="PX",
        help="pixels that count as equal (default: %(default)s)",
    )
    d.add_argument("--overwrite", action="store_true", help="replace an existing --preview folder")
    d.add_argument("--json", action="store_true", help="machine-readable output")

    m = sub.add_parser("merge", help="merge datasets of any formats into one (images and categories unified)")
    m.add_argument(
        "sources", nargs="+", metavar="INPUT", help="input files or folders (each format detected)"
    )
    m.add_argument("dst", metavar="OUT", help="output file or folder")
    m.add_argument("--to", dest="dst_format", metavar="FORMAT", help="output format (default: from the name)")
    m.add_argument("--by-hash", action="store_true", help="one image per file content, not per file name")
    m.add_argument(
        "--keep-ids",
        action="store_true",
        help="keep image, category and annotation ids (refused if they collide)",
    )
    m.add_argument("--overwrite", action="store_true", help="replace an existing output")
    m.add_argument("--report", metavar="FILE", help="save every merge, conflict and drop as JSON")
    _add_format_options(m)

    # MATLAB's apps, driven from Python (gtconvert.matlab_engine; needs MATLAB)
    lab = sub.add_parser("label", help="label images in MATLAB's Image Labeler and write what was exported")
    lab.add_argument("images", help="folder of images")
    lab.add_argument("--labels", required=True, help="comma-separated names, each optionally NAME:Type")
    seg = sub.add_parser("segment", help="segment images in MATLAB's Image Segmenter and write the masks")
    seg.add_argument("images", nargs="+", help="image files (or one folder)")
    seg.add_argument("--label", default="mask", help="name of the segmented class (default: mask)")
    for app in (lab, seg):
        app.add_argument("-o", "--output", required=True, help="output file or folder")
        app.add_argument(
            "--to", dest="dst_format", metavar="FORMAT", help="output format (default: from the name)"
        )
        app.add_argument("--overwrite", action="store_true", help="replace an existing output")
        app.add_argument("--shared", action="store_true", help="use a running shared MATLAB session")
        app.add_argument(
            "--timeout",
            type=float,
            default=3600.0,
            help="seconds to wait for the export (default: %(default)s)",
        )
    for command in sub.choices.values():  # also after the command; SUPPRESS keeps a --quiet given before it
        command.add_argument(
            "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress bars"
        )
    return p


def _read(args: argparse.Namespace) -> tuple[Any, Any]:
    """The input's format and dataset, for info and validate."""
    from . import read, registry

    fmt = registry.reader_for(args.src, args.src_format)
    return fmt, read(args.src, fmt.name, **_format_options(args))


def _print_warnings(report: Any) -> None:
    """Each event once, on one line, with the first few things it is about."""
    for event in report.events:
        shown = [" ".join(str(e).split()) for e in event.examples[:3]]
        more = ", ..." if event.count > len(shown) else ""
        about = f" (e.g. {', '.join(shown)}{more})" if shown else ""
        print(f"warning: {event.message}{about}", file=sys.stderr)


def cmd_convert(args: argparse.Namespace) -> int:
    from . import convert, fileio, registry
    from .errors import GtconvertError
    from .report import Report

    if args.report:  # an output like the others, checked before converting
        fileio.check_output(args.report, overwrite=args.overwrite, inputs=(args.src, args.images, args.dst))
        if not os.path.isdir(os.path.dirname(args.report) or "."):
            raise GtconvertError(
                "the folder of the report does not exist", file=args.report, fix="make it first"
            )
    with Report() as report, fileio.protected(args.report):
        dataset = convert(
            args.src,
            args.dst,
            src_format=args.src_format,
            dst_format=args.dst_format,
            overwrite=args.overwrite or None,
            **_format_options(args),
        )
    _print_warnings(report)
    if args.report:
        with fileio.protected(args.src, args.images, args.dst):
            with fileio.atomic_output(args.report, is_dir=False, overwrite=args.overwrite) as tmp:
                report.save(tmp)
    print(f"{dataset!r} -> {args.dst} ({registry.writer_for(args.dst, args.dst_format).name})")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from . import fileio
    from .ops.merge import merge_files
    from .report import Report

    if args.report:
        fileio.check_output(args.report, overwrite=args.overwrite, inputs=(*args.sources, args.dst))
    with Report() as report, fileio.protected(args.report):
        dataset = merge_files(
            args.sources,
            args.dst,
            dst_format=args.dst_format,
            by="hash" if args.by_hash else "path",
            keep_ids=args.keep_ids,
            overwrite=args.overwrite or None,
            **_format_options(args),
        )
    _print_warnings(report)
    if args.report:
        with fileio.protected(*args.sources, args.images, args.dst):
            report.save(args.report, overwrite=args.overwrite)
    print(f"{len(args.sources)} datasets -> {dataset!r} -> {args.dst}")
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    fmt, dataset = _read(args)
    counts = dataset.counts()
    if args.json:
        print(json.dumps(counts, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{args.src}  ({fmt.name})")
    for key, value in dataset.info.get("summary", {}).items():
        print(f"  {key}: {value}")
    print(f"  images:      {counts['images']}")
    print(f"  annotations: {counts['annotations']}")
    for kind, n in counts["by_kind"].items():
        print(f"    {kind:<18}{n:>8}")
    if counts["categories"]:
        width = max(len(c["name"]) for c in counts["categories"])
        width = max(width, 8)
        print(f"\n  {'id':>6}  {'category':<{width}}  {'type':<18}{'count':>8}")
        for c in counts["categories"]:
            print(f"  {c['id']:>6}  {c['name']:<{width}}  {c['type'] or '-':<18}{c['count']:>8}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from . import validate

    fmt, dataset = _read(args)
    findings = validate.check(dataset)
    if args.json:
        print(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        print(validate.render(findings, source=f"{args.src} ({fmt.name})"))
    return EXIT_FINDINGS if findings else EXIT_OK


def cmd_formats(args: argparse.Namespace) -> int:
    from . import registry

    for fmt in registry.available():
        modes = ("r" if fmt.can_read() else "-") + ("w" if fmt.can_write() else "-")
        print(f"{fmt.name:<8} {modes}  {fmt.description}")
        for action in ("read", "write"):
            opts = [o for o in fmt.options(action) if o != "overwrite"]
            if opts:
                print(f"{'':<12}{action} options: " + ", ".join("--" + o.replace("_", "-") for o in opts))
    print("every reading: " + ", ".join("--" + o for o in registry.dataset_options()) + " (categories)")
    return EXIT_OK


def cmd_preview(args: argparse.Namespace) -> int:
    from .fileio import protected
    from .preview import write_preview
    from .report import Report

    _, dataset = _read(args)
    with Report() as report, protected(args.src, args.images):
        summary = write_preview(
            dataset, args.out, limit=args.limit, categories=args.category, overwrite=args.overwrite
        )
    _print_warnings(report)
    print(f"{summary.images} images drawn -> {os.path.join(args.out, 'index.html')}")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from . import read
    from .diff import diff

    a, b = read(args.a), read(args.b)
    result = diff(a, b, tolerance=args.tolerance)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(f"A: {args.a}\nB: {args.b}\n{result.render()}")
    if args.preview:
        from .preview.changes import write_diff_preview

        summary = write_diff_preview(a, b, result, args.preview, overwrite=args.overwrite)
        print(f"{summary.images} images with differences drawn -> {os.path.join(args.preview, 'index.html')}")
    return EXIT_FINDINGS if result.differs() else EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    """``label`` and ``segment``: open the MATLAB app, wait for the export, write the result."""
    from pathlib import Path

    from . import matlab_engine, write
    from .imagefiles import IMAGE_SUFFIXES

    with matlab_engine.MatlabSession(desktop=True, shared=args.shared, timeout=args.timeout) as session:
        if args.command == "label":
            labels = [t.strip() for t in args.labels.split(",") if t.strip()]
            dataset = session.label_images(args.images, labels=labels)
        else:
            files = args.images
            if len(files) == 1 and Path(files[0]).is_dir():
                files = sorted(str(f) for f in Path(files[0]).iterdir() if f.suffix.lower() in IMAGE_SUFFIXES)
            dataset = session.segment_images(files, label=args.label)
    fmt = args.dst_format or (None if Path(args.output).suffix else "masks")
    write(dataset, args.output, fmt, overwrite=args.overwrite)
    print(f"{dataset!r} -> {args.output}")
    return EXIT_OK


_COMMANDS = {
    "convert": cmd_convert,
    "info": cmd_info,
    "validate": cmd_validate,
    "formats": cmd_formats,
    "preview": cmd_preview,
    "diff": cmd_diff,
    "merge": cmd_merge,
    "label": cmd_app,
    "segment": cmd_app,
}


def _one_line_warning(message: Warning | str, category: type, *args: object, **kwargs: object) -> None:
    """Other libraries' warnings (Pillow's decompression bomb, numpy's) as one ``warning:`` line."""
    print(f"warning: {' '.join(str(message).split())}", file=sys.stderr)


def _bad_input_from_a_library(exc: Exception) -> str | None:
    """The one line of a library error that is about the input, not a bug (else None)."""
    if type(exc).__name__ == "DecompressionBombError":  # Pillow: beyond twice Image.MAX_IMAGE_PIXELS
        return f"{exc} (fix: check the image; raise PIL.Image.MAX_IMAGE_PIXELS if it is genuine)"
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 findings, 2 bad input, 3 internal error)."""
    args = _parser().parse_args(argv)
    from . import progress
    from .errors import GtconvertError, GtconvertWarning

    progress.enabled = not args.quiet and sys.stdout is not None and sys.stdout.isatty()
    warnings.simplefilter("ignore", GtconvertWarning)  # the Report prints them once
    replaced = catch_termination()
    shown, warnings.showwarning = warnings.showwarning, _one_line_warning
    stdout = sys.stdout
    if stdout is not None:
        sys.stdout = GuardedStdout(stdout)  # type: ignore[assignment]
    try:
        return finish(_COMMANDS[args.command](args))
    except GtconvertError as exc:
        one_line = " ".join(str(exc).split())  # parser messages (YAML, XML) span several lines
        print(f"error: {one_line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except StdoutGone:  # only the printing failed: the work (the output) is complete
        sys.stdout = stdout
        stdout_gone()
        return EXIT_OK
    except Terminated as exc:
        print(f"terminated by signal {exc.signum}; no output was left behind", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        print("interrupted; no output was left behind", file=sys.stderr)
        return 130
    except Exception as exc:
        bad = _bad_input_from_a_library(exc)
        if bad is not None:
            print(f"error: {' '.join(bad.split())}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if args.debug or os.environ.get("GTCONVERT_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} "
            "(no output was left behind; rerun with --debug and report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        warnings.showwarning = shown
        if isinstance(sys.stdout, GuardedStdout):
            sys.stdout = stdout
        for sig, handler in replaced.items():
            signal.signal(sig, handler)
