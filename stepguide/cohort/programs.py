"""Read a student's program list (a spreadsheet paste, tab or comma separated, or a CSV file), every line accounted for.

The file is read as the class file is (:mod:`stepguide.cohort.file`: a size limit, then the encoding and the
separator found and said out loud; workbooks and binary bytes refused), but a program list is one person's
and short, so it is read with the standard ``csv`` module (no pandas: the in-browser edition reads it too).
Headers are matched ignoring case, spaces and punctuation: a field's id, its label (``program_words.csv``)
or an alias (``program_headers.csv``). Unlike the class file, a column the guide does not read is named
and ignored, since a student's own sheet has columns of its own (deadlines, notes). A bad row never
stops the others: it comes back with its line and one message per bad field, naming the allowed values.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache

from stepguide.cohort.file import SEPARATORS, decode, find_separator, human_size
from stepguide.cohort.headers import header_key, header_lookup
from stepguide.rules.programs import FIELDS, FLAGS, PARSERS, STATUSES, Program, sample_programs, word
from stepguide.rules.tables import table

MAX_PROGRAMS = 500       # rows: more than anyone applies to (the workshop's list has 12, a long one 80-150)
MAX_BYTES = 512 * 1024   # 500 rows with every column filled to its limit fit in about 300 KiB
REQUIRED = ("name", "status")


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong on one line: ``field`` is the field named (``line`` for a malformed record)."""

    line: int
    field: str
    message: str  # "line 4: status: 'maybe' is not a status; choose one of: ..."


@dataclass(frozen=True)
class ProgramList:
    """A list as read: the programs (in file order, with the line each came from) and the lines to fix."""

    programs: tuple[Program, ...]
    lines: tuple[int, ...]
    problems: tuple[RowProblem, ...]
    headers: tuple[tuple[str, str], ...]  # (as written, field) for the columns read
    ignored: tuple[str, ...]              # headers of the columns not read
    encoding: str
    separator: str
    blank_lines: int = 0
    note: str = ""                        # how the bytes were decoded, when it was not plain UTF-8

    @property
    def bad_lines(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(p.line for p in self.problems))

    def notes(self) -> list[str]:
        """How the list was read, in plain words (shown above the plan)."""
        out = [word("message", "read_as", encoding=self.encoding, separator=SEPARATORS[self.separator],
                    rows=len(self.programs) + len(self.bad_lines), ok=len(self.programs), bad=len(self.bad_lines))]
        if self.ignored:
            out.append(word("message", "ignored", columns=", ".join(repr(h) for h in self.ignored)))
        if self.blank_lines:
            out.append(word("message", "blank_lines", count=self.blank_lines))
        return out + ([self.note] if self.note else [])


_key = header_key


@cache
def accepted_headers() -> dict[str, tuple[str, ...]]:
    """Field -> the headers that mean it besides its id: its label and ``program_headers.csv``'s aliases."""
    aliases = table("program_headers")
    return {f: tuple(dict.fromkeys(h for h in (word("field", f), *aliases.where(column=f).col("header"))
                                   if _key(h) != _key(f))) for f in FIELDS}


@cache
def _lookup() -> dict[str, str]:
    return header_lookup(FIELDS, accepted_headers(), "program_headers.csv")


def allowed_text() -> str:
    """The headers the reader takes, in one sentence (for messages and the page)."""
    return "; ".join(f + (f" (or {', '.join(repr(a) for a in names)})" if names else "")
                     for f, names in accepted_headers().items())


def _columns(header: list[str]) -> tuple[dict[int, str], list[str]]:
    """Field of each read column (by position) and the headers not read; a field named twice is an error."""
    lookup, read, ignored = _lookup(), dict[int, str](), list[str]()
    for j, name in enumerate(header):
        field = lookup.get(_key(name))
        if field is None:
            if name.strip():
                ignored.append(name.strip())
            continue
        twice = [k for k, f in read.items() if f == field]
        if twice:
            where = " and ".join(f"{k + 1} {header[k].strip()!r}" for k in (*twice, j))
            raise ValueError(word("message", "twice", where=where, field=field))
        read[j] = field
    for field in REQUIRED:
        if field not in read.values():
            raise ValueError(word("message", "no_column", field=field, allowed=allowed_text()))
    return read, ignored


