"""The addon's mapping module (registry records → Entitle units → decision and entitlement records),
tested with plain objects standing in for Odoo records, and the addon's structure checked without
Odoo."""

from __future__ import annotations

import ast
import csv
import datetime
import importlib.util
import re
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import entitle

ADDON = Path(__file__).resolve().parents[1] / "entitle_g2p"
_spec = importlib.util.spec_from_file_location("entitle_g2p_mapping", ADDON / "mapping.py")
assert _spec and _spec.loader
mapping = importlib.util.module_from_spec(_spec)
sys.modules["entitle_g2p_mapping"] = mapping
_spec.loader.exec_module(mapping)

PROGRAM_TEXT = (ADDON / "data" / "household_grant.entitle").read_text(encoding="utf-8")
AS_OF = datetime.date(2026, 3, 1)

# res.partner fields and their Odoo types, as `env["res.partner"]._fields` gives them.
PARTNER_FIELDS = {
    "name": "char",
    "is_registrant": "boolean",
    "is_group": "boolean",
    "disabled": "datetime",
    "active": "boolean",
    "income": "float",
    "x_cst_grp_region": "char",
    "district": "char",
    "birthdate": "date",
    "gender": "selection",
    "area_id": "many2one",
    "tags_ids": "many2many",
    "z_ind_grp_num_children": "integer",
    "registration_date": "date",
}


def rec(**kw: Any) -> SimpleNamespace:
    return SimpleNamespace(**kw)


def individual(pid: int, born: datetime.date | bool, gender: str | bool = False, **kw: Any) -> SimpleNamespace:
    base = dict(id=pid, name=f"Person {pid}", is_registrant=True, is_group=False, disabled=False, active=True, birthdate=born, gender=gender)
    base.update(kw)
    return rec(**base)


def membership(person: SimpleNamespace, *kinds: str, start: Any = False, ended: Any = False, is_ended: bool = False) -> SimpleNamespace:
    return rec(individual=person, kind=[rec(name=k) for k in kinds], start_date=start, ended_date=ended, is_ended=is_ended)


def group(pid: int, memberships: list[SimpleNamespace], **kw: Any) -> SimpleNamespace:
    base = dict(
        id=pid, name=f"Household {pid}", is_registrant=True, is_group=True, disabled=False, active=True,
        income=4000.0, x_cst_grp_region="North", group_membership_ids=memberships,
    )
    base.update(kw)
    return rec(**base)


def mother_household(pid: int = 10, **kw: Any) -> SimpleNamespace:
    return group(
        pid,
        [
            membership(individual(pid + 1, datetime.date(1990, 1, 1), "Female"), "Head", start=datetime.datetime(2024, 5, 1, 9, 30)),
            membership(individual(pid + 2, datetime.date(2019, 1, 1), "Male"), "Child"),
            membership(individual(pid + 3, datetime.date(2021, 1, 1), "Female"), "Child"),
        ],
        **kw,
    )


@pytest.fixture(scope="module")
def program() -> entitle.Program:
    return entitle.compile(PROGRAM_TEXT)


@pytest.fixture(scope="module")
def plan(program: entitle.Program) -> Any:
    return mapping.read_plan(program.inputs, "group", PARTNER_FIELDS, {"region": "x_cst_grp_region"})


def test_base_domain_is_always_the_registrant_filter() -> None:
    assert mapping.base_domain("group") == [("is_registrant", "=", True), ("disabled", "=", False), ("active", "=", True), ("is_group", "=", True)]
    assert mapping.base_domain("individual")[-1] == ("is_group", "=", False)


@pytest.mark.parametrize(
    ("partner", "target", "inside"),
    [
        (group(1, []), "group", True),
        (group(1, []), "individual", False),
        (individual(2, datetime.date(1990, 1, 1)), "individual", True),
        (individual(2, datetime.date(1990, 1, 1)), "group", False),
        (group(1, [], is_registrant=False), "group", False),
        (group(1, [], disabled=datetime.datetime(2025, 1, 1)), "group", False),
        (group(1, [], active=False), "group", False),
        (individual(3, False, is_registrant=False), "individual", False),  # openspp-program#105
    ],
)
def test_base_population(partner: Any, target: str, inside: bool) -> None:
    assert mapping.in_base_population(partner, target) is inside


