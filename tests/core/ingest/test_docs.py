"""The import docs: generated parts current, every rule documented, the example valid."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from permanence.ingest import all_rules, read_extract, validate
from permanence.ingest.docs import generated_names, render
from permanence.journey.vocabulary import PlacementType

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_the_generated_parts_are_current():
    for name in ("data-format.md", "validation-rules.md"):
        text = (DOCS / name).read_text(encoding="utf-8")
        assert render(text) == text, f"run: python -m permanence.ingest.docs ({name})"


def test_every_table_and_the_codes_are_generated_into_the_format():
    names = generated_names((DOCS / "data-format.md").read_text(encoding="utf-8"))
    assert {"codes", "detail"} <= set(names)
    assert {name for name in names if name.startswith("columns:")} == {
        "columns:children",
        "columns:care_periods",
        "columns:placements",
        "columns:legal_statuses",
        "columns:meetings",
        "columns:milestones",
        "columns:agenda_items",
        "columns:meeting_actions",
    }


def test_every_code_and_label_is_in_the_format():
    text = (DOCS / "data-format.md").read_text(encoding="utf-8")
    for member in PlacementType:
        assert f"| `{member.value}` | {member.label} |" in text


def test_every_registered_rule_is_documented():
    text = (DOCS / "validation-rules.md").read_text(encoding="utf-8")
    for code, rule in all_rules().items():
        assert f"### {code} ({rule.severity})" in text
        assert rule.message in text and rule.fix in text


def test_the_example_in_the_format_is_a_clean_extract(tmp_path):
    text = (DOCS / "data-format.md").read_text(encoding="utf-8")
    files = re.findall(r"`(\w+\.csv)`\n\n```csv\n(.*?)```", text, re.DOTALL)
    assert len(files) == 6
    for name, body in files:
        (tmp_path / name).write_text(body, encoding="utf-8")
    validation = validate(read_extract(tmp_path, extract_date=date(2024, 3, 31)))
    assert validation.issues.is_empty(), validation.issues
    assert validation.counts["children"].loaded == 2


def test_no_stigmatising_acronym_in_what_people_read():
    profiles = Path(__file__).resolve().parents[3] / "src" / "permanence" / "ingest" / "profiles"
    paths = [DOCS / name for name in ("data-format.md", "validation-rules.md", "profiles.md")]
    paths += sorted(profiles.glob("*.toml"))
    for path in paths:
        assert not re.search(r"\bLAC\b", path.read_text(encoding="utf-8")), path.name
