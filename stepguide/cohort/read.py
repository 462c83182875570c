"""Read the file an adviser really has into one judged table where every line is accounted for.

Spreadsheets save "CSV" in several ways, so each step says what it found rather than guess: the
encoding (UTF-8 with or without BOM, UTF-16, else Windows-1252), the separator (comma, semicolon
or tab, from the header line) and which header means which input (case, spaces and punctuation
ignored; aliases in ``data/cohort_headers.csv``). A record with the wrong number of fields or a bad
value keeps its line number and the reason; every other record is judged by the rules as
:func:`stepguide.assess_frame` judges a table (:mod:`stepguide.rules.batch`: each distinct input once), so
rows in == rows judged + rows named. Only the well-formed records go through pandas' C reader: one vectorised
pass over the bytes finds each record's line and field count first, which keeps 200,000 rows well inside the
time and memory budget (benchmarks/README.md). Without pandas (the in-browser edition) the csv module reads
the records and everything else is the same plain Python: a class file judged in the adviser's own browser.
"""
from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any

from stepguide.cohort.file import MAX_BYTES, MAX_ROWS, SEPARATORS, decode, find_separator, size_error
from stepguide.cohort.headers import map_headers
from stepguide.cohort.records import split_records
from stepguide.rules.batch import Judge
from stepguide.rules.frame import NUMBER_COLUMNS, RESULT_COLUMNS
from stepguide.rules.inputs import FLAGS, InputError
from stepguide.rules.words import say

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

CHUNK_ROWS = 10_000  # judged this many at a time: progress steps, and the peak of judging stays small
FLAG_WORDS = {"true": True, "false": False, "yes": True, "no": False, "": False}
Progress = Callable[[float, str], None]


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Cohort:
    """A read and judged file: one row per non-blank record, in file order, plus how it was read.

    ``columns`` holds, one list per column and one entry per row, ``line`` (the record's line in the file),
    the file's columns under their input names, the verdict columns of :func:`stepguide.assess_frame` and
    ``error`` (None when judged). ``rows``, ``judged`` and ``named`` show them as DataFrames where pandas is
    installed; the page and the exports read the lists, so they work without it.
    """

    columns: dict[str, Sequence[Any]]
    encoding: str
    separator: str
    headers: tuple[tuple[str, str], ...]  # (as written in the file, input column)
    blank_lines: int = 0
    ignored_columns: tuple[int, ...] = ()  # 1-based positions of empty columns without a header
    name: str = ""
    notes_extra: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.columns["line"])

    @cached_property
    def judged_rows(self) -> list[int]:
        """Positions of the rows judged by the rules (no error)."""
        return [i for i, e in enumerate(self.columns["error"]) if e is None]

    @cached_property
    def named_rows(self) -> list[int]:
        """Positions of the rows that could not be judged."""
        return [i for i, e in enumerate(self.columns["error"]) if e is not None]

    def judged_column(self, name: str) -> list[Any]:
        """One column's values on the judged rows."""
        values = self.columns[name]
        return [values[i] for i in self.judged_rows]

    @cached_property
    def rows(self) -> pd.DataFrame:
        """Every row as a DataFrame (pandas): ``line`` as integers, ``delta`` and ``value_score`` as nullable
        integers, a yes/no column whose every cell was read as one as booleans, the rest as objects."""
        import pandas as pd

        def column(name: str, values: Sequence[Any]) -> Any:
            if name in NUMBER_COLUMNS:
                return pd.array(values, dtype="Int64")
            if name == "line" or (name in FLAGS and all(isinstance(v, bool) for v in values)):
                return pd.Series(values, dtype="int64" if name == "line" else bool)
            return pd.Series(values, dtype=object)

        return pd.DataFrame({name: column(name, values) for name, values in self.columns.items()}, copy=False)

    @cached_property
    def judged(self) -> pd.DataFrame:
        """Rows judged by the rules (no error)."""
        return self.rows[self.rows["error"].isna()]

    @cached_property
    def named(self) -> pd.DataFrame:
        """Rows that could not be judged, each with its line and reason."""
        return self.rows[self.rows["error"].notna()]

    def notes(self) -> list[str]:
        """How the file was read, in plain words (shown above the table and in the summary)."""
        renamed = [f"'{h}' as {c}" for h, c in self.headers if h != c]
        out = [say("cohort_read_as", encoding=self.encoding, separator=SEPARATORS[self.separator],
                   rows=_count(len(self), "row"), judged=len(self.judged_rows), fix=len(self.named_rows))]
        if renamed:
            out.append(say("cohort_headers_read", headers=", ".join(renamed)))
        if self.blank_lines:
            out.append(say("cohort_blank_lines", lines=_count(self.blank_lines, "empty line")))
        if self.ignored_columns:
            out.append(say("cohort_ignored_columns", columns=", ".join(map(str, self.ignored_columns))))
        return out + list(self.notes_extra)


