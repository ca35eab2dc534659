"""The project's one error type and its warning category.

Every problem with a user's input becomes a :class:`GtconvertError` that names the file, the
record inside it and the fix, so that the CLI can print a single line and exit with code 2.
Whatever a target format cannot hold is reported with :class:`GtconvertWarning` (see
:mod:`gtconvert.report`), never dropped silently.
"""

from __future__ import annotations

import functools
import os


class GtconvertError(Exception):
    """Bad input or an impossible request, with what the user needs to fix it.

    ``str(error)`` reads ``"<file>: <record>: <message> (fix: <fix>)"`` with the missing
    parts left out.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | os.PathLike | None = None,
        record: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.file = os.fspath(file) if file is not None else None
        self.record = record
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.record, self.message) if p]
        text = ": ".join(parts)
        if self.fix:
            text += f" (fix: {self.fix})"
        return text

    def __reduce__(self) -> tuple:
        # file, record and fix kept when the error crosses processes (a Dask worker's, a pool's)
        rebuild = functools.partial(GtconvertError, file=self.file, record=self.record, fix=self.fix)
        return rebuild, (self.message,)


class GtconvertWarning(UserWarning):
    """Something was clipped, repaired, merged or could not be written by the target."""
