"""The improvement record: projects, aims, driver diagrams, PDSA cycles, measures, the
views of children, parents and carers, and the risks and issues register."""
