"""A batch of 100,000 generated households, checked unit by unit against an oracle written in Python
from the program's rules, and against the one-unit and JSON paths."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from decimal import Decimal

import pytest

import entitle
from households import expected, generate

AS_OF = datetime.date(2026, 3, 1)


def test_100000_households_match_the_oracle(child_grant: entitle.Program) -> None:
    units = generate(100_000)
    results = child_grant.evaluate_batch(units, AS_OF)
    assert len(results) == 100_000
    outcomes: Counter[str] = Counter()
    total = Decimal(0)
    for unit, d in zip(units, results):
        assert isinstance(d, entitle.Decision), d
        assert d.unit_id == unit["id"]
        outcome, cash, maize = expected(unit, AS_OF)
        assert (d.outcome, d.cash_total) == (outcome, cash), unit["id"]
        assert d.in_kind == ({"kg": maize} if outcome == "eligible" else {}), unit["id"]
        outcomes[d.outcome] += 1
        total += d.cash_total or 0
    # Every kind of outcome occurs, so the comparison above exercised each path.
    assert outcomes["eligible"] > 10_000 and outcomes["not_eligible"] > 10_000 and outcomes["undetermined"] > 100
    assert sum(outcomes.values()) == 100_000
    assert total == sum((expected(u, AS_OF)[1] or Decimal(0)) for u in units)


def test_batch_equals_one_by_one_and_the_json_facade(child_grant: entitle.Program) -> None:
    units = generate(300, seed=11)
    batch = child_grant.evaluate_batch(units, AS_OF, explain=True)
    one = [child_grant.evaluate(u, AS_OF, explain=True) for u in units]
    assert [d.to_json() for d in batch] == [d.to_json() for d in one]

    def plain(v: object) -> object:
        if isinstance(v, (datetime.date, Decimal)):
            return str(v)
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v

    facade = json.loads(child_grant.evaluate_batch_json(json.dumps(plain(units)), AS_OF.isoformat(), explain=True))
    assert [d.to_dict() for d in batch] == facade


def test_generators_and_tuples_are_accepted(child_grant: entitle.Program) -> None:
    units = generate(50, seed=3)
    from_list = [d.to_json() for d in child_grant.evaluate_batch(units, AS_OF)]
    assert [d.to_json() for d in child_grant.evaluate_batch((u for u in units), AS_OF)] == from_list
    assert [d.to_json() for d in child_grant.evaluate_batch(tuple(units), AS_OF)] == from_list
    assert list(child_grant.evaluate_batch([], AS_OF)) == []


def test_results_are_a_read_only_sequence(child_grant: entitle.Program) -> None:
    from collections.abc import Sequence

    units = generate(10, seed=4) + [{"id": "bad", "members": "none"}]
    results = child_grant.evaluate_batch(units, AS_OF)
    assert isinstance(results, Sequence) and isinstance(results, entitle.Results)
    assert len(results) == 11
    ids = [r.unit_id for r in results]
    assert ids == [u["id"] for u in units]
    assert [r.unit_id for r in results] == ids  # iterating again gives the same
    assert results[-1].unit_id == "bad" and isinstance(results[-1], entitle.UnitError)
    assert [r.unit_id for r in results[2:8:3]] == [ids[2], ids[5]]
    assert [r.unit_id for r in results[::-1]] == ids[::-1]
    assert repr(results) == "<Results of 11 units, 1 errors>"
    with pytest.raises(IndexError):
        results[11]
    with pytest.raises(IndexError):
        results[-12]
    # A decision kept after its Results still reads correctly.
    first = results[0]
    del results
    assert first.unit_id == ids[0] and first.outcome in ("eligible", "not_eligible", "undetermined")


@pytest.mark.parametrize(
    ("units", "fragment"),
    [
        ({"id": "H1", "region": "North", "members": []}, "not a mapping (one unit, or units by id): pass a list, such as [unit]"),
        ({"H1": {"id": "H1"}, "H2": {"id": "H2"}}, "not a mapping (one unit, or units by id)"),
        ("H1,H2", "not text"),
        (b"[]", "not text"),
    ],
)
def test_one_unit_or_text_is_not_a_batch(child_grant: entitle.Program, units: object, fragment: str) -> None:
    # Iterated, a dict gives its keys and a string its characters: each would have become a
    # UnitError with no id, the whole batch silently lost.
    with pytest.raises(TypeError) as info:
        child_grant.evaluate_batch(units, AS_OF)  # type: ignore[arg-type]
    assert str(info.value).startswith("units must be an iterable of units (dicts), ") and fragment in str(info.value)
    with pytest.raises(TypeError, match="units must be an iterable of units"):
        child_grant.run_cycle(units, AS_OF)  # type: ignore[arg-type]


def test_results_index_count_and_out_of_range(child_grant: entitle.Program) -> None:
    units = generate(6, seed=4) + [{"id": "bad", "members": "none"}]
    results = child_grant.evaluate_batch(units, AS_OF)
    again = child_grant.evaluate_batch(units, AS_OF)
    assert results.index(again[3]) == 3 and results.index(again[-1]) == 6
    assert results.index(again[3], -4) == 3 and results.index(again[3], 2, 4) == 3
    with pytest.raises(ValueError, match="not in the results"):
        results.index(again[3], 4)
    assert results.count(again[0]) == 1 and results.count("H0") == 0
    assert again[3] in results
    # Beyond any index: an IndexError, as for a list, not an OverflowError.
    for i in (10**30, -(10**30)):
        with pytest.raises(IndexError, match="results index out of range"):
            results[i]
