"""The API: compiling, what a program declares, evaluating, results and their shapes."""

from __future__ import annotations

import datetime
import hashlib
import json
import pickle
from decimal import Decimal

import pytest

import entitle

MOTHER = {
    "id": "H1",
    "region": "North",
    "monthly_income": Decimal("5000"),
    "members": [
        {"id": "M1", "kind": "head", "birthdate": datetime.date(1990, 1, 1)},
        {"id": "M2", "kind": "child", "birthdate": datetime.date(2020, 5, 1)},
        {"id": "M3", "kind": ["child"], "birthdate": "2022-01-01"},
    ],
}


def test_version() -> None:
    assert entitle.__version__ == "0.1.0"
    assert "en" in entitle.locales() and "fr" in entitle.locales()


def test_program_declarations(child_grant: entitle.Program, child_grant_source: str) -> None:
    p = child_grant
    assert (p.id, p.title, p.version, p.target, p.currency) == ("child_grant", "Child Support Grant", "2026.1", "household", "KES")
    assert p.hash == "sha256:" + hashlib.sha256(child_grant_source.encode()).hexdigest()
    assert repr(p) == "<Program child_grant version 2026.1>"
    assert [(i.scope, i.name, i.type, i.used) for i in p.inputs] == [
        ("household", "region", "text", True),
        ("household", "monthly_income", "money KES", True),
        ("household", "enrolled_in_pension", "bool", True),
        ("member", "birthdate", "date", True),
        ("member", "disabled", "bool", True),
    ]
    region = p.inputs[0]
    assert region.label == "Region" and region.choices == ["North", "East", "South", "West"] and region.default is None
    assert p.inputs[2].default is False
    assert p.inputs[1].to_dict() == {"scope": "household", "name": "monthly_income", "type": {"type": "money", "currency": "KES"}, "label": "Monthly income", "used": True}
    assert [x.name for x in p.params] == ["base_amount", "per_child", "max_children", "ceiling_per_person", "covered_regions"]
    assert p.params[4].values == [(None, ["North", "East"])]
    assert p.params[2].type == "number" and p.params[2].label == "Most children counted"
    assert [(r.id, r.kind) for r in p.rules] == [("has_child", "when"), ("poor", "when"), ("covered", "when"), ("pensioner", "unless")]
    assert p.rules[0].sentence == "At least one child under 18"
    assert p.rules[0].line == child_grant_source.splitlines().index(next(line for line in child_grant_source.splitlines() if line.strip().startswith("has_child"))) + 1
    assert [(i.id, i.kind, i.unit) for i in p.items] == [("base", "cash", None), ("per_child", "cash", None), ("disabled", "cash", None), ("maize", "in_kind", "kg")]
    assert p.units_of_measure == ["kg"]
    # The lines and translations Node's and WebAssembly's programs give too.
    assert [r.line for r in p.rules] == [25, 26, 27, 28]
    assert [i.line for i in p.items] == [31, 32, 33, 34]
    assert p.translations["fr"]["title"] == "Allocation de soutien à l'enfant"
    # As JSON, the objects Node's and WebAssembly's descriptions hold.
    assert p.rules[0].to_dict() == {"id": "has_child", "kind": "when", "sentence": "At least one child under 18", "line": 25}
    assert p.items[3].to_dict() == {"id": "maize", "kind": "in_kind", "sentence": "Maize ration", "unit": "kg", "line": 34}
    assert p.params[0].to_dict() == {
        "name": "base_amount",
        "type": {"type": "money", "currency": "KES"},
        "label": "Base amount",
        "values": [{"from": "2026-01-01", "value": "KES 1500"}, {"from": "2027-01-01", "value": "KES 1800"}],
    }
    assert p.warnings == []


