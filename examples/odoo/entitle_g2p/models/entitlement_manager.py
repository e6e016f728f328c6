import logging

from odoo import _, api, models

from .. import mapping

_logger = logging.getLogger(__name__)


class EntitlementManager(models.Model):
    _inherit = "g2p.program.entitlement.manager"

    @api.model
    def _selection_manager_ref_id(self):
        selection = super()._selection_manager_ref_id()
        new_manager = ("g2p.program.entitlement.manager.entitle", "Entitle Cash")
        if new_manager not in selection:
            selection.append(new_manager)
        return selection


class EntitleCashEntitlementManager(models.Model):
    """A cash entitlement manager whose amounts come from an Entitle program: flat amounts,
    amounts per member up to a maximum, several items with conditions, caps, rounding and a
    transfer fee, all in the program text. Validation, approval and payment stay those of the
    default cash manager; each registrant's computation is recorded in `g2p.entitle.decision`.
    """

    _name = "g2p.program.entitlement.manager.entitle"
    _inherit = ["g2p.program.entitlement.manager.default", "g2p.entitle.program.mixin"]
    _description = "Entitle Cash Entitlement Manager"

    def prepare_entitlements(self, cycle, beneficiaries):
        """Creates a draft entitlement for each beneficiary of the cycle that the program finds
        eligible with a positive cash amount (`initial_amount` is the program's total after cap and
        rounding, `transfer_fee` its fee). Beneficiaries that already have an entitlement in the
        cycle are skipped, as in the default manager."""
        self.ensure_one()
        partner_ids = beneficiaries.mapped("partner_id.id")
        existing = set(
            self.env["g2p.entitlement"]
            .search([("cycle_id", "=", cycle.id), ("partner_id", "in", partner_ids)])
            .mapped("partner_id.id")
        )
        partners = self.env["res.partner"].browse([p for p in partner_ids if p not in existing])
        results, left_out = self._entitle_evaluate(partners, self._entitle_as_of(cycle), cycle=cycle)
        if left_out:
            _logger.warning("Entitle: %s beneficiaries are outside the base population", len(left_out))
        values = [
            v
            for v in (mapping.entitlement_values(r, cycle=cycle, currency_id=self.currency_id.id) for r in results.values())
            if v is not None
        ]
        if values:
            return self.env["g2p.entitlement"].create(values)
        return None

    def _get_entitlement_amount(self, beneficiary, currency_id=None):
        """The program's cash total for one registrant at the manager's as-of date (0 when not
        eligible), for callers that ask for a single amount."""
        self.ensure_one()
        results, _left_out = self._entitle_evaluate(beneficiary, self._entitle_as_of())
        r = results.get(beneficiary.id)
        return float(r.cash.total) if getattr(r, "eligible", False) and r.cash else 0.0

    def action_open_decisions(self):
        self.ensure_one()
        return {
            "name": _("Entitle decisions"),
            "type": "ir.actions.act_window",
            "res_model": "g2p.entitle.decision",
            "view_mode": "tree,form",
            "domain": [("manager", "=", f"{self._name},{self.id}")],
        }