@dataclass(frozen=True)
class ParsedCohort:
    """A file read but not yet judged: the input columns, each row's line and field count, how it was read."""

    inputs: dict[str, list[Any]]
    lines: Sequence[int]
    fields: list[int]
    width: int  # fields in the header
    encoding: str
    separator: str
    headers: tuple[tuple[str, str], ...]
    blank_lines: int
    ignored_columns: tuple[int, ...]
    name: str
    note: str


def read_cohort(source: bytes | bytearray | memoryview | str | os.PathLike[str] | IO[Any], *, name: str = "",
                max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES, progress: Progress | None = None) -> Cohort:
    """Read and judge an adviser's file (a path, its bytes, or an open file); ``ValueError`` says what is wrong.

    File-level problems (size, encoding, headers) raise with a message starting ``file:``; a bad row
    never does: it comes back with its ``line`` and ``error``. ``progress(fraction, text)`` is called
    while reading and after each chunk of rows judged, so a page can show a progress bar.
    """
    step = progress or (lambda fraction, text: None)
    step(0.0, say("cohort_reading"))
    parsed = parse_cohort(source, name=name, max_rows=max_rows, max_bytes=max_bytes)
    step(0.1, say("cohort_read_rows", rows=len(parsed.lines)))
    return judge_cohort(parsed, progress=lambda f, text: step(0.1 + 0.9 * f, text))


def parse_cohort(source: bytes | bytearray | memoryview | str | os.PathLike[str] | IO[Any], *, name: str = "",
                 max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES, fast: bool | None = None) -> ParsedCohort:
    """The reading half of :func:`read_cohort` (decode, separator, headers, records), with the same errors.

    ``fast`` (default: where pandas is installed) reads well-formed records with pandas' C reader; otherwise
    the csv module reads them, with the same result.
    """
    raw, name = _load(source, name, max_bytes)
    if not raw:
        raise ValueError("file: is empty")
    data, encoding, note = decode(raw)
    del raw
    if b"\n" not in data and b"\r" in data:  # old Mac line ends; CRLF is read as it is
        data = data.replace(b"\r", b"\n")
    sep = find_separator(data)
    split = split_records(data, sep, max_rows, fast=fast)
    header, lines, fields, blank, values = split.header, split.lines, split.fields, split.blank, split.columns
    del data
    columns = map_headers(header)
    if not lines:
        raise ValueError("file: has a header line but no student rows under it")
    keep: dict[str, list[Any]] = {}
    ignored = []
    for j, col in enumerate(columns):
        if col is not None:
            keep[col] = map_unique(values[j], lambda v: FLAG_WORDS.get(v.strip().lower(), v)) if col in FLAGS \
                else values[j]
            continue
        filled = next((k for k, (v, n) in enumerate(zip(values[j], fields, strict=True))
                       if n == len(header) and v.strip()), None)
        if filled is not None:
            raise ValueError(f"file: column {j + 1} has no header but has values (first on line "
                             f"{lines[filled]}); give it one of the names the guide reads or delete it")
        ignored.append(j + 1)
    del values
    # the lines as machine integers: 200,000 of them as Python ints would be ~6 MiB more at the peak
    return ParsedCohort(inputs=keep, lines=array("q", lines), fields=fields, width=len(header),
                        encoding=encoding, separator=sep, blank_lines=blank, ignored_columns=tuple(ignored),
                        headers=tuple((h.strip(), c) for h, c in zip(header, columns, strict=True) if c),
                        name=name, note=note)


