//! Planning an export: payees, exceptions, rounding, references, the ledger check, and the files,
//! all in memory. Nothing is written here; [`crate::export_run`] writes a plan only once it is whole.

use crate::amount::to_minor_unit;
use crate::config::PayerConfig;
use crate::error::PaymentError;
use crate::format::Format;
use crate::formats::{
    g2p_bridge::G2pBridge, g2p_connect::G2pConnect, mojaloop::Mojaloop, pain001, ph_ee::PhEe,
    to_json, ts, BatchSummary, Context, Item, OutputFile, Writer,
};
use crate::ledger::{Ledger, LedgerEntry};
use crate::payee::{ExceptionReason, Payee};
use crate::refs;
use crate::report::{Counts, ExceptionRecord, ExportReport, FileSummary, Totals};
use crate::run::RunEntitlements;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Choices for one export that are not in the payer configuration.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// The cycle identifier; overrides the payer configuration's `cycle` (default: the as-of month).
    pub cycle: Option<String>,
    /// Units to reissue: each gets the next reissue number and so a new reference, even though the
    /// ledger has an earlier export of it. Needs a ledger.
    pub reissue: Vec<String>,
    /// Leave out units the ledger has already exported (they are counted, not refused).
    pub skip_exported: bool,
    /// The time recorded in the ledger (default: the payer configuration's `created_at`). It never
    /// appears in the files.
    pub exported_at: Option<String>,
    /// The day the export is made: a payer `execution_date` before it is refused (P0023), and
    /// without that setting, payment is asked for on the run's as-of date or this day, whichever
    /// is later. Without a payer `created_at`, the files are dated at the start of this day
    /// (00:00:00 UTC; `None`: of the execution date).
    /// The library never reads the clock, so that an export depends only on its inputs; a caller
    /// that sends files gives the current date (the `entitle` command line does), and one that
    /// makes an earlier export's files again gives that export's day. `None`: not checked.
    pub today: Option<chrono::NaiveDate>,
    /// Units for which the caller found more than one possible payee (a household with two
    /// current heads): each goes to the exceptions file (`several_payees`) instead of being paid
    /// to whichever payee came first, whatever the payee map holds for it.
    pub several_payees: BTreeSet<String>,
}

/// A complete export in memory: the files to write, the ledger records to add, and the report.
#[derive(Clone, Debug)]
pub struct ExportPlan {
    /// Batch files, then `<format>-exceptions.csv` and `<format>-manifest.json`.
    pub files: Vec<OutputFile>,
    /// One record per exported entitlement.
    pub ledger_entries: Vec<LedgerEntry>,
    /// The fingerprint of each exported entitlement's payee account, by reference
    /// ([`crate::refs::account_fingerprint`]), recorded with the entries.
    pub ledger_accounts: Vec<(String, String)>,
    /// Counts, totals, batches and files.
    pub report: ExportReport,
}

/// Checks the cycle, which comes from the export's options (`from_option`) or from the payer's
/// `cycle` setting.
fn check_cycle(cycle: &str, from_option: bool) -> Result<(), PaymentError> {
    let ok = (1..=35).contains(&cycle.len())
        && cycle
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/' | ':'));
    let reason = "must be 1 to 35 letters, digits, `-`, `.`, `_`, `/` or `:`";
    match (ok, from_option) {
        (true, _) => Ok(()),
        (false, true) => Err(PaymentError::InvalidOption {
            option: "cycle",
            reason: reason.into(),
        }),
        (false, false) => Err(PaymentError::setting("cycle", reason)),
    }
}

