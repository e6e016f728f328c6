//! The payment ledger: which entitlement went out in which batch, so that none is paid twice.
//!
//! An entitlement is identified by (program hash, cycle, unit id); each export of it has a reissue
//! number (0 first, then 1, 2 … for explicit reissues) and is recorded with its reference and batch.
//! An export refuses an entitlement whose latest record is in another batch, unless the caller
//! reissues it. Re-running the same export finds the same batch id and records nothing new, so it is
//! allowed and gives the same files.

use crate::error::PaymentError;
use serde::Serialize;
use std::collections::HashMap;

/// One exported entitlement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    /// The program's content hash (`sha256:…`).
    pub program_hash: String,
    /// The cycle.
    pub cycle: String,
    /// The unit.
    pub unit_id: String,
    /// 0 for the first export, then one more for each reissue.
    pub reissue: u32,
    /// The format's name (`g2p-connect` …).
    pub format: String,
    /// The entitlement reference written to the file.
    pub reference: String,
    /// The batch it went out in.
    pub batch_id: String,
    /// The amount written, as a decimal string.
    pub amount: String,
    /// The currency code.
    pub currency: String,
    /// When it was exported, as the caller says (never read from the clock by this crate).
    pub exported_at: String,
}

/// Where exported entitlements are recorded.
pub trait Ledger {
    /// The latest record (highest reissue number) of every unit exported for this program and
    /// cycle, by unit id.
    ///
    /// # Errors
    /// [`PaymentError::Ledger`] (P0012) when the store cannot be read.
    fn latest(
        &self,
        program_hash: &str,
        cycle: &str,
    ) -> Result<HashMap<String, LedgerEntry>, PaymentError>;

    /// Records entries, all or none. An entry whose (program hash, cycle, unit, reissue) is already
    /// recorded with the same batch and reference is left as it is (a re-run); with another batch
    /// or reference it is refused.
    ///
    /// # Errors
    /// [`PaymentError::AlreadyExported`] (P0010) for a conflicting record; [`PaymentError::Ledger`]
    /// (P0012) when the store cannot be written. Nothing is recorded in either case.
    fn record(&mut self, entries: &[LedgerEntry]) -> Result<(), PaymentError>;

    /// The payee account fingerprints ([`crate::refs::account_fingerprint`]) recorded with the
    /// exports of this program and cycle, by entitlement reference. A ledger that keeps none
    /// returns none (the default), and then a changed account is not detected.
    ///
    /// # Errors
    /// [`PaymentError::Ledger`] (P0012) when the store cannot be read.
    fn accounts(
        &self,
        _program_hash: &str,
        _cycle: &str,
    ) -> Result<HashMap<String, String>, PaymentError> {
        Ok(HashMap::new())
    }

    /// [`Ledger::record`], with the fingerprint of each entry's payee account (by reference),
    /// all or none. The default records the entries only.
    ///
    /// # Errors
    /// As [`Ledger::record`].
    fn record_with_accounts(
        &mut self,
        entries: &[LedgerEntry],
        _accounts: &[(String, String)],
    ) -> Result<(), PaymentError> {
        self.record(entries)
    }
}

/// A ledger in memory, for tests and for callers that keep their own store.
#[derive(Clone, Debug, Default)]
pub struct MemoryLedger {
    entries: Vec<LedgerEntry>,
    accounts: HashMap<String, String>,
}

impl MemoryLedger {
    /// An empty ledger.
    pub fn new() -> MemoryLedger {
        MemoryLedger::default()
    }

    /// Every record, in the order recorded.
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }
}

fn same_key(a: &LedgerEntry, b: &LedgerEntry) -> bool {
    a.program_hash == b.program_hash
        && a.cycle == b.cycle
        && a.unit_id == b.unit_id
        && a.reissue == b.reissue
}

pub(crate) fn conflict(existing: &LedgerEntry) -> PaymentError {
    PaymentError::AlreadyExported {
        count: 1,
        first_unit_id: existing.unit_id.clone(),
        batch_id: existing.batch_id.clone(),
    }
}