@pytest.mark.parametrize(
    ("value", "ftype", "expected"),
    [
        (False, "char", None),  # Odoo reads an empty field as False: missing, not "False"
        ("North", "char", "North"),
        (False, "boolean", False),
        (True, "boolean", True),
        (4000.0, "float", Decimal("4000.0")),
        (0.1, "float", Decimal("0.1")),  # repr: the shortest decimal of the float, not 0.1000000000000000055…
        (1234.56, "monetary", Decimal("1234.56")),
        (0.0, "float", Decimal("0.0")),
        (3, "integer", 3),
        (False, "date", None),
        (datetime.date(2020, 5, 1), "date", datetime.date(2020, 5, 1)),
        (datetime.datetime(2020, 5, 1, 23, 0), "datetime", datetime.date(2020, 5, 1)),
        (rec(display_name="Nakuru"), "many2one", "Nakuru"),
        (False, "many2one", None),
        ([rec(display_name="Farmer"), rec(display_name="Fisher")], "many2many", ["Farmer", "Fisher"]),
        ("female", "selection", "female"),
    ],
)
def test_odoo_values(value: Any, ftype: str, expected: Any) -> None:
    got = mapping.odoo_value(value, ftype)
    assert got == expected and type(got) is type(expected)


def test_field_map() -> None:
    assert mapping.parse_field_map("# comment\nregion = x_cst_grp_region\n\nincome=z_ind_grp_income  # monthly\n") == {
        "region": "x_cst_grp_region",
        "income": "z_ind_grp_income",
    }
    assert mapping.parse_field_map(None) == {}
    with pytest.raises(mapping.MappingError, match="line 2: expected `input = field`"):
        mapping.parse_field_map("a = b\nnot a mapping\n")
    with pytest.raises(mapping.MappingError, match="line 2: `a` is mapped twice"):
        mapping.parse_field_map("a = b\na = c\n")


def test_read_plan(program: entitle.Program, plan: Any) -> None:
    assert plan.unit_fields == {"region": ("x_cst_grp_region", "char"), "income": ("income", "float")}
    assert plan.member_fields == {"birthdate": ("birthdate", "date"), "gender": ("gender", "selection")}
    assert plan.partner_fields == ["birthdate", "gender", "income", "x_cst_grp_region"]
    with pytest.raises(mapping.MappingError) as info:
        mapping.read_plan(program.inputs, "group", PARTNER_FIELDS, {"income": "z_ind_grp_income", "size": "z_ind_grp_num_individuals"})
    message = str(info.value)
    assert "input `household.region` is not a field of res.partner" in message
    assert "input `household.income` (mapped to `z_ind_grp_income`) is not a field of res.partner" in message
    assert "the field map names `size`, which the program does not declare" in message


def test_unit_from_group(plan: Any) -> None:
    hh = mother_household()
    hh.group_membership_ids.append(membership(individual(14, datetime.date(2010, 6, 1), "Male"), "Child", ended=datetime.datetime(2025, 12, 1, 8, 0)))
    hh.group_membership_ids.append(membership(individual(15, datetime.date(2012, 6, 1)), "Child", is_ended=True))
    hh.group_membership_ids.append(membership(individual(16, datetime.date(1988, 6, 1)), "Spouse", "Alternate Recipient"))
    unit = mapping.unit_from_group(hh, hh.group_membership_ids, plan)
    assert unit == {
        "id": 10,
        "region": "North",
        "income": Decimal("4000.0"),
        "members": [
            {"id": 11, "kind": "head", "start_date": datetime.date(2024, 5, 1), "end_date": None, "birthdate": datetime.date(1990, 1, 1), "gender": "Female"},
            {"id": 12, "kind": "child", "start_date": None, "end_date": None, "birthdate": datetime.date(2019, 1, 1), "gender": "Male"},
            {"id": 13, "kind": "child", "start_date": None, "end_date": None, "birthdate": datetime.date(2021, 1, 1), "gender": "Female"},
            {"id": 14, "kind": "child", "start_date": None, "end_date": datetime.date(2025, 12, 1), "birthdate": datetime.date(2010, 6, 1), "gender": "Male"},
            # 15: ended without a date, left out.
            {"id": 16, "kind": ["spouse", "alternate recipient"], "start_date": None, "end_date": None, "birthdate": datetime.date(1988, 6, 1), "gender": None},
        ],
    }