def test_evaluate_gives_typed_results(child_grant: entitle.Program) -> None:
    d = child_grant.evaluate(MOTHER, datetime.date(2026, 3, 1))
    assert d.outcome == "eligible" and d.eligible
    assert d.unit_id == "H1" and d.as_of == datetime.date(2026, 3, 1)
    assert (d.program_id, d.program_version, d.program_hash) == ("child_grant", "2026.1", child_grant.hash)
    assert [r.code for r in d.rules] == ["has_child:met", "poor:met", "covered:met", "pensioner:not_met"]
    assert [(r.id, r.kind, r.outcome) for r in d.rules][-1] == ("pensioner", "unless", "not_met")
    assert d.missing == []
    assert [(i.id, i.applied, i.amount) for i in d.items] == [
        ("base", True, Decimal(1500)),
        ("per_child", True, Decimal(1000)),
        ("disabled", True, Decimal(0)),
        ("maize", True, Decimal(30)),
    ]
    per_child = d.items[1]
    assert (per_child.rate, per_child.multiplier, per_child.max_multiplier, per_child.currency) == (Decimal(500), Decimal(2), Decimal(4), "KES")
    assert d.items[0].rate is None and d.items[3].unit == "kg" and d.items[3].currency is None
    cash = d.cash
    assert cash is not None
    assert (cash.currency, cash.items_total, cash.total, cash.fee, cash.net) == ("KES", Decimal(2500), Decimal(2500), Decimal(0), Decimal(2500))
    assert (cash.capped, cash.floored, cash.rounded) == (False, False, False)
    assert d.cash_total == Decimal(2500)
    assert d.in_kind == {"kg": Decimal(30)}
    assert d.explanation is None
    assert repr(d) == "<Decision H1 eligible cash=KES 2500>"


def test_not_eligible_and_undetermined(child_grant: entitle.Program) -> None:
    rich = dict(MOTHER, id="H2", monthly_income=Decimal(50000))
    d = child_grant.evaluate(rich, "2026-03-01")
    assert d.outcome == "not_eligible" and not d.eligible
    assert d.rules[1].code == "poor:not_met"
    assert d.items == [] and d.cash is None and d.cash_total is None and d.in_kind == {}
    unknown = {k: v for k, v in MOTHER.items() if k != "monthly_income"}
    d = child_grant.evaluate(unknown, "2026-03-01")
    assert d.outcome == "undetermined" and d.missing == ["monthly_income"]
    assert d.rules[1].code == "poor:unknown"


def test_memberships_count_only_while_active(child_grant: entitle.Program) -> None:
    ended = dict(MOTHER, members=[*MOTHER["members"][:2], dict(MOTHER["members"][2], end_date=datetime.date(2026, 3, 1))])  # type: ignore[index]
    d = child_grant.evaluate(ended, "2026-03-01")
    assert d.cash_total == Decimal(2000) and d.in_kind == {"kg": Decimal(20)}
    assert child_grant.evaluate(ended, "2026-02-28").cash_total == Decimal(2500)
    later = dict(MOTHER, members=[*MOTHER["members"][:2], dict(MOTHER["members"][2], start_date="2026-03-02")])  # type: ignore[index]
    assert child_grant.evaluate(later, "2026-03-01").cash_total == Decimal(2000)
    assert child_grant.evaluate(later, "2026-03-02").cash_total == Decimal(2500)


def test_explanations(child_grant: entitle.Program) -> None:
    d = child_grant.evaluate(MOTHER, "2026-03-01", explain=True)
    text = d.explain("en").splitlines()
    assert text[0] == "Child Support Grant — H1 — 2026-03-01"
    assert text[1] == "Eligible."
    assert text[2] == "✓ At least one child under 18 — children = 2"
    assert "Base amount: KES 1500 — base_amount = KES 1500 (in force from 2026-01-01)" in text
    assert text[-2:] == ["Total: KES 2500", "In kind: 30 kg"]
    fr = d.explain("fr").splitlines()
    assert fr[0] == "Allocation de soutien à l'enfant — H1 — 2026-03-01"
    assert fr[1] == "Éligible."
    # Without explain=True the text has the sentences but not the values.
    plain = child_grant.evaluate(MOTHER, "2026-03-01").explain("en").splitlines()
    assert plain[2] == "✓ At least one child under 18"
    e = d.explanation
    assert e is not None
    assert [r["id"] for r in e["rules"]] == ["has_child", "poor", "covered", "pensioner"]
    assert e["rules"][0]["values"] == [{"name": "children", "source": "let", "value": "2"}]
    assert e["rules"][3]["values"] == [{"name": "enrolled_in_pension", "source": "input", "value": False, "defaulted": True}]
    assert e["adjustments"] == []


