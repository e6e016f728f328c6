"""Generated households for examples/programs/child_grant.entitle, and an independent oracle written
from the program's rules, so large batches can be checked value by value."""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

REGIONS = ["North", "East", "South", "West"]


def generate(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """`n` households of 1 to 6 members: a head, maybe a spouse, children, some with a disability,
    some memberships already ended or not yet started; one in fifty has no income recorded."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        size = rng.randint(1, 6)
        members: list[dict[str, Any]] = [
            {"id": f"H{i}-1", "kind": "head", "birthdate": datetime.date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))}
        ]
        for k in range(2, size + 1):
            child = rng.random() < 0.7
            year = rng.randint(2006, 2025) if child else rng.randint(1950, 2000)
            m: dict[str, Any] = {
                "id": f"H{i}-{k}",
                "kind": "child" if child else "spouse",
                "birthdate": datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            }
            if rng.random() < 0.1:
                m["disabled"] = True
            r = rng.random()
            if r < 0.05:
                m["end_date"] = datetime.date(2025, 12, 31)  # left before the as-of date
            elif r < 0.08:
                m["start_date"] = datetime.date(2026, 6, 1)  # joins after it
            members.append(m)
        unit: dict[str, Any] = {"id": f"H{i}", "region": rng.choice(REGIONS), "members": members}
        if rng.random() >= 0.02:
            unit["monthly_income"] = Decimal(rng.randint(0, 400)) * 50
        if rng.random() < 0.05:
            unit["enrolled_in_pension"] = True
        out.append(unit)
    return out


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _active(m: dict[str, Any], on: datetime.date) -> bool:
    start, end = m.get("start_date"), m.get("end_date")
    return (start is None or start <= on) and (end is None or on < end)


def expected(unit: dict[str, Any], on: datetime.date) -> tuple[str, Decimal | None, Decimal | None]:
    """(outcome, cash total, maize kg) as the program defines them, for an as-of date in 2026."""
    members = [m for m in unit["members"] if _active(m, on)]
    children = sum(1 for m in members if _age(m["birthdate"], on) < 18)
    income = unit.get("monthly_income")
    poor = None if income is None else income / len(members) < 3000
    truths = [children >= 1, poor, unit["region"] in ("North", "East")]
    pensioner = unit.get("enrolled_in_pension", False)
    if False in truths or pensioner:
        return "not_eligible", None, None
    if None in truths:
        return "undetermined", None, None
    disabled = sum(1 for m in members if m.get("disabled"))
    cash = min(Decimal(1500) + 500 * min(children, 4) + 300 * disabled, Decimal(4000))
    cash = (cash / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10
    maize = Decimal(10 * len(members)) if unit["region"] == "North" else Decimal(0)
    return "eligible", cash, maize
