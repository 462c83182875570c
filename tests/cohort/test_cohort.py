"""Reading an adviser's file: every kind of CSV a spreadsheet saves, every line judged or named, clear file errors."""
from __future__ import annotations

import codecs
import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stepguide as sg
from stepguide.cohort import MAX_BYTES, MAX_ROWS, examples_csv, parse_cohort, read_cohort
from stepguide.cohort.file import SAVE_AS_CSV
from stepguide.cohort.headers import accepted_headers
from stepguide.rules.frame import INPUT_COLUMNS
from stepguide.rules.tables import examples, table
from stepguide.rules.words import options

ROOM = "step1,step2,specialty,month\n228,248,IM,Oct\n245,224,IM,Dec\nPass,,peds,Jan\n"


def judged_lines(room) -> list[int]:
    return room.judged["line"].tolist()


# ---------------------------------------------------------------- file kinds: encodings

@pytest.mark.parametrize("encode,encoding", [
    (lambda t: t.encode("utf-8"), "UTF-8"),
    (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "UTF-8 (with BOM)"),
    (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "UTF-16 LE"),  # Excel's "Unicode text"
    (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "UTF-16 BE"),
    (lambda t: t.encode("utf-16-le"), "UTF-16 LE (no BOM)"),
    (lambda t: t.encode("utf-16-be"), "UTF-16 BE (no BOM)"),
    (lambda t: t.encode("cp1252"), "UTF-8"),  # plain ASCII is valid UTF-8 whatever the program meant
])
def test_each_encoding_is_detected_and_named(encode, encoding):
    room = read_cohort(encode(ROOM))
    assert room.encoding == encoding
    assert judged_lines(room) == [2, 3, 4] and room.named.empty
    assert room.notes()[0].startswith(f"Read as {encoding}, comma-separated: 3 rows")


@pytest.mark.parametrize("codec,byte,encoding", [("cp1252", "–", "Windows-1252"), ("latin-1", "\x81", "Latin-1")])
def test_a_file_that_is_not_utf8_says_which_encoding_was_used_and_where(codec, byte, encoding):
    text = ROOM + f"2{byte}28,248,IM,Oct\n"
    room = read_cohort(text.encode(codec))
    assert room.encoding == encoding
    assert room.rows["step1"].iloc[-1] == f"2{byte}28"  # decoded right, then judged as a bad score
    assert room.named["line"].tolist() == [5] and room.named["error"].iloc[0].startswith("step1:")
    assert any(f"on line 5), so it was read as {encoding}" in note for note in room.notes())


@pytest.mark.parametrize("data,fragment", [
    (b"PK\x03\x04\x14\x00rest-of-a-zip", "workbook (.xlsx or .ods)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel workbook (.xls)"),
    (b"\x00\x01\x02\x03binary\x00\xff" * 20, "NUL bytes"),
    (b"", "is empty"),
    (b"\n\n,,\n", "is empty"),
    (b"step1,step2,specialty\n", "no student rows"),
    (codecs.BOM_UTF8 + b"step1\n\xff\n", "not UTF-8"),
    (b"step1,step2;specialty;x,y\n1,2\n", "separator is unclear"),
])
def test_unreadable_files_raise_one_clear_file_error(data, fragment):
    with pytest.raises(ValueError, match=re.escape(fragment)) as err:
        read_cohort(data)
    assert str(err.value).startswith("file:")


def test_workbooks_are_refused_with_how_to_save_as_csv():
    with pytest.raises(ValueError) as err:
        read_cohort(b"PK\x03\x04" + b"\x00" * 100)
    assert SAVE_AS_CSV in str(err.value) and "CSV UTF-8" in SAVE_AS_CSV


# ---------------------------------------------------------------- separators, line ends, quotes