/// Plans an export of a run's payable entitlements in one format.
///
/// `payees` maps unit ids to payees; `ledger`, when given, is read (never written) to number
/// reissues and refuse entitlements already exported in another batch. When nothing is payable,
/// only the exceptions file and the manifest are planned (and the format's settings, which depend
/// on the currency, are not checked).
///
/// # Errors
/// Every [`PaymentError`] about the input: missing or invalid settings (P0004, P0005), an invalid
/// cycle or reissue option (P0022), a currency or amount the format cannot carry (P0006, P0007),
/// no unit to export while some have a malformed payee value (P0008; one such unit among others
/// only goes to the exceptions) or, failing that, an MSISDN in national form (P0025), rounding (P0009), already exported entitlements or exported
/// ones whose amount or payee account has changed (P0010), invalid text (P0013), mixed currencies
/// (P0014), a payer execution date before [`PlanOptions::today`] (P0023), a payer `created_at` on
/// a day after the execution date or a Mojaloop `bulk_expiration` not after the creation time
/// and the start of the execution date (P0024).
pub fn plan_export(
    run: &RunEntitlements,
    format: Format,
    payer: &PayerConfig,
    payees: &HashMap<String, Payee>,
    options: &PlanOptions,
    ledger: Option<&dyn Ledger>,
) -> Result<ExportPlan, PaymentError> {
    let cycle = options
        .cycle
        .clone()
        .or_else(|| payer.cycle.clone())
        .unwrap_or_else(|| run.as_of.format("%Y-%m").to_string());
    check_cycle(&cycle, options.cycle.is_some())?;
    let mut currencies = run.entitlements.iter().map(|e| e.currency);
    let currency = currencies.next();
    if let Some(first) = currency {
        if let Some(other) = currencies.find(|c| *c != first) {
            return Err(PaymentError::MixedCurrencies {
                first: first.code().to_string(),
                second: other.code().to_string(),
            });
        }
    }
    // A date the payer set in the past is a mistake, refused. Without one, payment is asked for
    // on the run's as-of date, or today once that has passed: a run is often exported days
    // after its date, and a payment system rejects a date in the past or moves it silently.
    let execution_date = match (payer.execution_date, options.today) {
        (Some(date), Some(today)) if date < today => {
            return Err(PaymentError::PastExecutionDate { date, today });
        }
        (Some(date), _) => date,
        (None, Some(today)) => run.as_of.max(today),
        (None, None) => run.as_of,
    };
    // The files are made on the day of the export: by default they say so (the start of that
    // day, so that making them again gives the same bytes), and they may not claim to be made
    // after the day their payment is asked for.
    let created_at = match payer.created_at {
        Some(t) if t.date_naive() > execution_date => {
            return Err(PaymentError::DateOutOfOrder {
                setting: "created_at",
                value: ts::rfc3339(t),
                must_be: "on or before",
                limit: format!("the execution date, {execution_date}"),
                default: "the start of the day of the export",
            });
        }
        Some(t) => t,
        None => ts::start_of(options.today.unwrap_or(execution_date)),
    };
    // The default note fits every format's character set, SEPA's included, which has no `_`
    // (program ids such as `child_grant` have one): `child grant 2026-03`.
    let note = payer
        .note
        .clone()
        .unwrap_or_else(|| format!("{} {cycle}", run.program.id).replace('_', " "));
    let shared = Shared {
        run,
        format,
        payer,
        payees,
        options,
        ledger,
        cycle: &cycle,
    };
    let Some(currency) = currency else {
        return shared.finish(None, Parts::default(), created_at, execution_date);
    };
    let ctx = Context {
        program: &run.program,
        cycle: &cycle,
        currency,
        execution_date,
        created_at,
        payer_name: payer
            .name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        note: note.trim(),
        note_is_setting: payer.note.is_some(),
    };
    let parts = match format {
        Format::G2pConnect => shared.plan_with(&G2pConnect::new(payer, &ctx)?, &ctx)?,
        Format::G2pBridge => shared.plan_with(&G2pBridge::new(payer, &ctx)?, &ctx)?,
        Format::PhEe => shared.plan_with(&PhEe::new(payer, &ctx)?, &ctx)?,
        Format::Pain001V03 => shared.plan_with(
            &pain001::Pain001::new(payer, &ctx, pain001::Version::V03)?,
            &ctx,
        )?,
        Format::Pain001V09 => shared.plan_with(
            &pain001::Pain001::new(payer, &ctx, pain001::Version::V09)?,
            &ctx,
        )?,
        Format::Mojaloop => shared.plan_with(&Mojaloop::new(payer, &ctx)?, &ctx)?,
    };
    shared.finish(Some(currency), parts, created_at, execution_date)
}