def test_to_dict_and_to_json_are_the_json_shape(child_grant: entitle.Program) -> None:
    d = child_grant.evaluate(MOTHER, "2026-03-01", explain=True)
    data = d.to_dict()
    assert json.loads(d.to_json()) == data
    assert set(data) == {"unit_id", "program", "as_of", "decision", "rules", "missing", "items", "cash", "in_kind", "explanation"}
    assert data["program"] == {"id": "child_grant", "version": "2026.1", "hash": child_grant.hash}
    assert data["cash"] == {"currency": "KES", "items_total": "2500", "capped": False, "floored": False, "rounded": False, "total": "2500", "fee": "0", "net": "2500"}
    assert data["in_kind"] == [{"unit": "kg", "quantity": "30"}]
    assert data["items"][1] == {"id": "per_child", "kind": "cash", "applied": True, "amount": "1000", "currency": "KES", "rate": "500", "multiplier": "2", "max_multiplier": "4"}
    assert "explanation" not in child_grant.evaluate(MOTHER, "2026-03-01").to_dict()
    # The same bytes as the engine's own JSON façade.
    unit_json = json.dumps(dict(MOTHER, monthly_income="5000", members=[dict(m, birthdate=str(m["birthdate"])) for m in MOTHER["members"]]))  # type: ignore[attr-defined]
    assert child_grant.evaluate_json(unit_json, "2026-03-01", explain=True) == d.to_json()


def test_program_tests(child_grant: entitle.Program, child_grant_source: str) -> None:
    outcomes = child_grant.run_tests()
    assert [(t.name, t.passed, t.failures) for t in outcomes] == [
        ("Mother with two young children", True, []),
        ("Rich household", True, []),
        ("Income not known", True, []),
        ("Base amount rises in 2027", True, []),
    ]
    assert outcomes[0].line == child_grant_source.splitlines().index('test "Mother with two young children" as of 2026-03-01') + 1
    broken = entitle.compile(child_grant_source.replace("expect eligible, cash KES 2500", "expect eligible, cash KES 2600"))
    first = broken.run_tests()[0]
    assert (first.passed, first.failures) == (False, ["cash: expected KES 2600, got KES 2500"])
    assert broken.run_tests(locale="fr")[0].failures == ["cash : attendu KES 2600, obtenu KES 2500"]


def test_program_tests_speak_the_compile_locale_unless_told_otherwise(child_grant_source: str) -> None:
    # As Node's and WebAssembly's runTests: the call's locale, else compile's, else English.
    import pickle

    text = child_grant_source.replace("expect eligible, cash KES 2500", "expect eligible, cash KES 2600")
    en, fr = ["cash: expected KES 2600, got KES 2500"], ["cash : attendu KES 2600, obtenu KES 2500"]
    french = entitle.compile(text, locale="fr")
    assert french.run_tests()[0].failures == fr
    assert french.run_tests(locale="en")[0].failures == en
    assert entitle.compile(text).run_tests(locale="xx")[0].failures == en
    # It pickles with its locale (and is the same program).
    again = pickle.loads(pickle.dumps(french))
    assert again == french and again.run_tests()[0].failures == fr
    # Its warnings are in that locale too.
    no_tests = 'program p "P"\n  target individual\n  currency KES\ninputs\n  person.a: number\neligible when\n  r "R" a > 1\n'
    assert [w.message for w in entitle.compile(no_tests, locale="fr").warnings] == ["le programme n'a pas de tests"]
    assert [w.message for w in entitle.compile(no_tests).warnings] == ["the program has no tests"]


