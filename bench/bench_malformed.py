#!/usr/bin/env python3
"""Benchmark: what refusing costly malformed input costs (time and peak memory; never asserted in tests).

    python bench/bench_malformed.py [OUT]     # writes OUT/<case>/ (default /tmp/malformed-bench) and prints
                                              # the farm-bench commands to time them

Each case of tests/malformed/ that is generated at test time (50 MB file, alias bombs, 10,000-deep nesting)
is written as a data folder; time `build.py check` on it with farm-bench, paired against the valid mini
fixture (the yardstick: the same start-up, imports and validation of one small plan):

    farm-bench -n 5 --vs '.venv/bin/python build.py check --data OUT/valid' -- .venv/bin/python build.py check --data OUT/alias-bomb
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import test_malformed  # noqa: E402

HEAVY = ["alias-bomb", "alias-bomb-billion-laughs", "deep-nesting-flow", "deep-nesting-block", "file-50mb"]


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/malformed-bench")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(test_malformed.MINI, out / "valid")
    py = ROOT / ".venv" / "bin" / "python"
    for case in HEAVY:
        data = test_malformed.make_case(case, out / case)
        print(f"farm-bench -n 5 --vs '{py} {ROOT / 'build.py'} check --data {out / 'valid'}' -- {py} {ROOT / 'build.py'} check --data {data}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