/// Refuses an export that pays no one when some of the units to pay have a malformed payee value.
/// One malformed value only sends its unit to the exceptions; but a whole batch lost to them is
/// the sign of a payee column mapped to the wrong field (names as accounts), which used to stop
/// the export at the first unit and must not now pass for a finished, empty export. A batch that
/// pays no one for other reasons (every unit without a payee) is still written, as before.
fn refuse_all_malformed(format: Format, parts: &Parts, payable: usize) -> Result<(), PaymentError> {
    let malformed: Vec<&ExceptionRecord> = parts
        .exceptions
        .iter()
        .filter(|e| e.reason.is_malformed())
        .collect();
    let Some(first) = malformed.iter().map(|e| &e.unit_id).min() else {
        return Ok(());
    };
    let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
    for e in &malformed {
        let n = reasons.entry(e.reason.code()).or_default();
        *n = n.saturating_add(1);
    }
    Err(PaymentError::MalformedPayees {
        format: format.name(),
        to_pay: payable.saturating_sub(parts.skipped.len()),
        count: malformed.len(),
        reasons: reasons.into_iter().collect(),
        first_unit_id: first.clone(),
    })
}

/// Refuses an export that pays no one when, with no malformed value among them, some of the units
/// to pay have an MSISDN in national form: the payer configuration lacks `msisdn_country_code`.
fn refuse_all_national(format: Format, parts: &Parts, payable: usize) -> Result<(), PaymentError> {
    let national = parts
        .exceptions
        .iter()
        .filter(|e| e.reason == ExceptionReason::NationalMsisdn);
    let count = national.clone().count();
    let Some(first) = national.map(|e| &e.unit_id).min() else {
        return Ok(());
    };
    Err(PaymentError::NationalMsisdns {
        format: format.name(),
        to_pay: payable.saturating_sub(parts.skipped.len()),
        count,
        first_unit_id: first.clone(),
    })
}

/// Whether a ledger record is for this amount (at the currency's minor unit) and currency: only
/// then is exporting the unit again a repeat of that export.
fn same_amount(recorded: &LedgerEntry, amount: Decimal, ctx: &Context<'_>) -> bool {
    recorded.currency == ctx.currency.code()
        && Decimal::from_str_exact(&recorded.amount).is_ok_and(|r| r == amount)
}

struct Shared<'a> {
    run: &'a RunEntitlements,
    format: Format,
    payer: &'a PayerConfig,
    payees: &'a HashMap<String, Payee>,
    options: &'a PlanOptions,
    ledger: Option<&'a dyn Ledger>,
    cycle: &'a str,
}

#[derive(Default)]
struct Parts {
    files: Vec<OutputFile>,
    batches: Vec<BatchSummary>,
    ledger_entries: Vec<LedgerEntry>,
    ledger_accounts: Vec<(String, String)>,
    exceptions: Vec<ExceptionRecord>,
    skipped: Vec<(String, Decimal)>,
    exported_total: Decimal,
    rounded: usize,
    reissued: usize,
}

