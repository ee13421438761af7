"""``table_label``: a canonical table's name as people read it ("care periods", not
"care_periods"), the same words the data-quality workbook and the command line use."""

from __future__ import annotations

from django import template

from permanence.ingest.format import TABLE_LABELS

register = template.Library()


@register.filter
def table_label(name: object) -> str:
    text = str(name)
    label = TABLE_LABELS.get(text, text)
    return label[:1].upper() + label[1:]
