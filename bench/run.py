"""Run benchmark cases against their floors: `python bench/run.py [CASE ...] [--repeat N] [--json FILE]`."""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
TOTAL = ""  # the key of a run's whole time; steps of a multi-step case have their own keys


def available() -> list[str]:
    return sorted(path.stem.removeprefix("case_") for path in BENCH.glob("case_*.py"))


def load(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    module = importlib.import_module(f"case_{name}")
    for attribute in ("NAME", "TARGET", "setup", "ours", "floor"):
        if not hasattr(module, attribute):
            raise SystemExit(f"bench/case_{name}.py lacks {attribute}")
    return module


def timed(side: Callable[[], Any]) -> dict[str, float]:
    """Run one side once. A side that is a generator yields each step's name as it ends.

    A side that returns a number has timed itself (e.g. inside the subprocess it ran, after
    the subprocess's imports): that number is the run's time.
    """
    gc.collect()
    times: dict[str, float] = {}
    start = lap = time.perf_counter()
    result = side()
    if isinstance(result, Iterator):
        for step in result:
            now = time.perf_counter()
            times[step] = now - lap
            lap = now
    times[TOTAL] = time.perf_counter() - start
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        times[TOTAL] = float(result)
    return times


def run_case(module: ModuleType, repeat: int, warmup: int) -> list[dict[str, Any]]:
    """Alternate ours and floor (ours, floor, ours, floor, ...) and compare medians."""
    module.setup(CACHE)
    for _ in range(warmup):
        timed(module.ours)
        timed(module.floor)
    ours_runs: list[dict[str, float]] = []
    floor_runs: list[dict[str, float]] = []
    for _ in range(repeat):
        ours_runs.append(timed(module.ours))
        floor_runs.append(timed(module.floor))
    rows = []
    for key in [TOTAL] + [k for k in ours_runs[0] if k != TOTAL]:
        ours = [run[key] for run in ours_runs]
        floor = [run[key] for run in floor_runs]
        ratio = statistics.median(ours) / statistics.median(floor)
        rows.append({
            "case": module.NAME + (f": {key}" if key else ""),
            "ours": statistics.median(ours), "floor": statistics.median(floor),
            "ratio": ratio, "target": module.TARGET,
            "verdict": "PASS" if ratio <= module.TARGET else "OVER",
            "ours_runs": ours, "floor_runs": floor,
        })
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    width = max(len("case"), *(len(row["case"]) for row in rows))
    print(f"{'case':<{width}} | ours (median s) | floor (median s) |   ratio | target | verdict")
    print(f"{'-' * width}-+-----------------+------------------+---------+--------+--------")
    for row in rows:
        print(f"{row['case']:<{width}} | {row['ours']:15.4f} | {row['floor']:16.4f} | "
              f"{row['ratio']:6.2f}x | {row['target']:5.1f}x | {row['verdict']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"default: all ({', '.join(available())})")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each side (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs of each side first (default 1)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the results, every run, as JSON")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.cases) - set(available()))
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; have {', '.join(available())}")
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be at least 1 and --warmup at least 0")
    rows: list[dict[str, Any]] = []
    extra: dict[str, list[str]] = {}  # a case's extra_report(rows): lines printed under the table
    for name in args.cases or available():
        module = load(name)
        case_rows = run_case(module, args.repeat, args.warmup)
        rows += case_rows
        if hasattr(module, "extra_report"):
            extra[module.NAME] = list(module.extra_report(case_rows))
    print_table(rows)
    for lines in extra.values():
        print()
        print("\n".join(lines))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "python": sys.version, "platform": platform.platform(),
            "repeat": args.repeat, "warmup": args.warmup, "results": rows, "extra": extra,
        }, indent=2) + "\n")
    return 0  # a benchmark reports; it does not fail the build


if __name__ == "__main__":
    sys.exit(main())
