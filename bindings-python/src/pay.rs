//! `entitle.pay`: payment export of a run directory, one call into `entitle-payments`.

use crate::convert::{date_of, to_py_data};
use crate::errors::{guard, payment_error};
use chrono::NaiveDate;
use entitle_payments::{
    export_run, ExportOptions, Format, Payee, Payees, PayerConfig, PaymentError,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::path::PathBuf;

fn payee_map(payees: &Bound<'_, PyDict>) -> PyResult<HashMap<String, Payee>> {
    let mut out = HashMap::new();
    for (unit, fields) in payees.iter() {
        // Unit ids as `evaluate` reads them: a str, or an int written in decimal (Odoo ids).
        let unit: String = if let Ok(s) = unit.cast::<PyString>() {
            s.to_str()?.to_string()
        } else if unit.is_instance_of::<PyInt>() && !unit.is_instance_of::<PyBool>() {
            unit.str()?.to_str()?.to_string()
        } else {
            return Err(PyTypeError::new_err(format!(
                "payees: a unit id must be a str or an int, not `{}`",
                unit.get_type().name()?
            )));
        };
        let fields = fields
            .cast::<PyDict>()
            .map_err(|_| PyTypeError::new_err(format!("payee of unit {unit}: expected a dict")))?;
        let mut obj = serde_json::Map::new();
        for (k, v) in fields.iter() {
            let k: String = k.extract()?;
            let v = if v.is_none() {
                Json::Null
            } else {
                Json::String(
                    v.cast::<PyString>()
                        .map_err(|_| {
                            PyTypeError::new_err(format!(
                                "payee of unit {unit}: `{k}` must be a str"
                            ))
                        })?
                        .to_str()?
                        .to_string(),
                )
            };
            obj.insert(k, v);
        }
        let payee: Payee = serde_json::from_value(Json::Object(obj))
            .map_err(|e| PyTypeError::new_err(format!("payee of unit {unit}: {e}")))?;
        out.insert(unit, payee);
    }
    Ok(out)
}

/// The day of the export from a `datetime.date` (or datetime) or an ISO 8601 string.
fn export_day(py: Python<'_>, today: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    if let Some(d) = date_of(today)? {
        return Ok(d);
    }
    let Ok(text) = today.cast::<PyString>() else {
        return Err(PyTypeError::new_err(
            "today must be a datetime.date or an ISO 8601 string such as \"2026-03-05\"",
        ));
    };
    NaiveDate::parse_from_str(text.to_str()?.trim(), "%Y-%m-%d").map_err(|_| {
        payment_error(
            py,
            &PaymentError::InvalidOption {
                option: "today",
                reason: "is not an ISO 8601 date such as 2026-03-05".into(),
            },
        )
    })
}

/// Exports the payable entitlements of a run directory (`decisions.jsonl` and `summary.json`, as
/// `entitle run` writes them) in one disbursement `format` (`"g2p-connect"`, `"g2p-bridge"`,
/// `"ph-ee"`, `"pain.001.001.03"`, `"pain.001.001.09"`, `"mojaloop"`), with the payer
/// configuration TOML file `payer`, into the directory `out`: the same as `entitle pay`.
///
/// Payees come from an account-mapper CSV file (`mapper`) or a dict `payees` of unit id →
/// `{"financial_address": …, "name": …, "id_type": …, "fsp_id": …, "bic": …, "iban": …}`. A unit
/// without a usable payee goes to the exceptions file, never silently out of the batch; a payer
/// file with the command line's `[payees]` table (payees from a registry column) and neither
/// `payees` nor `mapper` is a `ValueError`, since every unit would be an exception. `ledger`
/// is a SQLite file that refuses a second export of the same entitlement unless it is in
/// `reissue`. Returns the export report (the manifest) as a dict.
///
/// `today` is the day of the export (a `datetime.date` or an ISO 8601 string; default: today's
/// local date, as `entitle pay` uses): a payer `execution_date` before it is refused (`P0023`),
/// and without one payment is asked for on the run's as-of date or `today`, whichever is later.
/// Give an earlier export's day to make its files again. `several_payees` lists the units for
/// which the caller's registry found more than one possible payee (a household with two current
/// heads): they go to the exceptions file (`several_payees`) instead of being paid, as `entitle
/// pay` does with the payees it reads from a registry.
///
/// Raises `entitle.PaymentError` (with `.code`, `P0001` …) before any file is written when the
/// export is not valid (`P0022` for a `today` string that is not a date).
#[pyfunction]
#[pyo3(signature = (run_dir, format, payer, out, *, mapper = None, payees = None, ledger = None, force = None, cycle = None, reissue = None, skip_exported = None, exported_at = None, today = None, several_payees = None))]
#[allow(clippy::too_many_arguments)] // one keyword argument per export option, as the CLI has flags
pub(crate) fn pay<'py>(
    py: Python<'py>,
    run_dir: PathBuf,
    format: &str,
    payer: PathBuf,
    out: PathBuf,
    mapper: Option<PathBuf>,
    payees: Option<Bound<'py, PyDict>>,
    ledger: Option<PathBuf>,
    force: Option<bool>,
    cycle: Option<String>,
    reissue: Option<Vec<String>>,
    skip_exported: Option<bool>,
    exported_at: Option<String>,
    today: Option<Bound<'py, PyAny>>,
    several_payees: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let format: Format = format.parse().map_err(|e| payment_error(py, &e))?;
        let today = match today {
            Some(t) => export_day(py, &t)?,
            // The library never reads the clock; like the CLI, the binding gives the local date,
            // so that a past execution date is caught here too.
            None => chrono::Local::now().date_naive(),
        };
        let mut options = ExportOptions::default();
        let neither = mapper.is_none() && payees.is_none();
        match (mapper, payees) {
            (Some(_), Some(_)) => {
                return Err(PyTypeError::new_err("give `mapper` or `payees`, not both"))
            }
            (Some(path), None) => options.payees = Payees::Mapper(path),
            (None, Some(map)) => options.payees = Payees::Map(payee_map(&map)?),
            (None, None) => {}
        }
        options.ledger = ledger;
        if let Some(f) = force {
            options.force = f;
        }
        options.plan.cycle = cycle;
        if let Some(r) = reissue {
            options.plan.reissue = r;
        }
        if let Some(s) = skip_exported {
            options.plan.skip_exported = s;
        }
        options.plan.exported_at = exported_at;
        options.plan.today = Some(today);
        if let Some(units) = several_payees {
            options.plan.several_payees = units.into_iter().collect();
        }
        let payer = PayerConfig::load(&payer).map_err(|e| payment_error(py, &e))?;
        // The `[payees]` table names a registry column that only the `entitle` command line
        // reads: without `payees` or `mapper`, every unit would go to the exceptions.
        if neither && payer.payees.is_some() {
            return Err(PyValueError::new_err(
                "the payer configuration's [payees] table (payees from a registry) is read by \
                 the `entitle` command line only: pass `payees` (a dict of unit id to payee) or \
                 `mapper` (an account-mapper CSV file)",
            ));
        }
        let report = py.detach(|| export_run(&run_dir, format, &payer, &out, &options));
        match report {
            Ok(r) => to_py_data(py, &r),
            Err(e) => Err(payment_error(py, &e)),
        }
    })
}
