"""Entitle: a rules engine for social-protection programs.

Compile a program once, then evaluate households or individuals::

    import datetime, decimal, entitle

    program = entitle.compile(open("child_grant.entitle").read())
    decision = program.evaluate(
        {"id": "H1", "region": "North", "monthly_income": decimal.Decimal("5000"),
         "members": [{"id": "M1", "kind": "head", "birthdate": datetime.date(1990, 1, 1)},
                     {"id": "M2", "kind": "child", "birthdate": datetime.date(2020, 5, 1)}]},
        datetime.date(2026, 3, 1),
    )
    decision.outcome     # 'eligible'
    decision.cash_total  # Decimal('2000')
"""

from collections.abc import Sequence as _Sequence

from ._errors import CompileError, EntitleError, EvaluationError, PaymentError, RunError
from ._native import (
    CashTotals,
    Decision,
    Diagnostic,
    Input,
    Item,
    ItemResult,
    Param,
    Program,
    Results,
    ResultsIterator,
    Rule,
    RuleOutcome,
    TestOutcome,
    UnitError,
    __version__,
    check,
    compile,
    locales,
    pay,
)

__all__ = [
    "CashTotals",
    "CompileError",
    "Decision",
    "Diagnostic",
    "EntitleError",
    "EvaluationError",
    "Input",
    "Item",
    "ItemResult",
    "Param",
    "PaymentError",
    "Program",
    "Results",
    "ResultsIterator",
    "Rule",
    "RuleOutcome",
    "RunError",
    "TestOutcome",
    "UnitError",
    "__version__",
    "check",
    "compile",
    "locales",
    "pay",
]

# Results is a read-only sequence: isinstance(results, collections.abc.Sequence) holds.
_Sequence.register(Results)
