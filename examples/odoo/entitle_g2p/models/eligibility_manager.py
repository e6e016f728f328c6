import logging

from odoo import _, api, models

from .. import mapping

_logger = logging.getLogger(__name__)


class EligibilityManager(models.Model):
    _inherit = "g2p.eligibility.manager"

    @api.model
    def _selection_manager_ref_id(self):
        selection = super()._selection_manager_ref_id()
        new_manager = ("g2p.program_membership.manager.entitle", "Entitle Eligibility")
        if new_manager not in selection:
            selection.append(new_manager)
        return selection


class EntitleEligibilityManager(models.Model):
    """An eligibility manager whose rules are an Entitle program.

    Like every OpenG2P eligibility manager it filters registrants (managers run one after the
    other, each on the previous one's output), but it also records each registrant's decision with
    its reasons in `g2p.entitle.decision`. The base population (registrants, not disabled, active,
    groups or individuals per the program's target type) is always applied first.
    """

    _name = "g2p.program_membership.manager.entitle"
    _inherit = ["g2p.program_membership.manager", "g2p.manager.source.mixin", "g2p.entitle.program.mixin"]
    _description = "Entitle Eligibility"

    def _eligible_partner_ids(self, partners, as_of, cycle=None):
        results, _left_out = self._entitle_evaluate(partners, as_of, cycle=cycle)
        return [pid for pid, r in results.items() if getattr(r, "eligible", False)]

    def enroll_eligible_registrants(self, program_memberships):
        self.ensure_one()
        eligible = self._eligible_partner_ids(program_memberships.mapped("partner_id"), self._entitle_as_of())
        return self.env["g2p.program_membership"].search(
            [("partner_id", "in", eligible), ("program_id", "=", self.program_id.id)]
        )

    def verify_cycle_eligibility(self, cycle, membership):
        self.ensure_one()
        eligible = self._eligible_partner_ids(membership.mapped("partner_id"), self._entitle_as_of(cycle), cycle=cycle)
        return self.env["g2p.cycle.membership"].search([("partner_id", "in", eligible), ("cycle_id", "=", cycle.id)])

    def import_eligible_registrants(self, state="draft"):
        for rec in self:
            target = rec.program_id.target_type or mapping.GROUP
            candidates = self.env["res.partner"].search(mapping.base_domain(target))
            candidates -= rec.program_id.get_beneficiaries().mapped("partner_id")
            eligible = self.env["res.partner"].browse(rec._eligible_partner_ids(candidates, rec._entitle_as_of()))
            _logger.info("Entitle: %s of %s candidates eligible", len(eligible), len(candidates))
            rec.program_id.update(
                {"program_membership_ids": [(0, 0, {"partner_id": p.id, "state": state}) for p in eligible]}
            )
            rec.program_id._compute_eligible_beneficiary_count()
            rec.program_id._compute_beneficiary_count()
        return True

    def action_open_decisions(self):
        self.ensure_one()
        return {
            "name": _("Entitle decisions"),
            "type": "ir.actions.act_window",
            "res_model": "g2p.entitle.decision",
            "view_mode": "tree,form",
            "domain": [("manager", "=", f"{self._name},{self.id}")],
        }
