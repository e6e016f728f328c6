"""Households per second through Program.evaluate_batch, from Python, on generated households.

    python bench/bench_evaluate_batch.py [--households 100000] [--runs 7]

Each run evaluates the whole list of dicts (with Decimal incomes and date birthdates) in one call;
the median is reported. A second figure also reads every result's outcome and cash total, as a
caller storing decisions would.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import entitle  # noqa: E402
from households import generate  # noqa: E402

AS_OF = datetime.date(2026, 3, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    source = (HERE.parents[1] / "examples" / "programs" / "child_grant.entitle").read_text(encoding="utf-8")
    program = entitle.compile(source)
    units = generate(args.households)
    members = sum(len(u["members"]) for u in units)
    program.evaluate_batch(units[:1000], AS_OF)  # warm-up

    def timed(read: bool) -> float:
        t = time.perf_counter()
        results = program.evaluate_batch(units, AS_OF)
        if read:
            for r in results:
                r.outcome, r.cash_total  # type: ignore[union-attr]
        return time.perf_counter() - t

    plain = sorted(timed(False) for _ in range(args.runs))
    read = sorted(timed(True) for _ in range(args.runs))
    n = args.households
    print(f"entitle {entitle.__version__}, Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"{n} households, {members} members ({members / n:.2f} per household), {args.runs} runs")
    for label, times in (("evaluate_batch", plain), ("evaluate_batch + read outcome and cash", read)):
        med = statistics.median(times)
        print(f"{label}: median {med * 1000:.0f} ms (min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}) -> {n / med:,.0f} households/s")


if __name__ == "__main__":
    main()
