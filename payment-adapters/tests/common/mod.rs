//! Shared fixtures for the integration tests: a run directory, payees, a payer configuration, and
//! the locations of the official definitions (schemas, XSDs, xmllint).
#![allow(dead_code)]

use entitle_payments::{
    export_run, ExportOptions, ExportReport, Format, IdType, Payee, Payees, PayerConfig,
    PaymentError,
};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const HASH: &str = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// The payer configuration used by most tests: every format's section filled in.
pub const PAYER_TOML: &str = r#"
name = "Ministry of Social Protection"
execution_date = 2026-03-05
created_at = "2026-03-04T09:00:00Z"
note = "Child grant March 2026"

[g2p_connect]
sender_id = "spmis.example.gov"
sender_uri = "https://spmis.example.gov/g2p/callback"
receiver_id = "bank.example"
payer_fa = "account:1001@treasury"
purpose = "Child support grant"
locale = "eng"
schedule = true

[g2p_bridge]
sender_id = "spmis.example.gov"
program_mnemonic = "CHILD_GRANT"
disbursement_frequency = "Monthly"

[ph_ee]
tenant = "gorilla"
payment_mode = "mojaloop"
payer_identifier_type = "MSISDN"
payer_identifier = "254700000001"

[pain001]
iban = "DE89370400440532013000"
bic = "COBADEFFXXX"
batch_booking = true

[mojaloop]
payer_fsp = "treasury-dfsp"
payer_id_type = "ACCOUNT_ID"
payer_identifier = "1001"
"#;

/// Each exception of an export as (unit id, reason code), in the report's order.
pub fn reasons(report: &ExportReport) -> Vec<(&str, &str)> {
    report
        .exceptions
        .iter()
        .map(|e| (e.unit_id.as_str(), e.reason.code()))
        .collect()
}

pub fn payer() -> PayerConfig {
    PayerConfig::from_toml_str(PAYER_TOML).expect("payer config parses")
}

pub fn payer_with(extra: &str) -> PayerConfig {
    PayerConfig::from_toml_str(&format!("{extra}\n{PAYER_TOML}")).expect("payer config parses")
}

/// One decision line.
pub fn decision(unit: &str, decision: &str, currency: &str, net: Option<&str>) -> String {
    let cash = match net {
        Some(n) => format!(
            r#","cash":{{"currency":"{currency}","items_total":"{n}","capped":false,"floored":false,"rounded":false,"total":"{n}","fee":"0","net":"{n}"}}"#
        ),
        None => String::new(),
    };
    format!(
        r#"{{"unit_id":"{unit}","program":{{"id":"child_grant","version":"2026.1","hash":"{HASH}"}},"as_of":"2026-03-01","decision":"{decision}","rules":[{{"id":"has_child","kind":"when","outcome":"met"}}],"missing":[],"items":[]{cash},"in_kind":[]}}"#
    )
}

/// The `counts` and `totals` that `entitle run` writes in `summary.json` for these decision lines
/// (the export checks the decisions against them).
pub fn figures(lines: &[String]) -> String {
    let (mut units, mut decisions, mut eligible) = (0, 0, 0);
    let mut net: BTreeMap<String, rust_decimal::Decimal> = BTreeMap::new();
    for v in lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
    {
        units += 1;
        let Some(d) = v.get("decision").and_then(|d| d.as_str()) else {
            continue;
        };
        decisions += 1;
        eligible += u32::from(d == "eligible");
        if let (Some(c), Some(n)) = (v["cash"]["currency"].as_str(), v["cash"]["net"].as_str()) {
            *net.entry(c.to_string()).or_default() += n.parse::<rust_decimal::Decimal>().unwrap();
        }
    }
    let cash: Vec<String> = net
        .iter()
        .map(|(c, n)| format!(r#"{{"currency":"{c}","net":"{n}"}}"#))
        .collect();
    format!(
        r#""counts":{{"units":{units},"decisions":{decisions},"eligible":{eligible}}},"totals":{{"cash":[{}]}}"#,
        cash.join(",")
    )
}

/// Writes a run directory as `entitle run` would: `summary.json` (with the figures of `lines`)
/// and `decisions.jsonl`.
pub fn write_run(run: &Path, lines: &[String]) {
    std::fs::create_dir_all(run).expect("run dir");
    std::fs::write(
        run.join("summary.json"),
        format!(
            r#"{{"program":{{"id":"child_grant","version":"2026.1","hash":"{HASH}"}},"as_of":"2026-03-01","registry":"households.csv",{}}}"#,
            figures(lines)
        ),
    )
    .expect("summary");
    std::fs::write(run.join("decisions.jsonl"), lines.join("\n") + "\n").expect("decisions");
}

/// A temporary directory with `run/` (summary and decisions) and a place for outputs.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new(lines: &[String]) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        write_run(&dir.path().join("run"), lines);
        Fixture { dir }
    }

    pub fn run(&self) -> PathBuf {
        self.dir.path().join("run")
    }

    pub fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn export(
        &self,
        format: Format,
        payer: &PayerConfig,
        payees: &HashMap<String, Payee>,
        out: &str,
    ) -> Result<ExportReport, PaymentError> {
        let options = ExportOptions {
            payees: Payees::Map(payees.clone()),
            ..ExportOptions::default()
        };
        export_run(&self.run(), format, payer, &self.out(out), &options)
    }
}

