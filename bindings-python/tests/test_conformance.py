"""The whole conformance corpus from Python: every case of every file in tests/conformance/cases.

Each case is compiled; its diagnostics are compared; its units (read with JSON fractions as Decimals)
are evaluated, with the case's ``options`` as keywords (``strict=True``), one by one with
``Program.evaluate`` and as one batch with ``Program.evaluate_batch``,
which must agree, and each result is compared with ``want``. The same units then go through the
engine's own JSON façade (``evaluate_json``, Rust reading the JSON text): every decision must be
byte for byte the JSON the Python path produced, and every error the same code.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import entitle
from corpus import Case, compare, compare_cycle, compare_diagnostics, load_cases, units_json

CASES = load_cases()


def test_the_corpus_is_all_there() -> None:
    # The corpus only grows; this guards against loading an empty or truncated folder.
    assert len(CASES) >= 97
    assert len({c.id for c in CASES}) == len(CASES), "case names must be unique within a file"


def _one_by_one(program: entitle.Program, unit: Any, as_of: str, options: dict[str, Any]) -> dict[str, Any]:
    try:
        return program.evaluate(unit, as_of, explain=True, **options).to_dict()
    except entitle.EvaluationError as e:
        # The exception's details are the whole error object, as a batch's UnitError gives it.
        return {"unit_id": e.unit_id, "error": e.details}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    if case.raw.get("skip"):
        pytest.skip(case.raw["skip"])
    source = case.source_text()
    diffs: list[str] = []
    program: entitle.Program | None
    try:
        program = entitle.compile(source)
        diagnostics = [d.to_dict() for d in program.warnings]
    except entitle.CompileError as e:
        program = None
        diagnostics = [d.to_dict() for d in e.diagnostics]
        assert isinstance(e, ValueError)
        assert e.code == next(d["code"] for d in diagnostics if d["severity"] == "error")
    want_diagnostics = case.raw.get("want_diagnostics", [])
    if want_diagnostics or program is None:
        diffs += compare_diagnostics(diagnostics, want_diagnostics)
        # check() finds the same problems (compile() may add more, such as invalid patterns).
        assert all(d in diagnostics for d in (x.to_dict() for x in entitle.check(source)))
    if program is not None and "want_cycle" in case.raw:
        as_of_cycle = case.raw.get("as_of") or ""
        cycle = case.raw.get("cycle")
        try:
            run = program.run_cycle(case.units, as_of_cycle, cycle)
        except entitle.RunError as e:
            # The record the engine gives for a run it cannot carry out, as Node's runner reads it.
            assert (e.code, str(e)) == (e.details["code"], e.details["message"])
            run = {"error": e.details}
        diffs += compare_cycle(run, case.raw["want_cycle"])
        # The same run through the engine's JSON entry point, from the JSON text of the case.
        facade_run = json.loads(
            program.run_cycle_json(units_json(case.units), as_of_cycle, None if cycle is None else units_json([cycle])[1:-1]),
            parse_float=Decimal,
        )
        if facade_run != run:
            diffs.append("run_cycle from Python data and from JSON text differ")
    want = case.raw.get("want", [])
    if program is None or not want:
        assert not diffs, "\n".join(diffs)
        return
    as_of = case.raw.get("as_of")
    assert as_of, "a case with `want` needs `as_of`"
    units = case.units
    options = case.options

    one_by_one = [_one_by_one(program, u, as_of, options) for u in units]
    batch = program.evaluate_batch(units, as_of, explain=True, **options)
    assert len(batch) == len(units)
    # The batch's results in full (`error_fields` are read from them); one by one they must be the
    # same, an exception's details included.
    full = [r.to_dict() for r in batch]
    if one_by_one != full:
        diffs.append("evaluating one by one and as a batch gave different results")
    if len(want) != len(units):
        diffs.append(f"{len(units)} units but {len(want)} expectations")
    for w in want:
        uid = w.get("unit_id", "")
        got = next((g for g in full if g.get("unit_id") == uid), None)
        if got is None:
            diffs.append(f"no result for unit {uid}")
        else:
            diffs += [f"unit {uid}: {d}" for d in compare(got, w)]

    # Same results as Rust: the engine's JSON façade on the same units as JSON text.
    facade_batch = json.loads(program.evaluate_batch_json(units_json(units), as_of, explain=True, **options))
    for unit, mine, theirs in zip(units, batch, facade_batch):
        facade_one = program.evaluate_json(units_json([unit])[1:-1], as_of, explain=True, **options)
        assert json.loads(facade_one) == theirs
        if isinstance(mine, entitle.Decision):
            if mine.to_json() != facade_one:
                diffs.append(f"unit {mine.unit_id}: Python and the JSON façade differ:\n  {mine.to_json()}\n  {facade_one}")
        elif theirs.get("error", {}).get("code") != mine.code or theirs.get("unit_id") != mine.unit_id:
            diffs.append(f"unit {mine.unit_id}: error {mine.code} from Python, {theirs} from the JSON façade")
    assert not diffs, "\n".join(diffs)
