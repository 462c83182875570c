"""Split UTF-8 bytes into records: each one's first line, field count and values, blank lines counted.

Where numpy and pandas are installed, one vectorised pass over the bytes (newlines, separators, quotes
outside quoted fields) finds the records; blank ones are dropped and malformed ones (wrong field count)
replaced by an empty row, so pandas' C reader then parses only well-formed records and its frame stays in
file order. Quotes that do not follow RFC 4180 (a quote inside an unquoted value) make the vectorised pass
unsure; then, and wherever pandas is missing (the in-browser edition), the csv module reads the file instead,
slower but with the same result (``tests/cohort/test_cohort.py`` holds the two equal).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stepguide.rules.tables import has_pandas

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


@dataclass(frozen=True)
class Split:
    """The header's fields, then per non-blank record: line, field count, and values (one list per column)."""

    header: list[str]
    lines: list[int]
    fields: list[int]
    blank: int
    columns: list[list[str]]


def split_records(data: bytes, sep: str, max_rows: int, *, fast: bool | None = None) -> Split:
    """Records of ``data`` (LF line ends); more than ``max_rows`` non-blank records is an error.

    ``fast`` (default: whether pandas is installed) tries the vectorised reader first.
    """
    use_fast = has_pandas() if fast is None else fast
    return (use_fast and _fast_split(data, sep, max_rows)) or _exact_split(data, sep, max_rows)


@dataclass(frozen=True)
class Records:
    """Every record of the file: its first line, its field count, and whether it is blank (only separators)."""

    starts: np.ndarray
    ends: np.ndarray  # position of the record's newline
    fields: np.ndarray
    lines: np.ndarray
    blank: np.ndarray


CHUNK_ROWS = 20_000  # records the C reader turns into lists at a time
SHARED = 100_000  # distinct values the csv path keeps one string of (a class has a few hundred)
BLOCK = 1 << 20  # bytes scanned at a time: the scan's own memory stays a few MiB whatever the file size


def _quotes_ok(arr: np.ndarray, quotes: np.ndarray, first_opens: bool, sep: int) -> bool:
    """RFC 4180: a quoted field opens at a field's start and closes at its end (or at an escaped quote)."""
    import numpy as np

    opening, closing = (quotes[0::2], quotes[1::2]) if first_opens else (quotes[1::2], quotes[0::2])
    last = len(arr) - 1
    before, after = arr[np.maximum(opening - 1, 0)], arr[np.minimum(closing + 1, last)]
    ok_open = (opening == 0) | (before == sep) | (before == 10) | (before == 34)
    ok_close = (closing == last) | (after == sep) | (after == 10) | (after == 13) | (after == 34)
    return bool(ok_open.all() and ok_close.all())


def _outside(positions: np.ndarray, quotes: np.ndarray, quotes_before: int) -> np.ndarray:
    """The positions not inside a quoted field (an even number of quotes before them)."""
    import numpy as np

    if quotes.size == 0:
        return positions if quotes_before % 2 == 0 else positions[:0]
    return positions[(np.searchsorted(quotes, positions) + quotes_before) % 2 == 0]


def scan_records(data: bytes, sep: str) -> Records | None:
    """Two vectorised passes over the bytes in blocks; None when quotes are not RFC 4180.

    Pass 1 finds the newlines outside quotes (the record ends), pass 2 counts each record's
    separators outside quotes. Only positions are kept, a few bytes per record.
    """
    import numpy as np

    arr, sepb = np.frombuffer(data, dtype=np.uint8), ord(sep)
    blocks = range(0, len(arr), BLOCK)
    newlines, ends, offsets, quotes_before = [], [], [], 0
    for start in blocks:
        chunk = arr[start:start + BLOCK]
        nl = np.flatnonzero(chunk == 10) + start
        quotes = np.flatnonzero(chunk == 34) + start
        if quotes.size and not _quotes_ok(arr, quotes, quotes_before % 2 == 0, sepb):
            return None
        newlines.append(nl)
        ends.append(_outside(nl, quotes, quotes_before))
        offsets.append(quotes_before)
        quotes_before += quotes.size
    if quotes_before % 2:
        return None
    tail = [np.array([len(arr)])] if data[-1:] != b"\n" else []
    all_newlines, record_ends = np.concatenate(newlines + tail), np.concatenate(ends + tail)
    seps = np.zeros(len(record_ends), dtype=np.int64)
    for start, before in zip(blocks, offsets, strict=True):
        chunk = arr[start:start + BLOCK]
        found = _outside(np.flatnonzero(chunk == sepb) + start, np.flatnonzero(chunk == 34) + start, before)
        if found.size:
            seps += np.bincount(np.searchsorted(record_ends, found), minlength=len(record_ends))
    starts = np.concatenate(([0], record_ends[:-1] + 1))
    length = record_ends - starts
    length -= (length > 0) & (arr[np.maximum(record_ends - 1, 0)] == 13)  # CRLF: the CR is not content
    return Records(starts=starts, ends=record_ends, fields=seps + 1,
                   lines=np.searchsorted(all_newlines, starts) + 1, blank=length == seps)


