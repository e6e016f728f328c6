"""The conformance corpus (tests/conformance/): loading cases and the comparison rules of its README,
written again in Python (the Rust runner is tests/src/lib.rs)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "conformance"

CASE_KEYS = {"name", "note", "program", "source", "as_of", "units", "want", "want_diagnostics", "cycle", "want_cycle", "skip", "options"}
#: The evaluation options a case may set (`options`), each a keyword of the evaluate methods.
OPTION_KEYS = {"strict"}
FILE_KEYS = {"topic", "cases"}


@dataclass
class Case:
    file: str
    name: str
    raw: dict[str, Any]
    #: The units as Python data: JSON numbers with a fraction are Decimals, never floats.
    units: list[Any]

    @property
    def options(self) -> dict[str, Any]:
        """The case's evaluation options, as keywords of the evaluate methods."""
        return dict(self.raw.get("options", {}))

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"

    def source_text(self) -> str:
        program, source = self.raw.get("program"), self.raw.get("source")
        if (program is None) == (source is None):
            raise AssertionError("a case needs exactly one of `program` and `source`")
        if program is not None:
            return (CORPUS / program).read_text(encoding="utf-8")
        if isinstance(source, list):
            return "\n".join(source) + "\n"
        assert isinstance(source, str)
        return source


def load_cases() -> list[Case]:
    """Every case of every case file, sorted by file; unknown keys fail loudly."""
    cases: list[Case] = []
    paths = sorted((CORPUS / "cases").glob("*.json"))
    assert paths, f"no case files in {CORPUS / 'cases'}"
    for path in paths:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text, parse_float=Decimal)
        unknown = set(data) - FILE_KEYS
        assert not unknown, f"{path.name}: unknown keys {sorted(unknown)}"
        for raw in data["cases"]:
            unknown = set(raw) - CASE_KEYS
            assert not unknown, f"{path.name} {raw.get('name')}: unknown keys {sorted(unknown)}"
            unknown = set(raw.get("options", {})) - OPTION_KEYS
            assert not unknown, f"{path.name} {raw.get('name')}: unknown options {sorted(unknown)}"
            cases.append(Case(path.name, raw["name"], raw, raw.get("units", [])))
    return cases


_DEC = re.compile(r'"\\u0000dec:([^"]*)"')


def units_json(units: list[Any]) -> str:
    """The units back as JSON text, with every Decimal written as the exact JSON number it was read from."""

    def mark(v: Any) -> Any:
        if isinstance(v, Decimal):
            return "\u0000dec:" + str(v)
        if isinstance(v, list):
            return [mark(x) for x in v]
        if isinstance(v, dict):
            return {k: mark(x) for k, x in v.items()}
        return v

    return _DEC.sub(lambda m: m.group(1), json.dumps(mark(units)))