def test_program_explain_as_node_and_webassembly_explain(child_grant: entitle.Program) -> None:
    text = child_grant.explain(MOTHER, "2026-03-01", locale="fr")
    assert text == child_grant.evaluate(MOTHER, "2026-03-01", explain=True).explain("fr")
    assert text.startswith("Allocation de soutien à l'enfant — H1 — 2026-03-01")
    assert child_grant.explain(MOTHER, datetime.date(2026, 3, 1)) == child_grant.evaluate(MOTHER, "2026-03-01", explain=True).explain("en")
    assert child_grant.explain(MOTHER, "2026-03-01", locale="xx") == child_grant.explain(MOTHER, "2026-03-01")
    # A unit's error is said in the explanation's language, its code and fields unchanged.
    with pytest.raises(entitle.EvaluationError) as info:
        child_grant.explain({"id": "H3", "region": "East", "monthly_income": 0, "members": []}, "2026-03-01", locale="fr")
    assert (info.value.code, info.value.unit_id, str(info.value)) == ("R0001", "H3", "unit H3: division par zéro dans `income_per_person`")
    assert info.value.details["message"] == "division par zéro dans `income_per_person`"
    with pytest.raises(entitle.EvaluationError) as english:
        child_grant.explain({"id": "H3", "region": "East", "monthly_income": 0, "members": []}, "2026-03-01")
    assert str(english.value) == "unit H3: division by zero in `income_per_person`"
    assert {k: v for k, v in english.value.details.items() if k != "message"} == {k: v for k, v in info.value.details.items() if k != "message"}
    with pytest.raises(entitle.EvaluationError) as strict:
        child_grant.explain({**MOTHER, "regoin": "North"}, "2026-03-01", strict=True)
    assert (strict.value.code, strict.value.details["field"], strict.value.details["closest"]) == ("R0011", "regoin", "region")


def test_check(child_grant_source: str) -> None:
    assert entitle.check(child_grant_source) == []
    diagnostics = entitle.check(child_grant_source.replace("per_child: money", "per_kid: money"))
    assert [(d.code, d.severity, d.message) for d in diagnostics] == [
        ("W0001", "warning", "the parameter `per_kid` is never used"),
        ("E0101", "error", "unknown name `per_child`"),
    ]
    lines = child_grant_source.splitlines()
    assert diagnostics[0].line == next(i for i, x in enumerate(lines) if x.lstrip().startswith("per_child: money")) + 1
    assert all(d.column > 0 and d.end > d.start for d in diagnostics)
    # check never raises, even on nonsense.
    assert [d.code for d in entitle.check("}}}")] == ["E0001"]