def judge_cohort(parsed: ParsedCohort, progress: Progress | None = None) -> Cohort:
    """The judging half of :func:`read_cohort`: every row through the rules, malformed rows named."""
    step = progress or (lambda fraction, text: None)
    verdicts = _judge(parsed.inputs, len(parsed.lines), step)
    width, sep = parsed.width, parsed.separator
    for i, got in enumerate(parsed.fields):
        if got != width:
            for values in verdicts.values():
                values[i] = None
            verdicts["error"][i] = _field_count_error(got, width, sep)
    columns = {"line": parsed.lines, **parsed.inputs, **verdicts}
    step(1.0, f"Judged {len(parsed.lines):,} rows")
    return Cohort(columns=columns, encoding=parsed.encoding, separator=sep, name=parsed.name,
                  blank_lines=parsed.blank_lines, headers=parsed.headers, ignored_columns=parsed.ignored_columns,
                  notes_extra=(parsed.note,) if parsed.note else ())


def _load(source: Any, name: str, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if "\n" in path:
            raise TypeError("read_cohort: got text with line breaks where a path was expected; "
                            "pass text.encode() or io.StringIO(text)")
        _check_size(os.path.getsize(path), max_bytes)
        with open(path, "rb") as fh:
            raw = fh.read()
        name = name or os.path.basename(path)
    elif hasattr(source, "read"):
        got = source.read(max_bytes + 1)
        raw = got.encode("utf-8") if isinstance(got, str) else bytes(got)
        name = name or os.path.basename(str(getattr(source, "name", "")))
    else:
        raise TypeError(f"read_cohort: expected a path, bytes or an open file, got {type(source).__name__}")
    _check_size(len(raw), max_bytes)
    return raw, name


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ValueError(size_error(size, max_bytes))


def map_unique(values: list[str], fn: Callable[[str], object]) -> list[Any]:
    """``fn`` applied once per distinct value (a class has few), then mapped over every row."""
    seen = {u: fn(u) for u in dict.fromkeys(values)}
    return [seen[v] for v in values]


def _field_count_error(got: int, want: int, sep: str) -> str:
    word = SEPARATORS[sep]
    if got > want:
        return say("cohort_line_too_long", got=got, want=want, separator=word)
    return say("cohort_line_too_short", got=got, fields="field" if got == 1 else "fields", want=want, separator=word)


def _judge(inputs: dict[str, list[Any]], n: int, step: Progress) -> dict[str, list[Any]]:
    """The rules over chunks of rows (:class:`~stepguide.rules.batch.Judge`, as :func:`assess_frame` uses it, its
    memories kept from chunk to chunk): progress after each chunk, each distinct input judged once."""
    judge = Judge()
    out: dict[str, list[Any]] = {name: [] for name in (*RESULT_COLUMNS, "error")}
    for start in range(0, n, CHUNK_ROWS):
        end = min(start + CHUNK_ROWS, n)
        try:
            judged = judge.judge({c: values[start:end] for c, values in inputs.items()})
        except InputError as exc:  # missing required columns: the whole file, not one row
            raise ValueError(f"file: {exc.problem}") from None
        for name in RESULT_COLUMNS:
            out[name] += judged.column(name)
        out["error"] += judged.errors
        step(end / n, say("cohort_judged", done=end, rows=n))
    return out
