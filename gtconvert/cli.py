"""The ``gtconvert`` command line: a thin layer over :mod:`gtconvert`.

Errors in the input print one line (file, record, fix) and exit with code 2; warnings about
what a conversion changed are printed once each, and saved with ``--report``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import warnings
from typing import Any, NoReturn

from .cli_options import add_format_options, add_shard_options, format_options
from .terminal import GuardedStdout, StdoutGone, Terminated, catch_termination, finish, stdout_gone

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


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
    add_shard_options(c)
    add_format_options(c)

    i = sub.add_parser("info", help="summarise a dataset: images, annotations by kind and category")
    i.add_argument("src")
    i.add_argument("--from", dest="src_format", metavar="FORMAT")
    i.add_argument("--json", action="store_true", help="machine-readable output")
    add_format_options(i)

    v = sub.add_parser("validate", help="check a dataset against its format's rules and its images")
    v.add_argument("src")
    v.add_argument("--from", dest="src_format", metavar="FORMAT")
    v.add_argument("--json", action="store_true", help="machine-readable output")
    add_format_options(v)

    sub.add_parser("formats", help="list the formats and their options")

    pv = sub.add_parser("preview", help="draw each image with its labels and an index.html gallery")
    pv.add_argument("src", help="input file or folder")
    pv.add_argument("out", help="output folder")
    pv.add_argument("--from", dest="src_format", metavar="FORMAT", help="input format (default: detected)")
    pv.add_argument("--limit", type=int, metavar="N", help="only the first N images")
    pv.add_argument("--category", nargs="+", metavar="NAME", help="only these categories and their images")
    pv.add_argument("--overwrite", action="store_true", help="replace an existing output")
    add_format_options(pv)

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
    add_format_options(m)

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
    return fmt, read(args.src, fmt.name, **format_options(args))


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
            dask=args.dask,
            shard_images=args.shard_images,
            **format_options(args),
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
            **format_options(args),
        )
    _print_warnings(report)
    if args.report:
        with fileio.protected(*args.sources, args.images, args.dst):
            report.save(args.report, overwrite=args.overwrite)
    print(f"{len(args.sources)} datasets -> {dataset!r} -> {args.dst}")
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    from .report import Report

    with Report() as report:
        fmt, dataset = _read(args)
    _print_warnings(report)  # on stderr, as convert prints them; the exit code stays 0
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
    from .report import Report

    with Report() as report:
        fmt, dataset = _read(args)
    findings, notes = validate.reader_findings(report.events)
    _print_warnings(Report(notes))  # what the reader repaired exactly or was asked to do
    findings = validate.combined(findings, validate.check(dataset))
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

    with Report() as report:  # what the reader warned of is printed too
        _, dataset = _read(args)
    with report, protected(args.src, args.images):
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
