import logging
import threading

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import mapping

_logger = logging.getLogger(__name__)

try:
    import entitle
except ImportError:  # pragma: no cover - reported by Odoo through external_dependencies
    entitle = None

# Compiled programs by text hash, shared by the workers of one process (a Program is immutable
# and safe to use from several threads).
_PROGRAMS = {}
_LOCK = threading.Lock()

#: Registrants evaluated per call: one batch releases Python's GIL while Entitle works.
CHUNK = 10_000


class EntitleProgramMixin(models.AbstractModel):
    """The program text of a manager, checked on save, and evaluation of registrants with it."""

    _name = "g2p.entitle.program.mixin"
    _description = "Entitle Program Mixin"

    program_text = fields.Text(
        "Entitle program",
        required=True,
        help="The rules, in Entitle's language. Checked when saved: an error shows its line and column.",
    )
    program_hash = fields.Char(compute="_compute_program_hash", store=True, readonly=True)
    field_map = fields.Text(
        "Field map",
        help="One `input = field` line per program input read from another res.partner field "
        "(for example `region = x_cst_grp_region`). Other inputs read the field of the same name.",
    )
    locale = fields.Selection([("en", "English"), ("fr", "French")], default="en", required=True, string="Language of reasons")
    as_of_date = fields.Date(
        "As-of date",
        help="The date the rules are evaluated at. Empty: the cycle's start date for cycle checks, "
        "today's date when enrolling.",
    )

    @api.depends("program_text")
    def _compute_program_hash(self):
        for rec in self:
            rec.program_hash = False
            if entitle is not None and rec.program_text:
                try:
                    rec.program_hash = entitle.compile(rec.program_text).hash
                except entitle.CompileError:
                    pass  # reported by _check_program_text

    @api.constrains("program_text", "field_map")
    def _check_program_text(self):
        for rec in self:
            if entitle is None:
                raise ValidationError(_("The Python package `entitle` is not installed."))
            try:
                program = entitle.compile(rec.program_text or "", locale=rec.locale)
            except entitle.CompileError as e:
                raise ValidationError(
                    _("The program has errors:\n%s") % mapping.format_diagnostics(rec.program_text, e.diagnostics)
                ) from e
            target = rec.program_id.target_type or mapping.GROUP
            want = "household" if target == mapping.GROUP else "individual"
            if program.target != want:
                raise ValidationError(
                    _("The program targets %(p)s, but this OpenG2P program targets %(t)s.", p=program.target, t=target)
                )
            try:
                rec._entitle_plan(program)
            except mapping.MappingError as e:
                raise ValidationError(str(e)) from e

    def _entitle_program(self):
        self.ensure_one()
        key = self.program_hash or self.program_text
        with _LOCK:
            program = _PROGRAMS.get(key)
        if program is None:
            program = entitle.compile(self.program_text)
            with _LOCK:
                _PROGRAMS[key] = program
        return program

    def _entitle_plan(self, program):
        partner_fields = {name: f.type for name, f in self.env["res.partner"]._fields.items()}
        return mapping.read_plan(
            program.inputs,
            self.program_id.target_type or mapping.GROUP,
            partner_fields,
            mapping.parse_field_map(self.field_map),
        )

    def _entitle_as_of(self, cycle=None):
        if self.as_of_date:
            return self.as_of_date
        if cycle and cycle.start_date:
            return fields.Date.to_date(cycle.start_date)
        return fields.Date.context_today(self)

    def _entitle_evaluate(self, partners, as_of, cycle=None):
        """Evaluates registrants (groups with their memberships, or individuals) and records each
        decision with its reasons. Returns `(results, left_out)`: the Entitle results by partner id,
        and the registrants outside the base population (never evaluated)."""
        self.ensure_one()
        if entitle is None:
            raise UserError(_("The Python package `entitle` is not installed."))
        program = self._entitle_program()
        plan = self._entitle_plan(program)
        results = {}
        left_out = self.env["res.partner"]
        decisions = self.env["g2p.entitle.decision"]
        for start in range(0, len(partners), CHUNK):
            chunk = partners[start : start + CHUNK]
            if plan.target_type == mapping.GROUP:
                chunk.mapped("group_membership_ids.individual")  # prefetch the members
            units, outside = mapping.units(chunk, plan)
            left_out |= self.env["res.partner"].browse([p.id for p in outside])
            batch = program.evaluate_batch(units, as_of, explain=True)
            values = []
            for r in batch:
                results[int(r.unit_id)] = r
                v = mapping.decision_values(r, program_id=self.program_id.id, locale=self.locale, cycle_id=cycle.id if cycle else None)
                v["manager"] = f"{self._name},{self.id}"
                values.append(v)
            decisions.create(values)
            _logger.info("Entitle: %s registrants evaluated by %s,%s", len(values), self._name, self.id)
        return results, left_out
