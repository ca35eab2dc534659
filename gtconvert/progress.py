"""A small progress bar for long runs, shown only when the CLI runs in a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: Turned on by the CLI when stdout is a terminal; library calls stay silent.
enabled = False


def progress(items: Iterable[T], total: int, desc: str) -> Iterator[T]:
    """Yield ``items``, drawing ``desc [####    ] k/total`` on stderr at most 10 times a second."""
    if not enabled or total < 200:
        yield from items
        return
    last = 0.0
    for done, item in enumerate(items, 1):
        yield item
        now = time.monotonic()
        if now - last > 0.1 or done == total:
            last = now
            filled = int(30 * done / total)
            sys.stderr.write(f"\r{desc} [{'#' * filled}{' ' * (30 - filled)}] {done}/{total}")
            sys.stderr.flush()
    sys.stderr.write("\n")
