"""Progress bars for long runs (rich), shown only when the CLI runs in a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: Turned on by the CLI when stdout is a terminal; library calls stay silent.
enabled = False


def progress(items: Iterable[T], total: int, desc: str) -> Iterator[T]:
    """Yield ``items`` while rich draws a bar for ``desc`` on stderr (when that is a terminal)."""
    if not enabled or total < 200 or not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console  # lazy: only a terminal run with a long step pays the import
    from rich.progress import track

    yield from track(items, description=desc, total=total, console=Console(file=sys.stderr))
