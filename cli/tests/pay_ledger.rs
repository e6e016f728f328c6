//! `entitle pay` with a ledger: an entitlement the ledger has is not exported again under its old
//! reference with another amount or to another account, and the refusal names the flags that
//! resolve it.

mod common;
use common::*;

/// The tester's repro: paid with a ledger, the run is made again with other amounts and paid with
/// the same ledger. The old references must not carry the new amounts: refused, naming the unit,
/// both amounts and the flags that resolve it, with or without --skip-exported.
#[test]
fn pay_refuses_new_amounts_under_references_the_ledger_has() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let r = run_child_grant("examples/registry", run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ledger = dir.path().join("ledger.db");
    let pay_with = |run: &std::path::Path, out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let ledger = ["--ledger", ledger.to_str().unwrap()];
        pay_run(
            run,
            "g2p-connect",
            "examples/payer.toml",
            &out,
            &[&ledger[..], extra].concat(),
        )
    };
    let r = pay_with(&run, "a", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // The same run with every eligible unit's net amount 100 higher, and a summary that agrees.
    let again = dir.path().join("again");
    std::fs::create_dir(&again).unwrap();
    let mut raised = 0u64;
    let lines: Vec<String> = std::fs::read_to_string(run.join("decisions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let mut d: serde_json::Value = serde_json::from_str(l).unwrap();
            if let Some(net) = d["cash"]["net"].as_str() {
                let more = net.parse::<u64>().unwrap() + 100;
                d["cash"]["net"] = serde_json::json!(more.to_string());
                raised += 1;
            }
            d.to_string()
        })
        .collect();
    std::fs::write(again.join("decisions.jsonl"), lines.join("\n") + "\n").unwrap();
    let mut s = summary(&run);
    let net: u64 = s["totals"]["cash"][0]["net"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    s["totals"]["cash"][0]["net"] = serde_json::json!((net + 100 * raised).to_string());
    std::fs::write(again.join("summary.json"), s.to_string()).unwrap();

    for (out, extra) in [("b", &[][..]), ("c", &["--skip-exported"][..])] {
        let r = pay_with(&again, out, extra);
        assert_eq!(r.code, 2, "{}", r.stdout);
        let e = &r.stderr;
        let unit = e
            .split("unit ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .unwrap();
        assert!(e.contains(" was exported in batch "), "{e}");
        assert!(e.contains(" but this run pays it KES "), "{e}");
        assert!(e.contains(&format!("pass --reissue {unit} ")), "{e}");
        // How many other units changed is said once.
        assert_eq!(
            e.matches("more unit(s) whose amount changed").count(),
            1,
            "{e}"
        );
        assert!(
            e.contains(&format!(
                " (and {} more unit(s) whose amount changed): pass --reissue",
                manifest(&dir.path().join("a"), "g2p-connect")["counts"]["exported"]
                    .as_u64()
                    .unwrap()
                    - 1
            )),
            "{e}"
        );
        assert!(
            e.contains("or --cycle to export the run as a new cycle [P0010]"),
            "{e}"
        );
        assert!(!dir.path().join(out).exists(), "nothing written");
    }
}

/// A unit paid with a ledger and exported again to another account (the mapper changed) is
/// refused, naming the flags that resolve it.
#[test]
fn pay_refuses_a_recorded_unit_with_another_account() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let r = run_child_grant("examples/registry", run.to_str().unwrap(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let eligible: Vec<String> = std::fs::read_to_string(run.join("decisions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|d| d["decision"] == "eligible")
        .map(|d| d["unit_id"].as_str().unwrap().to_string())
        .take(3)
        .collect();
    let mapper = |name: &str, first: &str| {
        let path = dir.path().join(name);
        let mut text = "unit_id,financial_address,name\n".to_string();
        for (i, unit) in eligible.iter().enumerate() {
            let number = if i == 0 { first } else { "00" };
            text.push_str(&format!(
                "{unit},mobile:2547120000{i}{number}@mpesa,Payee {i}\n"
            ));
        }
        std::fs::write(&path, text).unwrap();
        path
    };
    let ledger = dir.path().join("ledger.db");
    let pay_with = |mapper: &std::path::Path, out: &str| {
        let extra = [
            "--ledger",
            ledger.to_str().unwrap(),
            "--account-mapper",
            mapper.to_str().unwrap(),
        ];
        pay_run(
            &run,
            "g2p-connect",
            "examples/payer.toml",
            &dir.path().join(out),
            &extra,
        )
    };
    let r = pay_with(&mapper("m1.csv", "00"), "a");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = pay_with(&mapper("m2.csv", "99"), "b");
    assert_eq!(r.code, 2, "{}", r.stdout);
    let unit = &eligible[0];
    assert!(
        r.stderr
            .contains(&format!("unit {unit} was exported in batch "))
            && r.stderr.contains(&format!(
            "to another payee account than it has now: pass --reissue {unit} to pay the new account"
        )) && r
            .stderr
            .contains("--skip-exported if the earlier payment stands")
            && r.stderr.ends_with("[P0010]\n"),
        "{}",
        r.stderr
    );
}