/// The standard run: eight payable units (one with 50 cents), three not payable, one unit error.
pub fn standard_run(currency: &str) -> Fixture {
    let lines = vec![
        decision("H01", "eligible", currency, Some("2500")),
        decision("H02", "eligible", currency, Some("1500")),
        decision("H03", "not_eligible", currency, None),
        decision("H04", "eligible", currency, Some("2000.50")),
        decision("H05", "eligible", currency, Some("3000")),
        decision("H06", "undetermined", currency, None),
        decision("H07", "eligible", currency, Some("1500")),
        decision("H08", "eligible", currency, Some("4000")),
        decision("H09", "eligible", currency, None),
        decision("H10", "eligible", currency, Some("2500")),
        decision("H11", "eligible", currency, Some("1000")),
        r#"{"unit_id":"H12","error":{"code":"R0001","rule":"per_child"}}"#.to_string(),
    ];
    Fixture::new(&lines)
}

/// Payable units of the standard run and their amounts.
pub const PAYABLE: &[(&str, &str)] = &[
    ("H01", "2500"),
    ("H02", "1500"),
    ("H04", "2000.50"),
    ("H05", "3000"),
    ("H07", "1500"),
    ("H08", "4000"),
    ("H10", "2500"),
    ("H11", "1000"),
];

/// Mobile-money payees on two FSPs. H07 has no payee at all and H10 a payee without an address:
/// both must land in the exceptions file.
pub fn mobile_payees() -> HashMap<String, Payee> {
    let mut m = HashMap::new();
    let mut add = |unit: &str, fa: Option<&str>, name: &str| {
        m.insert(
            unit.to_string(),
            Payee {
                name: Some(name.to_string()),
                financial_address: fa.map(str::to_string),
                ..Payee::default()
            },
        );
    };
    add("H01", Some("mobile:254712000001@mpesa"), "Amina Njeri");
    add("H02", Some("mobile:254733000002@airtel"), "Otieno Odhiambo");
    add("H04", Some("mobile:254712000004@mpesa"), "Wanjiru Kamau");
    add("H05", Some("mobile:254733000005@airtel"), "Zoë Achieng");
    add("H08", Some("mobile:254712000008@mpesa"), "Grace Mwangi");
    add("H10", None, "Peter Kiprono");
    add("H11", Some("mobile:254712000011@mpesa"), "Halima Hassan");
    m
}

/// Computes a valid IBAN from a country code and BBAN (ISO 7064 mod 97-10).
pub fn iban(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).expect("alphanumeric");
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - rem)
}

/// Bank-account payees with IBANs (for pain.001). H07 has no payee; H10 a payee without a name.
pub fn bank_payees() -> HashMap<String, Payee> {
    let mut m = HashMap::new();
    for (i, unit) in ["H01", "H02", "H04", "H05", "H08", "H10", "H11"]
        .iter()
        .enumerate()
    {
        let name = match *unit {
            "H10" => None,
            "H05" => Some("Zoë Müller".to_string()),
            _ => Some(format!("Beneficiary {unit}")),
        };
        m.insert(
            unit.to_string(),
            Payee {
                name,
                iban: Some(iban("DE", &format!("3704004405320130{:02}", i))),
                bic: (i % 2 == 0).then(|| "COBADEFFXXX".to_string()),
                id_type: Some(IdType::Iban),
                ..Payee::default()
            },
        );
    }
    m
}

