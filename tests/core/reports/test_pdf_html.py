"""The pack's HTML comes from templates that escape every value: text a person typed
(an authority's name, a cycle's words, a risk) can never become markup, and the page
margins' CSS strings cannot be broken out of."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from permanence.analysis.aims import NATIONAL_AIMS
from permanence.journey.frame import build_journeys_frame
from permanence.reports.build import build_pack
from permanence.reports.pdf import css_string, pack_html

from .conftest import cycle, risk
from .test_build import HAND_AS_OF, HAND_KIDS, hand_tables

HOSTILE = '<b onclick="x">Bold</b> & \'quoted\' \\ "Council"'


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_what_people_typed_is_text_in_the_pack_never_markup() -> None:
    frame = build_journeys_frame(hand_tables(HAND_KIDS[:1]), HAND_AS_OF, authority="T")
    content = build_pack(
        frame,
        NATIONAL_AIMS,
        authority_name=HOSTILE,
        authority_code="T",
        as_of=HAND_AS_OF,
        cycles=[cycle(HOSTILE, 1, HAND_AS_OF)],
        risks=[risk(HOSTILE, 3, 3)],
    )
    html = pack_html(content, {chart.name: "<svg/>" for chart in content.charts()})
    parsed = Tags()
    parsed.feed(html)
    assert "b" not in parsed.tags
    assert 'onclick="x"' not in html
    # The words are all there, as text: in the cover, the cycle and the risk.
    assert sum(HOSTILE in text for text in parsed.text) >= 3
    margin = re.search(r"@top-left \{ content: (.*?); font-size", html)
    assert margin is not None
    assert margin.group(1) == css_string(f"{HOSTILE} · Champions' Group report pack")


def test_a_css_string_escapes_what_would_end_it_or_the_style() -> None:
    assert css_string('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    assert css_string("</style>") == '"\\3c /style>"'
    assert "<" not in css_string("<<")
