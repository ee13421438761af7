"""The measurement engine: aims, run charts, control charts, survival and stages."""
