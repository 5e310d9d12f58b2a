"""Benchmarks: one module per headline figure, each measuring its own baseline in the same run."""
