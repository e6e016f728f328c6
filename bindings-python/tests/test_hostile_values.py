"""Values no registry should send, which must fail their own unit with a code (as in Node and
WebAssembly), never raise a stray exception for a whole batch or crash the interpreter: data
nested deeper than 64 levels or containing itself, and text with a lone surrogate (what
`surrogateescape` decoding leaves for bytes that are not UTF-8)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import entitle

AS_OF = "2026-03-01"
HALF = "text with half of a character"
TOO_DEEP = "nested more than 64 levels deep, which is not unit data"


def household(**kw: Any) -> dict[str, Any]:
    unit: dict[str, Any] = {
        "id": "H1",
        "region": "North",
        "monthly_income": Decimal("5000"),
        "members": [
            {"id": "M1", "kind": "head", "birthdate": "1990-01-01"},
            {"id": "M2", "kind": "child", "birthdate": "2020-05-01"},
        ],
    }
    unit.update(kw)
    return unit


def nested(levels: int) -> list[Any]:
    """A list `levels` deep: nested(1) is [], nested(2) is [[]]."""
    root: list[Any] = []
    inner = root
    for _ in range(levels - 1):
        inner.append([])
        inner = inner[0]
    return root


def error_of(program: entitle.Program, unit: Any) -> dict[str, Any]:
    """The unit's error, alone in a batch after a good unit (which must stay decided)."""
    good, result = program.evaluate_batch([household(id="H0"), unit], AS_OF)
    assert isinstance(good, entitle.Decision) and good.outcome == "eligible"
    assert isinstance(result, entitle.UnitError), result
    error: dict[str, Any] = result.to_dict()["error"]
    return error


# -- nesting --------------------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [65, 1000, 200_000])
def test_a_value_nested_too_deep_is_r0005_for_its_unit(child_grant: entitle.Program, levels: int) -> None:
    error = error_of(child_grant, household(region=nested(levels)))
    assert (error["code"], error["field"], error["reason"]) == ("R0005", "region", TOO_DEEP)
    with pytest.raises(entitle.EvaluationError) as e:
        child_grant.evaluate(household(region=nested(levels)), AS_OF)
    assert (e.value.code, e.value.details["field"]) == ("R0005", "region")


def test_64_levels_are_read_as_a_value(child_grant: entitle.Program) -> None:
    # The limit is the JS bindings': a list 64 deep is still data (here of the wrong type).
    error = error_of(child_grant, household(region=nested(64)))
    assert (error["code"], error["reason"]) == ("R0005", "expected text, found a list")


def test_a_list_that_contains_itself_is_r0005(child_grant: entitle.Program) -> None:
    loop: list[Any] = []
    loop.append(loop)
    member = {"id": "M1", "kind": "head", "birthdate": loop}
    error = error_of(child_grant, household(members=[member]))
    assert (error["code"], error["field"], error["reason"]) == ("R0005", "member M1: birthdate", TOO_DEEP)


def test_money_whose_amount_contains_itself_is_r0005(child_grant: entitle.Program) -> None:
    money: dict[str, Any] = {"currency": "KES"}
    money["amount"] = money
    error = error_of(child_grant, household(monthly_income=money))
    assert (error["code"], error["field"], error["reason"]) == ("R0005", "monthly_income", TOO_DEEP)


def test_run_cycle_refuses_data_nested_too_deep_with_a_type_error(child_grant: entitle.Program) -> None:
    with pytest.raises(TypeError, match=TOO_DEEP):
        child_grant.run_cycle([household(region=nested(200_000))], AS_OF)
    loop: dict[str, Any] = {}
    loop["by"] = loop
    with pytest.raises(TypeError, match=TOO_DEEP):
        child_grant.run_cycle([household()], AS_OF, {"summary": loop})


def test_run_cycle_names_a_key_that_is_not_a_string(child_grant: entitle.Program) -> None:
    with pytest.raises(TypeError, match="keys must be strings, not `int`"):
        child_grant.run_cycle([{**household(), 5: "x"}], AS_OF)


# -- lone surrogates ------------------------------------------------------------------------------

SURROGATE = b"No\xff".decode("utf-8", "surrogateescape")  # 'No\udcff'


