"""Dates and decimals crossing the boundary, both ways."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

import entitle

PENSION = """\
program pension "Old-age pension" version "1"
  target individual
  currency KES

inputs
  person.birthdate: date
  person.savings: money "Savings"
  person.score: number default 0
  person.registered: date
  person.tags: list of text default []

params
  amount: money = KES 2000.50 from 2026-01-01, KES 2100.25 from 2027-01-01

eligible when
  old "Aged 70 or more" age(birthdate) >= 70
  poor "Savings under KES 10000.01" savings < KES 10000.01
  scored "Score above 0.5" score > 0.5
  recent "Registered in 2026" registered >= 2026-01-01

entitlement
  cash monthly "Monthly pension" amount
"""


@pytest.fixture(scope="module")
def pension() -> entitle.Program:
    program = entitle.compile(PENSION)
    assert sorted(w.code for w in program.warnings) == ["W0003", "W0008"]  # tags unused, no tests
    return program


def person(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "P1",
        "birthdate": datetime.date(1950, 6, 1),
        "savings": Decimal("10000.00"),
        "score": Decimal("0.51"),
        "registered": datetime.date(2026, 2, 1),
    }
    base.update(kw)
    return base


AS_OF = datetime.date(2026, 3, 1)


def test_decimals_stay_exact(pension: entitle.Program) -> None:
    d = pension.evaluate(person(), AS_OF, explain=True)
    assert d.outcome == "eligible"
    assert d.cash_total == Decimal("2000.50") and isinstance(d.cash_total, Decimal)
    assert str(d.cash_total) == "2000.50"  # digits kept, never through a float
    assert d.to_dict()["cash"]["total"] == "2000.50"
    values = {v["name"]: v["value"] for r in d.explanation["rules"] for v in r["values"]}  # type: ignore[index]
    assert values["savings"] == "KES 10000.00"
    assert values["score"] == "0.51"
    # One cent more is not under the threshold: exact arithmetic, no binary rounding.
    assert pension.evaluate(person(savings=Decimal("10000.01")), AS_OF).outcome == "not_eligible"


@pytest.mark.parametrize(
    "savings",
    [Decimal("9999.99"), 9999, "9999.99", "KES 9999.99", "9999.99 KES", {"amount": Decimal("9999.99"), "currency": "KES"}, {"amount": "9999.99", "currency": "KES"}, Decimal("9.99999E+3")],
)
def test_money_is_accepted_in_every_exact_form(pension: entitle.Program, savings: object) -> None:
    d = pension.evaluate(person(savings=savings), AS_OF, explain=True)
    assert d.rules[1].code == "poor:met"


@pytest.mark.parametrize(
    ("savings", "code"),
    [
        (9999.99, "R0005"),  # a float is never exact
        (Decimal("NaN"), "R0005"),
        (Decimal("Infinity"), "R0005"),
        (10**40, "R0005"),  # beyond exact decimal range
        (Decimal("1.00000000000000000000000000001E+5"), "R0005"),  # 29 decimals: was rounded to 100000
        (Decimal("1E-29"), "R0005"),  # more decimals than an exact decimal keeps
        ("USD 10", "R0005"),
        ({"amount": "10", "currency": "USD"}, "R0005"),
        ({"amount": "10"}, "R0005"),
        (True, "R0005"),
        (datetime.date(2026, 1, 1), "R0005"),
        (object(), "R0005"),
    ],
)
def test_inexact_or_wrong_amounts_are_refused(pension: entitle.Program, savings: object, code: str) -> None:
    with pytest.raises(entitle.EvaluationError) as info:
        pension.evaluate(person(savings=savings), AS_OF)
    assert info.value.code == code


def test_none_and_absent_are_unknown_not_zero(pension: entitle.Program) -> None:
    for unit in (person(savings=None), {k: v for k, v in person().items() if k != "savings"}):
        d = pension.evaluate(unit, AS_OF)
        assert d.outcome == "undetermined"
        assert d.missing == ["savings"]
        assert d.cash is None and d.cash_total is None
    # A declared default fills in: score defaults to 0, which fails `score > 0.5`.
    assert pension.evaluate(person(score=None), AS_OF).rules[2].code == "scored:not_met"


@pytest.mark.parametrize(
    "birthdate",
    [
        datetime.date(1956, 3, 1),
        datetime.datetime(1956, 3, 1, 23, 59),
        datetime.datetime(1956, 3, 1, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=3))),
        "1956-03-01",
        "1956-03-01T10:00:00Z",
        " 1956-03-01 ",
    ],
)
def test_dates_in_every_form(pension: entitle.Program, birthdate: object) -> None:
    # 70 on the as-of date exactly: a birthday counts on the day.
    d = pension.evaluate(person(birthdate=birthdate), AS_OF)
    assert d.rules[0].code == "old:met"
    assert pension.evaluate(person(birthdate=birthdate), AS_OF - datetime.timedelta(days=1)).rules[0].code == "old:not_met"


def test_leap_day_birthdays(pension: entitle.Program) -> None:
    born = datetime.date(1956, 2, 29)
    # In a non-leap year someone born on 29 February turns a year older on 1 March.
    assert pension.evaluate(person(birthdate=born), datetime.date(2026, 2, 28)).rules[0].code == "old:not_met"
    assert pension.evaluate(person(birthdate=born), datetime.date(2026, 3, 1)).rules[0].code == "old:met"


@pytest.mark.parametrize("birthdate", ["01/06/1950", "1950-02-30", 19500601])
def test_bad_dates_are_refused(pension: entitle.Program, birthdate: object) -> None:
    with pytest.raises(entitle.EvaluationError) as info:
        pension.evaluate(person(birthdate=birthdate), AS_OF)
    assert info.value.code == "R0005"


def test_dates_and_decimals_come_back_typed(pension: entitle.Program) -> None:
    d = pension.evaluate(person(), datetime.datetime(2027, 1, 1, 12, 0))
    assert d.as_of == datetime.date(2027, 1, 1) and type(d.as_of) is datetime.date
    assert d.cash_total == Decimal("2100.25")
    assert d.items[0].amount == Decimal("2100.25") and d.items[0].currency == "KES"
    assert d.to_dict()["as_of"] == "2027-01-01"
    param = pension.params[0]
    assert param.values == [
        (datetime.date(2026, 1, 1), Decimal("2000.50")),
        (datetime.date(2027, 1, 1), Decimal("2100.25")),
    ]
    inputs = {i.name: i for i in pension.inputs}
    assert inputs["score"].default == Decimal(0)
    assert inputs["tags"].default == []
    assert inputs["savings"].type == "money KES"
    assert inputs["savings"].label == "Savings"
    assert inputs["birthdate"].default is None
    # The explanation says which parameter value was in force, from which date.
    e = pension.evaluate(person(), "2027-06-30", explain=True).explanation
    assert e is not None
    assert e["items"][0]["values"] == [{"name": "amount", "source": "param", "value": "KES 2100.25", "in_force_from": "2027-01-01"}]


def test_lists_and_text(pension: entitle.Program) -> None:
    d = pension.evaluate(person(tags=["a", "b"], score=1), AS_OF)
    assert d.outcome == "eligible"
    with pytest.raises(entitle.EvaluationError) as info:
        pension.evaluate(person(tags=[1.5]), AS_OF)
    assert info.value.code == "R0005"


def test_ids_may_be_integers(pension: entitle.Program) -> None:
    assert pension.evaluate(person(id=42), AS_OF).unit_id == "42"
    with pytest.raises(entitle.EvaluationError) as info:
        pension.evaluate(person(id=4.2), AS_OF)
    assert info.value.code == "R0010"


RECORDS = """\
program rec "Records"
  target individual
  currency KES

