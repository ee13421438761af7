"""Every registered rule has a test that triggers it and one that does not."""

from __future__ import annotations

import re
from pathlib import Path

from permanence.ingest import all_rules

HERE = Path(__file__).parent


def test_every_rule_has_a_firing_and_a_quiet_test():
    names = set()
    for path in HERE.glob("test_*.py"):
        names |= set(re.findall(r"^def (test_\w+)\(", path.read_text(), re.MULTILINE))
    missing = []
    for code in all_rules():
        for kind in ("fires", "quiet"):
            if not any(name.startswith(f"test_{code.lower()}_{kind}") for name in names):
                missing.append(f"test_{code.lower()}_{kind}")
    assert not missing, f"rules without their own test: {missing}"
