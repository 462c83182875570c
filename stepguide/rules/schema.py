"""Strict tables: every ``data/*.csv`` is read against its declaration in ``data/schema.csv``.

A lenient CSV reader once let an unquoted comma split a sentence in two (the second half landed in the
``source`` column and students read half the advice), and guessing a column's type from its cells means a
typo silently turns a number column into text. So the columns, their types, which cells may be blank, the
key and every reference to another table are declared as data, and a file that breaks any of it fails to
load with :class:`DataFileError`, naming the file and the line. Only the standard library is used.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

Row = dict[str, Any]

SCHEMA_FILE = "schema.csv"
SCHEMA_COLUMNS = ("table", "column", "type", "required", "key", "references", "note")


class DataFileError(ValueError):
    """A data file that breaks its schema; ``path`` is the file and ``line`` its 1-based line (1 is the header)."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        self.path, self.line, self.problem = Path(path), line, problem
        super().__init__(f"{self.path.parent.name}/{self.path.name}, line {line}: {problem}")


class Table(tuple[Row, ...]):
    """The rows of one CSV (dicts, in file order) with the few queries the guide needs."""

    def where(self, **equal: Any) -> Table:
        return Table(r for r in self if all(r[k] == v for k, v in equal.items()))

    def col(self, name: str) -> list[Any]:
        return [r[name] for r in self]

    def by(self, key: str) -> dict[Any, Row]:
        """Rows keyed by one column (the loader has checked that a declared key does not repeat)."""
        return {r[key]: r for r in self}

    def sorted_by(self, key: str) -> Table:
        return Table(sorted(self, key=lambda r: r[key]))


# ---------------------------------------------------------------- cell types

def _number(pattern: str, kind: type, what: str) -> Callable[[str], Any]:
    """A parser that takes only plain numbers (``int()`` alone would also take ``" 1_0"``)."""
    compiled = re.compile(pattern)

    def parse(cell: str) -> Any:
        if not compiled.fullmatch(cell):
            raise ValueError(f"{cell!r} is not {what}")
        return kind(cell)

    return parse


def _bool(cell: str) -> bool:
    if cell not in ("True", "False"):
        raise ValueError(f"{cell!r} is not a bool (True or False)")
    return cell == "True"


def _items(sep: str, wildcard: bool) -> Callable[[str], str]:
    """A ``sep``-separated list kept as its text (the rules split it where they use it), checked for empty or
    padded items that would never match; with ``wildcard``, ``*`` alone (anything) is allowed too."""

    def check(cell: str) -> str:
        if wildcard and cell == "*":
            return cell
        for item in cell.split(sep):
            if not item or item != item.strip() or item == "*":
                raise ValueError(f"{cell!r} has an empty, padded or '*' item (items are separated by {sep!r}"
                                 + (", or the whole cell is '*')" if wildcard else ")"))
        return cell

    return check


#: type name -> the parser a non-blank cell goes through (a blank cell is None in every type).
TYPES: dict[str, Callable[[str], Any]] = {
    "text": str, "bool": _bool, "int": _number(r"[-+]?[0-9]+", int, "an int (a whole number)"),
    "float": _number(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+|inf)", float, "a float (a number, -inf or inf)"),
    "list": _items("|", False), "pattern": _items("|", True), "path": _items(">", False),
}


def _items_of(kind: str, value: Any) -> list[str]:
    """What a reference checks: each item of a list or path, of a pattern but ``*``, or the whole value."""
    if kind in ("list", "pattern"):
        return [] if value == "*" else str(value).split("|")
    return str(value).split(">") if kind == "path" else [str(value)]


_REFERENCE = re.compile(r"(\w+)\.(\w+)(?:\[(\w+)(?:=([^\]]+))?\])?")


class Reference(NamedTuple):
    """``table.column``: each value (each item of a list) must occur there; ``table.column[c]`` only among the
    rows whose ``c`` equals this row's ``c``; ``table.column[c=v]`` only among the rows whose ``c`` is ``v``."""

    table: str
    column: str
    same: str | None
    where: tuple[str, str] | None

    def __str__(self) -> str:
        if self.same:
            return f"{self.table}.{self.column} with the same {self.same}"
        if self.where:
            return f"{self.table}.{self.column} where {self.where[0]} is {self.where[1]}"
        return f"{self.table}.{self.column}"