def test_registrants_to_decisions_and_entitlements(program: entitle.Program, plan: Any) -> None:
    partners = [
        mother_household(10),
        group(20, [membership(individual(21, datetime.date(1960, 1, 1), "Male"), "Head")]),  # no child
        mother_household(30, income=False),  # income never recorded: undetermined, not zero
        mother_household(40, x_cst_grp_region="South"),
        mother_household(50, disabled=datetime.datetime(2025, 6, 1)),  # outside the base population
        individual(60, datetime.date(1990, 1, 1)),  # an individual, in a group program
        group(70, [membership(individual(71, datetime.date(2030, 1, 1)), "Head")]),  # a birthdate after the as-of date
        mother_household(80, income=123456.78),
    ]
    units, left_out = mapping.units(partners, plan)
    assert [p.id for p in left_out] == [50, 60]
    results = program.evaluate_batch(units, AS_OF, explain=True)
    by_id = {int(r.unit_id): r for r in results}

    values = {pid: mapping.decision_values(r, program_id=7, locale="en", cycle_id=3) for pid, r in by_id.items()}
    mother = values[10]
    assert (mother["partner_id"], mother["program_id"], mother["cycle_id"], mother["as_of"]) == (10, 7, 3, AS_OF)
    assert mother["outcome"] == "eligible"
    assert (mother["cash_total"], mother["transfer_fee"], mother["cash_net"]) == (2200.0, 25.0, 2175.0)
    assert mother["rule_outcomes"] == "has_child:met\npoor:met\ncovered:met"
    assert mother["failed_rules"] == "" and mother["missing"] == ""
    assert mother["program_hash"] == program.hash
    assert mother["decision_json"]["cash"]["net"] == "2175"
    assert mother["reasons"].splitlines()[:3] == ["Household Grant — 10 — 2026-03-01", "Eligible.", "✓ At least one child under 18 — children = 2"]
    assert "Top-up for a woman-headed household: KES 200" in mother["reasons"]

    assert (values[20]["outcome"], values[20]["failed_rules"], values[20]["cash_total"]) == ("not_eligible", "has_child", 0.0)
    assert (values[30]["outcome"], values[30]["missing"]) == ("undetermined", "income")
    assert (values[40]["outcome"], values[40]["failed_rules"]) == ("not_eligible", "covered")
    assert (values[70]["outcome"], values[70]["error_code"]) == ("error", "R0003")
    assert values[70]["reasons"] == "`children` computes an age from a date after the as-of date"
    assert (values[80]["outcome"], values[80]["failed_rules"]) == ("not_eligible", "poor")

    french = mapping.decision_values(by_id[10], program_id=7, locale="fr")
    assert french["reasons"].splitlines()[:2] == ["Allocation aux ménages — 10 — 2026-03-01", "Éligible."]
    assert french["cycle_id"] is False

    cycle = rec(id=3, start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2026, 3, 31))
    entitlements = [e for e in (mapping.entitlement_values(r, cycle=cycle, currency_id=5) for r in results) if e]
    assert entitlements == [
        {
            "cycle_id": 3,
            "partner_id": 10,
            "initial_amount": 2200.0,
            "transfer_fee": 25.0,
            "currency_id": 5,
            "state": "draft",
            "is_cash_entitlement": True,
            "valid_from": datetime.date(2026, 3, 1),
            "valid_until": datetime.date(2026, 3, 31),
        }
    ]


