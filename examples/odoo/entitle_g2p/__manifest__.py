# Entitle for OpenG2P: eligibility and cash entitlement managers whose rules are an Entitle program.
{
    "name": "Entitle Eligibility and Entitlement Managers",
    "category": "G2P",
    "version": "17.0.1.0.0",
    "sequence": 1,
    "author": "Entitle",
    "license": "Apache-2.0",
    "summary": "Eligibility and cash entitlements from an Entitle program, with every decision and its reasons recorded",
    "depends": ["g2p_programs", "g2p_registry_membership"],
    # The `entitle` wheel (pip install entitle) needs no Rust toolchain.
    "external_dependencies": {"python": ["entitle"]},
    "data": [
        "security/ir.model.access.csv",
        "views/decision_views.xml",
        "views/eligibility_manager_views.xml",
        "views/entitlement_manager_views.xml",
    ],
    "application": False,
    "installable": True,
    "auto_install": False,
}
