"""Runs every benchmark module in bench/ (each writes bench/results/<name>.json), then the report.

`python -m bench [module …] [--smoke]`; the report (docs/PERFORMANCE.md) is written from
bench/results/ after a full run, never after a smoke run.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.common import smoke

SKIP = {"common", "__main__", "report", "history"}


def main() -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name not in SKIP)
    wanted = [a for a in sys.argv[1:] if not a.startswith("-")]
    if wanted:
        names = [n for n in names if n in wanted]
    for name in names:
        print(f"== bench.{name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        module.main()
    if not smoke():
        from bench.report import main as report

        report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
