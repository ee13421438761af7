"""Benchmarks: measured, never asserted. Each ``bench_*.py`` module has ``main()``.

Run them all with ``make benchmark`` (``python -m benchmarks``), or one with
``python -m benchmarks.bench_frame``. Results go in the README's Performance section.
"""