@pytest.mark.parametrize(
    ("unit", "field"),
    [
        (household(region=SURROGATE), "region"),
        (household(region=[SURROGATE]), "region"),
        (household(monthly_income={"amount": "5000", "currency": "KE\udcff"}), "monthly_income"),
        (household(members=[{"id": "M1", "kind": "head", "birthdate": SURROGATE}]), "member M1: birthdate"),
        (household(members=[{"id": "M1", "kind": SURROGATE}]), "member M1: kind"),
        (household(members=[{"id": "M1", "kind": ["head", SURROGATE]}]), "member M1: kind"),
        (household(members=[{"id": "M1", "kind": "head", "start_date": SURROGATE}]), "member M1: start_date"),
        (household(members=[{"id": "M\udcff", "kind": "head"}]), "member M\ufffd: id"),
    ],
)
def test_text_with_a_lone_surrogate_is_r0005_for_its_unit(
    child_grant: entitle.Program, unit: dict[str, Any], field: str
) -> None:
    error = error_of(child_grant, unit)
    assert (error["code"], error["field"]) == ("R0005", field)
    if field != "monthly_income":  # an amount's currency that cannot be read is not a valid one
        assert error["reason"].startswith(HALF)


def test_an_id_with_a_lone_surrogate_is_r0005_and_shown_with_a_replacement_character(
    child_grant: entitle.Program,
) -> None:
    _, result = child_grant.evaluate_batch([household(), household(id="H\udcff")], AS_OF)
    assert isinstance(result, entitle.UnitError)
    assert (result.unit_id, result.code, result.to_dict()["error"]["field"]) == ("H\ufffd", "R0005", "id")


def test_strict_names_a_key_with_a_lone_surrogate(child_grant: entitle.Program) -> None:
    with pytest.raises(entitle.EvaluationError) as e:
        child_grant.evaluate({**household(), "x\udcff": 1}, AS_OF, strict=True)
    assert (e.value.code, e.value.details["field"]) == ("R0011", "x\ufffd")
    # Without strict, the key is ignored as any other undeclared key.
    assert child_grant.evaluate({**household(), "x\udcff": 1}, AS_OF).outcome == "eligible"


def test_an_as_of_date_with_a_lone_surrogate_is_not_a_date(child_grant: entitle.Program) -> None:
    with pytest.raises(entitle.EvaluationError) as e:
        child_grant.evaluate(household(), "2026-03-0\udcff")
    assert e.value.code == "R0010"


def test_run_cycle_refuses_text_with_a_lone_surrogate_with_a_type_error(child_grant: entitle.Program) -> None:
    with pytest.raises(TypeError, match=HALF):
        child_grant.run_cycle([household(region=SURROGATE)], AS_OF)


def test_program_text_with_a_lone_surrogate_is_read_as_the_js_bindings_read_it(child_grant_source: str) -> None:
    # JavaScript hands the engine U+FFFD in its place: the same diagnostics, the same program hash.
    assert [d.code for d in entitle.check("program x\udcff")] == ["E0001"]
    with pytest.raises(entitle.CompileError) as e:
        entitle.compile("program x\udcff")
    assert (e.value.code, e.value.diagnostics[0].column) == ("E0001", 10)
    source = child_grant_source.replace('"Child Support Grant"', '"Child Support Grant \udcff"')
    assert entitle.compile(source) == entitle.compile(source.replace("\udcff", "\ufffd"))


# -- units as JSON text ---------------------------------------------------------------------------


def test_json_text_the_reader_refuses_fails_its_unit_alone(child_grant: entitle.Program) -> None:
    good = json.dumps(household(id="H0", monthly_income="5000"))
    half = '{"id": "H1", "region": "\\ud800"}'
    deep = '{"id": "H2", "region": ' + "[" * 200 + "]" * 200 + "}"
    results = json.loads(child_grant.evaluate_batch_json(f"[{good}, {half}, {deep}]", AS_OF))
    assert results[0]["decision"] == "eligible"
    assert [(r["unit_id"], r["error"]["code"]) for r in results[1:]] == [("H1", "R0010"), ("H2", "R0010")]
    # One unit: its error record (the batch's), not an exception for the whole call.
    assert json.loads(child_grant.evaluate_json(half, AS_OF)) == results[1]
    assert json.loads(child_grant.evaluate_json(deep, AS_OF)) == results[2]


def test_json_text_that_is_not_one_value_still_raises(child_grant: entitle.Program) -> None:
    for text in ['{"id": "H1"}, {"id": "H2"}', "{", ""]:
        with pytest.raises(entitle.EvaluationError) as e:
            child_grant.evaluate_json(text, AS_OF)
        assert e.value.code == "R0010" and e.value.unit_id is None