def _check_rows(count: int, max_rows: int) -> None:
    if count > max_rows:
        raise ValueError(f"file: more than {max_rows:,} student rows, the limit (reading and judging that many "
                         f"takes about 2 s); split the class into files of at most {max_rows:,} rows")


def _csv_fields(text: str, sep: str) -> list[str]:
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), [])


def _fast_split(data: bytes, sep: str, max_rows: int) -> Split | None:
    """The split through the C reader, or None when the exact reader must do it."""
    import numpy as np
    import pandas as pd

    recs = scan_records(data, sep)
    if recs is None:
        return None
    filled = np.flatnonzero(~recs.blank)
    if filled.size == 0:
        raise ValueError("file: is empty")
    h = int(filled[0])
    header = _csv_fields(data[recs.starts[h]:recs.ends[h]].decode("utf-8"), sep)
    if len(header) != recs.fields[h]:
        return None
    n = len(header)
    rows = filled[1:]
    _check_rows(rows.size, max_rows)
    special = np.flatnonzero(recs.blank[h + 1:] | (recs.fields[h + 1:] != n)) + h + 1
    if special.size == 0:
        body = data[recs.starts[h]:] if h else data
    else:  # blank records dropped, malformed ones replaced by an empty row so the frame stays in file order
        pieces, at, empty = [], int(recs.starts[h]), (sep * (n - 1) + "\n").encode()
        for i in special:
            pieces.append(data[at:int(recs.starts[i])])
            if not recs.blank[i]:
                pieces.append(empty)
            at = int(recs.ends[i]) + 1
        pieces.append(data[at:])
        body = b"".join(pieces)
        if not body.endswith(b"\n"):
            body += b"\n"
    columns: list[list[str]] = [[] for _ in range(n)]
    all_empty: list[bool] = []
    quoted = b'"' in body  # then a record of empty quoted fields ("","") is blank too, as the csv module sees it
    try:  # in chunks, each turned into lists at once: the peak is the lists plus one chunk, not a whole frame
        for chunk in pd.read_csv(io.BytesIO(body), sep=sep, header=0, names=list(range(n)), dtype=object,
                                 keep_default_na=False, na_filter=False, skip_blank_lines=False, quotechar='"',
                                 doublequote=True, engine="c", encoding="utf-8", chunksize=CHUNK_ROWS):
            for j in range(n):
                columns[j] += chunk[j].tolist()
            if quoted:
                all_empty += (chunk == "").all(axis=1).tolist()
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    del body
    if len(columns[0]) != rows.size:
        return None
    lines, fields, blank = recs.lines[rows], recs.fields[rows], int(recs.blank.sum())
    drop = np.array(all_empty, dtype=bool) & (fields == n) if all_empty else None
    if drop is not None and drop.any():
        keep = np.flatnonzero(~drop).tolist()
        columns = [[col[i] for i in keep] for col in columns]
        lines, fields, blank = lines[~drop], fields[~drop], blank + int(drop.sum())
    return Split(header, lines.tolist(), fields.tolist(), blank, columns)


def _exact_split(data: bytes, sep: str, max_rows: int) -> Split:
    """The same result through the csv module, for files whose quotes the vectorised pass cannot trust and
    wherever pandas is missing. Equal values share one string (a class repeats a few spellings), as in pandas'
    reader, so a big file's memory is its rows, not one string per cell."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=sep, strict=False)
    header: list[str] | None = None
    lines: list[int] = []
    fields: list[int] = []
    columns: list[list[str]] = []
    shared: dict[str, str] = {}
    blank, last = 0, 0
    for record in reader:
        line, last = last + 1, reader.line_num
        if not any(record):
            blank += 1
        elif header is None:
            header = record
            columns = [[] for _ in header]
        else:
            lines.append(line)
            _check_rows(len(lines), max_rows)
            fields.append(len(record))
            if len(record) != len(header):
                record = [""] * len(header)
            for column, value in zip(columns, record, strict=True):
                column.append(shared.setdefault(value, value) if len(shared) < SHARED else value)
    if header is None:
        raise ValueError("file: is empty")
    return Split(header, lines, fields, blank, columns)
