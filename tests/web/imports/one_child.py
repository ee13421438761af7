"""One looked after child's extract, written as the canonical CSV files, and the import.

The child (0311) is the worked example of docs/data-format.md ("Record identity"): looked
after on 5 January 2024, accommodated the same day in foster care unless told otherwise.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

FIRST_EXTRACT = date(2024, 3, 31)
SECOND_EXTRACT = date(2024, 10, 31)

CHILDREN = "child_ref,initials,date_of_birth,sex\n0311,KM,2021-06-02,female\n"
CARE_PERIODS = "child_ref,period_start,period_end,destination,team\n0311,{start},,,East\n"
PLACEMENTS = (
    "child_ref,period_start,placement_type,start_date,end_date\n"
    "0311,{start},home,{start},{moved_end}\n"
    "0311,{start},foster_la,{moved},\n"
)
LEGAL_STATUSES = (
    "child_ref,period_start,legal_status,start_date,end_date\n0311,{start},s25,{moved},\n"
)
MEETINGS = (
    "child_ref,period_start,meeting_kind,review_number,due_date,held_date,outcome\n"
    "0311,{start},planning_72h,,,{planning},Care plan agreed\n"
    "0311,{start},legal_advice,,,{legal_advice},\n"
)
MILESTONES = "child_ref,period_start,milestone,date,detail,reason\n{milestones}"


def write_extract(
    folder: Path,
    *,
    start: str = "2024-01-05",
    moved: str = "2024-01-05",
    planning: str = "2024-01-08",
    legal_advice: str = "2024-01-15",
    milestones: tuple[tuple[str, str, str], ...] = (
        ("permanence_recommendation", "2024-01-20", "poa"),
    ),
) -> Path:
    """One child's extract in the canonical CSV format. The child is looked after from
    ``start``, at home until ``moved`` (the date accommodated) and in foster care since."""
    folder.mkdir(parents=True, exist_ok=True)
    values = {
        "start": start,
        "moved": moved,
        "moved_end": moved,
        "planning": planning,
        "legal_advice": legal_advice,
        "milestones": "".join(
            f"0311,{start},{kind},{day},{detail},\n" for kind, day, detail in milestones
        ),
    }
    files = {
        "children": CHILDREN,
        "care_periods": CARE_PERIODS,
        "placements": PLACEMENTS,
        "legal_statuses": LEGAL_STATUSES,
        "meetings": MEETINGS,
        "milestones": MILESTONES,
    }
    for name, template in files.items():
        text = template.format(**values)
        if name == "placements" and start == moved:
            # Accommodated on the day looked after: no time at home first.
            text = "\n".join(line for line in text.splitlines() if ",home," not in line) + "\n"
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder
