"""Payment export from Python: decisions written as a run directory, exported with entitle.pay."""

from __future__ import annotations

import csv
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
    # A payer file written for `entitle pay` (payees from a registry column), without payees.
    registry_payer = tmp_path / "registry_payer.toml"
    registry_payer.write_text(PAYER + '[payees]\nfrom = "registry"\ncolumn = "account"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[payees\] table .* pass `payees` .* or `mapper`"):
        entitle.pay(run, "g2p-connect", registry_payer, tmp_path / "out5")
    assert not (tmp_path / "out5").exists()


def _eligible_run(tmp_path: Path, program: entitle.Program) -> tuple[Path, list[entitle.Decision], dict[str, dict[str, str | None]]]:
    decisions = program.evaluate_batch(generate(40, seed=21), datetime.date(2026, 3, 1))
    eligible = [d for d in decisions if isinstance(d, entitle.Decision) and d.eligible and d.cash and d.cash.net > 0]
    assert len(eligible) >= 3
    payees: dict[str, dict[str, str | None]] = {d.unit_id: {"financial_address": f"mobile:07{i:08d}@mpesa"} for i, d in enumerate(eligible)}
    return write_run(tmp_path, program, decisions), eligible, payees


def test_pay_refuses_an_execution_date_before_today(tmp_path: Path, child_grant: entitle.Program) -> None:
    run, eligible, payees = _eligible_run(tmp_path, child_grant)
    payer = tmp_path / "payer.toml"
    payer.write_text("execution_date = 2026-03-05\n" + PAYER, encoding="utf-8")
    with pytest.raises(entitle.PaymentError) as info:
        entitle.pay(run, "g2p-connect", payer, tmp_path / "late", payees=payees, today=datetime.date(2026, 3, 6))
    assert info.value.code == "P0023"
    assert not (tmp_path / "late").exists() or not any((tmp_path / "late").iterdir())
    # The same export made on (or before) the execution date goes through.
    report = entitle.pay(run, "g2p-connect", payer, tmp_path / "on_time", payees=payees, today=datetime.date(2026, 3, 5))
    assert str(report["execution_date"]) == "2026-03-05"
    assert report["counts"]["exported"] == len(eligible)
    # Without `today`, the local date is the day of the export, as with `entitle pay`.
    old = tmp_path / "old.toml"
    old.write_text("execution_date = 2000-01-03\n" + PAYER, encoding="utf-8")
    with pytest.raises(entitle.PaymentError) as info:
        entitle.pay(run, "g2p-connect", old, tmp_path / "old", payees=payees)
    assert info.value.code == "P0023"


def test_pay_asks_for_today_once_the_as_of_date_has_passed(tmp_path: Path, child_grant: entitle.Program) -> None:
    run, _, payees = _eligible_run(tmp_path, child_grant)
    payer = tmp_path / "payer.toml"
    payer.write_text(PAYER, encoding="utf-8")
    report = entitle.pay(run, "g2p-connect", payer, tmp_path / "a", payees=payees, today=datetime.date(2026, 3, 10))
    assert str(report["execution_date"]) == "2026-03-10"
    report = entitle.pay(run, "g2p-connect", payer, tmp_path / "b", payees=payees, today="2026-02-20")
    assert str(report["execution_date"]) == "2026-03-01"
    with pytest.raises(entitle.PaymentError) as info:
        entitle.pay(run, "g2p-connect", payer, tmp_path / "c", payees=payees, today="10 March")
    assert info.value.code == "P0022"
    with pytest.raises(TypeError):
        entitle.pay(run, "g2p-connect", payer, tmp_path / "d", payees=payees, today=20260310)  # type: ignore[arg-type]


def test_pay_sends_units_with_several_payees_to_the_exceptions(tmp_path: Path, child_grant: entitle.Program) -> None:
    run, eligible, payees = _eligible_run(tmp_path, child_grant)
    payer = tmp_path / "payer.toml"
    payer.write_text(PAYER, encoding="utf-8")
    two_heads = eligible[1]
    report = entitle.pay(
        run, "g2p-connect", payer, tmp_path / "out", payees=payees, today=datetime.date(2026, 3, 1), several_payees=[two_heads.unit_id]
    )
    assert report["counts"]["exported"] == len(eligible) - 1
    assert report["counts"]["exceptions"] == 1
    assert two_heads.cash is not None
    assert Decimal(report["totals"]["exceptions"]) == two_heads.cash.net
    with (tmp_path / "out" / "g2p-connect-exceptions.csv").open(encoding="utf-8", newline="") as f:
        rows = [(r["unit_id"], r["reason"], Decimal(r["amount"])) for r in csv.DictReader(f)]
    assert rows == [(two_heads.unit_id, "several_payees", two_heads.cash.net)]
    paid = json.loads((tmp_path / "out" / "g2p-connect-001.json").read_text(encoding="utf-8"))
    assert payees[two_heads.unit_id]["financial_address"] not in {d["payee_fa"] for d in paid["message"]["disbursements"]}
    assert len(paid["message"]["disbursements"]) == len(eligible) - 1


def test_payees_may_be_keyed_by_integer_ids(tmp_path: Path, child_grant: entitle.Program) -> None:
    # Odoo partner ids are integers: evaluate reads {"id": 42} as unit "42", so pay does too.
    units = generate(40, seed=21)
    for i, u in enumerate(units):
        u["id"] = 1000 + i
    decisions = child_grant.evaluate_batch(units, datetime.date(2026, 3, 1))
    eligible = [d for d in decisions if isinstance(d, entitle.Decision) and d.eligible and d.cash and d.cash.net > 0]
    assert len(eligible) >= 3 and eligible[0].unit_id.isdigit()
    run = write_run(tmp_path, child_grant, decisions)
    payer = tmp_path / "payer.toml"
    payer.write_text(PAYER, encoding="utf-8")
    payees = {int(d.unit_id): {"financial_address": f"mobile:07{i:08d}@mpesa"} for i, d in enumerate(eligible)}
    report = entitle.pay(run, "g2p-connect", payer, tmp_path / "out", payees=payees, today="2026-03-01")
    assert (report["counts"]["exported"], report["counts"]["exceptions"]) == (len(eligible), 0)
    for key in (1.0, True, ("H", 1)):
        with pytest.raises(TypeError) as info:
            entitle.pay(run, "g2p-connect", payer, tmp_path / "bad", payees={key: {"financial_address": "x"}}, today="2026-03-01")  # type: ignore[dict-item]
        assert str(info.value) == f"payees: a unit id must be a str or an int, not `{type(key).__name__}`"
    assert not (tmp_path / "bad").exists()
