"""Entitle's exceptions. Every one is a ``ValueError`` with a stable ``code`` and, for program
text, the ``diagnostics``; an evaluation or payment error also has the engine's error object as
``details``. Messages are for people and never need parsing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._native import Diagnostic

__all__ = ["EntitleError", "CompileError", "EvaluationError", "PaymentError", "RunError"]


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


def _details(details: Mapping[str, Any] | None, code: str, message: str) -> dict[str, Any]:
    # An error with no engine object (a call-level error, a payment error, one made in Python)
    # still has the two keys every error object has.
    return dict(details) if details is not None else {"code": code, "message": message}


class EvaluationError(EntitleError):
    """A unit that could not be evaluated (``code`` ``R0001`` …), or a call that is wrong as a
    whole, such as units that are not JSON. ``unit_id`` names the unit, when there is one.

    ``details`` is the engine's error object, the ``error`` of a batch's ``UnitError.to_dict()``
    and the ``details`` Node and WebAssembly give: ``code``, ``message`` (without the ``unit …:``
    in front) and the code's own fields, such as ``at`` (R0001), ``field`` and ``reason`` (R0005),
    ``field``, ``choices``, ``choices_total`` and ``text`` (R0008), ``limit`` (R0006). A call-level
    error has only ``code`` and ``message``.
    """

    unit_id: str | None
    details: dict[str, Any]

    def __init__(
        self,
        message: str,
        code: str = "",
        diagnostics: Iterable[Diagnostic] = (),
        unit_id: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code, diagnostics)
        self.unit_id = unit_id
        self.details = _details(details, code, message)


class _Detailed(EntitleError):
    # The errors whose only structured part is ``details``.
    details: dict[str, Any]

    def __init__(
        self,
        message: str,
        code: str = "",
        diagnostics: Iterable[Diagnostic] = (),
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code, diagnostics)
        self.details = _details(details, code, message)


class PaymentError(_Detailed):
    """A payment export that is not valid (``code`` ``P0001`` …); nothing was written.

    ``details`` is ``{"code", "message"}``: the payment errors have no other structured form.
    """


class RunError(_Detailed):
    """A run of the run model (``Program.run_cycle``) that cannot be carried out as a whole
    (``code`` ``R0101`` …): options that are not valid, a fund or comparison that does not fit.
    Node's and WebAssembly's ``runCycle`` throw their ``RunError`` for the same runs.

    ``details`` is the engine's error object: ``code``, ``message`` and the code's own fields
    (``option``, ``reason`` …), as ``run_cycle_json`` gives it under ``error``.
    """
