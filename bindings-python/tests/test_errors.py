"""Errors cross the boundary as Python exceptions with codes and diagnostics, never as JSON text and
never as a crash."""

from __future__ import annotations

import datetime
import json
import pickle
import uuid
from decimal import Decimal

import pytest

import entitle

AS_OF = datetime.date(2026, 3, 1)


def test_compile_error_carries_every_diagnostic(child_grant_source: str) -> None:
    source = child_grant_source.replace("age(birthdate)", "age(birthdat)").replace(
        "monthly_income / count", "monthly_incom / count"
    )
    with pytest.raises(entitle.CompileError) as info:
        entitle.compile(source)
    e = info.value
    assert isinstance(e, ValueError) and isinstance(e, entitle.EntitleError)
    errors = [d for d in e.diagnostics if d.severity == "error"]
    assert [d.code for d in errors] == ["E0101", "E0101"]
    assert e.code == "E0101"
    first = errors[0]
    start = source.index("age(birthdat)") + len("age(")
    assert (first.start, first.end) == (start, start + len("birthdat"))
    assert (first.line, first.column) == (source[:start].count("\n") + 1, start - source.rindex("\n", 0, start))
    assert first.message == "unknown name `birthdat`"
    assert first.help == "did you mean `birthdate`?"
    second = errors[1]
    assert second.message == "unknown name `monthly_incom`" and second.help == "did you mean `monthly_income`?"
    # Human text, never JSON inside the message: the diagnostics rendered with their carets, as
    # Node's and WebAssembly's CompileError say them.
    text = str(e)
    assert text.startswith("the program does not compile (2 errors)\n")
    assert "\nerror[E0101]: unknown name `birthdat`\n" in text
    assert "{" not in text and f" --> <source>:{first.line}:{first.column}\n" in text
    assert "= help: did you mean `monthly_income`?" in text
    rendered = first.render(source, "child_grant.entitle")
    assert rendered.startswith("error[E0101]: unknown name `birthdat`\n")
    assert f"--> child_grant.entitle:{first.line}:{first.column}" in rendered
    assert "^^^^^^^^" in rendered and "= help: did you mean `birthdate`?" in rendered
    assert first.to_dict() == {
        "code": "E0101",
        "severity": "error",
        "span": {"start": first.start, "end": first.end, "line": first.line, "column": first.column},
        "message": "unknown name `birthdat`",
        "help": "did you mean `birthdate`?",
    }


def test_compile_error_names_the_file_it_is_given(child_grant_source: str) -> None:
    source = child_grant_source.replace("age(birthdate)", "age(birthdat)")
    with pytest.raises(entitle.CompileError) as info:
        entitle.compile(source, filename="child_grant.entitle")
    start = source.index("age(birthdat)") + len("age(")
    line, column = source[:start].count("\n") + 1, start - source.rindex("\n", 0, start)
    text = str(info.value)
    assert text.startswith("the program does not compile (1 error)\n")
    assert "\nerror[E0101]: unknown name `birthdat`\n" in text
    assert f" --> child_grant.entitle:{line}:{column}\n" in text
    assert "^^^^^^^^" in text and "<source>" not in text
    # The diagnostics are the same whatever the name.
    with pytest.raises(entitle.CompileError) as unnamed:
        entitle.compile(source)
    assert [d.to_dict() for d in unnamed.value.diagnostics] == [d.to_dict() for d in info.value.diagnostics]
    assert str(unnamed.value) == text.replace("child_grant.entitle", "<source>")


def test_compile_error_in_french(child_grant_source: str) -> None:
    with pytest.raises(entitle.CompileError) as info:
        entitle.compile(child_grant_source.replace("age(birthdate)", "age(birthdat)"), locale="fr")
    error = next(d for d in info.value.diagnostics if d.severity == "error")
    assert (error.message, error.help) == ("nom inconnu `birthdat`", "vouliez-vous dire `birthdate` ?")


def test_exceptions_pickle_with_their_fields(child_grant: entitle.Program) -> None:
    with pytest.raises(entitle.EvaluationError) as info:
        child_grant.evaluate({"id": "H1", "monthly_income": 1.5}, AS_OF)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is entitle.EvaluationError
    assert (again.code, again.unit_id, str(again)) == ("R0005", "H1", str(info.value))
    with pytest.raises(entitle.CompileError) as compile_info:
        entitle.compile("program p\n  bogus\n")
    again_c = pickle.loads(pickle.dumps(compile_info.value))
    assert type(again_c) is entitle.CompileError
    assert again_c.code == compile_info.value.code == "E0001"
    assert [d.to_dict() for d in again_c.diagnostics] == [d.to_dict() for d in compile_info.value.diagnostics]
    assert len(again_c.diagnostics) >= 1


