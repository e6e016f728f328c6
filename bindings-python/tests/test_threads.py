"""Use from several Python threads: one shared Program, concurrent batches, and the GIL released
while a batch is evaluated."""

from __future__ import annotations

import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import entitle
from households import generate

AS_OF = datetime.date(2026, 3, 1)


def test_many_threads_share_one_program(child_grant: entitle.Program) -> None:
    chunks = [generate(2_000, seed=s) for s in range(8)]
    reference = [[d.to_json() for d in child_grant.evaluate_batch(c, AS_OF)] for c in chunks]

    def work(i: int) -> list[str]:
        c = chunks[i % len(chunks)]
        return [d.to_json() for d in child_grant.evaluate_batch(c, AS_OF)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(work, range(24)))
    for i, r in enumerate(results):
        assert r == reference[i % len(chunks)]


def test_threads_compile_and_evaluate_single_units(child_grant_source: str) -> None:
    unit = generate(1, seed=5)[0]

    def work(_: int) -> str:
        p = entitle.compile(child_grant_source)
        return p.evaluate(unit, AS_OF, explain=True).explain("fr")

    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = set(pool.map(work, range(16)))
    assert len(texts) == 1
    assert next(iter(texts)).startswith("Allocation de soutien à l'enfant — H0 — 2026-03-01")


def test_the_gil_is_released_while_a_batch_is_evaluated(child_grant: entitle.Program) -> None:
    """While one thread evaluates a large batch, another keeps running Python code. Without the
    GIL released it could not run at all during the call: its longest pause would span the call."""
    units = generate(30_000, seed=9)
    stamps: list[float] = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.is_set():
            stamps.append(time.perf_counter())

    t = threading.Thread(target=ticker)
    t.start()
    time.sleep(0.05)
    start = time.perf_counter()
    # explain=True makes the part done without the GIL (evaluation and records) the larger part.
    results = child_grant.evaluate_batch(units, AS_OF, explain=True)
    end = time.perf_counter()
    stop.set()
    t.join()
    assert len(results) == 30_000
    during = [s for s in stamps if start <= s <= end]
    gaps = [b - a for a, b in zip([start, *during], [*during, end])]
    assert during, "the other thread never ran during the call"
    assert max(gaps) < 0.9 * (end - start), (max(gaps), end - start)