/// Every file of an output directory, by name.
pub fn read_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("output dir") {
        let entry = entry.expect("entry");
        files.insert(
            entry.file_name().to_string_lossy().to_string(),
            std::fs::read(entry.path()).expect("read"),
        );
    }
    files
}

/// Asserts that an export that failed left nothing behind.
pub fn assert_nothing_written(out: &Path) {
    if out.exists() {
        let names: Vec<_> = read_dir(out).into_keys().collect();
        assert!(names.is_empty(), "files were written: {names:?}");
    }
}

/// The folder of the official schema copies (`shared/reference/schemas`), or a clear failure.
pub fn schemas_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("ENTITLE_SCHEMAS_DIR") {
        return PathBuf::from(dir);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    for candidate in [
        "../../shared/reference/schemas",
        "../shared/reference/schemas",
    ] {
        let p = manifest.join(candidate);
        if p.join("g2p-connect").is_dir() {
            return p;
        }
    }
    panic!(
        "the official schema copies (shared/reference/schemas) were not found beside the repository; \
         set ENTITLE_SCHEMAS_DIR to their folder"
    );
}

/// The folder of the ISO 20022 XSDs shipped by PyPI `sepaxml` 2.7.0, or a clear failure.
pub fn sepaxml_schemas() -> PathBuf {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sepaxml,os;print(os.path.dirname(sepaxml.__file__))",
        ])
        .output();
    let dir = match out {
        Ok(o) if o.status.success() => {
            PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()).join("schemas")
        }
        _ => {
            panic!("the ISO 20022 XSDs are missing: install them with `pip install sepaxml==2.7.0`")
        }
    };
    assert!(
        dir.join("pain.001.001.03.xsd").is_file() && dir.join("pain.001.001.09.xsd").is_file(),
        "sepaxml is installed but {} lacks pain.001.001.03.xsd / .09.xsd: reinstall `sepaxml==2.7.0`",
        dir.display()
    );
    dir
}

/// Validates an XML file with `xmllint --schema`, returning (success, stderr), or fails clearly
/// when xmllint is missing.
pub fn xmllint(xsd: &Path, xml: &Path) -> (bool, String) {
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd)
        .arg(xml)
        .output()
        .unwrap_or_else(|_| {
            panic!("xmllint is missing: install it with `apt-get install -y libxml2-utils`")
        });
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The units of an export's batches, sorted (Mojaloop splits its batches by payee FSP).
pub fn paid(report: &ExportReport) -> Vec<&str> {
    let mut units: Vec<&str> = report
        .batches
        .iter()
        .flat_map(|b| b.unit_ids.iter().map(String::as_str))
        .collect();
    units.sort_unstable();
    units
}

/// The batch files of an export, as text.
pub fn batch_text(out: &Path, report: &ExportReport) -> String {
    report
        .batches
        .iter()
        .map(|b| std::fs::read_to_string(out.join(&b.file)).unwrap())
        .collect()
}

/// The XSD of a pain.001 format, `None` for the others.
pub fn xsd(format: Format) -> Option<&'static str> {
    match format {
        Format::Pain001V03 => Some("pain.001.001.03.xsd"),
        Format::Pain001V09 => Some("pain.001.001.09.xsd"),
        _ => None,
    }
}

/// Checks that every batch file of a pain.001 export validates against its XSD.
pub fn assert_valid_pain001(format: Format, out: &Path, report: &ExportReport) {
    let Some(xsd) = xsd(format) else { return };
    for b in &report.batches {
        let (ok, stderr) = xmllint(&sepaxml_schemas().join(xsd), &out.join(&b.file));
        assert!(ok && stderr.contains("validates"), "{format}: {stderr}");
    }
}

/// Mobile-money payees for pain.001 outside SEPA (KES): the account id is `CdtrAcct/Id/Othr/Id`
/// (at most 34 characters) and the provider `CdtrAgt/FinInstnId/Othr/Id` (at most 35).
pub fn wallet_payees() -> HashMap<String, Payee> {
    let mut payees = mobile_payees();
    for p in payees.values_mut() {
        p.id_type = Some(IdType::Msisdn);
    }
    payees
}

/// The payer configuration with `pain001.sepa = true`.
pub fn sepa_payer() -> PayerConfig {
    PayerConfig::from_toml_str(&PAYER_TOML.replace("[pain001]\n", "[pain001]\nsepa = true\n"))
        .unwrap()
}
