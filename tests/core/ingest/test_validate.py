"""The validator as a whole: a clean extract, the synthetic authority, the result's shape."""

from __future__ import annotations

import json
import re
from datetime import date

import polars as pl
import pytest

from permanence.ingest import NATURAL_KEYS, all_rules, read_extract, validate
from permanence.ingest.format import TABLES, with_natural_key
from permanence.ingest.presentation import render_text
from permanence.ingest.validation import ISSUE_SCHEMA
from permanence.journey.tables import SCHEMAS, write_canonical_csv


def test_the_base_extract_is_clean(check, extracts):
    validation = check(extracts.base())
    assert validation.issues.is_empty()
    assert not validation.has_errors
    assert {table: counts.loaded for table, counts in validation.counts.items()} == {
        "children": 2,
        "care_periods": 2,
        "placements": 3,
        "legal_statuses": 3,
        "meetings": 4,
        "milestones": 6,
        # The optional tables of what meetings achieved: absent, and no query.
        "agenda_items": 0,
        "meeting_actions": 0,
    }


def test_the_clean_tables_are_canonical(check, extracts):
    validation = check(extracts.base())
    for table in TABLES:
        frame = getattr(validation.tables, table)
        assert frame.schema == pl.Schema(dict(SCHEMAS[table]))
    assert validation.tables.children["child_ref"].to_list() == ["A1", "B2"]


def test_source_rows_line_up_with_the_loaded_rows(check, extracts):
    tables = extracts.replace(extracts.base(), "placements", "kinship,2022-10-01", "KC,2022-10-01")
    validation = check(tables)
    source_rows = validation.source_rows["placements"]
    assert source_rows["row"].to_list() == [2, 4]
    assert source_rows["source"].to_list() == ["placements.csv"] * 2
    assert validation.tables.placements["placement_type"].to_list() == ["foster_la", "home"]


def test_issues_have_the_documented_columns(check, extracts):
    tables = extracts.replace(extracts.base(), "placements", "kinship,2022-10-01", "KC,2022-10-01")
    validation = check(tables)
    assert validation.issues.schema == pl.Schema(ISSUE_SCHEMA)
    issue = validation.issues.row(0, named=True)
    assert issue == {
        "rule": "CODE001",
        "severity": "error",
        "table": "placements",
        "row": 3,
        "source": "placements.csv",
        "child_ref": "A1",
        "period_start": date(2022, 1, 10),
        "fields": ["placement_type"],
        "message": all_rules()["CODE001"].message,
        "fix": all_rules()["CODE001"].fix,
        "value": "KC",
    }


def test_the_result_is_json(check, extracts):
    tables = extracts.add_rows(extracts.base(), "care_periods", "C3,2022-01-01,,,East")
    payload = json.loads(json.dumps(check(tables).to_dict()))
    assert payload["errors"] == 1
    assert payload["counts"]["care_periods"] == {
        "read": 3,
        "loaded": 2,
        "refused": 1,
        "queried": 0,
        "duplicates": 0,
    }
    assert payload["issues"][0]["rule"] == "REF001"
    assert payload["by_rule"] == [
        {
            "rule": "REF001",
            "severity": "error",
            "count": 1,
            "tables": ["care_periods"],
            "message": all_rules()["REF001"].message,
            "fix": all_rules()["REF001"].fix,
        }
    ]


def test_the_text_summary(check, extracts):
    tables = extracts.add_rows(extracts.base(), "care_periods", "C3,2022-01-01,,,East")
    text = render_text(check(tables))
    assert "1 issue(s): 1 error(s), refusing 1 row; 0 queries (rows loaded, to check)." in text
    assert "care_periods.csv row 4 child C3  REF001 error child_ref: no such child" in text


def test_every_rule_speaks_plainly():
    # Whole sentences; never the stigmatising acronym; children, never "cases".
    for rule in all_rules().values():
        words = f"{rule.message} {rule.fix}"
        assert rule.message.endswith(".")
        assert rule.fix.endswith((".", ")"))
        assert not re.search(r"\bLAC\b", words)
        assert not re.search(r"\bcases?\b(?! recording)", words, re.IGNORECASE)


def test_natural_keys_name_canonical_columns():
    for table, key in NATURAL_KEYS.items():
        frame = with_natural_key(table, pl.DataFrame(schema=dict(SCHEMAS[table])))
        assert set(key) <= set(frame.columns)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    synth = pytest.importorskip("permanence.synth")
    end = date(2024, 3, 31)
    tables = synth.generate(1_500, 11, end=end)
    folder = tmp_path_factory.mktemp("synth")
    write_canonical_csv(tables, folder)
    return tables, validate(read_extract(folder, extract_date=end))


def test_the_synthetic_authority_raises_no_errors(synthetic):
    _, validation = synthetic
    errors = validation.issues.filter(pl.col("severity") == "error")
    assert errors.is_empty(), errors.group_by("rule").len()


def test_the_synthetic_authority_loads_whole(synthetic):
    tables, validation = synthetic
    for table in TABLES:
        assert getattr(validation.tables, table).height == getattr(tables, table).height, table


def test_the_synthetic_authority_raises_only_overdue_queries(synthetic):
    # A clean synthetic authority has children still waiting, and nothing else to query.
    _, validation = synthetic
    assert set(validation.issues["rule"].unique()) <= {
        "OVERDUE001",
        "OVERDUE002",
        "OVERDUE003",
        "OVERDUE004",
    }


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    synth = pytest.importorskip("permanence.synth")
    messy_module = pytest.importorskip("permanence.synth.messy")
    writers = pytest.importorskip("permanence.synth.writers")
    end = date(2024, 3, 31)
    folder = tmp_path_factory.mktemp("messy")
    writers.write_csv(messy_module.make_messy(synth.generate(1_500, 3, end=end), 3), folder)
    return validate(read_extract(folder, extract_date=end))


def test_every_problem_of_the_messy_synthetic_extract_is_found(messy):
    # The generator's --messy problems (docs/synthetic-data.md) and the rules that find them.
    found = set(messy.issues["rule"].unique())
    expected = {
        "REQ001": "missing dates",
        "MILE001": "agency decisions before the recommendation",
        "DATE004": "placements that end before they start",
        "DUP001": "rows repeated exactly",
        "REF001": "references whose leading zeros were lost",
        "CODE001": "unknown codes in the kind of a row",
        "CODE002": "unknown codes elsewhere",
        "CHILD001": "dates of birth typed differently on the care periods table",
    }
    missing = {rule: problem for rule, problem in expected.items() if rule not in found}
    assert not missing


def test_what_the_import_reads_silently_raises_nothing(messy):
    # Stray spaces, codes in capitals, UK and Excel serial dates are read, not queried.
    assert messy.issues.filter(pl.col("rule").is_in(["DATE001", "FILE001", "ROW001"])).is_empty()
    for counts in messy.counts.values():
        assert counts.read == counts.loaded + counts.refused + counts.duplicates


def test_issues_by_rule_lead_with_the_cause_and_end_with_its_knock_ons(check, extracts):
    tables = extracts.replace(
        extracts.base(), "children", "child_ref,initials", "child_reference,initials"
    )
    rules = check(tables).issues_by_rule()["rule"].to_list()
    # One column missing, then the 2 care periods it refuses, then their 16 rows (REF002
    # outnumbers both but comes last: it follows from them).
    assert rules == ["COLUMN001", "REF003", "REF002"]
