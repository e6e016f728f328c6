"""The cross-language determinism and privacy checks for the Python binding (the wheel that
scripts/test-python.sh installs into bindings-python/.venv/test). Run by scripts/test-reliability.sh.

    python bindings.py results PROGRAM AS_OF UNITS.json OUT.jsonl [--explain]
        One line per unit: the batch result's JSON (``to_json()``), compared byte for byte with
        the Rust engine's by the script. Units are read with exact decimals; each unit evaluated
        alone, and the JSON entry point, must give the same result.
    python bindings.py privacy PROGRAM AS_OF PRIVACY_UNITS.json
        Evaluates units seeded with recognisable values every way the binding allows and fails
        when one of those values appears in an exception's message or data.
"""
from __future__ import annotations

import datetime
import decimal
import json
import sys

import entitle

#: Values seeded into privacy_units.json (and below): none may appear in an error.
SECRETS = ["SECRET-4242", "1901-02-03", "987654.321", "2031-02-03", "98765432109", "9.87654321"]


def results(program_file: str, as_of: str, units_file: str, out_file: str, *flags: str) -> None:
    explain = "--explain" in flags
    with open(program_file, encoding="utf-8") as f:
        program = entitle.compile(f.read())
    with open(units_file, encoding="utf-8") as f:
        text = f.read()
    units = json.loads(text, parse_float=decimal.Decimal)
    batch = program.evaluate_batch(units, as_of, explain=explain)
    lines = [r.to_json() for r in batch]
    if len(lines) != len(units):
        sys.exit(f"{len(units)} units, {len(lines)} results")
    facade = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in json.loads(program.evaluate_batch_json(text, as_of, explain=explain))]
    for i, unit in enumerate(units):
        try:
            alone = program.evaluate(unit, as_of, explain=explain).to_json()
        except entitle.EvaluationError as e:
            alone = None
            if (e.unit_id, e.code) != (batch[i].unit_id, batch[i].code):
                sys.exit(f"unit {i}: alone and in a batch, the errors differ")
        if alone is not None and alone != lines[i]:
            sys.exit(f"unit {i}: alone and in a batch, the results differ")
        if json.loads(facade[i]) != json.loads(lines[i]):
            sys.exit(f"unit {i}: Python values and the JSON entry point differ")
    with open(out_file, "w", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in lines)
    print(f"{len(lines)} results written to {out_file}")


def privacy(program_file: str, as_of: str, units_file: str) -> None:
    with open(program_file, encoding="utf-8") as f:
        program = entitle.compile(f.read())
    with open(units_file, encoding="utf-8") as f:
        text = f.read()
    units = json.loads(text, parse_float=decimal.Decimal)
    # Values only Python can send: a float, an out-of-range Decimal and date, bytes.
    units += [
        {"id": "PY1", "region": "North", "monthly_income": 987654.321},
        {"id": "PY2", "region": "North", "monthly_income": decimal.Decimal("98765432109876543210987654321098765.4321")},
        {"id": "PY3", "region": "North", "monthly_income": decimal.Decimal("987654.321E+99")},
        {"id": "PY4", "region": b"SECRET-4242", "members": [{"id": "PY4-1", "kind": "head", "birthdate": datetime.date(1901, 2, 3)}]},
        {"id": "PY5", "region": "North", "monthly_income": decimal.Decimal("NaN"), "members": [{"id": "PY5-1", "kind": "head", "birthdate": datetime.date(2031, 2, 3)}]},
    ]
    seen: list[tuple[str, str]] = []
    failures = 0

    def record(what: str, e: BaseException) -> None:
        seen.append((what, f"{type(e).__name__}: {e}"))
        seen.append((what + " repr", repr(e)))
        for attr in ("code", "unit_id", "diagnostics", "args"):
            if hasattr(e, attr):
                seen.append((f"{what} .{attr}", repr(getattr(e, attr))))

    for i, unit in enumerate(units):
        for name, call in (
            ("evaluate", lambda: program.evaluate(unit, as_of)),
            ("evaluate with an explanation", lambda: program.evaluate(unit, as_of, explain=True)),
            ("evaluate_json", lambda: program.evaluate_json(json.dumps(unit, default=str), as_of)),
        ):
            try:
                r = call()
                if isinstance(r, str) and '"error"' in r:
                    failures += 1
                    seen.append((f"{name} of unit {i}", r))
            except Exception as e:  # every failure is checked, whatever its type
                failures += 1
                record(f"{name} of unit {i}", e)
    try:
        for r in program.evaluate_batch(units, as_of, explain=True):
            if isinstance(r, entitle.UnitError):
                failures += 1
                seen.append((f"batch result of {r.unit_id}", r.to_json()))
                record(f"batch result of {r.unit_id} as an exception", r.to_exception())
    except Exception as e:
        failures += 1
        record("evaluate_batch", e)
    for name, call in (
        ("run_cycle", lambda: program.run_cycle([u for u in units if isinstance(u, dict)], as_of)),
        ("run_cycle_json", lambda: program.run_cycle_json(text, as_of)),
        ("evaluate_batch_json of text that is not JSON", lambda: program.evaluate_batch_json('[{"id": "PJ", "region": "SECRET-4242", "monthly_income": 987654.321', as_of)),
        ("evaluate_json of text that is not JSON", lambda: program.evaluate_json('{"id": "PJ", "region": "SECRET-4242", "birthdate": 1901-02-03}', as_of)),
    ):
        try:
            r = call()
            units_out = r.get("units", []) if isinstance(r, dict) else json.loads(r).get("units", [])
            seen.append((name, json.dumps([u for u in units_out if u.get("decision") is None])))
        except Exception as e:
            failures += 1
            record(name, e)
    leaks = [(what, t) for what, t in seen if any(s in t for s in SECRETS)]
    for what, t in leaks:
        print(f"LEAK in {what}: {t}", file=sys.stderr)
    if failures < len(units):
        sys.exit(f"only {failures} failures for {len(units)} hostile units: the check checked too little")
    print(f"{len(seen)} error texts from {failures} failures checked, {len(leaks)} leaks")
    if leaks:
        sys.exit(1)


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    {"results": results, "privacy": privacy}[mode](*rest)