impl Shared<'_> {
    fn plan_with<W: Writer>(&self, writer: &W, ctx: &Context<'_>) -> Result<Parts, PaymentError> {
        let hash = &self.run.program.hash;
        let rounding = self.payer.rounding;
        let reissue: BTreeSet<&str> = self.options.reissue.iter().map(String::as_str).collect();
        if let Some(unit) = reissue
            .iter()
            .find(|u| !self.run.entitlements.iter().any(|e| e.unit_id == **u))
        {
            return Err(PaymentError::InvalidOption {
                option: "reissue",
                reason: format!("unit {unit} has no payable entitlement in this run"),
            });
        }
        let (latest, accounts) = match self.ledger {
            Some(l) => (l.latest(hash, self.cycle)?, l.accounts(hash, self.cycle)?),
            None if !reissue.is_empty() => {
                return Err(PaymentError::InvalidOption {
                    option: "reissue",
                    reason: "reissuing needs a ledger to number the reissue".into(),
                })
            }
            None => (HashMap::new(), HashMap::new()),
        };

        let mut parts = Parts::default();
        let mut items: Vec<Item<W::Target>> = Vec::new();
        let mut expected: Vec<(usize, &LedgerEntry)> = Vec::new();
        let mut reissue_numbers: Vec<u32> = Vec::new();
        let mut changed_amounts: Vec<(&LedgerEntry, Decimal)> = Vec::new();
        let mut changed_accounts: Vec<&LedgerEntry> = Vec::new();
        let mut fingerprints: Vec<String> = Vec::new();
        for e in &self.run.entitlements {
            let (amount, changed) = to_minor_unit(&e.unit_id, e.amount, e.currency, rounding)?;
            if changed {
                parts.rounded = parts.rounded.saturating_add(1);
            }
            // A payment of 0.00 is invalid in every format, and paying nothing is no payment.
            if amount.is_zero() {
                parts.exceptions.push(ExceptionRecord {
                    unit_id: e.unit_id.clone(),
                    reason: ExceptionReason::RoundsToZero,
                    amount,
                });
                continue;
            }
            // The ledger first: a unit already paid and skipped is reported as such, whatever its
            // payee looks like now.
            let previous = latest.get(&e.unit_id);
            let reissuing = reissue.contains(e.unit_id.as_str());
            if let Some(p) = previous.filter(|p| !reissuing && !same_amount(p, amount, ctx)) {
                changed_amounts.push((p, amount));
                continue;
            }
            if previous.is_some() && !reissuing && self.options.skip_exported {
                parts.skipped.push((e.unit_id.clone(), amount));
                continue;
            }
            let payee = self.payees.get(&e.unit_id);
            let resolved = match payee {
                _ if self.options.several_payees.contains(&e.unit_id) => {
                    Err(ExceptionReason::SeveralPayees)
                }
                None => Err(ExceptionReason::NoPayee),
                Some(p) => writer.resolve(&e.unit_id, p)?,
            };
            let target = match (resolved, payee) {
                (Ok(t), Some(p)) => {
                    let fingerprint = refs::account_fingerprint(&e.unit_id, &p.account());
                    // Exported before to another account: the same reference would now pay
                    // someone else's account.
                    if let Some(prev) = previous.filter(|prev| {
                        !reissuing
                            && accounts
                                .get(&prev.reference)
                                .is_some_and(|a| *a != fingerprint)
                    }) {
                        changed_accounts.push(prev);
                        continue;
                    }
                    fingerprints.push(fingerprint);
                    t
                }
                (Ok(_), None) => {
                    return Err(PaymentError::Internal {
                        format: self.format.name(),
                        message: format!("unit {} resolved without a payee", e.unit_id),
                    })
                }
                (Err(reason), _) => {
                    parts.exceptions.push(ExceptionRecord {
                        unit_id: e.unit_id.clone(),
                        reason,
                        amount,
                    });
                    continue;
                }
            };
            let number = match previous {
                Some(p) if reissuing => {
                    parts.reissued = parts.reissued.saturating_add(1);
                    p.reissue.saturating_add(1)
                }
                Some(p) => {
                    expected.push((items.len(), p));
                    p.reissue
                }
                None => 0,
            };
            reissue_numbers.push(number);
            items.push(Item {
                reference: refs::entitlement_reference(hash, self.cycle, &e.unit_id, number),
                unit_id: e.unit_id.clone(),
                amount,
                target,
            });
        }
        if let Some(first) = changed_accounts.first() {
            return Err(PaymentError::AccountChanged {
                unit_id: first.unit_id.clone(),
                batch_id: first.batch_id.clone(),
                others: changed_accounts.len().saturating_sub(1),
            });
        }
        if let Some((first, amount)) = changed_amounts.first() {
            let code = ctx.currency.code();
            return Err(PaymentError::AmountChanged {
                unit_id: first.unit_id.clone(),
                batch_id: first.batch_id.clone(),
                recorded: format!("{} {}", first.currency, first.amount),
                new: format!("{code} {amount}"),
                others: changed_amounts.len().saturating_sub(1),
            });
        }
        if items.is_empty() {
            // Malformed values first: they are the likelier cause (a column mapped wrong).
            refuse_all_malformed(self.format, &parts, self.run.entitlements.len())?;
            refuse_all_national(self.format, &parts, self.run.entitlements.len())?;
            return Ok(parts);
        }
        let built = writer.build(ctx, &items)?;
        let mut batch_of: HashMap<&str, &str> = HashMap::with_capacity(items.len());
        for b in &built.batches {
            for u in &b.unit_ids {
                batch_of.insert(u.as_str(), b.id.as_str());
            }
        }
        let conflicts: Vec<&LedgerEntry> = expected
            .iter()
            .filter(|(i, prev)| {
                items.get(*i).is_none_or(|item| {
                    item.reference != prev.reference
                        || batch_of.get(item.unit_id.as_str()) != Some(&prev.batch_id.as_str())
                })
            })
            .map(|(_, prev)| *prev)
            .collect();
        if let Some(first) = conflicts.first() {
            return Err(PaymentError::AlreadyExported {
                count: conflicts.len(),
                first_unit_id: first.unit_id.clone(),
                batch_id: first.batch_id.clone(),
            });
        }
        let exported_at = self
            .options
            .exported_at
            .clone()
            .unwrap_or_else(|| ts::rfc3339(ctx.created_at));
        let minor = ctx.currency.minor_units();
        for ((item, number), fingerprint) in items.iter().zip(reissue_numbers).zip(fingerprints) {
            parts
                .ledger_accounts
                .push((item.reference.clone(), fingerprint));
            let batch_id = batch_of
                .get(item.unit_id.as_str())
                .copied()
                .ok_or_else(|| PaymentError::Internal {
                    format: self.format.name(),
                    message: format!("unit {} is in no batch", item.unit_id),
                })?;
            parts.ledger_entries.push(LedgerEntry {
                program_hash: hash.clone(),
                cycle: self.cycle.to_string(),
                unit_id: item.unit_id.clone(),
                reissue: number,
                format: self.format.name().to_string(),
                reference: item.reference.clone(),
                batch_id: batch_id.to_string(),
                amount: crate::amount::fixed(item.amount, minor),
                currency: ctx.currency.code().to_string(),
                exported_at: exported_at.clone(),
            });
        }
        parts.exported_total = items.iter().map(|i| i.amount).sum();
        let counted: usize = built.batches.iter().map(|b| b.count).sum();
        let summed: Decimal = built.batches.iter().map(|b| b.control_sum).sum();
        if counted != items.len() || summed != parts.exported_total {
            return Err(PaymentError::Internal {
                format: self.format.name(),
                message: "batch counts or control sums do not add up to the payments".into(),
            });
        }
        parts.files = built.files;
        parts.batches = built.batches;
        Ok(parts)
    }

    fn finish(
        &self,
        currency: Option<entitle_dsl::Currency>,
        parts: Parts,
        created_at: chrono::DateTime<chrono::Utc>,
        execution_date: chrono::NaiveDate,
    ) -> Result<ExportPlan, PaymentError> {
        let name = self.format.name();
        let rescale = |d: Decimal| match currency {
            Some(c) if d.scale() < c.minor_units() => {
                let mut d = d;
                d.rescale(c.minor_units());
                d
            }
            _ => d,
        };
        let payable_total: Decimal = self.run.entitlements.iter().map(|e| e.amount).sum();
        let exceptions_total: Decimal = parts.exceptions.iter().map(|e| e.amount).sum();
        let skipped_total: Decimal = parts.skipped.iter().map(|s| s.1).sum();
        let totals = Totals {
            payable: rescale(payable_total),
            exported: rescale(parts.exported_total),
            exceptions: rescale(exceptions_total),
            already_exported: rescale(skipped_total),
            rounding_difference: rescale(
                parts.exported_total + exceptions_total + skipped_total - payable_total,
            ),
        };
        let counts = Counts {
            units: self.run.units,
            not_payable: self.run.not_payable,
            unit_errors: self.run.unit_errors,
            payable: self.run.entitlements.len(),
            exported: parts.ledger_entries.len(),
            exceptions: parts.exceptions.len(),
            already_exported: parts.skipped.len(),
        };
        let mut files = parts.files;
        files.push(OutputFile {
            name: format!("{name}-exceptions.csv"),
            bytes: crate::report::exceptions_csv(&parts.exceptions, currency)?,
        });
        let summaries = files.iter().map(FileSummary::of).collect();
        let report = ExportReport {
            format: name.to_string(),
            program: self.run.program.clone(),
            as_of: self.run.as_of,
            cycle: self.cycle.to_string(),
            currency: currency.map(|c| c.code().to_string()),
            execution_date,
            created_at: ts::rfc3339(created_at),
            counts,
            totals,
            rounded: parts.rounded,
            reissued: parts.reissued,
            batches: parts.batches,
            files: summaries,
            exceptions: parts.exceptions,
            ph_ee_tenant: match self.format {
                Format::PhEe => self.payer.ph_ee.as_ref().and_then(|p| p.tenant.clone()),
                _ => None,
            },
        };
        files.push(OutputFile {
            name: format!("{name}-manifest.json"),
            bytes: to_json(&report, name)?,
        });
        Ok(ExportPlan {
            files,
            ledger_entries: parts.ledger_entries,
            ledger_accounts: parts.ledger_accounts,
            report,
        })
    }
}
