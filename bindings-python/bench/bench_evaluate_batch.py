"""Households per second through Program.evaluate_batch, from Python, on generated households.

    python bench/bench_evaluate_batch.py [--households 100000] [--runs 7]

Each run evaluates the whole list of dicts (with Decimal incomes and date birthdates) in one call;
medians of wall and CPU time are reported. A second figure also reads every result's outcome and
cash total, as a caller storing decisions would; a third sends the same households as JSON text
through the engine's JSON façade, for comparison.
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import json
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

    def timed(run) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        c, t = time.process_time(), time.perf_counter()
        run()
        return time.perf_counter() - t, time.process_time() - c

    def batch() -> None:
        program.evaluate_batch(units, AS_OF)

    def batch_read() -> None:
        for r in program.evaluate_batch(units, AS_OF):
            r.outcome, r.cash_total  # type: ignore[union-attr]

    def plain(v: object) -> object:
        if isinstance(v, (datetime.date, decimal.Decimal)):
            return str(v)
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v

    text = json.dumps(plain(units))

    def facade() -> None:
        program.evaluate_batch_json(text, AS_OF.isoformat())

    n = args.households
    print(f"entitle {entitle.__version__}, Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{n} households, {members} members ({members / n:.2f} per household), {args.runs} runs each, medians")
    medians = {}
    for label, fn in (
        ("evaluate_batch(list of dicts)", batch),
        ("evaluate_batch + read each outcome and cash total", batch_read),
        ("evaluate_batch_json(JSON text), for comparison", facade),
    ):
        runs = [timed(fn) for _ in range(args.runs)]
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[label] = wall
        print(f"{label}: {wall * 1000:.0f} ms wall ({n / wall:,.0f} households/s), {cpu * 1000:.0f} ms CPU (all threads)")
    first, json_path = list(medians.values())[0], list(medians.values())[2]
    print(f"ratio: dicts are {json_path / first:.2f}x the JSON façade's speed; {n / first / 200_000:.2f}x the aim of 200,000 households/s")


if __name__ == "__main__":
    main()
