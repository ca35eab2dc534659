"""Reading a large JSON object with bounded memory: its big top-level arrays in slices.

orjson parses a whole document at once, and a COCO file becomes several times its size in
Python dicts and lists. Here the file is first scanned in fixed-size chunks with numpy, without
building any object: quotes (minus escaped ones) tell which bytes are inside strings, and the
brackets outside strings give each array's extent and the extent of each of its
elements. The document without its big arrays (the "skeleton") is then parsed by orjson, and
each big array is handed out as lists of a few thousand elements, each list parsed by orjson
from a slice of the file. Memory is bounded by one chunk or one slice, plus the element
offsets (8 bytes per element).

Validity is still decided by orjson: the skeleton and every slice are complete JSON texts, so
a damaged file fails with orjson's message (plus the byte offset of the slice).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import GtconvertError

#: Bytes scanned per step (small enough for the temporaries to stay in the CPU cache).
CHUNK_BYTES = 2 << 20
#: Bytes of array elements parsed per slice.
SLICE_BYTES = 4 << 20

_PLACEHOLDER = "\x00gtconvert-array-"  # JSON text below; cannot collide with real data in practice
_QUOTE, _BACKSLASH = 34, 92
_DELTA = np.zeros(256, dtype=np.int64)
_DELTA[[ord("["), ord("{")]] = 1
_DELTA[[ord("]"), ord("}")]] = -1
_WHITESPACE = b" \t\r\n"


@dataclass
class ArraySpan:
    """A top-level array: the offsets of its ``[`` and ``]``, and of each element's brackets.

    Elements are found by their brackets (objects or arrays); an array holding anything else
    (numbers, strings) is read whole.
    """

    start: int
    end: int
    begins: np.ndarray  # offset of each container element's opening bracket
    ends: np.ndarray  # offset of its closing bracket


def _invalid(path: Any, why: str) -> GtconvertError:
    return GtconvertError(f"not valid JSON ({why})", file=path, fix="check that the file is complete JSON")


def _first_byte(path: str | os.PathLike) -> bytes:
    with open(path, "rb") as f:
        head = f.read(4096)
    stripped = head.lstrip(_WHITESPACE)
    return stripped[:1]


class _Scanner:
    """Feeds chunks of the file; keeps the state that crosses chunk boundaries.

    Only quotes and brackets are looked at: a bracket is structure when an even number of
    real quotes precede it, and its depth is the running sum of opening minus closing ones.
    """

    def __init__(self) -> None:
        self.offset = 0  # file offset of the current chunk
        self.in_string = 0  # 1 while inside a string at the chunk start
        self.depth = 0  # containers open at the chunk start
        self.backslashes = 0  # backslashes ending the previous chunk
        self.min_depth = 0
        # (offsets, chars) of brackets opening/closing at depth 1 (top-level values) and 2 (their elements)
        self.found: dict[str, list[np.ndarray]] = {
            k: [] for k in ("open1", "char1", "close1", "cchar1", "open2", "close2")
        }

    def feed(self, chunk: bytes) -> None:
        buf = np.frombuffer(chunk, dtype=np.uint8)
        folded = buf | 32  # [ and { -> 123, ] and } -> 125
        interesting = folded == 123
        interesting |= folded == 125
        interesting |= buf == _QUOTE
        at = np.flatnonzero(interesting)
        chars = buf[at]
        quote = chars == _QUOTE
        if self.backslashes or (buf == _BACKSLASH).any():
            quote[quote] = ~self._escaped(buf, at[quote])
        else:
            self.backslashes = 0
        # real quotes before each position, plus the carried state: odd means inside a string
        inside = (np.cumsum(quote) - quote + self.in_string) & 1
        keep = ~quote & (inside == 0) & (chars != _QUOTE)
        self.in_string = (self.in_string + int(quote.sum())) & 1
        at, chars = at[keep], chars[keep]
        delta = _DELTA[chars]
        depth_before = self.depth + np.cumsum(delta) - delta
        if len(depth_before):
            self.min_depth = min(self.min_depth, int((depth_before + delta).min()))
        at += self.offset
        for level, name in ((1, "1"), (2, "2")):
            opening = (delta == 1) & (depth_before == level)
            closing = (delta == -1) & (depth_before == level + 1)
            self.found["open" + name].append(at[opening])
            self.found["close" + name].append(at[closing])
            if level == 1:
                self.found["char1"].append(chars[opening])
                self.found["cchar1"].append(chars[closing])
        self.depth += int(delta.sum())
        self.offset += len(buf)

    def _escaped(self, buf: np.ndarray, quotes: np.ndarray) -> np.ndarray:
        """Which quotes are escaped (preceded by an odd run of backslashes); updates the carry."""
        carried = self.backslashes
        self.backslashes = _trailing_run(buf, carried)
        escaped = np.zeros(len(quotes), dtype=bool)
        before = quotes - 1
        candidates = np.flatnonzero(
            ((before >= 0) & (buf[np.maximum(before, 0)] == _BACKSLASH)) | ((before < 0) & (carried > 0))
        )
        for k in candidates.tolist():  # rare: a quote inside a string, written \"
            q = int(quotes[k])
            run = 0
            while q - run - 1 >= 0 and buf[q - run - 1] == _BACKSLASH:
                run += 1
            if run == q:  # the run reaches the chunk start: it continues in the previous chunk
                run += carried
            escaped[k] = run % 2 == 1
        return escaped

    def result(self, path: Any) -> dict[str, np.ndarray]:
        if self.in_string or self.depth != 0 or self.min_depth < 0:
            raise _invalid(path, "brackets or quotes do not balance; is the file truncated?")
        out = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in self.found.items()}
        if len(out["open1"]) != len(out["close1"]) or len(out["open2"]) != len(out["close2"]):
            raise _invalid(path, "brackets do not balance")
        bad = (out["char1"] == ord("[")) != (out["cchar1"] == ord("]"))
        if bad.any():
            raise _invalid(
                path, f"bracket at byte {int(out['close1'][np.flatnonzero(bad)[0]])} does not match"
            )
        return out


def _trailing_run(buf: np.ndarray, carried: int) -> int:
    """Backslashes at the very end of ``buf`` (plus ``carried`` when all of it is backslashes)."""
    if not len(buf) or buf[-1] != _BACKSLASH:
        return 0
    others = np.flatnonzero(buf != _BACKSLASH)
    first = int(others[-1]) + 1 if len(others) else 0
    run = len(buf) - first
    return run + carried if first == 0 else run


def _scan(path: str | os.PathLike, chunk_bytes: int) -> dict[str, np.ndarray]:
    scanner = _Scanner()
    with open(path, "rb", buffering=0) as f:
        while chunk := f.read(chunk_bytes):
            scanner.feed(chunk)
    return scanner.result(path)


def _read_range(f: Any, start: int, end: int) -> bytes:
    f.seek(start)
    return f.read(end - start)


def load_top_level(
    path: str | os.PathLike,
    keys: tuple[str, ...],
    *,
    chunk_bytes: int | None = None,
) -> tuple[Any, dict[str, ArraySpan]] | None:
    """The top-level object with the arrays under ``keys`` left out, and where they are.

    Returns ``(document, arrays)``: ``arrays`` maps each of ``keys`` whose value is an array
    to its :class:`ArraySpan` (read it with :func:`iter_array`); in ``document`` such a key
    holds ``None``. Returns None when the file is not a JSON object (the caller parses it
    whole and reports what it is).
    """
    import orjson

    if _first_byte(path) != b"{":
        return None
    found = _scan(path, chunk_bytes or CHUNK_BYTES)
    arrays_at = [
        (s, e) for s, e, c in zip(found["open1"].tolist(), found["close1"].tolist(), found["char1"].tolist())
        if c == ord("[")
    ]  # fmt: skip
    pieces, last = [], 0
    with open(path, "rb") as f:
        for k, (s, e) in enumerate(arrays_at):
            pieces.append(_read_range(f, last, s))
            pieces.append(b'"\\u0000gtconvert-array-%d"' % k)
            last = e + 1
        pieces.append(_read_range(f, last, os.path.getsize(path)))
        try:
            doc = orjson.loads(b"".join(pieces))
        except orjson.JSONDecodeError as exc:
            raise _invalid(path, f"outside the large arrays: {exc}") from None
        del pieces
        arrays: dict[str, ArraySpan] = {}
        opens, closes = found["open2"], found["close2"]
        for key, value in doc.items():
            if not (isinstance(value, str) and value.startswith(_PLACEHOLDER)):
                continue
            s, e = arrays_at[int(value[len(_PLACEHOLDER) :])]
            if key in keys:
                a, b = np.searchsorted(opens, s), np.searchsorted(opens, e)
                arrays[key] = ArraySpan(s, e, opens[a:b], closes[a:b])
                doc[key] = None
            else:  # another array: parsed whole, as the skeleton would have
                doc[key] = _parse(path, _read_range(f, s, e + 1), f"in '{key}'")
    return doc, arrays


def _parse(path: Any, text: bytes, where: str) -> Any:
    import orjson

    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise _invalid(path, f"{where}: {exc}") from None


def _is_blank(text: bytes) -> bool:
    return not text.strip(_WHITESPACE)


def iter_array(
    path: str | os.PathLike, span: ArraySpan, *, slice_bytes: int | None = None
) -> Iterator[list[Any]]:
    """The elements of one top-level array, as lists parsed from slices of the file.

    Between two slices the bytes must be one comma (and whitespace); inside a slice orjson
    checks. An array with anything but objects/arrays as elements is parsed whole instead,
    so that the caller sees exactly the elements a whole-file parse gives.
    """
    slice_bytes = slice_bytes or SLICE_BYTES
    begins, ends = span.begins, span.ends
    with open(path, "rb") as f:
        n = len(begins)
        head = _read_range(f, span.start + 1, int(begins[0]) if n else span.end)
        tail = _read_range(f, int(ends[-1]) + 1, span.end) if n else b""
        if not (_is_blank(head) and _is_blank(tail)):  # scalars (or stray commas) at an end
            yield _parse(path, _read_range(f, span.start, span.end + 1), f"in the array at byte {span.start}")
            return
        if n == 0:
            return
        # slice boundaries: the first element starting past each multiple of slice_bytes
        marks = np.arange(int(begins[0]) + slice_bytes, span.end, slice_bytes)
        cuts = np.unique(np.concatenate([np.searchsorted(begins, marks), [n]]))
        first = 0
        for stop in cuts[cuts > 0].tolist():
            a, b = int(begins[first]), int(ends[stop - 1]) + 1
            following = int(begins[stop]) if stop < n else b
            text = _read_range(f, a, following)
            where = f"in the array at byte {span.start}, near byte {a}"
            items = None
            if stop == n or text[b - a :].strip(_WHITESPACE) == b",":
                items = _parse(path, b"[" + text[: b - a] + b"]", where)
            if items is None or len(items) != stop - first:
                # something other than objects between them (or no comma): the rest in one piece,
                # so that orjson judges it and the caller sees every element
                yield _parse(path, b"[" + _read_range(f, a, span.end) + b"]", where)
                return
            first = stop
            yield items