@pytest.mark.parametrize("sep,name", [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_separators_and_line_ends(sep, name, newline, final_newline):
    text = newline.join(line.replace(",", sep) for line in ROOM.strip().split("\n"))
    room = read_cohort((text + (newline if final_newline else "")).encode())
    assert room.separator == sep and f"{name}-separated" in room.notes()[0]
    assert judged_lines(room) == [2, 3, 4]
    assert room.rows["specialty"].tolist() == ["IM", "IM", "peds"]


def test_quoted_values_keep_separators_and_line_breaks_and_lines_stay_true():
    text = ('step1,step2,specialty,stage\n'
            '"228","248","IM","before invites"\n'
            '245,224,"Internal\nMedicine",interviewed\n'  # a value over two lines: the next row is line 5
            '"Pass",,peds,"on hold"\n'
            '250,252,"IM, categorical",interviewed\n')
    room = read_cohort(text.encode())
    assert room.rows["line"].tolist() == [2, 3, 5, 6]
    assert room.rows["specialty"].tolist() == ["IM", "Internal\nMedicine", "peds", "IM, categorical"]
    assert judged_lines(room) == [2, 3, 5]
    assert room.named["line"].tolist() == [6] and room.named["error"].iloc[0].startswith("specialty:")


def test_quotes_outside_the_csv_rules_still_read_every_line():
    """A quote inside an unquoted value (5'10") is literal, as the csv module reads it."""
    text = 'step1,step2,specialty\n228,248,IM\n5\'10",250,IM\n"ab"cd,250,IM\n245,224,IM,extra\nPass,,peds\n'
    room = read_cohort(text.encode())
    assert room.rows["line"].tolist() == [2, 3, 4, 5, 6]
    assert room.rows["step1"].tolist()[:3] == ["228", "5'10\"", "abcd"]
    assert judged_lines(room) == [2, 6]
    assert room.named["error"].tolist()[2].startswith("line has 4 fields but the header has 3")


# ---------------------------------------------------------------- every row judged on its own

def test_the_issues_file_names_the_bad_row_and_judges_the_others():
    text = "step1,step2,specialty,month\n228,248,IM,Oct\n245,224,IM,Dec,oops\nPass,,peds,Jan\n250,252\n\n"
    room = read_cohort(text.encode())
    assert len(room.rows) == 4 and judged_lines(room) == [2, 4]
    named = dict(zip(room.named["line"], room.named["error"], strict=True))
    assert named[3] == ("line has 5 fields but the header has 4: a value with a comma inside needs quotes, "
                        "or there is a stray comma")
    assert named[5] == "line has 2 fields but the header has 4: a value or a comma is missing"
    assert room.named[["trend", "value", "email"]].isna().all().all()  # no verdict for a row that was not read
    assert room.blank_lines == 1


def test_bad_values_are_named_by_the_rules_with_their_line():
    text = "step1,step2,specialty\n400,250,IM\n228,248,<script>\n228,248,IM\n228,abc,IM\n"
    room = read_cohort(text.encode())
    assert judged_lines(room) == [4]
    assert [e.split(":")[0] for e in room.named["error"]] == ["step1", "specialty", "step2"]


@pytest.mark.parametrize("word,value", [("true", True), ("TRUE", True), ("Yes", True), ("false", False),
                                        ("no", False), ("", False), (" False ", False)])
def test_flag_words(word, value):
    room = read_cohort(f"step1,step2,specialty,requires_step2\n228,,IM,{word}\n".encode())
    cell = room.rows["requires_step2"].iloc[0]
    assert type(cell).__name__ in ("bool", "bool_") and bool(cell) is value and room.named.empty


def test_an_unknown_flag_word_names_the_field():
    room = read_cohort(b"step1,step2,specialty,listed_planned\n228,,IM,maybe\n")
    assert room.named["error"].iloc[0].startswith("listed_planned:")


def test_a_retired_column_is_refused_with_what_replaced_it():
    with pytest.raises(ValueError) as err:
        read_cohort(b"step1,step2,specialty,Prior fail\n230,240,IM,true\n")
    assert str(err.value).startswith("file: column 4 'Prior fail' is no longer read; use failed_exam:")


def test_rows_are_what_assess_says_for_the_same_person():
    """One engine: each judged row carries the verdict ids sg.assess gives that person."""
    text = ("step1,step2,specialty,month,stage,failed_exam,listed_planned,credible_reason,requires_step2\n"
            "228,248,IM,Oct,before invites,,false,false,false\n"
            "245,224,IM,Dec,interviewed,none,false,false,FALSE\n"
            "Pass,,peds,Jan,interviewed,,false,false,true\n"
            "Pass,242,IM,Dec,interviewed,step2,false,false,false\n"
            "240,210,IM,Dec,interviewed,none,false,true,false\n"
            "228,240,IM,Oct,before invites,,true,false,false\n"
            "230,240,IM,Oct,before invites,step3,false,false,false\n")
    people = [dict(step1=228, step2=248, specialty="IM", month="Oct"),
              dict(step1=245, step2=224, specialty="IM", month="Dec", stage="interviewed"),
              dict(step1="Pass", step2=None, specialty="peds", month="Jan", stage="interviewed", requires_step2=True),
              dict(step1="Pass", step2=242, specialty="IM", month="Dec", stage="interviewed", failed_exam="step2"),
              dict(step1=240, step2=210, specialty="IM", month="Dec", stage="interviewed", credible_reason=True),
              dict(step1=228, step2=240, specialty="IM", month="Oct", listed_planned=True)]
    room = read_cohort(text.encode())
    for (_, row), person in zip(room.judged.iterrows(), people, strict=True):
        a = sg.assess(**person)
        assert [row[c] for c in ("trend", "value", "reading", "email", "template")] == [
            a.trend, a.value, a.reading, a.email, a.template], person
    assert room.named["line"].tolist() == [8] and room.named["error"].iloc[0].startswith("failed_exam:")


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize("header,column", [
    ("Step 1", "step1"), ("STEP_1", "step1"), (" step-1 ", "step1"), ("USMLE Step 1", "step1"),
    ("USMLE Step 2 CK", "step2"), ("Step 2 CK score", "step2"), ("Specialty applying", "specialty"),
    ("SPECIALTY", "specialty"), ("Requires Step 2", "requires_step2"), ("Failed attempt", "failed_exam"),
    ("Listed as planned", "listed_planned"), ("Month the score comes out", "month"),
    ("A program requires Step 2 CK to rank me", "requires_step2"),  # the chapters' own label
])
def test_headers_are_matched_ignoring_case_spaces_and_punctuation_and_by_alias(header, column):
    cols = {"step1": "228", "step2": "248", "specialty": "IM", "requires_step2": "false", "failed_exam": "none",
            "listed_planned": "false", "month": "Oct"}
    names = [header] + [c for c in ("step1", "step2", "specialty") if c != column]
    values = [cols[column]] + [cols[c] for c in ("step1", "step2", "specialty") if c != column]
    room = read_cohort((",".join(names) + "\n" + ",".join(values) + "\n").encode())
    assert column in room.rows.columns and (header.strip(), column) in room.headers
    if header.strip() != column:
        assert f"'{header.strip()}' as {column}" in " ".join(room.notes())


def test_an_unknown_header_is_named_with_its_position_and_the_accepted_names():
    with pytest.raises(ValueError) as err:
        read_cohort(b"step1,step2,specialty,Mnth\n228,248,IM,Oct\n")
    message = str(err.value)
    assert message.startswith("file: column 4 'Mnth' is not a column the guide reads")
    assert "USMLE Step 2 CK" in message and all(c in message for c in INPUT_COLUMNS)


@pytest.mark.parametrize("second", ["step1", "Step 1", "USMLE Step 1"])
def test_two_headers_meaning_the_same_input_are_named_both(second):
    """Not pandas' mangled 'step1.1' reported as unknown: both columns by position and name."""
    with pytest.raises(ValueError, match=rf"^file: columns 1 'step1' and 4 '{second}' both mean step1; keep only one"):
        read_cohort(f"step1,step2,specialty,{second}\n228,248,IM,228\n".encode())


def test_a_missing_required_column_is_a_file_error():
    with pytest.raises(ValueError, match=r"^file: .*step2"):
        read_cohort(b"step1,specialty\n228,IM\n")


def test_an_empty_column_without_a_header_is_ignored_and_said_but_one_with_values_is_an_error():
    room = read_cohort(b"step1,step2,specialty,\n228,248,IM,\n245,224,IM,\n")
    assert room.ignored_columns == (4,) and "ignored: 4" in " ".join(room.notes())
    with pytest.raises(ValueError, match="column 4 has no header but has values \\(first on line 3\\)"):
        read_cohort(b"step1,step2,specialty,\n228,248,IM,\n245,224,IM,x\n")


def test_the_header_alias_table_is_consistent():
    rows = table("cohort_headers")
    assert set(rows.col("column")) <= set(INPUT_COLUMNS)

    def key(h):
        return "".join(ch for ch in h.lower() if ch.isalnum())

    keys = [key(h) for h in rows.col("header")]
    assert len(set(keys)) == len(keys)  # no alias twice (and so none meaning two inputs)
    covered = {key(c) for c in INPUT_COLUMNS} | {key(lab) for lab, c in options("field") if c in INPUT_COLUMNS}
    assert not set(keys) & covered  # none that the names or the chapters' labels already give
    assert set(accepted_headers()) == set(INPUT_COLUMNS)


# ---------------------------------------------------------------- sources and limits

def test_sources_path_bytes_and_open_files_read_the_same(tmp_path):
    path = tmp_path / "room.csv"
    path.write_bytes(ROOM.encode())
    for source in (path, str(path), ROOM.encode(), bytearray(ROOM.encode()), memoryview(ROOM.encode()),
                   io.BytesIO(ROOM.encode()), io.StringIO(ROOM)):
        assert judged_lines(read_cohort(source)) == [2, 3, 4]
    assert read_cohort(path).name == "room.csv"
    assert sg.read_cohort is read_cohort


def test_csv_text_where_a_path_belongs_is_a_type_error():
    with pytest.raises(TypeError, match="pass text.encode\\(\\) or io.StringIO"):
        read_cohort(ROOM)
    with pytest.raises(TypeError, match="expected a path, bytes or an open file"):
        read_cohort(42)


def test_the_stated_limits():
    assert (MAX_ROWS, MAX_BYTES) == (200_000, 32 * 1024 * 1024)


@pytest.mark.parametrize("as_path", [False, True])
def test_a_file_over_the_byte_limit_is_refused_before_reading(tmp_path, as_path):
    data = ROOM.encode()
    source = data
    if as_path:
        source = tmp_path / "big.csv"
        source.write_bytes(data)
    size = len(data)
    with pytest.raises(ValueError, match=rf"^file: {size} bytes is over the limit of {size - 1} bytes; split the"):
        read_cohort(source, max_bytes=size - 1)
    assert len(read_cohort(source, max_bytes=len(data)).rows) == 3


def test_a_file_over_the_row_limit_is_refused_with_the_limit():
    with pytest.raises(ValueError, match=r"^file: more than 2 student rows, the limit"):
        read_cohort(ROOM.encode(), max_rows=2)
    with pytest.raises(ValueError, match=r"^file: more than 2 student rows"):  # the exact reader checks it too
        read_cohort((ROOM + '5\'1",1,IM\n').encode(), max_rows=2)
    assert len(read_cohort(ROOM.encode(), max_rows=3).rows) == 3


def test_progress_goes_up_to_one_in_chunks():
    body = "228,248,IM,Oct\n" * 25_000
    seen: list[tuple[float, str]] = []
    room = read_cohort(("step1,step2,specialty,month\n" + body).encode(), progress=lambda f, t: seen.append((f, t)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any("Judged 20,000 of 25,000 rows" in t for _, t in seen) and len(room.judged) == 25_000


def test_parse_alone_reads_without_judging():
    parsed = parse_cohort(ROOM.encode())
    assert list(parsed.lines) == [2, 3, 4] and list(parsed.inputs) == ["step1", "step2", "specialty", "month"]


@pytest.mark.parametrize("text", [
    ROOM,
    "step1;step2;specialty;credible_reason\r\n228;248;IM;yes\r\n;;;\r\n245;224;IM;no;x\r\n\"2\"\"5\";;derm;\r\n",
    'step1,step2,specialty\n"228","248","IM"\n"","",""\n250,"2\n52",peds\n5\'10",1,IM\n',
])
def test_the_csv_module_reads_a_file_as_the_vectorised_reader_does(text):
    """Without pandas (the in-browser edition) the records are read by the csv module: the same rows come out."""
    fast, plain = parse_cohort(text.encode(), fast=True), parse_cohort(text.encode(), fast=False)
    assert (fast.inputs, fast.lines, fast.fields, fast.blank_lines) == \
        (plain.inputs, plain.lines, plain.fields, plain.blank_lines)


def test_the_examples_are_a_clean_room():
    room = read_cohort(examples_csv().encode())
    assert room.named.empty and len(room.rows) == len(examples())


# ---------------------------------------------------------------- property: rows in == rows judged + rows named

GOOD = st.tuples(st.sampled_from(["228", "Pass", "205", "250", " 240 "]), st.sampled_from(["248", "", "231"]),
                 st.sampled_from(["IM", "Internal Medicine", "derm", "peds", "General Surgery"]))
BAD_VALUE = st.tuples(st.sampled_from(["400", "abc", "", "-12", "=1+1"]), st.just("250"), st.just("IM"))
ROW = st.one_of(
    GOOD.map(lambda r: ("good", list(r))),
    BAD_VALUE.map(lambda r: ("bad", list(r))),
    st.lists(st.sampled_from(["1", "x", ""]), min_size=4, max_size=6).filter(any).map(lambda r: ("bad", r)),
    st.lists(st.sampled_from(["1", "x"]), min_size=1, max_size=2).map(lambda r: ("bad", r)),  # too few fields
    st.just(("blank", [])),
    st.just(("blank", ["", "", ""])),
    st.just(("bad", ['5\'10"', "250", "IM"])),  # a literal quote: the exact reader takes over
)


def _field(value: str, sep: str, quote: bool) -> str:
    if quote or sep in value or '"' in value and value.startswith('"'):
        return '"' + value.replace('"', '""') + '"'
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=25), sep=st.sampled_from([",", ";", "\t"]),
       newline=st.sampled_from(["\n", "\r\n"]), quote=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_property_every_line_is_judged_or_named(rows, sep, newline, quote, encoding):
    lines = [sep.join(["step1", "step2", "specialty"])]
    for _, values in rows:
        lines.append(sep.join(_field(v, sep, quote and v != "" and '"' not in v) for v in values))
    data = (newline.join(lines) + newline).encode(encoding)
    expected = {"good": [], "bad": [], "blank": []}
    for line_no, (kind, _) in enumerate(rows, start=2):
        expected[kind].append(line_no)
    if not expected["good"] and not expected["bad"]:
        with pytest.raises(ValueError, match="no student rows|is empty"):
            read_cohort(data)
        return
    room = read_cohort(data)
    assert len(room.rows) == len(room.judged) + len(room.named) == len(expected["good"]) + len(expected["bad"])
    assert judged_lines(room) == expected["good"]
    assert sorted(room.named["line"]) == expected["bad"]
    assert room.blank_lines == len(expected["blank"])
    assert room.rows["line"].is_monotonic_increasing
    good_values = [v for kind, v in rows if kind == "good"]
    assert room.judged[["step1", "step2", "specialty"]].values.tolist() == good_values


def _oracle(text: str, sep: str = ",") -> list[tuple[int, list[str]]]:
    """(first line, fields) of every non-blank record after the header, as the csv module reads them."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out, last = [], 0
    for record in reader:
        line, last = last + 1, reader.line_num
        if any(record):
            out.append((line, record))
    return out[1:]


@pytest.mark.parametrize("stray_quote", [False, True])
def test_a_large_quoted_file_reads_like_the_csv_module(stray_quote):
    """Several MiB, so quoted values (with separators and line breaks) straddle the scanner's blocks."""
    parts = ["step1,step2,specialty,stage\n"]
    for i in range(80_000):
        specialty = ['"IM"', '"Internal\nMedicine"', '"IM, categorical"', "peds", '"Pass ""P"""'][i % 5]
        parts.append(f'"{200 + i % 60}",{"" if i % 7 == 0 else 240},{specialty},"on hold"\n')
        if i % 997 == 0:
            parts.append("\n,,,\n228,248\n")  # blank lines and a short row
    if stray_quote:
        parts.append('5\'10",250,IM,interviewed\n')  # the exact reader takes over for the whole file
    text = "".join(parts)
    assert len(text) > 2 * 1024 * 1024
    room = read_cohort(text.encode())
    expected = _oracle(text)
    assert room.rows["line"].tolist() == [line for line, _ in expected]
    good = [(line, f) for line, f in expected if len(f) == 4]
    by_line = room.rows.set_index("line")
    assert [by_line.loc[line, ["step1", "step2", "specialty", "stage"]].tolist() for line, _ in good[::50]] == \
        [f for _, f in good[::50]]
    short = [line for line, f in expected if len(f) != 4]
    assert room.named.loc[room.named["error"].str.startswith("line has 2 fields"), "line"].tolist() == short


def test_the_vectorised_scan_handles_quotes_across_its_blocks():
    from stepguide.cohort.records import BLOCK, scan_records

    value = '"a, ""b""\nc"'  # separator, escaped quotes and a line break inside quotes
    text = "x,y\n" + "".join(f"{i},{value}\n" for i in range(3 * BLOCK // 16))
    recs = scan_records(text.encode(), ",")
    assert recs is not None and len(text) > 2 * BLOCK
    expected = _oracle(text)
    assert recs.lines[1:].tolist() == [line for line, _ in expected] and set(recs.fields.tolist()) == {2}
    assert scan_records(b'x,y\n5\'10",1\n', ",") is None  # a quote inside a value: the exact reader's job


def test_a_quoted_crlf_file_takes_the_vectorised_path():
    from stepguide.cohort.records import scan_records

    data = b'"step1","step2","specialty"\r\n"228","248","IM"\r\n,,\r\n"245","224","IM"\r\n'
    recs = scan_records(data, ",")
    assert recs is not None and recs.blank.tolist() == [False, False, True, False]
    assert judged_lines(read_cohort(data)) == [2, 4]