impl Ledger for MemoryLedger {
    fn latest(
        &self,
        program_hash: &str,
        cycle: &str,
    ) -> Result<HashMap<String, LedgerEntry>, PaymentError> {
        let mut out: HashMap<String, LedgerEntry> = HashMap::new();
        for e in self
            .entries
            .iter()
            .filter(|e| e.program_hash == program_hash && e.cycle == cycle)
        {
            match out.get(&e.unit_id) {
                Some(prev) if prev.reissue >= e.reissue => {}
                _ => {
                    out.insert(e.unit_id.clone(), e.clone());
                }
            }
        }
        Ok(out)
    }

    fn record(&mut self, entries: &[LedgerEntry]) -> Result<(), PaymentError> {
        let mut new = Vec::new();
        for entry in entries {
            match self
                .entries
                .iter()
                .chain(new.iter())
                .find(|e| same_key(e, entry))
            {
                Some(e) if e.batch_id == entry.batch_id && e.reference == entry.reference => {}
                Some(e) => return Err(conflict(e)),
                None => new.push(entry.clone()),
            }
        }
        self.entries.extend(new);
        Ok(())
    }

    fn accounts(
        &self,
        program_hash: &str,
        cycle: &str,
    ) -> Result<HashMap<String, String>, PaymentError> {
        Ok(self
            .entries
            .iter()
            .filter(|e| e.program_hash == program_hash && e.cycle == cycle)
            .filter_map(|e| {
                let account = self.accounts.get(&e.reference)?;
                Some((e.reference.clone(), account.clone()))
            })
            .collect())
    }

    fn record_with_accounts(
        &mut self,
        entries: &[LedgerEntry],
        accounts: &[(String, String)],
    ) -> Result<(), PaymentError> {
        self.record(entries)?;
        for (reference, account) in accounts {
            self.accounts
                .entry(reference.clone())
                .or_insert_with(|| account.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn entry(unit: &str, reissue: u32, batch: &str) -> LedgerEntry {
        LedgerEntry {
            program_hash: "sha256:aa".into(),
            cycle: "2026-03".into(),
            unit_id: unit.into(),
            reissue,
            format: "g2p-connect".into(),
            reference: format!("E-{unit}-{reissue}"),
            batch_id: batch.into(),
            amount: "1500.00".into(),
            currency: "KES".into(),
            exported_at: "2026-03-05T00:00:00Z".into(),
        }
    }

    #[test]
    fn memory_ledger_is_idempotent_and_refuses_conflicts() {
        let mut l = MemoryLedger::new();
        l.record(&[entry("H1", 0, "B1"), entry("H2", 0, "B1")])
            .unwrap();
        l.record(&[entry("H1", 0, "B1")]).unwrap();
        assert_eq!(l.entries().len(), 2);
        let e = l
            .record(&[entry("H3", 0, "B2"), entry("H1", 0, "B2")])
            .unwrap_err();
        assert_eq!(e.code(), "P0010");
        assert_eq!(l.entries().len(), 2, "all or nothing");
        l.record(&[entry("H1", 1, "B3")]).unwrap();
        let latest = l.latest("sha256:aa", "2026-03").unwrap();
        assert_eq!(latest["H1"].reissue, 1);
        assert_eq!(latest["H2"].batch_id, "B1");
        assert!(l.latest("sha256:aa", "2026-04").unwrap().is_empty());
    }

    #[test]
    fn memory_ledger_keeps_the_first_account_of_each_reference() {
        let mut l = MemoryLedger::new();
        let accounts = [("E-H1-0".to_string(), "A1".to_string())];
        l.record_with_accounts(&[entry("H1", 0, "B1")], &accounts)
            .unwrap();
        let again = [("E-H1-0".to_string(), "A2".to_string())];
        l.record_with_accounts(&[entry("H1", 0, "B1")], &again)
            .unwrap();
        let found = l.accounts("sha256:aa", "2026-03").unwrap();
        assert_eq!(found.get("E-H1-0").map(String::as_str), Some("A1"));
        assert!(l.accounts("sha256:aa", "2026-04").unwrap().is_empty());
        // A refused record adds no account.
        let e = l
            .record_with_accounts(
                &[entry("H1", 0, "B2")],
                &[("E-H1-0-b".to_string(), "A3".to_string())],
            )
            .unwrap_err();
        assert_eq!(e.code(), "P0010");
        assert_eq!(l.accounts("sha256:aa", "2026-03").unwrap().len(), 1);
    }
}
