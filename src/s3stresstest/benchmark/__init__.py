"""Benchmarking territories against peer groups and frontrunners."""

from .peers import BENCHMARK_COLUMNS, benchmark_blocks

__all__ = ["BENCHMARK_COLUMNS", "benchmark_blocks"]
