"""Registry records to Entitle units, and Entitle results to records: the part of the addon that does
not need Odoo.

OpenG2P keeps registrants on ``res.partner`` (``is_registrant``, ``is_group``, ``disabled``,
``birthdate``, ``gender``, custom ``x_cst_*`` and indicator ``z_ind_*`` fields) and links
individuals to groups through ``g2p.group.membership`` (``individual``, ``kind`` as a Many2many of
``g2p.group.membership.kind``, ``start_date``, ``ended_date`` or ``end_date``, ``is_ended``). The
functions here read such records through plain attribute access, so they work on Odoo recordsets
and on the simple objects the tests use.

Rules of the mapping:

* **Which field feeds which input.** An input reads the field of the same name, unless the
  manager's *field map* says otherwise, one ``input = field`` per line (``region = x_cst_grp_region``).
  Household and person inputs read the registrant; member inputs read each member's individual.
* **Values.** Odoo reads an empty field as ``False``; for every type but Boolean that means
  *missing* (``None``: unknown to Entitle, never zero). Float and Monetary fields (Odoo keeps them
  as binary floats) are converted with ``Decimal(repr(value))``, the shortest decimal that reads
  back as the same float: ``1234.5`` gives ``Decimal("1234.5")``, ``0.1`` gives ``Decimal("0.1")``.
  Datetime fields keep their (UTC) date. Many2one fields give the linked record's display name,
  Many2many and One2many a list of names, Selection fields their key.
* **Memberships.** Each membership is a member with its kinds (lower-cased names: ``"head"``),
  start date and end date; Entitle counts a member on the as-of date only when the membership has
  started and not yet ended. A membership marked ``is_ended`` without an end date is left out.
* **Base population** (always applied, before any program rule): registrants only, not disabled,
  active, and groups or individuals according to the program's target type.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "MappingError",
    "ReadPlan",
    "base_domain",
    "decision_values",
    "entitlement_values",
    "format_diagnostics",
    "in_base_population",
    "odoo_value",
    "parse_field_map",
    "read_plan",
    "unit_from_group",
    "unit_from_individual",
    "units",
]

GROUP = "group"
INDIVIDUAL = "individual"

#: Keys of a member dict that Entitle reads as the membership itself.
MEMBERSHIP_KEYS = {"id", "kind", "kinds", "start_date", "end_date"}


class MappingError(ValueError):
    """The program cannot be fed from the registry as configured (an input with no field …)."""


def base_domain(target_type: str) -> list[tuple[str, str, Any]]:
    """The Odoo domain of the base population for a program's ``target_type`` (``group`` or
    ``individual``), applied before any program rule."""
    return [
        ("is_registrant", "=", True),
        ("disabled", "=", False),
        ("active", "=", True),
        ("is_group", "=", target_type == GROUP),
    ]


def in_base_population(partner: Any, target_type: str) -> bool:
    """Whether a registrant belongs to the base population (the same test as :func:`base_domain`)."""
    return (
        bool(getattr(partner, "is_registrant", False))
        and not getattr(partner, "disabled", False)
        and bool(getattr(partner, "active", True))
        and bool(getattr(partner, "is_group", False)) == (target_type == GROUP)
    )


def parse_field_map(text: str | None) -> dict[str, str]:
    """``input = field`` lines (blank lines and ``#`` comments allowed) as a dict."""
    out: dict[str, str] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, fld = (part.strip() for part in line.partition("="))
        if not sep or not name.isidentifier() or not fld.isidentifier():
            raise MappingError(f"field map line {number}: expected `input = field`")
        if name in out:
            raise MappingError(f"field map line {number}: `{name}` is mapped twice")
        out[name] = fld
    return out


@dataclass(frozen=True)
class ReadPlan:
    """Which registry field feeds each input, and of which Odoo type it is."""

    target_type: str
    #: input name → (field name, Odoo field type), read on the group or the individual registrant.
    unit_fields: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: input name → (field name, Odoo field type), read on each member's individual.
    member_fields: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def partner_fields(self) -> list[str]:
        """The res.partner fields to read (for ``read()`` or prefetching)."""
        return sorted({f for f, _ in self.unit_fields.values()} | {f for f, _ in self.member_fields.values()})


def read_plan(
    inputs: Iterable[Any],
    target_type: str,
    partner_field_types: Mapping[str, str],
    field_map: Mapping[str, str] | None = None,
) -> ReadPlan:
    """Plans how to read a program's inputs (``entitle.Program.inputs``) from ``res.partner``,
    whose fields and their Odoo types are ``partner_field_types`` (``{name: field.type}``).

    Raises :class:`MappingError` naming every input that has no field, and every mapping to a
    field that does not exist."""
    field_map = dict(field_map or {})
    unit: dict[str, tuple[str, str]] = {}
    member: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    declared = set()
    for i in inputs:
        declared.add(i.name)
        fld = field_map.get(i.name, i.name)
        if fld not in partner_field_types:
            via = f" (mapped to `{fld}`)" if i.name in field_map else ""
            problems.append(f"input `{i.scope}.{i.name}`{via} is not a field of res.partner")
            continue
        if i.scope == "member":
            if i.name in MEMBERSHIP_KEYS:
                continue  # the membership itself provides it
            member[i.name] = (fld, partner_field_types[fld])
        else:
            unit[i.name] = (fld, partner_field_types[fld])
    problems += [f"the field map names `{name}`, which the program does not declare" for name in field_map if name not in declared]
    if problems:
        raise MappingError("; ".join(problems))
    return ReadPlan(target_type, unit, member)


def _display(record: Any) -> str | None:
    name = getattr(record, "display_name", None) or getattr(record, "name", None)
    return str(name) if name else None


def _date(value: Any) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def odoo_value(value: Any, field_type: str) -> Any:
    """An Odoo field value as an Entitle value (see the module's rules)."""
    if field_type == "boolean":
        return bool(value)
    if field_type in ("float", "monetary"):
        if value is None or value is False:
            return None
        return Decimal(repr(float(value)))
    if field_type == "integer":
        return None if value is None or value is False else int(value)
    if value is None or value is False:
        return None
    if field_type == "date":
        return _date(value)
    if field_type == "datetime":
        return _date(value)
    if field_type == "many2one":
        return _display(value)
    if field_type in ("many2many", "one2many"):
        return [n for n in (_display(r) for r in value) if n is not None]
    if field_type in ("char", "text", "selection", "html"):
        return str(value)
    return value


def _read(record: Any, fields: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    return {name: odoo_value(getattr(record, fld, False), ftype) for name, (fld, ftype) in fields.items()}


def _member(membership: Any, plan: ReadPlan) -> dict[str, Any] | None:
    individual = membership.individual
    end = getattr(membership, "ended_date", False) or getattr(membership, "end_date", False)
    if getattr(membership, "is_ended", False) and not end:
        return None
    kinds = [n.lower() for n in (_display(k) for k in membership.kind) if n]
    member: dict[str, Any] = {
        "id": individual.id,
        "kind": kinds[0] if len(kinds) == 1 else kinds,
        "start_date": _date(getattr(membership, "start_date", False)),
        "end_date": _date(end),
    }
    member.update(_read(individual, plan.member_fields))
    return member


def unit_from_group(group: Any, memberships: Iterable[Any], plan: ReadPlan) -> dict[str, Any]:
    """A household unit: the group's inputs and one member per membership."""
    unit: dict[str, Any] = {"id": group.id}
    unit.update(_read(group, plan.unit_fields))
    unit["members"] = [m for m in (_member(ms, plan) for ms in memberships) if m is not None]
    return unit


def unit_from_individual(partner: Any, plan: ReadPlan) -> dict[str, Any]:
    """An individual unit: the registrant's own inputs."""
    unit: dict[str, Any] = {"id": partner.id}
    unit.update(_read(partner, plan.unit_fields))
    return unit


def units(partners: Iterable[Any], plan: ReadPlan) -> tuple[list[dict[str, Any]], list[Any]]:
    """Units for the registrants of the base population, and the registrants left out by it.
    Groups read their memberships from ``group_membership_ids``."""
    out: list[dict[str, Any]] = []
    left_out: list[Any] = []
    for p in partners:
        if not in_base_population(p, plan.target_type):
            left_out.append(p)
        elif plan.target_type == GROUP:
            out.append(unit_from_group(p, p.group_membership_ids, plan))
        else:
            out.append(unit_from_individual(p, plan))
    return out, left_out


def _money(value: Decimal | None) -> float:
    # Odoo's Monetary fields are floats; the exact amounts stay in the stored decision JSON.
    return float(value) if value is not None else 0.0


def _against(rule: Any) -> bool:
    """A rule that decided against the unit: a `when` rule not met, or an `unless` rule met."""
    return (rule.kind, rule.outcome) in (("when", "not_met"), ("unless", "met"))


def decision_values(result: Any, *, program_id: int, locale: str, cycle_id: int | None = None) -> dict[str, Any]:
    """The values of one ``g2p.entitle.decision`` record for a ``Decision`` or ``UnitError``:
    the outcome, the reasons (every rule's outcome, and the rendered explanation), what was
    missing, the amounts, and the whole decision in Entitle's JSON shape."""
    values: dict[str, Any] = {
        "partner_id": int(result.unit_id),
        "program_id": program_id,
        "cycle_id": cycle_id or False,
        "decision_json": result.to_dict(),
    }
    if hasattr(result, "outcome"):
        values.update(
            {
                "as_of": result.as_of,
                "outcome": result.outcome,
                "rule_outcomes": "\n".join(r.code for r in result.rules),
                "failed_rules": ", ".join(r.id for r in result.rules if _against(r)),
                "missing": ", ".join(result.missing),
                "reasons": result.explain(locale),
                "cash_total": _money(result.cash.total if result.cash else None),
                "transfer_fee": _money(result.cash.fee if result.cash else None),
                "cash_net": _money(result.cash.net if result.cash else None),
                "program_hash": result.program_hash,
                "error_code": False,
            }
        )
    else:
        values.update({"outcome": "error", "error_code": result.code, "reasons": result.message, "rule_outcomes": "", "missing": ""})
    return values


def entitlement_values(result: Any, *, cycle: Any, currency_id: int) -> dict[str, Any] | None:
    """The values of a draft ``g2p.entitlement`` for an eligible decision with a positive cash
    total, or ``None`` (not eligible, undetermined, an error, or nothing to pay)."""
    if not getattr(result, "eligible", False) or result.cash is None or result.cash.total <= 0:
        return None
    return {
        "cycle_id": cycle.id,
        "partner_id": int(result.unit_id),
        "initial_amount": float(result.cash.total),
        "transfer_fee": float(result.cash.fee),
        "currency_id": currency_id,
        "state": "draft",
        "is_cash_entitlement": True,
        "valid_from": cycle.start_date,
        "valid_until": cycle.end_date,
    }


def format_diagnostics(source: str, diagnostics: Iterable[Any], file: str = "program") -> str:
    """Diagnostics rendered with their source line and a caret, for a validation message."""
    return "\n".join(d.render(source, file) for d in diagnostics if d.severity == "error")
