"""The data folder as the tests walk it: every table's name, and a fresh strict read of any CSV file."""
from __future__ import annotations

from pathlib import Path

from stepguide.rules.schema import DataDir, Table
from stepguide.rules.tables import DATA_DIR


def table_names() -> list[str]:
    """Every data table (``data/*.csv`` but the schema)."""
    return DataDir(DATA_DIR).names()


def load_csv(path: Path) -> Table:
    """Read a CSV strictly, as ``table()`` reads ``data/`` (not from its cache): against the schema.csv beside it,
    its table name being the file's stem and its references looked up in the CSV files beside it."""
    return DataDir(path.parent).table(path.stem)
