"""Runs every benchmark module in bench/ (each writes bench/results/<name>.json)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

SKIP = {"common", "__main__"}


def main() -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name not in SKIP)
    if len(sys.argv) > 1:
        names = [n for n in names if n in sys.argv[1:]]
    for name in names:
        print(f"== bench.{name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
