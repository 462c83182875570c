"""Every data table is read strictly against data/schema.csv, and a malformed file names its file and line."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from data_tables import load_csv, table_names
from stepguide import assess
from stepguide.rules.schema import SCHEMA_FILE, TYPES, DataFileError, read_schema
from stepguide.rules.tables import DATA_DIR, table

# ---------------------------------------------------------------- the real data/


@pytest.mark.parametrize("name", table_names())
def test_every_table_loads_strictly(name):
    rows = load_csv(DATA_DIR / f"{name}.csv")  # read afresh, not from table()'s cache
    assert rows == table(name)
    declared = read_schema(DATA_DIR / SCHEMA_FILE).tables[name]
    assert all(list(r) == list(rows[0]) for r in rows) and set(rows[0]) == set(declared)


def test_the_schema_declares_every_table_and_nothing_else():
    assert "schema" not in table_names()
    assert sorted(read_schema(DATA_DIR / SCHEMA_FILE).tables) == table_names()


def test_cells_keep_the_types_the_code_reads():  # declared, not inferred: the same values as before the schema
    tiers = table("tiers").by("tier")
    assert tiers["less"]["step2_bar"] == 240 and type(tiers["less"]["step2_bar"]) is int
    spec = table("specialties").by("specialty")
    assert spec["Family Medicine"]["matched_mean_step2"] is None and spec["Dermatology"]["matched_mean_step2"] == 257
    assert table("examples")[0]["requires_step2"] is False and table("examples")[0]["step1"] == "205"
    buckets = table("trend_buckets").by("id")
    assert buckets["down10"]["lower_exclusive"] == -math.inf and type(buckets["flat"]["upper_inclusive"]) is float
    assert table("value_rules").by("id")["drop_in_range"]["s2_band"] == "range|bar"  # patterns stay text
    assert table("season").by("month")["Oct"]["late_score"] == "yes"  # yes/no cells are text the rules compare
    assert table("score_bands")[0]["lo"] is None and table("score_bands")[0]["hi"] == -1


def test_reading_blip_is_one_whole_sentence():
    row = table("wording").by("id")["reading_blip"]
    assert row["text"] == "Programs will likely see this drop as a blip: noticed, then set aside."
    assert row["source"] == "R12"
    a = assess(step1=252, step2=245, specialty="Internal Medicine", month="Oct")
    assert a.verdict.reading == "blip"
    assert any(t.topic == "reading" and t.reason.endswith("noticed, then set aside.") for t in a.trace)


# ---------------------------------------------------------------- malformed files, in pytest's tmp_path

SCHEMA = """table,column,type,required,key,references,note
tiers,tier,text,yes,yes,,
tiers,bar,int,yes,no,,
tiers,open,bool,no,no,,
tiers,lower,float,no,no,,-inf allowed
specialties,specialty,text,yes,yes,,
specialties,tier,text,yes,no,tiers.tier,
specialties,note,text,no,no,,may span lines
nodes,flow,text,yes,yes,,
nodes,node,text,yes,yes,,
edges,flow,text,yes,yes,,
edges,src,text,yes,yes,nodes.node[flow],
edges,dst,text,yes,yes,nodes.node[flow],
rules,id,text,yes,yes,,
rules,tier,pattern,yes,no,tiers.tier,* or a|b
rules,path,path,no,no,nodes.node[flow=F1],
"""
GOOD = {
    "tiers": "tier,bar,open,lower\nless,240,True,-inf\nmore,250,,-5\n",
    "specialties": 'specialty,tier,note\nInternal Medicine,less,\nDermatology,more,"two\nlines"\nPediatrics,less,x\n',
    "nodes": "flow,node\nF1,a\nF1,b\nF2,c\n",
    "edges": "flow,src,dst\nF1,a,b\nF2,c,c\n",
    "rules": "id,tier,path\nr1,*,a>b\nr2,less|more,\n",
}


def _write(folder: Path, schema: str = SCHEMA, **tables: str) -> Path:
    for name, text in {**GOOD, **tables}.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    (folder / SCHEMA_FILE).write_text(schema, encoding="utf-8")
    return folder


def test_a_good_folder_loads_with_declared_types(tmp_path):
    folder = _write(tmp_path)
    assert list(load_csv(folder / "tiers.csv")) == [
        {"tier": "less", "bar": 240, "open": True, "lower": -math.inf},
        {"tier": "more", "bar": 250, "open": None, "lower": -5.0}]
    assert load_csv(folder / "specialties.csv")[1]["note"] == "two\nlines"
    assert load_csv(folder / "rules.csv").col("tier") == ["*", "less|more"]
    assert load_csv(folder / "edges.csv").col("src") == ["a", "c"]


BAD = [  # case, file, its text, line, what the message says
    ("ragged_long", "tiers", "tier,bar,open,lower\nless,240,True,-inf\nmore,250,,-5,oops\n", 3,
     "5 cells, header has 4 (tier,bar,open,lower)"),
    ("ragged_short", "tiers", "tier,bar,open,lower\nless,240,True\nmore,250,,-5\n", 2,
     "3 cells, header has 4 (tier,bar,open,lower)"),
    ("blank_line", "tiers", "tier,bar,open,lower\nless,240,True,-inf\n\nmore,250,,-5\n", 3, "0 cells, header has 4"),
    ("after_a_multiline_cell", "specialties",
     'specialty,tier,note\nDermatology,more,"two\nlines"\nPediatrics,less,x,y\n', 4, "4 cells, header has 3"),
    ("bad_quotes", "tiers", 'tier,bar,open,lower\nless,"240"0,True,-inf\n', 2, "not valid UTF-8 CSV"),
    ("bad_int", "tiers", "tier,bar,open,lower\nless,240,True,-inf\nmore,25O,,-5\n", 3,
     "column bar: '25O' is not an int"),
    ("bad_bool", "tiers", "tier,bar,open,lower\nless,240,yes,-inf\n", 2,
     "column open: 'yes' is not a bool (True or False)"),
    ("bad_float", "tiers", "tier,bar,open,lower\nless,240,True,minus 5\n", 2, "column lower: 'minus 5' is not a float"),
    ("blank_required", "tiers", "tier,bar,open,lower\nless,,True,-inf\n", 2,
     "column bar is blank, but schema.csv requires a value"),
    ("padded_cell", "tiers", "tier,bar,open,lower\nless ,240,True,-inf\n", 2, "starts or ends with a space"),
    ("empty_pattern_item", "rules", "id,tier,path\nr1,less|,\n", 2, "'less|' has an empty, padded or '*' item"),
    ("duplicate_key", "specialties", "specialty,tier,note\nDermatology,more,\nPediatrics,less,\nDermatology,less,\n",
     4, "duplicate key specialty='Dermatology' (first on line 2)"),
    ("duplicate_composite_key", "edges", "flow,src,dst\nF1,a,b\nF1,a,b\n", 3,
     "duplicate key flow='F1', src='a', dst='b' (first on line 2)"),
    ("dangling_reference", "specialties", "specialty,tier,note\nDermatology,more,\nPediatrics,elite,\n", 3,
     "column tier: 'elite' is not found in tiers.tier"),
    ("dangling_in_same_flow", "edges", "flow,src,dst\nF1,a,b\nF1,b,c\n", 3,
     "column dst: 'c' is not found in nodes.node with the same flow (this row's flow is 'F1')"),
    ("dangling_pattern_item", "rules", "id,tier,path\nr1,*,\nr2,less|mid,\n", 3,
     "column tier: 'mid' is not found in tiers.tier"),
    ("dangling_path_item", "rules", "id,tier,path\nr1,*,a>c\n", 2,
     "column path: 'c' is not found in nodes.node where flow is F1"),
    ("undeclared_column", "tiers", "tier,bar,open,lower,colour\nless,240,True,-inf,red\n", 1,
     "column 'colour' is not declared in schema.csv (add a row: tiers,colour,type,required,key,references,note)"),
    ("declared_column_missing", "tiers", "tier,bar,open\nless,240,True\n", 1,
     "column 'lower' is declared in schema.csv (line 5) but missing from the header"),
    ("repeated_column", "nodes", "flow,node,node\nF1,a,a\n", 1, "column 'node' appears twice in the header"),
    ("no_schema", "extra", "id,text,source\nx,y,z\n", 1, "table 'extra' is not declared in schema.csv"),
    ("empty_file", "tiers", "", 1, "empty file (no header)"),
]


@pytest.mark.parametrize("name,text,line,says", [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_a_malformed_file_names_its_file_and_line(tmp_path, name, text, line, says):
    folder = _write(tmp_path, **{name: text})
    with pytest.raises(DataFileError) as caught:
        load_csv(folder / f"{name}.csv")
    err = caught.value
    assert isinstance(err, ValueError)
    assert (err.path, err.line) == (folder / f"{name}.csv", line)
    assert str(err).startswith(f"{folder.name}/{name}.csv, line {line}: ")
    assert says in str(err)


SCHEMA_LINES = SCHEMA.splitlines()
BAD_SCHEMAS = [  # case, the schema's line 3 replaced by, what the message says
    ("unknown_type", "tiers,bar,integer,yes,no,,", f"type 'integer' is not one of {', '.join(TYPES)}"),
    ("bad_required", "tiers,bar,int,maybe,no,,", "required and key are yes or no"),
    ("key_not_required", "tiers,bar,int,no,yes,,", "tiers.bar is part of the key, so it must be required"),
    ("bad_reference", "tiers,bar,int,yes,no,tiers,", "references 'tiers' is not table.column"),
    ("reference_to_nothing", "tiers,bar,int,yes,no,levels.bar,",
     "tiers.bar references levels.bar, which is not declared"),
    ("declared_twice", "tiers,tier,text,yes,no,,", "tiers.tier is declared twice"),
    ("ragged", "tiers,bar,int,yes,no", "5 cells, header has 7"),
]


@pytest.mark.parametrize("line3,says", [case[1:] for case in BAD_SCHEMAS], ids=[case[0] for case in BAD_SCHEMAS])
def test_a_malformed_schema_names_its_line(tmp_path, line3, says):
    folder = _write(tmp_path, schema="\n".join(SCHEMA_LINES[:2] + [line3] + SCHEMA_LINES[3:]) + "\n")
    with pytest.raises(DataFileError) as caught:
        load_csv(folder / "tiers.csv")
    assert (caught.value.path, caught.value.line) == (folder / SCHEMA_FILE, 3)
    assert str(caught.value).startswith(f"{folder.name}/{SCHEMA_FILE}, line 3: ") and says in str(caught.value)


def test_a_reference_to_a_missing_file_names_the_schema_line(tmp_path):
    folder = _write(tmp_path)
    (folder / "tiers.csv").unlink()
    with pytest.raises(DataFileError, match=r"schema.csv, line 7: specialties.tier references tiers, which has no"):
        load_csv(folder / "specialties.csv")
    with pytest.raises(FileNotFoundError, match="tiers"):
        load_csv(folder / "tiers.csv")
