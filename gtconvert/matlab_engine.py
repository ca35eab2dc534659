"""Label in MATLAB's apps from Python, and get the labels back as a :class:`~gtconvert.model.Dataset`.

>>> from gtconvert.matlab_engine import MatlabSession
>>> with MatlabSession(desktop=True) as matlab:                           # doctest: +SKIP
...     boxes = matlab.label_images("dermoscopy/", labels=["lesion", "sticker"])
...     masks = matlab.segment_images(["dermoscopy/img1.jpg"], label="lesion")
>>> boxes.to_pandas()                                                     # doctest: +SKIP

The session starts MATLAB (or connects to a shared one), puts gtconvert's ``matlab/`` folder on
its path, opens Image Labeler or Image Segmenter, waits until the person exports to the
workspace (polling, with a timeout, printing what to click), and moves the result through the
interchange file: MATLAB runs ``gtconvert.exportVariable(var, file)`` and Python reads the
file with ``gtconvert.read(file, "matlab")``. Nobody saves files by hand.

The bridge needs the MATLAB Engine API for Python (``pip install gtconvert[matlab]``, which
needs MATLAB installed). It uses a small part of the engine's surface: ``addpath``, ``eval``
(with ``nargout`` 0 or 1) and ``quit``, so that tests can stand in an engine that runs the same
``.m`` code in GNU Octave.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .errors import GtconvertError

if TYPE_CHECKING:
    from .model import Dataset

INSTALL_FIX = "pip install gtconvert[matlab] (the MATLAB Engine API for Python; needs MATLAB installed)"

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")

LABELER_STEPS = (
    "Image Labeler is open. Draw the labels, then click Export > Labels > To Workspace "
    "(or Export Labels > To Workspace), keep the variable name '{var}' and the groundTruth "
    "format, and click OK. Waiting up to {timeout}."
)
SEGMENTER_STEPS = (
    "Image Segmenter is open on {image}. Segment it, then click Export > Export Images, tick "
    "'Final segmentation' and keep the name '{var}', and click OK. Waiting up to {timeout}."
)


def matlab_folder() -> Path:
    """The folder holding ``+gtconvert`` (``$GTCONVERT_MATLAB_PATH`` overrides it)."""
    given = os.environ.get("GTCONVERT_MATLAB_PATH")
    here = Path(__file__).resolve().parent
    # a source checkout keeps them in matlab/; an installed wheel in gtconvert/_matlab
    candidates = [Path(given)] if given else [here.parent / "matlab", here / "_matlab"]
    folder = next((c for c in candidates if (c / "+gtconvert").is_dir()), candidates[0])
    if not (folder / "+gtconvert").is_dir():
        raise GtconvertError(
            "gtconvert's MATLAB functions (+gtconvert) are not where expected",
            file=folder,
            fix="set GTCONVERT_MATLAB_PATH to the folder that holds +gtconvert",
        )
    return folder


def _start_engine(desktop: bool, shared: bool | str) -> Any:
    """Start MATLAB, or connect to a shared session (``matlab.engine.shareEngine`` in MATLAB)."""
    try:
        import matlab.engine
    except ImportError:
        raise GtconvertError(
            "the MATLAB bridge needs the MATLAB Engine API for Python", fix=INSTALL_FIX
        ) from None
    if shared:
        names = matlab.engine.find_matlab()
        name = shared if isinstance(shared, str) else (names[0] if names else None)
        if name is None:
            raise GtconvertError(
                "no shared MATLAB session is running",
                fix="run matlab.engine.shareEngine in MATLAB, or start one with shared=False",
            )
        return matlab.engine.connect_matlab(name)
    return matlab.engine.start_matlab("-desktop" if desktop else "-nodesktop")


def _text(value: str | os.PathLike) -> str:
    """A MATLAB char literal: single quotes doubled."""
    return "'" + os.fspath(value).replace("'", "''") + "'"


def _cellstr(values: Iterable[str | os.PathLike]) -> str:
    return "{" + ", ".join(_text(v) for v in values) + "}"


def label_specs(labels: Sequence[str | tuple[str, str]]) -> tuple[list[str], list[str]]:
    """``"lesion"``, ``"lesion:Polygon"`` or ``("lesion", "Polygon")`` -> names and labelType names.

    A type is any labelType member the apps know (any letter case); a name alone is a Rectangle.
    """
    from .formats.matlab.labels import MATLAB_NAMES

    names, types = [], []
    for label in labels:
        if isinstance(label, str):
            name, _, kind = label.partition(":") if ":" in label else (label, "", "Rectangle")
        else:
            name, kind = label
        match = [t for t in MATLAB_NAMES if t.lower() == kind.strip().lower()]
        if not name.strip() or not match:
            raise GtconvertError(
                f"bad label {label!r}",
                fix=f"give a name, optionally ':Type' with Type in {', '.join(MATLAB_NAMES)}",
            )
        names.append(name.strip())
        types.append(match[0])
    if not names:
        raise GtconvertError("no labels given", fix="e.g. labels=['lesion', 'sticker']")
    return names, types


class MatlabSession:
    """A MATLAB session with gtconvert's functions on its path; use it as a context manager.

    ``desktop=True`` starts MATLAB with its desktop (needed for the apps); ``shared=True``
    connects to a running shared session (``matlab.engine.shareEngine``), or to the one
    named by ``shared``. ``workdir`` is where interchange files and mask PNGs are written;
    it is kept after :meth:`quit` because datasets refer to the PNGs lazily.
    ``engine`` is an already started engine (or a stand-in with the same surface).
    """

    def __init__(
        self,
        *,
        desktop: bool = False,
        shared: bool | str = False,
        engine: Any = None,
        workdir: str | os.PathLike | None = None,
        timeout: float = 3600.0,
        poll: float = 1.0,
        out: TextIO | None = None,
    ) -> None:
        self._engine = engine if engine is not None else _start_engine(desktop, shared)
        self._owns_engine = engine is None and not shared
        self.timeout = timeout
        self.poll = poll
        self.out = out if out is not None else sys.stdout
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="gtconvert-matlab-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._exports = 0
        self._engine.addpath(str(matlab_folder()), nargout=0)

    # ---- the engine, with MATLAB errors turned into GtconvertError ----------------------
    def eval(self, code: str) -> None:
        """Run MATLAB code in the base workspace."""
        self._call(code, 0)

    def value(self, expression: str) -> Any:
        """Evaluate a MATLAB expression and return its value (engine types)."""
        return self._call(expression, 1)

    def _call(self, code: str, nargout: int) -> Any:
        if self._engine is None:
            raise GtconvertError("the MATLAB session has ended", fix="start a new MatlabSession")
        try:
            return self._engine.eval(code, nargout=nargout)
        except Exception as exc:  # the engine raises its own MatlabExecutionError types
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GtconvertError(f"MATLAB: {message}", record=code.split("\n")[0][:120]) from None

    def has_variable(self, name: str) -> bool:
        """Whether the base workspace holds ``name``."""
        return bool(self.value(f"exist({_text(_check_name(name))}, 'var')"))

    def wait_for(self, name: str, timeout: float | None = None) -> None:
        """Poll the workspace until ``name`` exists; a GtconvertError after ``timeout`` seconds."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while not self.has_variable(name):
            if time.monotonic() >= deadline:
                raise GtconvertError(
                    f"no variable '{name}' appeared in MATLAB's workspace within {limit:g} s",
                    fix=f"export to the workspace as '{name}', or allow more time (timeout=)",
                )
            time.sleep(self.poll)

    # ---- data back to Python ---------------------------------------------------------
    def dataset(
        self, var_name: str, *, image_files: Sequence[str | os.PathLike] | None = None, **read_options: Any
    ) -> Dataset:
        """The workspace variable ``var_name`` (groundTruth, label table or masks) as a Dataset.

        Masks (``BW`` or a cell of them) need ``image_files``. ``read_options`` go to
        ``gtconvert.read(..., "matlab")`` (e.g. ``vertex_convention``).
        """
        from . import read

        name = _check_name(var_name)
        self._exports += 1
        file = self.workdir / f"export_{self._exports}" / f"{name}.mat"
        file.parent.mkdir(parents=True, exist_ok=True)
        files = _cellstr(os.path.abspath(f) for f in image_files) if image_files else "{}"
        self.eval(f"gtconvert.exportVariable({name}, {_text(file)}, {files});")
        return read(file, "matlab", **read_options)

    # ---- the apps ----------------------------------------------------------------------
    def label_images(
        self,
        images: str | os.PathLike | Sequence[str | os.PathLike],
        labels: Sequence[str | tuple[str, str]],
        *,
        var_name: str = "gTruth",
        timeout: float | None = None,
    ) -> Dataset:
        """Open Image Labeler on ``images`` (a folder or files) with ``labels`` defined.

        Labels are names (rectangles), ``"name:Type"`` or ``(name, Type)`` with a labelType
        name. Returns what the person exported to ``var_name`` as a Dataset.
        """
        names, types = label_specs(labels)
        if isinstance(images, (str, os.PathLike)):
            target = _text(os.path.abspath(images))
        else:
            target = _cellstr(os.path.abspath(f) for f in images)
        name = _check_name(var_name)
        self.eval(f"clear {name}")  # an older export must not end the wait at once
        self.eval(f"gtconvert.openImageLabeler({target}, {_cellstr(names)}, {_cellstr(types)});")
        print(LABELER_STEPS.format(var=name, timeout=_duration(timeout or self.timeout)), file=self.out)
        self.wait_for(name, timeout)
        return self.dataset(name)

    def segment_images(
        self,
        files: Sequence[str | os.PathLike],
        *,
        label: str = "mask",
        var_name: str = "BW",
        timeout: float | None = None,
    ) -> Dataset:
        """Open Image Segmenter on each file in turn; the exported masks as one Dataset."""
        paths = [os.path.abspath(f) for f in ([files] if isinstance(files, (str, os.PathLike)) else files)]
        if not paths:
            raise GtconvertError("no images given to segment")
        name = _check_name(var_name)
        self.eval("gtconvertMasks = {};")
        for i, path in enumerate(paths, start=1):
            self.eval(f"clear {name}")
            self.eval(f"gtconvert.openImageSegmenter({_text(path)});")
            print(
                SEGMENTER_STEPS.format(image=path, var=name, timeout=_duration(timeout or self.timeout)),
                file=self.out,
            )
            self.wait_for(name, timeout)
            self.eval(f"gtconvertMasks{{{i}}} = {name};")
            self.eval("try, imageSegmenter('close'); catch, end")  # the next image gets a fresh app
        self.eval("gtconvertMasks = gtconvertMasks(:);")
        try:
            return self._masks_dataset(paths, label)
        finally:
            self.eval("clear gtconvertMasks")

    def _masks_dataset(self, paths: list[str], label: str) -> Dataset:
        from . import read

        self._exports += 1
        file = self.workdir / f"export_{self._exports}" / "masks.mat"
        file.parent.mkdir(parents=True, exist_ok=True)
        self.eval(
            f"gtconvert.exportMasks(gtconvertMasks, {_cellstr(paths)}, {_text(file)}, 'LabelNames', {{{_text(label)}}});"
        )
        return read(file, "matlab")

    # ---- lifetime ----------------------------------------------------------------------
    def quit(self) -> None:
        """Quit MATLAB if this session started it (a shared session is left running)."""
        engine, self._engine = self._engine, None
        if engine is not None and self._owns_engine:
            engine.quit()

    def __enter__(self) -> MatlabSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.quit()


def _check_name(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise GtconvertError(f"{name!r} is not a MATLAB variable name", fix="use letters, digits and _")
    return name


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 120 else f"{seconds:g} s"
