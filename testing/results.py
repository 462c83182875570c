"""Where a benchmark's run goes: appended, with when and which Python, to ``benchmarks/results/<name>.json``."""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"


def append_result(name: str, result: dict[str, Any]) -> Path:
    """Append one run to ``results/<name>.json`` (a JSON list), so runs can be compared over time."""
    path = RESULTS / f"{name}.json"
    records = json.loads(path.read_text()) if path.exists() else []
    records.append({"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "python": sys.version.split()[0], **result})
    path.write_text(json.dumps(records, indent=1) + "\n")
    return path


def run_cli(doc: str | None, name: str, options: dict[str, int],
            run: Callable[[argparse.Namespace], dict[str, Any]]) -> dict[str, Any]:
    """A benchmark's command line: its integer ``options`` (``--rows 50000``...) and ``--no-save``; prints the
    result as a table and appends it to ``results/<name>.json`` unless told not to."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    for option, default in options.items():
        ap.add_argument(f"--{option}", type=int, default=default)
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args()
    result = run(args)
    width = max(map(len, result)) + 2
    for key, value in result.items():
        print(f"{key:{width}s} {value}")
    if not args.no_save:
        append_result(name, result)
    return result
