"""Payment export from Python: decisions written as a run directory, exported with entitle.pay."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

import entitle
from households import generate

PAYER = """\
name = "Ministry of Social Protection"
[g2p_connect]
sender_id = "spmis.example.gov"
payer_fa = "account:1001@treasury"
"""


def write_run(tmp: Path, program: entitle.Program, decisions: list[entitle.Decision | entitle.UnitError]) -> Path:
    run = tmp / "run"
    run.mkdir()
    summary = {"program": {"id": program.id, "version": program.version, "hash": program.hash}, "as_of": "2026-03-01", "registry": "generated"}
    (run / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (run / "decisions.jsonl").write_text("\n".join(d.to_json() for d in decisions) + "\n", encoding="utf-8")
    return run


def test_pay_exports_the_eligible_units(tmp_path: Path, child_grant: entitle.Program) -> None:
    decisions = child_grant.evaluate_batch(generate(40, seed=21), datetime.date(2026, 3, 1))
    eligible = [d for d in decisions if isinstance(d, entitle.Decision) and d.eligible]
    assert len(eligible) >= 5
    run = write_run(tmp_path, child_grant, decisions)
    payer = tmp_path / "payer.toml"
    payer.write_text(PAYER, encoding="utf-8")
    # Every eligible unit but the last has a payee; the last goes to the exceptions file.
    payees = {d.unit_id: {"financial_address": f"mobile:07{i:08d}@mpesa"} for i, d in enumerate(eligible[:-1])}
    report = entitle.pay(run, "g2p-connect", payer, tmp_path / "out", payees=payees)
    assert report["format"] == "g2p-connect"
    assert report["counts"]["payable"] == len(eligible)
    assert report["counts"]["exported"] == len(eligible) - 1
    assert report["counts"]["exceptions"] == 1
    want = sum((d.cash.net for d in eligible[:-1] if d.cash), Decimal(0))
    assert Decimal(report["totals"]["exported"]) == want
    assert (tmp_path / "out" / "g2p-connect-001.json").exists()
    exceptions = (tmp_path / "out" / "g2p-connect-exceptions.csv").read_text(encoding="utf-8")
    assert f"{eligible[-1].unit_id},no_payee" in exceptions
    # Exporting again gives the same files (deterministic references), with force to overwrite.
    first = (tmp_path / "out" / "g2p-connect-001.json").read_bytes()
    entitle.pay(str(run), "g2p-connect", str(payer), str(tmp_path / "out"), payees=payees, force=True)
    assert (tmp_path / "out" / "g2p-connect-001.json").read_bytes() == first


def test_pay_errors_are_payment_errors(tmp_path: Path, child_grant: entitle.Program) -> None:
    decisions = child_grant.evaluate_batch(generate(40, seed=21), "2026-03-01")
    run = write_run(tmp_path, child_grant, decisions)
    payees = {d.unit_id: {"financial_address": "mobile:0712345678@mpesa"} for d in decisions}
    payer = tmp_path / "payer.toml"
    payer.write_text(PAYER, encoding="utf-8")
    with pytest.raises(entitle.PaymentError) as info:
        entitle.pay(run, "swift-mt103", payer, tmp_path / "out")
    assert info.value.code == "P0018" and isinstance(info.value, ValueError)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[g2p_connect]\nsender_id = "s"\n', encoding="utf-8")
    with pytest.raises(entitle.PaymentError) as info:
        entitle.pay(run, "g2p-connect", bad, tmp_path / "out2", payees=payees)
    assert info.value.code == "P0004"
    assert not (tmp_path / "out2").exists() or not any((tmp_path / "out2").iterdir())
    with pytest.raises(entitle.PaymentError) as info:
        entitle.pay(tmp_path / "nowhere", "g2p-connect", payer, tmp_path / "out3")
    assert info.value.code == "P0001"
    with pytest.raises(TypeError):
        entitle.pay(run, "g2p-connect", payer, tmp_path / "out4", payees={"H1": {"account": "x"}})
