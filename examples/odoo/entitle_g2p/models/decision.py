from odoo import fields, models

OUTCOMES = [
    ("eligible", "Eligible"),
    ("not_eligible", "Not eligible"),
    ("undetermined", "Undetermined (missing data)"),
    ("error", "Could not be evaluated"),
]


class EntitleDecision(models.Model):
    """One registrant's decision by an Entitle program, with its reasons: what OpenG2P does not
    record today (a program membership's `not_eligible` state says nothing about why)."""

    _name = "g2p.entitle.decision"
    _description = "Entitle Decision"
    _order = "id desc"

    partner_id = fields.Many2one("res.partner", "Registrant", required=True, index=True, ondelete="cascade")
    program_id = fields.Many2one("g2p.program", "Program", required=True, index=True, ondelete="cascade")
    cycle_id = fields.Many2one("g2p.cycle", "Cycle", index=True, ondelete="cascade")
    manager = fields.Char("Decided by", help="The manager (model and record) whose program decided.")
    as_of = fields.Date("As of")
    outcome = fields.Selection(OUTCOMES, required=True, index=True)
    rule_outcomes = fields.Text("Rule outcomes", help="One `rule:met`, `rule:not_met` or `rule:unknown` line per rule.")
    failed_rules = fields.Char("Rules against", help="The rules that decided against the registrant.")
    missing = fields.Char("Missing data", help="Inputs whose absence left the decision open.")
    reasons = fields.Text("Reasons", help="The decision explained, rule by rule, in the manager's language.")
    currency_id = fields.Many2one("res.currency", related="program_id.journal_id.currency_id", readonly=True)
    cash_total = fields.Monetary("Entitlement", currency_field="currency_id")
    transfer_fee = fields.Monetary("Transfer fee", currency_field="currency_id")
    cash_net = fields.Monetary("Net", currency_field="currency_id")
    error_code = fields.Char("Error code")
    program_hash = fields.Char("Program text hash", help="sha256 of the program text that decided.")
    decision_json = fields.Json("Decision (JSON)", help="The whole decision in Entitle's JSON shape, with exact amounts.")