def test_run_cycle(child_grant: entitle.Program) -> None:
    from households import generate

    units = generate(6, seed=2)
    run = child_grant.run_cycle(units, datetime.date(2026, 3, 1), {"fund": {"posted": Decimal("3000")}, "previous": {"H0": "enrolled"}})
    totals = run["totals"]
    assert (totals["units"], totals["selected"], totals["states"]) == (6, 2, {"enrolled": 2, "not_eligible": 4})
    assert (totals["requested"], totals["approved"], totals["pending"]) == ("4800", "2000", "2800")
    assert totals["fund"]["remaining"] == "1000"
    h0 = run["units"][0]
    assert (h0["unit_id"], h0["previous_state"], h0["state"], h0["state_reason"]) == ("H0", "enrolled", "not_eligible", {"code": "not_eligible", "rules": ["has_child", "poor"]})
    # The fund is spent in unit order and stops at the first entitlement it cannot cover.
    assert [(u["unit_id"], u.get("approval")) for u in run["units"] if u["selected"]] == [("H1", "approved"), ("H4", "pending_validation")]
    with pytest.raises(entitle.RunError) as info:
        child_grant.run_cycle(units, "2026-03-01", {"bogus": 1})
    # The engine's error object, as run_cycle_json gives it and Node's RunError carries it.
    assert isinstance(info.value, entitle.EntitleError) and isinstance(info.value, ValueError)
    facade = json.loads(child_grant.run_cycle_json(json.dumps(units, default=str), "2026-03-01", '{"bogus": 1}'))
    assert info.value.details == facade["error"] and info.value.details["code"] == "R0102"
    assert (info.value.code, str(info.value)) == ("R0102", facade["error"]["message"])
    assert pickle.loads(pickle.dumps(info.value)).details == facade["error"]
    with pytest.raises(TypeError):
        child_grant.run_cycle(units, "2026-03-01", {"budget": 1.5})
    # Options that are not a mapping are a TypeError, as in Node and WebAssembly: a list was read
    # field by field (`[]` ran with no options) and a string was a RunError.
    for cycle in ([], ["enrolled"], "top", 5):
        with pytest.raises(TypeError, match=f"cycle must be a mapping of options \\(a dict\\), not `{type(cycle).__name__}`"):
            child_grant.run_cycle(units, "2026-03-01", cycle)  # type: ignore[arg-type]
    assert child_grant.run_cycle(units, "2026-03-01", None)["totals"]["units"] == len(units)
    assert json.loads(child_grant.run_cycle_json("[]", "2026-03-01"))["totals"]["units"] == 0


def test_results_compare_by_value_and_copy_as_themselves(child_grant: entitle.Program) -> None:
    import copy

    d = child_grant.evaluate(MOTHER, "2026-03-01", explain=True)
    same = child_grant.evaluate(MOTHER, datetime.date(2026, 3, 1), explain=True)
    assert d is not same and d == same and not (d != same) and hash(d) == hash(same)
    assert d != child_grant.evaluate(dict(MOTHER, id="H9"), "2026-03-01", explain=True)
    assert d != child_grant.evaluate(MOTHER, "2026-03-01")  # without the explanation
    assert d != d.to_dict() and d != "H1"
    # Amounts are compared as numbers.
    assert d == child_grant.evaluate(dict(MOTHER, monthly_income=Decimal("5000.00")), "2026-03-01", explain=True)
    assert d.rules == same.rules and d.items == same.items and d.cash == same.cash
    assert d.items[0] != d.items[1] and len({*d.rules, *same.rules}) == 4
    error, again = (child_grant.evaluate_batch([{"id": "bad", "members": "none"}], "2026-03-01")[0] for _ in range(2))
    assert error == again and hash(error) == hash(again) and error != d
    assert len({d, same, error, again}) == 2
    for obj in (d, error, child_grant):
        assert copy.copy(obj) is obj and copy.deepcopy([obj])[0] is obj  # immutable


def test_a_program_pickles_as_its_text_and_a_decision_says_how_to_pickle_it(child_grant: entitle.Program, child_grant_source: str) -> None:
    import pickle

    again = pickle.loads(pickle.dumps(child_grant))
    assert type(again) is entitle.Program and again is not child_grant
    assert again == child_grant and again.hash == child_grant.hash and hash(again) == hash(child_grant)
    assert again.evaluate(MOTHER, "2026-03-01") == child_grant.evaluate(MOTHER, "2026-03-01")
    assert child_grant == entitle.compile(child_grant_source) and child_grant != entitle.compile(child_grant_source + "\n")
    d = child_grant.evaluate(MOTHER, "2026-03-01")
    with pytest.raises(TypeError, match=r"a Decision cannot be pickled: pickle decision.to_dict\(\) or decision.to_json\(\) instead"):
        pickle.dumps(d)
    assert pickle.loads(pickle.dumps(d.to_dict())) == d.to_dict()
    error = child_grant.evaluate_batch([{"id": "bad", "members": "none"}], "2026-03-01")[0]
    with pytest.raises(TypeError, match="a UnitError cannot be pickled"):
        pickle.dumps(error)
