"""Entitle's exceptions. Every one is a ``ValueError`` with a stable ``code`` and, for program
text, the ``diagnostics``; messages are for people and never need parsing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._native import Diagnostic

__all__ = ["EntitleError", "CompileError", "EvaluationError", "PaymentError"]


class EntitleError(ValueError):
    """Base class of Entitle's errors.

    ``code`` is stable (``E0101``, ``R0001``, ``P0004`` …; ``internal`` for a failure of Entitle
    itself, which is a bug to report). ``diagnostics`` lists the problems found in program text
    (empty for other errors).
    """

    code: str
    diagnostics: list[Diagnostic]

    def __init__(self, message: str, code: str = "", diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.diagnostics = list(diagnostics)


class CompileError(EntitleError):
    """Program text that does not compile. ``diagnostics`` holds every diagnostic (errors and
    warnings), each with ``code``, ``severity``, ``line``, ``column``, ``start``, ``end``,
    ``message`` and ``help``; ``code`` is the first error's."""


class EvaluationError(EntitleError):
    """A unit that could not be evaluated (``code`` ``R0001`` …), or a call that is wrong as a
    whole, such as an as-of date that is not a date. ``unit_id`` names the unit, when there is one."""

    unit_id: str | None

    def __init__(
        self,
        message: str,
        code: str = "",
        diagnostics: Iterable[Diagnostic] = (),
        unit_id: str | None = None,
    ) -> None:
        super().__init__(message, code, diagnostics)
        self.unit_id = unit_id


class PaymentError(EntitleError):
    """A payment export that is not valid (``code`` ``P0001`` …); nothing was written."""
