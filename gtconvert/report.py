"""Warnings about what a conversion changed: clips, drops, merges and repairs.

Readers and writers call :func:`warn` with a stable code, a count and a message. The event
goes to Python's :mod:`warnings` (so library users see it) and to every active
:class:`Report` (so the CLI can print a summary and ``--report`` can save it as JSON).
"""

from __future__ import annotations

import contextvars
import json
import os
import warnings
from dataclasses import asdict, dataclass, field

from .errors import GtconvertWarning

_active: contextvars.ContextVar[tuple[Report, ...]] = contextvars.ContextVar("gtconvert_reports", default=())


@dataclass
class Event:
    """One thing a conversion did to the data, e.g. ``code="yolo.clipped", count=3``."""

    code: str
    message: str
    count: int = 1
    examples: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Collects the :class:`Event` s of the conversions run inside ``with report:``."""

    events: list[Event] = field(default_factory=list)

    def __enter__(self) -> Report:
        self._token = _active.set((*_active.get(), self))
        return self

    def __exit__(self, *exc: object) -> None:
        _active.reset(self._token)

    def count(self, code: str) -> int:
        """Total count of the events with this code (0 when none happened)."""
        return sum(e.count for e in self.events if e.code == code)

    def to_json(self) -> str:
        return json.dumps({"events": [asdict(e) for e in self.events]}, indent=2)

    def save(self, path: str | os.PathLike, *, overwrite: bool = True) -> None:
        """Write :meth:`to_json` to ``path`` (an existing file only with ``overwrite``).

        Not atomic by itself: ``gtconvert convert`` writes it into ``fileio.atomic_output``'s
        temporary (fileio cannot be imported here: it reports through this module).
        """
        with open(path, "w" if overwrite else "x", encoding="utf-8") as f:
            f.write(self.to_json())


def warn(code: str, message: str, count: int = 1, examples: list[str] | None = None) -> None:
    """Record that a conversion clipped, dropped, merged or repaired ``count`` things."""
    if count <= 0:
        return
    event = Event(code, message, int(count), list(examples or [])[:5])
    for report in _active.get():
        report.events.append(event)
    warnings.warn(message, GtconvertWarning, stacklevel=2)