inputs
  person.district: text

records visits "Clinic visits" dated by visit_date
  visit_date: date
  kind: text one of ["clinic", "vaccination"]
  cost: money default KES 0

let spent = sum(visits where kind == "clinic", cost)
let last_kind = latest(visits, kind, visit_date)

eligible when
  spent_something "Spent at the clinic" spent > KES 0

entitlement
  cash refund "Refund of clinic costs, at most KES 500" min(spent, KES 500)
"""


def test_records_take_python_values() -> None:
    program = entitle.compile(RECORDS)
    visits = [
        {"visit_date": datetime.date(2026, 5, 1), "kind": "clinic", "cost": Decimal("300.50")},
        {"visit_date": datetime.datetime(2026, 1, 10, 9, 0), "kind": "clinic", "cost": 100},
        {"visit_date": "2026-02-01", "kind": "vaccination"},
    ]
    d = program.evaluate({"id": "P1", "district": "North", "visits": visits}, "2026-06-01")
    assert (d.outcome, d.cash_total) == ("eligible", Decimal("400.50"))
    assert program.evaluate({"id": "P2", "visits": []}, "2026-06-01").outcome == "not_eligible"
    assert program.evaluate({"id": "P3"}, "2026-06-01").outcome == "not_eligible"
    with pytest.raises(entitle.EvaluationError) as info:
        program.evaluate({"id": "P4", "visits": [{"visit_date": "2026-05-01", "kind": "clinic", "cost": 1.5}]}, "2026-06-01")
    assert info.value.code == "R0005" and "visits #1: cost" in str(info.value)
    with pytest.raises(entitle.EvaluationError) as info:
        program.evaluate({"id": "P5", "visits": [{"visit_date": "2026-05-01", "kind": "pharmacy"}]}, "2026-06-01")
    assert info.value.code == "R0008"


@pytest.mark.parametrize("special", ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "-inf"])
def test_nan_and_infinity_are_named_as_such(pension: entitle.Program, special: str) -> None:
    # They used to be reported as "out of range or not exact", which sends one looking for digits.
    with pytest.raises(entitle.EvaluationError) as info:
        pension.evaluate(person(savings=Decimal(special)), AS_OF)
    assert (info.value.code, str(info.value)) == ("R0005", "unit P1: `savings`: NaN and Infinity are not numbers")
    with pytest.raises(TypeError, match="NaN and Infinity are not numbers"):
        pension.run_cycle([person(savings=Decimal(special))], AS_OF)
    # Finite numbers in exponent form are still read exactly.
    assert pension.evaluate(person(savings=Decimal("1E+3")), AS_OF).rules[1].code == "poor:met"


FLAGS = """\
program flags "Flags"
  target individual