def _dec(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        return Decimal(str(v).strip()) if isinstance(v, (str, int, Decimal)) else None
    except InvalidOperation:
        return None


def _same_amount(got: Any, want: Any) -> bool:
    a, b = _dec(got), _dec(want)
    return a is not None and b is not None and a == b


def _explained_value(v: dict[str, Any]) -> str:
    value = v.get("value")
    if value is None:
        base = "unknown"
    elif isinstance(value, str):
        base = value
    else:
        base = json.dumps(value, separators=(",", ":"))
    frm = v.get("in_force_from")
    return f"{base} from {frm}" if isinstance(frm, str) else base


def _compare_explanation(got: Any, want: dict[str, Any]) -> list[str]:
    if got is None:
        return ["explanation: none was built"]
    diffs: list[str] = []
    for section in ("rules", "items"):
        for entry_id, values in (want.get(section) or {}).items():
            entry = next((r for r in got.get(section, []) if r.get("id") == entry_id), None)
            if entry is None:
                diffs.append(f"explanation {section} {entry_id}: missing")
                continue
            for name, wv in values.items():
                found = next((v for v in entry.get("values", []) if v.get("name") == name), None)
                g = _explained_value(found) if found is not None else None
                if g != wv:
                    diffs.append(f"explanation {section} {entry_id} {name}: want {wv!r}, got {g!r}")
    for score_key, values in (want.get("scores") or {}).items():
        score_id, _, component = score_key.partition(".")
        score = next((x for x in got.get("scores", []) if x.get("id") == score_id), None)
        entry = next((c for c in (score or {}).get("components", []) if c.get("id") == component), None)
        if entry is None:
            diffs.append(f"explanation scores {score_key}: missing")
            continue
        for name, wv in values.items():
            found = next((v for v in entry.get("values", []) if v.get("name") == name), None)
            g = _explained_value(found) if found is not None else None
            if g != wv:
                diffs.append(f"explanation scores {score_key} {name}: want {wv!r}, got {g!r}")
    if "adjustments" in want:
        g = [a.get("kind") for a in got.get("adjustments", [])]
        if g != want["adjustments"]:
            diffs.append(f"adjustments: want {want['adjustments']}, got {g}")
    return diffs


def compare(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """One result (decision or error, in the JSON shape) against its expectation; the differences."""
    diffs: list[str] = []
    cash = got.get("cash")
    for key, wv in want.items():
        if key == "unit_id":
            continue
        if key == "error":
            code = (got.get("error") or {}).get("code")
            if code != wv:
                diffs.append(f"error: want {wv}, got {code or 'no error'}")
        elif key == "error_fields":
            # The error's own fields, as values: message text is never compared.
            if isinstance(wv, dict) and "message" in wv:
                diffs.append("error_fields: never `message` (text is not compared)")
            diffs += subset_diff(got.get("error"), wv, "error")
        elif key == "decision":
            if got.get("decision") != wv:
                diffs.append(f"decision: want {wv}, got {got.get('decision') or (got.get('error') or {}).get('code')}")
        elif key in ("cash", "net", "fee", "items_total"):
            field = "total" if key == "cash" else key
            g = cash.get(field) if isinstance(cash, dict) else None
            if wv is None:
                if "cash" in got:
                    diffs.append(f"{key}: want none, got {g}")
            elif not _same_amount(g, wv):
                diffs.append(f"{key}: want {wv}, got {g}")
        elif key in ("capped", "floored", "rounded"):
            g = cash.get(key) if isinstance(cash, dict) else None
            if g != wv:
                diffs.append(f"{key}: want {wv}, got {g}")
        elif key == "items":
            for item_id, amount in wv.items():
                item = next((i for i in got.get("items", []) if i.get("id") == item_id), None)
                g = item.get("amount") if item is not None and item.get("applied") is True else None
                if g is not None:
                    ok = _same_amount(g, amount)
                else:
                    z = _dec(amount)
                    ok = z is not None and z == 0 and item is not None
                if not ok:
                    diffs.append(f"item {item_id}: want {amount}, got {g}")
        elif key == "values":
            for item_id, amount in wv.items():
                item = next((i for i in got.get("items", []) if i.get("id") == item_id), None)
                g = item.get("value") if item is not None and item.get("applied") is True else None
                if g is not None:
                    ok = _same_amount(g, amount)
                else:
                    z = _dec(amount)
                    ok = z is not None and z == 0 and item is not None
                if not ok:
                    diffs.append(f"value of {item_id}: want {amount}, got {g}")
        elif key == "scores":
            for score_key, want_value in wv.items():
                score_id, _, component = score_key.partition(".")
                score = next((x for x in got.get("scores", []) if x.get("id") == score_id), None)
                found, g = False, None
                if score is not None and not component:
                    found, g = "value" in score, score.get("value")
                elif score is not None:
                    comp = next((c for c in score.get("components", []) if c.get("id") == component), None)
                    if comp is not None:
                        found, g = "value" in comp, comp.get("value")
                ok = (found and g is None) if want_value is None else _same_amount(g, want_value)
                if not ok:
                    diffs.append(f"score {score_key}: want {want_value}, got {g}")
        elif key == "applied":
            g = [i.get("id") for i in got.get("items", []) if i.get("applied") is True]
            if g != wv:
                diffs.append(f"applied: want {wv}, got {g}")
        elif key == "in_kind":
            for unit, qty in wv.items():
                q = next((x for x in got.get("in_kind", []) if x.get("unit") == unit), None)
                g = q.get("quantity") if q is not None else None
                if not _same_amount(g, qty):
                    diffs.append(f"in_kind {unit}: want {qty}, got {g}")
        elif key == "rules":
            g = [f"{r.get('id', '')}:{r.get('outcome', '')}" for r in got.get("rules", [])]
            if g != wv:
                diffs.append(f"rules: want {wv}, got {g}")
        elif key == "missing":
            g = got.get("missing", [])
            if g != wv:
                diffs.append(f"missing: want {wv}, got {g}")
        elif key in ("compliance", "priority"):
            g = [f"{r.get('id', '')}:{r.get('outcome', '')}" for r in got.get(key) or []]
            if g != wv:
                diffs.append(f"{key}: want {wv}, got {g}")
        elif key == "rank_keys":
            diffs.extend(subset_diff(got.get("rank_keys", []), wv, "rank_keys"))
        elif key == "explanation":
            diffs.extend(_compare_explanation(got.get("explanation"), wv))
        else:
            diffs.append(f"unknown expectation `{key}`")
    return diffs


_DIAG_FIELDS = {"code": ("code",), "severity": ("severity",), "line": ("span", "line"), "column": ("span", "column"), "start": ("span", "start"), "end": ("span", "end")}


def _diag_matches(got: dict[str, Any], want: dict[str, Any]) -> bool:
    for key, path in _DIAG_FIELDS.items():
        if key not in want:
            continue
        v: Any = got
        for p in path:
            v = v.get(p) if isinstance(v, dict) else None
        if v != want[key] or isinstance(v, bool) != isinstance(want[key], bool):
            return False
    return True


def compare_diagnostics(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> list[str]:
    """Every wanted diagnostic must be produced; every produced error must be wanted."""
    diffs = [f"missing diagnostic {w}; got {got}" for w in want if not any(_diag_matches(g, w) for g in got)]
    diffs += [
        f"unexpected error {g}"
        for g in got
        if g.get("severity") == "error" and not any(_diag_matches(g, w) for w in want)
    ]
    return diffs


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


def same_value(got: Any, want: Any) -> bool:
    """Two JSON values agree; strings (or numbers) that are both decimals agree as exact decimals."""
    if isinstance(got, str) and isinstance(want, str):
        a, b = _dec(got), _dec(want)
        return a == b if a is not None and b is not None else got == want
    if (isinstance(got, str) or _is_number(got)) and (isinstance(want, str) or _is_number(want)) and not (isinstance(got, str) and isinstance(want, str)):
        a, b = _dec(got), _dec(want)
        return a is not None and b is not None and a == b
    return bool(got == want) and type(got) is type(want) or (got is None and want is None)


def subset_diff(got: Any, want: Any, path: str) -> list[str]:
    """`want` is contained in `got` (extra keys allowed; a key wanted as null may be absent; arrays
    of the same length); every difference with its path."""
    if isinstance(got, dict) and isinstance(want, dict):
        out: list[str] = []
        for k, wv in want.items():
            if k in got:
                out += subset_diff(got[k], wv, f"{path}.{k}")
            elif wv is not None:
                out.append(f"{path}.{k}: want {wv}, got nothing")
        return out
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [d for i, (g, w) in enumerate(zip(got, want)) for d in subset_diff(g, w, f"{path}[{i}]")]
    return [] if same_value(got, want) else [f"{path}: want {want}, got {got}"]


def compare_cycle(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """A run's result (`Program.run_cycle`) against `want_cycle`."""
    diffs: list[str] = []
    for key, wv in want.items():
        if key == "error":
            code = (got.get("error") or {}).get("code")
            if code != wv:
                diffs.append(f"cycle error: want {wv}, got {code or 'no error'}")
        elif key == "units":
            for u in wv:
                uid = u.get("unit_id", "")
                g = next((x for x in got.get("units") or [] if x.get("unit_id") == uid), None)
                if g is None:
                    diffs.append(f"cycle: no record for unit {uid}")
                else:
                    diffs += subset_diff(g, u, f"unit {uid}")
        elif key in ("totals", "summary", "comparison"):
            diffs += subset_diff(got.get(key), wv, key)
        else:
            diffs.append(f"unknown cycle expectation `{key}`")
    return diffs
