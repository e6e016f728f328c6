"""``EvaluationError.details`` and ``PaymentError.details``: the engine's error object as plain data,
the same keys and values as a batch's ``UnitError.to_dict()["error"]`` (and Node's and WebAssembly's
``e.details``), so that nobody has to parse a message."""

from __future__ import annotations

import copy
import datetime
import pickle
from pathlib import Path
from typing import Any

import pytest

import entitle

AS_OF = datetime.date(2026, 3, 1)

# Fourteen districts: more than the twelve choices an R0008 lists.
MANY_CHOICES = """\
program choices "Choices" version "1"
  target household
  currency KES

inputs
  household.district: text "District" one of ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D11", "D12", "D13", "D14"]
  household.band: number "Band" one of [1, 2.5]

eligible when
  d1 "In D1" district == "D1"
  low "Low band" band == 1
"""


def _raised(program: entitle.Program, unit: dict[str, Any], as_of: object = AS_OF) -> entitle.EvaluationError:
    with pytest.raises(entitle.EvaluationError) as info:
        program.evaluate(unit, as_of)  # type: ignore[arg-type]
    return info.value


def test_r0008_details_name_the_field_and_its_choices(child_grant: entitle.Program) -> None:
    e = _raised(child_grant, {"id": "H1", "region": "north-SECRET"})
    assert e.details == {
        "code": "R0008",
        "field": "region",
        "choices": ["North", "East", "South", "West"],
        "choices_total": 4,
        "text": True,
        "message": str(e).removeprefix("unit H1: "),
    }
    assert e.details["field"] == "region"
    assert e.details["choices"] == ["North", "East", "South", "West"]
    assert "SECRET" not in repr(e.details)


def test_r0008_details_list_the_first_twelve_choices_and_count_them_all() -> None:
    program = entitle.compile(MANY_CHOICES)
    e = _raised(program, {"id": "H1", "district": "d1", "band": 1})
    assert e.details["field"] == "district"
    assert e.details["choices"] == [f"D{i}" for i in range(1, 13)]
    assert e.details["choices_total"] == 14
    assert type(e.details["choices_total"]) is int
    assert e.details["text"] is True
    # Number choices are written as the program writes them, as text (never floats).
    e = _raised(program, {"id": "H2", "district": "D1", "band": 3})
    assert {k: v for k, v in e.details.items() if k != "message"} == {
        "code": "R0008",
        "field": "band",
        "choices": ["1", "2.5"],
        "choices_total": 2,
        "text": False,
    }


def test_r0001_details_say_where_the_division_by_zero_is(child_grant: entitle.Program) -> None:
    e = _raised(child_grant, {"id": "H1", "region": "North", "monthly_income": 100})
    assert e.code == "R0001" and e.unit_id == "H1"
    assert e.details == {"code": "R0001", "at": "income_per_person", "message": "division by zero in `income_per_person`"}
    assert e.details["at"] == "income_per_person"


def test_r0005_details_name_the_field_and_the_reason(child_grant: entitle.Program) -> None:
    e = _raised(child_grant, {"id": "H1", "monthly_income": 1.5})
    assert set(e.details) == {"code", "field", "reason", "message"}
    assert (e.details["code"], e.details["field"]) == ("R0005", "monthly_income")
    assert "float" in e.details["reason"] and "1.5" not in e.details["reason"]


def test_r0004_details_give_the_date_as_iso_text(child_grant: entitle.Program) -> None:
    unit = {"id": "H1", "region": "North", "monthly_income": 100, "members": [{"id": "a", "kind": "child", "birthdate": "2020-01-01"}]}
    e = _raised(child_grant, unit, datetime.date(2025, 6, 1))
    assert e.details == {
        "code": "R0004",
        "param": "base_amount",
        "as_of": "2025-06-01",
        "message": "the parameter `base_amount` has no value in force on 2025-06-01",
    }


@pytest.mark.parametrize(
    "unit",
    [
        {"id": "H1", "region": "North", "monthly_income": 100},
        {"id": "H2", "region": "Nowhere"},
        {"id": "H3", "monthly_income": 1.5},
        {"id": "H4", "members": "none"},
        {"region": "North"},
        {"id": "H6", "region": "North", "monthly_income": 100, "members": [{"id": "a", "kind": "head", "birthdate": datetime.date(2030, 1, 1)}]},
    ],
)
def test_a_batch_error_raised_has_the_details_of_its_dict(child_grant: entitle.Program, unit: dict[str, Any]) -> None:
    [err] = child_grant.evaluate_batch([unit], AS_OF)
    assert isinstance(err, entitle.UnitError)
    exc = err.to_exception()
    assert isinstance(exc, entitle.EvaluationError)
    assert exc.details == err.to_dict()["error"]
    assert exc.details["code"] == exc.code == err.code and exc.details["message"] == err.message
    # And the same as evaluating the unit on its own.
    assert _raised(child_grant, unit).details == exc.details


def test_an_as_of_that_is_not_a_date_has_the_engines_details(child_grant: entitle.Program) -> None:
    e = _raised(child_grant, {"id": "H1", "region": "North"}, "yesterday")
    assert e.details == {
        "code": "R0010",
        "reason": "the as-of date must be an ISO 8601 date such as 2026-03-01",
        "message": "the unit's data is malformed: the as-of date must be an ISO 8601 date such as 2026-03-01",
    }


def test_call_level_errors_have_code_and_message(child_grant: entitle.Program) -> None:
    calls = [
        lambda: child_grant.evaluate_json("{not json", "2026-03-01"),
        lambda: child_grant.evaluate_batch_json('{"id": "H1"}', "2026-03-01"),
        lambda: child_grant.run_cycle_json("[]", "2026-03-01", "{not json"),
    ]
    for call in calls:
        with pytest.raises(entitle.EvaluationError) as info:
            call()
        e = info.value
        assert e.unit_id is None
        assert e.details == {"code": "R0010", "message": str(e)}


def test_payment_errors_have_code_and_message(tmp_path: Path) -> None:
    # The payment errors have no structured form beyond their code and message.
    with pytest.raises(entitle.PaymentError) as info:
        entitle.pay(tmp_path / "run", "swift-mt103", tmp_path / "payer.toml", tmp_path / "out")
    e = info.value
    assert e.code == "P0018"
    assert e.details == {"code": "P0018", "message": str(e)}


def test_details_survive_pickling_and_copying(child_grant: entitle.Program) -> None:
    e = _raised(child_grant, {"id": "H1", "region": "Nowhere"})
    for again in (pickle.loads(pickle.dumps(e)), copy.copy(e), copy.deepcopy(e)):
        assert type(again) is entitle.EvaluationError
        assert (again.code, again.unit_id, str(again), again.details) == (e.code, e.unit_id, str(e), e.details)
    deep = copy.deepcopy(e)
    deep.details["choices"].append("Elsewhere")
    assert e.details["choices"] == ["North", "East", "South", "West"]


def test_errors_made_in_python_have_details() -> None:
    e = entitle.EvaluationError("no such unit", code="R0010", unit_id="H9")
    assert e.details == {"code": "R0010", "message": "no such unit"}
    given = {"code": "R0001", "at": "x", "message": "division by zero in `x`"}
    e = entitle.EvaluationError("unit H1: division by zero in `x`", code="R0001", unit_id="H1", details=given)
    assert e.details == given and e.details is not given
    assert entitle.PaymentError("bad", code="P0001").details == {"code": "P0001", "message": "bad"}