def _records(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """Every record with the line it starts on (a quoted cell may span lines)."""
    out, line = [], 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        for record in reader:
            out.append((line, record))
            line = reader.line_num + 1
    except csv.Error as e:
        raise ValueError(word("message", "bad_csv", line=line, problem=e)) from None
    return out


def read_programs(source: str | bytes | bytearray | memoryview, *, max_rows: int = MAX_PROGRAMS,
                  max_bytes: int = MAX_BYTES) -> ProgramList:
    """Read a pasted or uploaded list; ``ValueError`` (starting ``file:``) for what stops the whole list.

    Markup, formulas and control characters in a name, an unknown status or a bad yes/no are a row's
    problems, named by line and field; more than ``max_rows`` rows or ``max_bytes`` bytes, binary bytes
    and workbooks are refused outright.
    """
    raw = source.encode("utf-8", "replace") if isinstance(source, str) else bytes(source)  # lone surrogates: "?"
    if len(raw) > max_bytes:
        raise ValueError(word("message", "too_big", size=human_size(len(raw)), limit=human_size(max_bytes)))
    if not raw.strip():
        raise ValueError(word("message", "empty"))
    data, encoding, note = decode(raw)
    text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    sep = find_separator(text.encode("utf-8"))
    records = _records(text, sep)
    filled = [(line, r) for line, r in records if any(c.strip() for c in r)]
    if not filled:
        raise ValueError(word("message", "empty"))
    (_, header), rows = filled[0], filled[1:]
    if len(rows) > max_rows:
        raise ValueError(word("message", "too_many", limit=f"{max_rows:,}", rows=f"{len(rows):,}"))
    columns, ignored = _columns(header)
    programs, lines, problems = [], [], []
    seen: dict[str, int] = {}
    for line, cells in rows:
        extra = [c for c in cells[len(header):] if c.strip()]
        if extra:  # a value with the separator inside and no quotes: every field after it is shifted
            problems.append(RowProblem(line, "line", word("message", "fields", line=line, got=len(cells),
                                                          want=len(header), separator=SEPARATORS[sep])))
            continue
        cells = cells + [""] * (len(header) - len(cells))  # missing trailing cells are blank (no, or not given)
        values, bad = {}, []
        for j, field in columns.items():
            try:
                values[field] = PARSERS[field](cells[j])
            except ValueError as e:
                bad.append(RowProblem(line, field, word("message", "line", line=line, problem=e)))
        name = values.get("name")
        if name is not None:
            first = seen.setdefault(_key(name), line)
            if first != line:
                bad.append(RowProblem(line, "name", word("message", "line", line=line, problem=word(
                    "message", "duplicate", value=repr(name), first=first))))
        if bad:
            problems.extend(bad)
            continue
        programs.append(Program(**values))
        lines.append(line)
    return ProgramList(programs=tuple(programs), lines=tuple(lines), problems=tuple(problems),
                       headers=tuple((header[j].strip(), f) for j, f in columns.items()), ignored=tuple(ignored),
                       encoding=encoding, separator=sep, blank_lines=len(records) - len(filled), note=note)


def programs_text(programs: tuple[Program, ...], separator: str = ",") -> str:
    """A list as the reader takes it back (the labels as headers, yes or blank for the flags)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow([word("field", f) for f in FIELDS])
    for p in programs:
        writer.writerow([p.name, p.status,
                         *("yes" if getattr(p, f) else "" for f in FLAGS), p.contact_email or "",
                         p.interview_date.isoformat() if p.interview_date else ""])
    return out.getvalue()


def sample_programs_text() -> str:
    """The workshop's 12 programs as a paste: what the page's "load the sample" button puts in the box."""
    return programs_text(sample_programs())


__all__ = ["MAX_BYTES", "MAX_PROGRAMS", "ProgramList", "RowProblem", "STATUSES", "accepted_headers", "allowed_text",
           "programs_text", "read_programs", "sample_programs_text"]
