"""Importing case recording extracts: read, map, validate, report. No database here.

The path an extract takes:

1. ``read_extract(paths, profile, extract_date=...)`` reads CSV files or workbooks, finds
   each canonical table in them with a column profile and maps columns and codes onto
   the canonical format (``permanence.journey.tables``), every value still text.
2. ``validate(extract)`` runs every rule (``permanence.ingest.rules``) and returns a
   ``Validation``: the clean canonical tables to load, every issue (rule code, severity,
   table, row, child, fields, message, fix, value) and counts per table.
3. ``quality_report.write_quality_report(validation, path)`` writes the data-quality
   report as a workbook; ``quality_report.summarise(validation)`` gives the figures to
   keep for trends over imports.

Loading into the database (one transaction, natural-key updates) is the web layer's:
it starts from ``Validation.tables`` and ``format.NATURAL_KEYS``.
"""

from permanence.ingest.errors import ExtractError, IngestError, ProfileError
from permanence.ingest.extract import Extract, read_extract
from permanence.ingest.format import NATURAL_KEYS
from permanence.ingest.profile import Profile, load_profile
from permanence.ingest.readers import DEFAULT_MAX_BYTES
from permanence.ingest.rules import Rule, all_rules
from permanence.ingest.validate import validate
from permanence.ingest.validation import TableCounts, Validation

__all__ = [
    "DEFAULT_MAX_BYTES",
    "NATURAL_KEYS",
    "Extract",
    "ExtractError",
    "IngestError",
    "Profile",
    "ProfileError",
    "Rule",
    "TableCounts",
    "Validation",
    "all_rules",
    "load_profile",
    "read_extract",
    "validate",
]