def test_a_value_outside_the_choices_is_told_them_never_itself(child_grant: entitle.Program) -> None:
    unit = {"id": "H1", "region": "north-SECRET"}
    with pytest.raises(entitle.EvaluationError) as info:
        child_grant.evaluate(unit, AS_OF)
    assert "North, East, South, West" in str(info.value) and "SECRET" not in str(info.value)
    [err] = child_grant.evaluate_batch([unit], AS_OF)
    assert isinstance(err, entitle.UnitError)
    detail = err.to_dict()["error"]
    assert {k: v for k, v in detail.items() if k != "message"} == {
        "code": "R0008",
        "field": "region",
        "choices": ["North", "East", "South", "West"],
        "choices_total": 4,
        "text": True,
    }
    assert detail["message"] == str(info.value).removeprefix("unit H1: ")
    assert "SECRET" not in json.dumps(detail)


@pytest.mark.parametrize(
    ("unit", "code", "message"),
    [
        ({"id": "H1", "region": "North", "monthly_income": Decimal(100)}, "R0001", "division by zero in `income_per_person`"),
        (
            {"id": "H2", "region": "North", "monthly_income": 100, "members": [{"id": "a", "kind": "head", "birthdate": datetime.date(2030, 1, 1)}]},
            "R0003",
            "`children` computes an age from a date after the as-of date",
        ),
        (
            {"id": "H3", "region": "Nowhere"},
            "R0008",
            "`region` is not one of its declared choices: North, East, South, West; written as declared, capitals included (spaces around the value do not count)",
        ),
        ({"id": "H4", "monthly_income": {"amount": "100", "currency": "USD"}}, "R0005", None),
        ({"id": "H5", "monthly_income": 100.0}, "R0005", None),
        ({"id": "H6", "members": "none"}, "R0010", "the unit's data is malformed: `members` must be a list"),
        ({"id": "H7", "members": [42]}, "R0010", None),
        ({"region": "North"}, "R0010", "the unit's data is malformed: the unit has no `id` (a string or an integer)"),
        ({"id": "H9", "members": [{"id": "m", "kind": 3}]}, "R0010", None),
        ({"id": "H10", "members": [{"id": "m", "start_date": "31/12/2020"}]}, "R0005", None),
        ({"id": "H11", "members": [{"id": "m", "birthdate": 20200101.0}]}, "R0005", None),
        # A kind that is not a string used to be dropped, the member then counted as less than it is.
        ({"id": "H12", "members": [{"id": "m", "kind": ["child", 3]}]}, "R0010", "the unit's data is malformed: member m: `kind` must be a string or a list of strings"),
        ({"id": "H13", "members": [{"id": "m", "kind": ("head", None)}]}, "R0010", "the unit's data is malformed: member m: `kind` must be a string or a list of strings"),
        ({"id": "H14", "monthly_income": Decimal("NaN")}, "R0005", "`monthly_income`: NaN and Infinity are not numbers"),
    ],
)
def test_evaluation_errors_have_codes(child_grant: entitle.Program, unit: dict[str, object], code: str, message: str | None) -> None:
    with pytest.raises(entitle.EvaluationError) as info:
        child_grant.evaluate(unit, AS_OF)
    e = info.value
    assert isinstance(e, ValueError)
    assert e.code == code
    assert e.unit_id == unit.get("id", "")
    assert e.diagnostics == []
    if message is not None:
        # A unit without an id has no `unit …:` before its error (which says so).
        assert str(e) == (f"unit {e.unit_id}: {message}" if e.unit_id else message)
    # In a batch the same unit is an error in its place and the others are decided.
    good = {"id": "G", "region": "East", "monthly_income": 100, "members": [{"id": "g", "kind": "child", "birthdate": "2020-01-01"}]}
    results = child_grant.evaluate_batch([good, unit, good], AS_OF)
    assert [type(r).__name__ for r in results] == ["Decision", "UnitError", "Decision"]
    err = results[1]
    assert isinstance(err, entitle.UnitError)
    assert (err.unit_id, err.code) == (e.unit_id, code)
    d = err.to_dict()
    assert d["unit_id"] == e.unit_id and d["error"]["code"] == code
    assert json.loads(err.to_json()) == d
    exc = err.to_exception()
    assert isinstance(exc, entitle.EvaluationError) and exc.code == code


def test_a_float_amount_is_refused_never_rounded(child_grant: entitle.Program) -> None:
    with pytest.raises(entitle.EvaluationError) as info:
        child_grant.evaluate({"id": "H1", "monthly_income": 0.1 + 0.2}, AS_OF)
    assert info.value.code == "R0005"
    assert "float" in str(info.value) and "0.3" not in str(info.value)


def test_messages_never_carry_registrant_values(child_grant: entitle.Program) -> None:
    secret = "Alice Wanjiru 0712345678"
    with pytest.raises(entitle.EvaluationError) as info:
        child_grant.evaluate({"id": "H1", "monthly_income": secret}, AS_OF)
    assert info.value.code == "R0005"
    assert secret not in str(info.value)