inputs
  person.flag: bool

eligible when
  f "F" flag
"""


@pytest.mark.parametrize(
    ("flag", "outcome"),
    [
        (True, "eligible"),
        (False, "not_eligible"),
        (1, "eligible"),
        (0, "not_eligible"),
        (Decimal("1.0"), "eligible"),
        ("TRUE", "eligible"),
        ("no", "not_eligible"),
        ("1", "eligible"),
        ("on", "eligible"),
        ("Off", "not_eligible"),
        ("", "undetermined"),
        (None, "undetermined"),
    ],
)
def test_truth_values_as_every_language_reads_them(flag: object, outcome: str) -> None:
    # The same spellings as JS and the JSON façade: an int 1/0 as the text "1"/"0" is, "on" as a
    # browser checkbox sends it.
    program = entitle.compile(FLAGS)
    assert program.evaluate({"id": "P1", "flag": flag}, AS_OF).outcome == outcome
    if not isinstance(flag, Decimal):
        text = program.evaluate_json(json.dumps({"id": "P1", "flag": flag}), AS_OF.isoformat())
        assert json.loads(text)["decision"] == outcome


@pytest.mark.parametrize("flag", [2, -1, Decimal("0.5"), "2", "maybe"])
def test_other_numbers_are_not_truth_values(flag: object) -> None:
    program = entitle.compile(FLAGS)
    with pytest.raises(entitle.EvaluationError) as info:
        program.evaluate({"id": "P1", "flag": flag}, AS_OF)
    assert (info.value.code, str(info.value)) == (
        "R0005",
        "unit P1: `flag`: expected a truth value (true/false, yes/no, on/off, 1/0)",
    )
