"""Benchmarks: each figure beside an anchor measured in the same run (`make bench`)."""
