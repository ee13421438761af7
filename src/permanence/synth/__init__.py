"""A synthetic local authority: the only source of data for development, tests and demos.

``generate`` draws the canonical tables (``journey.tables``) of an authority of any size
from a seed; ``messy.make_messy`` turns them into what a real extract looks like;
``writers`` writes either as CSV or XLSX. ``docs/synthetic-data.md`` describes the model.
No real child's data is ever used in this project.
"""

from permanence.synth.generator import default_improvement_start, generate

__all__ = ["default_improvement_start", "generate"]
