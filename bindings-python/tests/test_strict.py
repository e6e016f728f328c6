"""Strict binding: ``strict=True`` makes a key the program does not declare fail its unit (R0011)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import pytest

import entitle


def household(**extra: Any) -> dict[str, Any]:
    """A poor household in the North with a child; its head has a disability."""
    unit: dict[str, Any] = {
        "id": "H1",
        "region": "North",
        "monthly_income": Decimal("1000"),
        "members": [
            {"id": "M1", "kind": "head", "start_date": datetime.date(2020, 1, 1), "end_date": None,
             "birthdate": datetime.date(1990, 1, 1), "disabled": True},
            {"id": "M2", "kinds": ["child"], "birthdate": "2020-05-01"},
        ],
    }
    unit.update(extra)
    return unit


def misspelt() -> dict[str, Any]:
    unit = household()
    unit["members"][0]["disabeld"] = unit["members"][0].pop("disabled")
    return unit


def test_a_misspelt_member_key_is_ignored_by_default_and_r0011_when_strict(child_grant: entitle.Program) -> None:
    assert child_grant.evaluate(misspelt(), "2026-03-01").cash_total == Decimal("2000")
    assert child_grant.evaluate(misspelt(), "2026-03-01", strict=False).cash_total == Decimal("2000")
    assert child_grant.evaluate(household(), "2026-03-01", strict=True).cash_total == Decimal("2300")
    with pytest.raises(entitle.EvaluationError) as e:
        child_grant.evaluate(misspelt(), "2026-03-01", strict=True)
    assert (e.value.code, e.value.unit_id) == ("R0011", "H1")
    assert e.value.details == {
        "code": "R0011",
        "field": "member M1: disabeld",
        "closest": "disabled",
        "message": "`member M1: disabeld` is not an input of this program; did you mean `disabled`?",
    }
    assert str(e.value) == "unit H1: `member M1: disabeld` is not an input of this program; did you mean `disabled`?"


def test_a_batch_fails_the_unit_alone_with_the_field_and_the_closest_name(child_grant: entitle.Program) -> None:
    units = [household(), misspelt(), household(id="H3", shoe_size="42"), household(id="H4", Region="North")]
    results = child_grant.evaluate_batch(units, "2026-03-01", strict=True)
    assert isinstance(results[0], entitle.Decision) and results[0].cash_total == Decimal("2300")
    errors = [r.to_dict()["error"] for r in results[1:]]
    assert [{k: v for k, v in e.items() if k != "message"} for e in errors] == [
        {"code": "R0011", "field": "member M1: disabeld", "closest": "disabled"},
        {"code": "R0011", "field": "shoe_size"},
        {"code": "R0011", "field": "Region", "closest": "region"},
    ]
    lax = child_grant.evaluate_batch(units, "2026-03-01")
    assert [r.cash_total for r in lax if isinstance(r, entitle.Decision)] == [Decimal(x) for x in ("2300", "2000", "2300", "2300")]


def test_the_dict_path_and_the_json_facade_report_the_same_key(child_grant: entitle.Program) -> None:
    # Several unknown keys, given in another order than byte order: the first in byte order.
    unit = household(zone="x", areaa="y")
    with pytest.raises(entitle.EvaluationError, match="`areaa` is not an input"):
        child_grant.evaluate(unit, "2026-03-01", strict=True)
    text = json.dumps(unit, default=str)
    facade = json.loads(child_grant.evaluate_json(text, "2026-03-01", strict=True))
    assert facade["error"] == {"code": "R0011", "field": "areaa", "message": "`areaa` is not an input of this program"}
    batch = json.loads(child_grant.evaluate_batch_json(f"[{text}]", "2026-03-01", strict=True))
    assert batch == [facade]
    assert json.loads(child_grant.evaluate_json(text, "2026-03-01"))["decision"] == "eligible"


class Unit(Mapping[str, Any]):
    """A mapping that is not a dict, with a key that is not a string."""

    def __init__(self, data: dict[Any, Any]) -> None:
        self.data = data

    def __getitem__(self, key: Any) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def test_any_mapping_is_checked_and_a_key_that_is_not_text_is_named_as_str_writes_it(child_grant: entitle.Program) -> None:
    ok = Unit(household())
    assert child_grant.evaluate(ok, "2026-03-01", strict=True).cash_total == Decimal("2300")
    odd = Unit({**household(), 7: "x"})
    with pytest.raises(entitle.EvaluationError, match="`7` is not an input"):
        child_grant.evaluate(odd, "2026-03-01", strict=True)


RECORDS = """\
program clinic "Clinic" version "1"
  target individual
  currency KES

inputs
  person.district: text

records visits "Clinic visits" dated by visit_date
  visit_date: date
  cost: money default KES 0

eligible when
  visited "At least one visit" count(visits) >= 1

entitlement
  cash refund "Refund" sum(visits, cost)
"""


def test_records_are_checked_by_collection_and_field() -> None:
    p = entitle.compile(RECORDS)
    visits = [{"visit_date": datetime.date(2026, 1, 5), "cost": Decimal("100")}, {"visit_date": "2026-02-05", "cots": 50}]
    results = p.evaluate_batch(
        [{"id": "P1", "visits": visits[:1]}, {"id": "P2", "visits": visits}, {"id": "P3", "visit": visits[:1]}, {"id": "P4", "visits": []}],
        "2026-03-01",
        strict=True,
    )
    assert isinstance(results[0], entitle.Decision) and results[0].cash_total == Decimal("100")
    assert results[1].to_dict()["error"]["field"] == "visits #2: cots"
    assert results[1].to_dict()["error"]["closest"] == "cost"
    assert (results[2].to_dict()["error"]["field"], results[2].to_dict()["error"]["closest"]) == ("visit", "visits")
    assert isinstance(results[3], entitle.Decision) and results[3].outcome == "not_eligible"


@pytest.mark.parametrize("bad", ["yes", 1, 0, Decimal("1")])
def test_strict_of_the_wrong_type_is_a_type_error_as_explain_is(child_grant: entitle.Program, bad: Any) -> None:
    calls: list[Callable[..., object]] = [
        lambda **kw: child_grant.evaluate(household(), "2026-03-01", **kw),
        lambda **kw: child_grant.evaluate_batch([household()], "2026-03-01", **kw),
        lambda **kw: child_grant.evaluate_json('{"id": "H1"}', "2026-03-01", **kw),
        lambda **kw: child_grant.evaluate_batch_json('[{"id": "H1"}]', "2026-03-01", **kw),
    ]
    for call in calls:
        with pytest.raises(TypeError, match="'explain'"):
            call(explain=bad)
        with pytest.raises(TypeError, match="'strict'"):
            call(strict=bad)