class Column(NamedTuple):
    """One declared column (one row of schema.csv, at ``line``)."""

    name: str
    type: str
    required: bool
    key: bool
    references: Reference | None
    line: int


# ---------------------------------------------------------------- reading


def _records(path: Path) -> list[tuple[int, list[str]]]:
    """Every record of a CSV with the line it starts on (a quoted cell may span lines); bad quoting is an error."""
    out: list[tuple[int, list[str]]] = []
    line = 1
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            for cells in reader:
                out.append((line, cells))
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as e:
            raise DataFileError(path, line, f"not valid UTF-8 CSV ({e})") from None
    if not out:
        raise DataFileError(path, 1, "empty file (no header)")
    header = out[0][1]
    for line, cells in out[1:]:
        if len(cells) != len(header):
            raise DataFileError(path, line, f"{len(cells)} cells, header has {len(header)} ({','.join(header)})")
    return out


class Schema(NamedTuple):
    """schema.csv read: table name -> its declared columns by name."""

    path: Path
    tables: Mapping[str, Mapping[str, Column]]

    def columns(self, name: str, path: Path) -> Mapping[str, Column]:
        if name not in self.tables:
            raise DataFileError(path, 1, f"table {name!r} is not declared in {SCHEMA_FILE}: add a row per column "
                                         f"({','.join(SCHEMA_COLUMNS)})")
        return self.tables[name]


def _declaration_problem(table: str, column: str, kind: str, required: str, key: str, references: str) -> str:
    """What is wrong with one row of schema.csv ('' if nothing)."""
    if not (table.isidentifier() and column):
        return "table must be a name and column non-blank"
    if kind not in TYPES:
        return f"type {kind!r} is not one of {', '.join(TYPES)}"
    if required not in ("yes", "no") or key not in ("yes", "no"):
        return "required and key are yes or no"
    if key == "yes" and required != "yes":
        return f"{table}.{column} is part of the key, so it must be required"
    if references and not _REFERENCE.fullmatch(references):
        return f"references {references!r} is not table.column, table.column[col] or table.column[col=value]"
    return ""


def read_schema(path: str | Path) -> Schema:
    """Read a schema file (``table,column,type,required,key,references,note``), itself checked strictly."""
    path = Path(path)
    records = _records(path)
    if tuple(records[0][1]) != SCHEMA_COLUMNS:
        raise DataFileError(path, 1, f"the header must be {','.join(SCHEMA_COLUMNS)}")
    tables: dict[str, dict[str, Column]] = {}
    for line, (table, column, kind, required, key, references, _note) in records[1:]:
        problem = _declaration_problem(table, column, kind, required, key, references)
        if not problem and column in tables.get(table, {}):
            problem = f"{table}.{column} is declared twice"
        if problem:
            raise DataFileError(path, line, problem)
        m = _REFERENCE.fullmatch(references)
        ref = None if m is None else Reference(m[1], m[2], m[3] if m[4] is None else None,
                                               None if m[4] is None else (m[3], m[4]))
        tables.setdefault(table, {})[column] = Column(column, kind, required == "yes", key == "yes", ref, line)
    for table, columns in tables.items():  # every reference points at declared columns
        for col in columns.values():
            ref = col.references
            if ref is None:
                continue
            wanted = [ref.column] + ([ref.same] if ref.same else []) + ([ref.where[0]] if ref.where else [])
            if ref.table not in tables or any(c not in tables[ref.table] for c in wanted) or (
                    ref.same and ref.same not in columns):
                raise DataFileError(path, col.line, f"{table}.{col.name} references {ref}, which is not declared")
    return Schema(path, tables)


