"""The file as bytes: its size limit, then UTF-8 and a separator, each found from the file and said out loud.

Limits come from measurements (benchmarks/README.md): 200,000 rows are read and judged within 2 s
and 100 MiB; the byte limit leaves room for that many rows with every column, in UTF-16 too.

Encodings: a BOM decides (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM shows as every other byte
NUL; otherwise strict UTF-8, and only when that fails Windows-1252 (what Excel's plain "CSV"
writes on Windows), reported with the line of the first non-UTF-8 byte. Workbooks (.xlsx, .xls,
.ods) are recognised by their first bytes and refused with how to save them as CSV.
"""
from __future__ import annotations

import codecs
import re

from stepguide.rules.words import say

MIB = 1024 * 1024
MAX_ROWS = 200_000
MAX_BYTES = 32 * MIB  # 200,000 rows with every column: ~13 MB in UTF-8, ~26 MB in UTF-16; room for longer values
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
SAVE_AS_CSV = say("cohort_save_as_csv")


def human_size(size: float) -> str:
    """1.5 MiB, 12 KiB or 300 bytes (the front end formats sizes the same way)."""
    if size >= MIB:
        return f"{size / MIB:.1f} MiB".replace(".0 MiB", " MiB")
    return f"{size / 1024:.0f} KiB" if size >= 1024 else f"{int(size)} bytes"


def size_error(size: int | None, max_bytes: int = MAX_BYTES) -> str:
    """The message for a file over the byte limit; ``size=None`` leaves ``{size}`` for the page's front end."""
    shown = "{size}" if size is None else human_size(size)
    return "file: " + say("cohort_too_big", size=shown, limit=human_size(max_bytes))


def size_limit_text(max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> str:
    """The limits in words, for the page."""
    return say("cohort_limits", rows=max_rows, size=human_size(max_bytes))


def decode(raw: bytes) -> tuple[bytes, str, str]:
    """``(utf8_bytes, encoding name, note)``: BOMs and UTF-16 are detected, not assumed."""
    if raw.startswith(b"PK\x03\x04"):
        raise ValueError("file: this is a spreadsheet workbook (.xlsx or .ods), not a CSV. " + SAVE_AS_CSV)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValueError("file: this is an old Excel workbook (.xls), not a CSV. " + SAVE_AS_CSV)
    if raw.startswith(codecs.BOM_UTF8):
        return _utf8(raw[3:], "UTF-8 (with BOM)"), "UTF-8 (with BOM)", ""
    for bom, codec, label in ((codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
                              (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE")):
        if raw.startswith(bom):
            return _utf16(memoryview(raw)[2:], codec, label), label, ""
    head = raw[:4096]
    if b"\x00" in head:
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd > 3 * max(even, 1) and odd >= len(head) // 4:
            return _utf16(raw, "utf-16-le", "UTF-16 LE (no BOM)"), "UTF-16 LE (no BOM)", ""
        if even > 3 * max(odd, 1) and even >= len(head) // 4:
            return _utf16(raw, "utf-16-be", "UTF-16 BE (no BOM)"), "UTF-16 BE (no BOM)", ""
        raise ValueError("file: contains NUL bytes, so it is not a text file. " + SAVE_AS_CSV)
    bad = _first_bad_byte(raw, "utf-8")
    if bad is None:
        return raw, "UTF-8", ""
    line = raw.count(b"\n", 0, bad) + 1
    label = "Windows-1252" if _first_bad_byte(raw, "cp1252") is None else "Latin-1"
    note = say("cohort_not_utf8", line=line, encoding=label)
    return _transcode(raw, "cp1252" if label == "Windows-1252" else "latin-1"), label, note


BLOCK = 1 << 20  # decoded a block at a time: no full-size text copy next to the bytes


def _first_bad_byte(raw: bytes | memoryview, codec: str) -> int | None:
    """Position of the first byte ``codec`` cannot decode, or None (pure ASCII is checked without decoding)."""
    if isinstance(raw, bytes) and raw.isascii():
        return None
    decoder, view = codecs.getincrementaldecoder(codec)(), memoryview(raw)
    for start in range(0, len(raw), BLOCK):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[start:start + BLOCK], final=start + BLOCK >= len(raw))
        except UnicodeDecodeError as exc:
            return start - pending + exc.start
    return None


def _transcode(raw: bytes | memoryview, codec: str) -> bytes:
    """``raw`` re-encoded as UTF-8, block by block."""
    decoder, view = codecs.getincrementaldecoder(codec)(), memoryview(raw)
    return b"".join(decoder.decode(view[start:start + BLOCK], final=start + BLOCK >= len(raw)).encode("utf-8")
                    for start in range(0, len(raw), BLOCK))


def _utf8(raw: bytes, label: str) -> bytes:
    bad = _first_bad_byte(raw, "utf-8")
    if bad is not None:
        line = raw.count(b"\n", 0, bad) + 1
        raise ValueError(f"file: starts with a {label} mark but line {line} is not UTF-8; "
                         "save it again as 'CSV UTF-8'")
    return raw


def _utf16(raw: bytes | memoryview, codec: str, label: str) -> bytes:
    try:
        return _transcode(raw, codec)
    except UnicodeDecodeError:
        raise ValueError(f"file: looks like {label} but byte {_first_bad_byte(raw, codec)} is not valid {label}; "
                         "save it again as 'CSV UTF-8'") from None


def find_separator(data: bytes) -> str:
    """Comma, semicolon or tab: whichever the header line uses (outside quotes); a tie is an error."""
    end = data.find(b"\n")
    line = re.sub(rb'"[^"]*"', b"", data if end < 0 else data[:end])
    counts = {sep: line.count(sep.encode()) for sep in SEPARATORS}
    best = max(counts.values())
    if best == 0:
        return ","
    top = [sep for sep, n in counts.items() if n == best]
    if len(top) > 1:
        names = " and ".join(f"{best} {SEPARATORS[s]}s" for s in top)
        raise ValueError(f"file: the header line has {names}, so the separator is unclear; use one of them")
    return top[0]
