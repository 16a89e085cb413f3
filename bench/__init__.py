"""Benchmarks: each prints its figures beside anchors measured in the same run."""