def _parse(path: Path, name: str, schema: Schema) -> tuple[Table, tuple[int, ...]]:
    """One file's typed rows and the line each starts on; checks columns, cell types, blanks and the key."""
    records = _records(path)
    declared = schema.columns(name, path)
    header = records[0][1]
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise DataFileError(path, 1, f"column {column!r} appears twice in the header")
        seen.add(column)
        if column not in declared:
            raise DataFileError(path, 1, f"column {column!r} is not declared in {SCHEMA_FILE} "
                                         f"(add a row: {name},{column},type,required,key,references,note)")
    for spec in declared.values():
        if spec.name not in seen:
            raise DataFileError(path, 1, f"column {spec.name!r} is declared in {SCHEMA_FILE} (line {spec.line})"
                                         " but missing from the header")
    specs = [(c, declared[c].required, TYPES[declared[c].type]) for c in header]
    key = [c for c in header if declared[c].key]
    keys: dict[tuple[Any, ...], int] = {}
    rows: list[Row] = []
    for line, cells in records[1:]:
        row: Row = {}
        for (column, required, parse), cell in zip(specs, cells, strict=True):
            if cell == "":
                if required:
                    raise DataFileError(path, line, f"column {column} is blank, but {SCHEMA_FILE} requires a value")
                row[column] = None
                continue
            if cell != cell.strip():
                raise DataFileError(path, line, f"column {column}: {cell[:40]!r} starts or ends with a space")
            try:
                row[column] = parse(cell)
            except ValueError as e:
                raise DataFileError(path, line, f"column {column}: {e}") from None
        if key:
            value = tuple(row[c] for c in key)
            first = keys.setdefault(value, line)
            if first != line:
                shown = ", ".join(f"{c}={v!r}" for c, v in zip(key, value, strict=True))
                raise DataFileError(path, line, f"duplicate key {shown} (first on line {first})")
        rows.append(row)
    return Table(rows), tuple(line for line, _ in records[1:])


class DataDir:
    """The CSV tables of one directory and its schema.csv: each table read strictly once, and its references
    checked against the other tables of the same directory."""

    def __init__(self, directory: str | Path, schema: Schema | None = None) -> None:
        self.directory = Path(directory)
        self.schema = schema or read_schema(self.directory / SCHEMA_FILE)
        self._parsed: dict[str, tuple[Table, tuple[int, ...]]] = {}
        self._tables: dict[str, Table] = {}

    def names(self) -> list[str]:
        """The tables here (every ``*.csv`` but the schema itself)."""
        return sorted(p.stem for p in self.directory.glob("*.csv") if p.name != SCHEMA_FILE)

    def path(self, name: str) -> Path:
        path = self.directory / f"{name}.csv"
        if not path.is_file():
            raise FileNotFoundError(f"no data table {name!r} in {self.directory}")
        return path

    def _rows(self, name: str) -> tuple[Table, tuple[int, ...]]:
        if name not in self._parsed:
            self._parsed[name] = _parse(self.path(name), name, self.schema)
        return self._parsed[name]

    def table(self, name: str) -> Table:
        """``<name>.csv`` as typed rows, after every check including its references (done once)."""
        if name not in self._tables:
            rows, lines = self._rows(name)
            for column in self.schema.columns(name, self.path(name)).values():
                if column.references is not None:
                    self._check_reference(name, column, rows, lines)
            self._tables[name] = rows
        return self._tables[name]

    def _check_reference(self, name: str, column: Column, rows: Table, lines: tuple[int, ...]) -> None:
        ref = column.references
        assert ref is not None
        if not (self.directory / f"{ref.table}.csv").is_file():
            raise DataFileError(self.schema.path, column.line, f"{name}.{column.name} references {ref.table}, "
                                                               f"which has no file {ref.table}.csv")
        targets: dict[Any, set[str]] = {}
        for r in self._rows(ref.table)[0]:
            if ref.where and str(r[ref.where[0]]) != ref.where[1]:
                continue
            if r[ref.column] is not None:
                targets.setdefault(r[ref.same] if ref.same else None, set()).add(str(r[ref.column]))
        for row, line in zip(rows, lines, strict=True):
            value = row[column.name]
            if value is None:
                continue
            allowed = targets.get(row[ref.same] if ref.same else None, set())
            for item in _items_of(column.type, value):
                if item not in allowed:
                    scope = f" (this row's {ref.same} is {row[ref.same]!r})" if ref.same else ""
                    raise DataFileError(self.directory / f"{name}.csv", line,
                                        f"column {column.name}: {item!r} is not found in {ref}{scope}")