def test_individual_programs(program: entitle.Program) -> None:
    pension = entitle.compile(
        'program pension "Pension"\n  target individual\n  currency KES\ninputs\n  person.birthdate: date\n  person.district: text\n'
        'eligible when\n  old "Aged 70 or more" age(birthdate) >= 70\n  here "In Nakuru" district == "Nakuru"\n'
        'entitlement\n  cash monthly "Monthly pension" KES 2000\n'
    )
    plan = mapping.read_plan(pension.inputs, "individual", PARTNER_FIELDS)
    people = [individual(1, datetime.date(1950, 1, 1), district="Nakuru"), individual(2, datetime.date(1950, 1, 1), district=False), group(3, [])]
    units, left_out = mapping.units(people, plan)
    assert units == [{"id": 1, "birthdate": datetime.date(1950, 1, 1), "district": "Nakuru"}, {"id": 2, "birthdate": datetime.date(1950, 1, 1), "district": None}]
    assert [p.id for p in left_out] == [3]
    results = pension.evaluate_batch(units, AS_OF)
    assert [(r.unit_id, r.outcome) for r in results] == [("1", "eligible"), ("2", "undetermined")]


def test_diagnostics_for_the_save_check() -> None:
    bad = PROGRAM_TEXT.replace("age(birthdate)", "age(birthdat)")
    with pytest.raises(entitle.CompileError) as info:
        entitle.compile(bad)
    text = mapping.format_diagnostics(bad, info.value.diagnostics)
    assert text.startswith("error[E0101]: unknown name `birthdat`")
    assert "= help: did you mean `birthdate`?" in text


# --- The addon's structure, checked without Odoo -------------------------------------------


def _models() -> dict[str, str]:
    """`_name` of each model class defined in models/*.py."""
    names = {}
    for f in (ADDON / "models").glob("*.py"):
        for m in re.finditer(r'^\s+_name = "([^"]+)"', f.read_text(encoding="utf-8"), re.M):
            names[m.group(1)] = f.name
    return names


def test_manifest_and_data_files() -> None:
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))
    assert manifest["depends"] == ["g2p_programs", "g2p_registry_membership"]
    assert manifest["external_dependencies"] == {"python": ["entitle"]}
    for data in manifest["data"]:
        assert (ADDON / data).is_file(), data


def test_access_rules_name_the_addon_models() -> None:
    models = _models()
    assert set(models) == {
        "g2p.entitle.decision",
        "g2p.entitle.program.mixin",
        "g2p.program_membership.manager.entitle",
        "g2p.program.entitlement.manager.entitle",
    }
    with (ADDON / "security" / "ir.model.access.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    covered = {r["model_id:id"] for r in rows}
    concrete = {"model_" + n.replace(".", "_") for n in models if n != "g2p.entitle.program.mixin"}
    assert covered == concrete


def test_views_name_the_addon_models_and_fields() -> None:
    import xml.etree.ElementTree as ET

    models = _models()
    for f in (ADDON / "views").glob("*.xml"):
        root = ET.parse(f).getroot()
        for record in root.iter("record"):
            model = record.find("field[@name='model']")
            if model is not None:
                assert model.text in models, (f.name, model.text)


def test_managers_register_the_way_openg2p_does() -> None:
    text = (ADDON / "models" / "eligibility_manager.py").read_text(encoding="utf-8")
    assert '_inherit = "g2p.eligibility.manager"' in text
    assert '("g2p.program_membership.manager.entitle", "Entitle Eligibility")' in text
    for method in ("def enroll_eligible_registrants(self, program_memberships)", "def verify_cycle_eligibility(self, cycle, membership)", 'def import_eligible_registrants(self, state="draft")'):
        assert method in text
    text = (ADDON / "models" / "entitlement_manager.py").read_text(encoding="utf-8")
    assert '_inherit = "g2p.program.entitlement.manager"' in text
    assert '("g2p.program.entitlement.manager.entitle", "Entitle Cash")' in text
    assert "def prepare_entitlements(self, cycle, beneficiaries)" in text
    for f in (ADDON / "models").glob("*.py"):
        compile(f.read_text(encoding="utf-8"), str(f), "exec")


def test_the_example_program_passes_its_own_tests(program: entitle.Program) -> None:
    assert program.warnings == []
    assert [(t.name, t.passed) for t in program.run_tests()] == [("A mother and two children", True), ("No children", True)]
