//! The supported disbursement formats and their names.

use crate::error::PaymentError;
use std::fmt;
use std::str::FromStr;

/// A disbursement format. Each is pinned to one version of its standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Format {
    /// G2P Connect `POST /disburse` request (specs branch `draft` @ f8dd3d5e, message version 1.0.0).
    G2pConnect,
    /// OpenG2P G2P Bridge, release line 1.0: one disbursement envelope plus disbursement batches.
    G2pBridge,
    /// Mifos Payment Hub EE bulk-processor CSV (`openMF/ph-ee-bulk-processor` @ e958eaeb).
    PhEe,
    /// ISO 20022 `pain.001.001.03` customer credit transfer initiation.
    Pain001V03,
    /// ISO 20022 `pain.001.001.09` customer credit transfer initiation.
    Pain001V09,
    /// Mojaloop SDK scheme adapter outbound `POST /bulkTransactions` (API v2.1.0), one request per
    /// payee FSP.
    Mojaloop,
}

/// The names [`Format::from_str`] accepts, as shown in error messages.
pub const FORMAT_NAMES: &str =
    "g2p-connect, g2p-bridge, ph-ee, pain.001.001.03, pain.001.001.09, mojaloop";

impl Format {
    /// Every format, in a fixed order.
    pub const ALL: [Format; 6] = [
        Format::G2pConnect,
        Format::G2pBridge,
        Format::PhEe,
        Format::Pain001V03,
        Format::Pain001V09,
        Format::Mojaloop,
    ];

    /// The canonical name: `g2p-connect`, `g2p-bridge`, `ph-ee`, `pain.001.001.03`,
    /// `pain.001.001.09`, `mojaloop`. It is also the prefix of the files written.
    pub fn name(self) -> &'static str {
        match self {
            Format::G2pConnect => "g2p-connect",
            Format::G2pBridge => "g2p-bridge",
            Format::PhEe => "ph-ee",
            Format::Pain001V03 => "pain.001.001.03",
            Format::Pain001V09 => "pain.001.001.09",
            Format::Mojaloop => "mojaloop",
        }
    }

    /// The extension of the batch files.
    pub fn extension(self) -> &'static str {
        match self {
            Format::PhEe => "csv",
            Format::Pain001V03 | Format::Pain001V09 => "xml",
            Format::G2pConnect | Format::G2pBridge | Format::Mojaloop => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = PaymentError;

    /// Parses a format name, ignoring case; `_` may stand for `-`, and short forms such as
    /// `pain001.03`, `phee` and `g2p_connect` are accepted.
    ///
    /// # Errors
    /// [`PaymentError::UnknownFormat`] (P0018) for any other name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace('_', "-");
        let format = match key.as_str() {
            "g2p-connect" | "g2pconnect" | "disburse" => Format::G2pConnect,
            "g2p-bridge" | "g2pbridge" | "openg2p" | "openg2p-bridge" => Format::G2pBridge,
            "ph-ee" | "phee" | "payment-hub" | "paymenthub" => Format::PhEe,
            "pain.001.001.03" | "pain001.03" | "pain.001.03" | "pain001-03" | "pain001v03" => {
                Format::Pain001V03
            }
            "pain.001.001.09" | "pain001.09" | "pain.001.09" | "pain001-09" | "pain001v09" => {
                Format::Pain001V09
            }
            "mojaloop" | "mojaloop-bulk" | "bulktransactions" => Format::Mojaloop,
            _ => {
                return Err(PaymentError::UnknownFormat {
                    name: s.to_string(),
                    expected: FORMAT_NAMES,
                })
            }
        };
        Ok(format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().ok(), Some(f));
        }
        assert_eq!(
            "PAIN001_09".parse::<Format>().ok(),
            Some(Format::Pain001V09)
        );
        assert_eq!(
            "g2p_connect".parse::<Format>().ok(),
            Some(Format::G2pConnect)
        );
        let err = "swift-mt103".parse::<Format>().err().map(|e| e.code());
        assert_eq!(err, Some("P0018"));
    }
}
