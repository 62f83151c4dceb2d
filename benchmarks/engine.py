"""Superseded by `run_all.py`, which measures these figures and every other one in the same run.

    python benchmarks/engine.py [run_all options]

is kept for old notes and runs `run_all.py --sections engines,pipeline` (the engines on pre-derived facts, and
the whole pipeline from a normalised record). See docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_all  # noqa: E402

if __name__ == "__main__":
    sys.exit(run_all.main(["--sections", "engines,pipeline", *sys.argv[1:]]))
