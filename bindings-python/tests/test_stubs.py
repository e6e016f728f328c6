"""The type stubs against the compiled module (mypy's stubtest), and type-checked use of the API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GOOD = '''
import datetime
from decimal import Decimal
import entitle

def total(source: str, units: list[dict[str, object]]) -> Decimal:
    program: entitle.Program = entitle.compile(source)
    out = Decimal(0)
    for r in program.evaluate_batch(units, datetime.date(2026, 3, 1), explain=True):
        if isinstance(r, entitle.UnitError):
            raise r.to_exception()
        if r.cash is not None:
            out += r.cash.net
        as_of: datetime.date = r.as_of
        text: str = r.explain("fr")
    return out

def choices(program: entitle.Program, unit: dict[str, object]) -> list[str]:
    try:
        program.evaluate(unit, "2026-03-01")
    except entitle.EvaluationError as e:
        listed: list[str] = e.details["choices"]
        return listed
    for r in program.evaluate_batch([unit], "2026-03-01"):
        if isinstance(r, entitle.UnitError):
            at: str = r.to_exception().details["at"]
            return [at]
    return []

def codes(source: str) -> list[tuple[str, int, int]]:
    try:
        entitle.compile(source)
    except entitle.CompileError as e:
        return [(d.code, d.line, d.column) for d in e.diagnostics]
    return []
'''

BAD = '''
import entitle
d = entitle.compile("").evaluate({"id": "x"}, "2026-03-01")
wrong: float = d.cash_total
entitle.compile("", locale=1)
'''


def _mypy(tmp_path: Path, name: str, text: str) -> subprocess.CompletedProcess[str]:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".mypy_cache"), str(f)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_stubs_match_the_compiled_module() -> None:
    r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "entitle"], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success: no issues found" in r.stdout


def test_typed_use_passes_and_misuse_is_caught(tmp_path: Path) -> None:
    good = _mypy(tmp_path, "good.py", GOOD)
    assert good.returncode == 0, good.stdout
    bad = _mypy(tmp_path, "bad.py", BAD)
    assert bad.returncode == 1
    assert 'Incompatible types in assignment (expression has type "Decimal | None", variable has type "float")' in bad.stdout
    assert 'Argument "locale" to "compile" has incompatible type "int"' in bad.stdout