@pytest.mark.parametrize("number", [Decimal("98765432109876543210987654321098765.4321"), Decimal("987654.321E+99"), 98765432109876543210987654321098765])
def test_run_cycle_refuses_a_number_without_showing_it(child_grant: entitle.Program, number: object) -> None:
    # run_cycle converts Python units to JSON first; an out-of-range number used to be quoted.
    with pytest.raises(TypeError) as info:
        child_grant.run_cycle([{"id": "H1", "region": "North", "monthly_income": number}], AS_OF)
    assert "out of range" in str(info.value)
    assert "98765432109876543210987654321098765" not in str(info.value) and "987654" not in str(info.value)


def test_bad_as_of(child_grant: entitle.Program) -> None:
    unit = {"id": "H1", "region": "North"}
    with pytest.raises(entitle.EvaluationError) as info:
        child_grant.evaluate(unit, "yesterday")
    assert (info.value.code, info.value.unit_id) == ("R0010", "H1")
    results = child_grant.evaluate_batch([unit, {"id": "H2"}], "2026-13-01")
    assert [(r.unit_id, r.code) for r in results if isinstance(r, entitle.UnitError)] == [("H1", "R0010"), ("H2", "R0010")]
    with pytest.raises(TypeError):
        child_grant.evaluate(unit, 20260301)  # type: ignore[arg-type]


def test_json_facade_errors(child_grant: entitle.Program) -> None:
    out = json.loads(child_grant.evaluate_json('{"id": "H1", "monthly_income": "lots"}', "2026-03-01"))
    assert out["unit_id"] == "H1" and out["error"]["code"] == "R0005"
    with pytest.raises(entitle.EvaluationError) as info:
        child_grant.evaluate_json("{not json", "2026-03-01")
    assert info.value.code == "R0010"
    with pytest.raises(entitle.EvaluationError):
        child_grant.evaluate_batch_json('{"id": "H1"}', "2026-03-01")


def test_exceptions_raised_by_the_callers_objects_propagate(child_grant: entitle.Program) -> None:
    class Broken(dict):  # type: ignore[type-arg]
        def get(self, *_: object) -> object:
            raise AssertionError("not used: dicts are read directly")

    assert child_grant.evaluate(Broken(id="H1", region="North"), AS_OF).outcome == "not_eligible"

    from collections.abc import Mapping

    class Failing(Mapping):  # type: ignore[type-arg]
        def __getitem__(self, key: str) -> object:
            raise RuntimeError("registry connection lost")

        def __iter__(self):  # type: ignore[no-untyped-def]
            return iter(())

        def __len__(self) -> int:
            return 0

    with pytest.raises(RuntimeError, match="registry connection lost"):
        child_grant.evaluate_batch([Failing()], AS_OF)


@pytest.mark.parametrize("where", ["here", "detached"])
def test_a_panic_becomes_an_exception_not_a_crash(where: str) -> None:
    """`_panic_for_tests` exists only for this test: it panics inside the binding, on the calling
    thread or on a worker thread with the GIL released, through the same guard as every entry point."""
    with pytest.raises(entitle.EntitleError) as info:
        entitle._native._panic_for_tests(where)
    assert info.value.code == "internal"
    assert f"forced panic for tests ({where})" in str(info.value)
    assert type(info.value) is entitle.EntitleError
    # The interpreter and the module keep working.
    assert entitle.check("program p\n") is not None


@pytest.mark.parametrize(("unit_id", "type_name"), [(1.5, "float"), (True, "bool"), (uuid.UUID(int=1), "UUID"), (b"H1", "bytes")])
def test_an_id_of_the_wrong_type_is_named_not_called_missing(child_grant: entitle.Program, unit_id: object, type_name: str) -> None:
    with pytest.raises(entitle.EvaluationError) as info:
        child_grant.evaluate({"id": unit_id, "region": "North"}, AS_OF)
    assert info.value.code == "R0010" and info.value.unit_id == ""
    assert str(info.value) == f"the unit's data is malformed: the unit's `id` must be a string or an integer, not `{type_name}`"
    for absent in ({"region": "North"}, {"id": None}):
        with pytest.raises(entitle.EvaluationError, match="the unit has no `id` \\(a string or an integer\\)$"):
            child_grant.evaluate(absent, AS_OF)


def test_a_kind_list_with_a_non_string_is_refused_by_the_json_facade_too(child_grant: entitle.Program) -> None:
    unit = {"id": "H1", "members": [{"id": "m", "kind": ["child", 3]}]}
    out = json.loads(child_grant.evaluate_json(json.dumps(unit), "2026-03-01"))
    assert out["error"]["code"] == "R0010"
    assert out["error"]["reason"] == "member m: `kind` must be a string or an array of strings"
