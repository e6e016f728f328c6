//! What the fuzz targets check, shared by the targets (one line each in `fuzz_targets/`).
//!
//! Every check panics on a broken invariant, which libFuzzer reports as a crash: a panic inside the
//! engine, a span outside the text, a formatted program that no longer parses to the same tree, the
//! columnar plan and the interpreter disagreeing, one-by-one and batch evaluation disagreeing, or
//! registry counts that do not reconcile.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chrono::NaiveDate;
use entitle_core::json::{decision_to_json, error_to_json, results_json_texts};
use entitle_core::{EvalOptions, Program};
use serde_json::Value as Json;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The programs the `evaluate` target runs: every example program, in a fixed order (the first
/// byte of an input picks one, so the order must not change; add new programs at the end).
pub const PROGRAMS: &[(&str, &str)] = &[
    ("examples/programs/child_grant.entitle", include_str!("../../examples/programs/child_grant.entitle")),
    ("examples/programs/old_age_pension.entitle", include_str!("../../examples/programs/old_age_pension.entitle")),
    ("examples/programs/openg2p_default_cash.entitle", include_str!("../../examples/programs/openg2p_default_cash.entitle")),
    ("examples/programs/openspp_multi_item_cash.entitle", include_str!("../../examples/programs/openspp_multi_item_cash.entitle")),
    ("examples/programs/pmt.entitle", include_str!("../../examples/programs/pmt.entitle")),
    ("tests/conformance/programs/fidelity_scoring.entitle", include_str!("../../tests/conformance/programs/fidelity_scoring.entitle")),
    ("examples/fidelity/A10_relations.entitle", include_str!("../../examples/fidelity/A10_relations.entitle")),
    ("examples/fidelity/A11_events.entitle", include_str!("../../examples/fidelity/A11_events.entitle")),
    ("examples/fidelity/A12_cross_registry.entitle", include_str!("../../examples/fidelity/A12_cross_registry.entitle")),
    ("examples/fidelity/A1_target_individual.entitle", include_str!("../../examples/fidelity/A1_target_individual.entitle")),
    ("examples/fidelity/A2_base_population.entitle", include_str!("../../examples/fidelity/A2_base_population.entitle")),
    ("examples/fidelity/A3_registrant_attributes.entitle", include_str!("../../examples/fidelity/A3_registrant_attributes.entitle")),
    ("examples/fidelity/A4_age_as_of.entitle", include_str!("../../examples/fidelity/A4_age_as_of.entitle")),
    ("examples/fidelity/A5_custom_fields.entitle", include_str!("../../examples/fidelity/A5_custom_fields.entitle")),
    ("examples/fidelity/A6_group_kinds.entitle", include_str!("../../examples/fidelity/A6_group_kinds.entitle")),
    ("examples/fidelity/A7_membership_kinds.entitle", include_str!("../../examples/fidelity/A7_membership_kinds.entitle")),
    ("examples/fidelity/A8_membership_dates.entitle", include_str!("../../examples/fidelity/A8_membership_dates.entitle")),
    ("examples/fidelity/A9_member_attributes.entitle", include_str!("../../examples/fidelity/A9_member_attributes.entitle")),
    ("examples/fidelity/B10_sql_rules.entitle", include_str!("../../examples/fidelity/B10_sql_rules.entitle")),
    ("examples/fidelity/B11_case_insensitive.entitle", include_str!("../../examples/fidelity/B11_case_insensitive.entitle")),
    ("examples/fidelity/B12_household_aggregates.entitle", include_str!("../../examples/fidelity/B12_household_aggregates.entitle")),
    ("examples/fidelity/B13_arithmetic_over_aggregates.entitle", include_str!("../../examples/fidelity/B13_arithmetic_over_aggregates.entitle")),
    ("examples/fidelity/B14_cached_metrics.entitle", include_str!("../../examples/fidelity/B14_cached_metrics.entitle")),
    ("examples/fidelity/B15_variables.entitle", include_str!("../../examples/fidelity/B15_variables.entitle")),
    ("examples/fidelity/B16_program_parameters.entitle", include_str!("../../examples/fidelity/B16_program_parameters.entitle")),
    ("examples/fidelity/B17_code_lists.entitle", include_str!("../../examples/fidelity/B17_code_lists.entitle")),
    ("examples/fidelity/B18_host_functions.entitle", include_str!("../../examples/fidelity/B18_host_functions.entitle")),
    ("examples/fidelity/B19_auto_enrolment.entitle", include_str!("../../examples/fidelity/B19_auto_enrolment.entitle")),
    ("examples/fidelity/B1_field_conditions.entitle", include_str!("../../examples/fidelity/B1_field_conditions.entitle")),
    ("examples/fidelity/B20_compliance.entitle", include_str!("../../examples/fidelity/B20_compliance.entitle")),
    ("examples/fidelity/B21_membership_states.entitle", include_str!("../../examples/fidelity/B21_membership_states.entitle")),
    ("examples/fidelity/B2_date_functions.entitle", include_str!("../../examples/fidelity/B2_date_functions.entitle")),
    ("examples/fidelity/B3_rule_sets_and.entitle", include_str!("../../examples/fidelity/B3_rule_sets_and.entitle")),
    ("examples/fidelity/B4_set_operators.entitle", include_str!("../../examples/fidelity/B4_set_operators.entitle")),
    ("examples/fidelity/B5_exclusion_filter.entitle", include_str!("../../examples/fidelity/B5_exclusion_filter.entitle")),
    ("examples/fidelity/B6_id_document.entitle", include_str!("../../examples/fidelity/B6_id_document.entitle")),
    ("examples/fidelity/B7_phone.entitle", include_str!("../../examples/fidelity/B7_phone.entitle")),
    ("examples/fidelity/B8_tags_areas.entitle", include_str!("../../examples/fidelity/B8_tags_areas.entitle")),
    ("examples/fidelity/B9_manual_eligibility.entitle", include_str!("../../examples/fidelity/B9_manual_eligibility.entitle")),
    ("examples/fidelity/C1_household_size.entitle", include_str!("../../examples/fidelity/C1_household_size.entitle")),
    ("examples/fidelity/C2_count_by_kind.entitle", include_str!("../../examples/fidelity/C2_count_by_kind.entitle")),
    ("examples/fidelity/C3_demo_indicators.entitle", include_str!("../../examples/fidelity/C3_demo_indicators.entitle")),
    ("examples/fidelity/C4_indicators_as_of.entitle", include_str!("../../examples/fidelity/C4_indicators_as_of.entitle")),
    ("examples/fidelity/D1_pmt_weighted_sum.entitle", include_str!("../../examples/fidelity/D1_pmt_weighted_sum.entitle")),
    ("examples/fidelity/D2_pmt_weighted_average.entitle", include_str!("../../examples/fidelity/D2_pmt_weighted_average.entitle")),
    ("examples/fidelity/D3_scoring_model.entitle", include_str!("../../examples/fidelity/D3_scoring_model.entitle")),
    ("examples/fidelity/D4_priority_per_cycle.entitle", include_str!("../../examples/fidelity/D4_priority_per_cycle.entitle")),
    ("examples/fidelity/D5_ranking_top_n.entitle", include_str!("../../examples/fidelity/D5_ranking_top_n.entitle")),
    ("examples/fidelity/E10_benefit_codes.entitle", include_str!("../../examples/fidelity/E10_benefit_codes.entitle")),
    ("examples/fidelity/E11_rounding.entitle", include_str!("../../examples/fidelity/E11_rounding.entitle")),
    ("examples/fidelity/E1_default_cash.entitle", include_str!("../../examples/fidelity/E1_default_cash.entitle")),
    ("examples/fidelity/E2_transfer_fee.entitle", include_str!("../../examples/fidelity/E2_transfer_fee.entitle")),
    ("examples/fidelity/E3_multi_item_cash.entitle", include_str!("../../examples/fidelity/E3_multi_item_cash.entitle")),
    ("examples/fidelity/E4_overall_cap.entitle", include_str!("../../examples/fidelity/E4_overall_cap.entitle")),
    ("examples/fidelity/E4_quirk_spp17_max_amount_floor.entitle", include_str!("../../examples/fidelity/E4_quirk_spp17_max_amount_floor.entitle")),
    ("examples/fidelity/E5_item_selection.entitle", include_str!("../../examples/fidelity/E5_item_selection.entitle")),
    ("examples/fidelity/E5_quirk_spp17_evaluate_one_item.entitle", include_str!("../../examples/fidelity/E5_quirk_spp17_evaluate_one_item.entitle")),
    ("examples/fidelity/E6_item_conditions.entitle", include_str!("../../examples/fidelity/E6_item_conditions.entitle")),
    ("examples/fidelity/E7_amount_formulas.entitle", include_str!("../../examples/fidelity/E7_amount_formulas.entitle")),
    ("examples/fidelity/E8_per_member_rates.entitle", include_str!("../../examples/fidelity/E8_per_member_rates.entitle")),
    ("examples/fidelity/E9_inflation.entitle", include_str!("../../examples/fidelity/E9_inflation.entitle")),
    ("examples/fidelity/F1_in_kind_items.entitle", include_str!("../../examples/fidelity/F1_in_kind_items.entitle")),
    ("examples/fidelity/F2_single_item.entitle", include_str!("../../examples/fidelity/F2_single_item.entitle")),
    ("examples/fidelity/F3_valuation.entitle", include_str!("../../examples/fidelity/F3_valuation.entitle")),
    ("examples/fidelity/F4_food_basket.entitle", include_str!("../../examples/fidelity/F4_food_basket.entitle")),
    ("examples/fidelity/F5_quantity_formulas.entitle", include_str!("../../examples/fidelity/F5_quantity_formulas.entitle")),
    ("examples/fidelity/F6_quantities_with_units.entitle", include_str!("../../examples/fidelity/F6_quantities_with_units.entitle")),
    ("examples/fidelity/G1_cycles.entitle", include_str!("../../examples/fidelity/G1_cycles.entitle")),
    ("examples/fidelity/G2_cycle_steps.entitle", include_str!("../../examples/fidelity/G2_cycle_steps.entitle")),
    ("examples/fidelity/G3_approval_fund.entitle", include_str!("../../examples/fidelity/G3_approval_fund.entitle")),
    ("examples/fidelity/G5_budget_strategies.entitle", include_str!("../../examples/fidelity/G5_budget_strategies.entitle")),
    ("examples/fidelity/H1_shared_members.entitle", include_str!("../../examples/fidelity/H1_shared_members.entitle")),
    ("examples/fidelity/H2_duplicate_ids_phones.entitle", include_str!("../../examples/fidelity/H2_duplicate_ids_phones.entitle")),
    ("examples/fidelity/H3_fuzzy_matching.entitle", include_str!("../../examples/fidelity/H3_fuzzy_matching.entitle")),
    ("examples/fidelity/I2_ineligibility_reasons.entitle", include_str!("../../examples/fidelity/I2_ineligibility_reasons.entitle")),
    ("examples/fidelity/I4_amount_preview.entitle", include_str!("../../examples/fidelity/I4_amount_preview.entitle")),
    ("examples/fidelity/I5_summaries.entitle", include_str!("../../examples/fidelity/I5_summaries.entitle")),
    ("examples/fidelity/I6_simulation.entitle", include_str!("../../examples/fidelity/I6_simulation.entitle")),
    ("examples/fidelity/J1_recipient_head.entitle", include_str!("../../examples/fidelity/J1_recipient_head.entitle")),
];

/// The compiled [`PROGRAMS`] (a program that does not compile is `None`).
pub fn programs() -> &'static [Option<Program>] {
    static COMPILED: OnceLock<Vec<Option<Program>>> = OnceLock::new();
    COMPILED.get_or_init(|| PROGRAMS.iter().map(|(_, text)| Program::compile(text).ok()).collect())
}

/// A program by file name (`child_grant.entitle`).
pub fn program_named(name: &str) -> &'static Program {
    let i = PROGRAMS.iter().position(|(path, _)| path.ends_with(name)).expect("a known program");
    programs()[i].as_ref().expect("the example program compiles")
}

/// Days since 1970-01-01 as a date (any `u16` gives a date from 1970 to 2149).
pub fn date_from_days(days: u16) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new(u64::from(days))
}

/// A scratch directory of this process, for the targets that read files.
pub fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
        let dir = base.join(format!("entitle-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

// ---------------------------------------------------------------------------------------------
// parse_check

/// Program text: checking gives a program or errors, with every span inside the text; a text that
/// parses formats to a text that parses to the same tree, and formatting is stable; a program that
/// checks compiles, and its own tests and an empty unit evaluate alike on both evaluation paths.
pub fn parse_check(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let checked = entitle_dsl::check(src);
    assert!(checked.program.is_some() || checked.diagnostics.has_errors(), "neither a program nor an error");
    for d in &checked.diagnostics.0 {
        assert!(d.span.start <= d.span.end && d.span.end <= src.len(), "span out of range: {d:?}");
        assert!(src.is_char_boundary(d.span.start) && src.is_char_boundary(d.span.end), "span inside a character: {d:?}");
        assert!(d.span.line >= 1 && d.span.column >= 1, "line or column 0: {d:?}");
    }
    let rendered = checked.diagnostics.render_with_source(src, "fuzz.entitle");
    assert_eq!(rendered.is_empty(), checked.diagnostics.0.is_empty());

    let parsed = entitle_dsl::parse(src);
    if !parsed.diagnostics.has_errors() {
        let formatted = match entitle_dsl::format(src) {
            Ok(f) => f,
            Err(d) => panic!("a program that parses does not format: {d}"),
        };
        let reparsed = entitle_dsl::parse(&formatted);
        assert!(!reparsed.diagnostics.has_errors(), "the formatted text does not parse:\n{formatted}\n{}", reparsed.diagnostics);
        assert_eq!(reparsed.program.header, parsed.program.header, "formatted:\n{formatted}");
        assert_eq!(reparsed.program.items, parsed.program.items, "formatted:\n{formatted}");
        let comments: Vec<&str> = parsed.program.comments.iter().map(|c| c.text.as_str()).collect();
        let comments2: Vec<&str> = reparsed.program.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(comments, comments2, "formatted:\n{formatted}");
        let again = entitle_dsl::format(&formatted).expect("formatted text formats");
        assert_eq!(again, formatted, "formatting is not stable");
    }

    if checked.program.is_some() {
        let program = match Program::compile(src) {
            Ok(p) => p,
            Err(d) => panic!("a program that checks does not compile: {d}"),
        };
        let outcomes = program.run_tests();
        assert_eq!(outcomes.len(), program.ir().tests.len());
        let unit = serde_json::json!({"id": "U1", "members": [{"id": "M1", "kind": "head"}]});
        let units = vec![unit.clone(), serde_json::json!({"id": "U2"})];
        for as_of in ["2026-03-01", "1970-01-01", "2149-06-06"] {
            compare_paths(&program, &units, as_of);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// evaluate

/// Evaluates `units` every way the engine can and requires the same results: the columnar plan
/// (`Program::run`) and the interpreter (`Program::interpret`), one by one and as a batch through
/// the JSON façade (its results written as text and through values), and the typed path (`Program::read_json_unit` then `evaluate_with`).
pub fn compare_paths(program: &Program, units: &[Json], as_of: &str) {
    for explain in [false, true] {
        let options = EvalOptions { explain, ..Default::default() };
        let one_by_one: Vec<Json> = units.iter().map(|u| program.evaluate_json(u, as_of, &options)).collect();
        let batch = program.evaluate_batch_json(units, as_of, &options);
        assert_eq!(one_by_one, batch, "one by one and as a batch differ (explain {explain})");
        let texts = program.evaluate_batch_json_texts(units, as_of, &options, &[], usize::MAX, usize::MAX);
        assert_eq!(texts, results_json_texts(&batch, usize::MAX), "the results written as text differ (explain {explain})");
        for (u, got) in units.iter().zip(&one_by_one) {
            assert!(got.get("unit_id").is_some(), "a result without a unit id: {got}");
            let Some(date) = entitle_core::parse::parse_date(as_of.trim()) else { continue };
            if let Ok(typed) = program.read_json_unit(u, &options) {
                let direct = match program.evaluate_with(&typed, date, &options) {
                    Ok(d) => decision_to_json(&d),
                    Err(e) => error_to_json(&e),
                };
                assert_eq!(&direct, got, "the typed path and the JSON façade differ");
            }
        }
        let Some(date) = entitle_core::parse::parse_date(as_of.trim()) else { continue };
        let typed: Vec<entitle_core::Unit> = units.iter().filter_map(|u| program.read_json_unit(u, &options).ok()).collect();
        let batch = program.bind(&typed);
        let columnar: Vec<Json> = program.run(&batch, date, &options).decisions().map(|r| as_json(&r)).collect();
        let interpreted: Vec<Json> = program.interpret(&batch, date, &options).decisions().map(|r| as_json(&r)).collect();
        assert_eq!(columnar.len(), typed.len());
        assert_eq!(columnar, interpreted, "the columnar plan and the interpreter differ (explain {explain})");
    }
    let _ = program.run_cycle_json(units, as_of, &Json::Null);
}

fn as_json(r: &Result<entitle_core::Decision, entitle_core::UnitError>) -> Json {
    match r {
        Ok(d) => decision_to_json(d),
        Err(e) => error_to_json(e),
    }
}

/// `evaluate` input: byte 0 picks a program of [`PROGRAMS`], bytes 1-2 the as-of date (days since
/// 1970-01-01, little-endian), and the rest is JSON: one unit or an array of units.
pub fn evaluate(data: &[u8]) {
    let [pick, d0, d1, rest @ ..] = data else { return };
    let Some(Some(program)) = programs().get(usize::from(*pick) % PROGRAMS.len()) else { return };
    let as_of = date_from_days(u16::from_le_bytes([*d0, *d1])).to_string();
    let Ok(json) = serde_json::from_slice::<Json>(rest) else { return };
    let units = match json {
        Json::Array(units) => units,
        other => vec![other],
    };
    compare_paths(program, &units, &as_of);
}

// ---------------------------------------------------------------------------------------------
// registry_files and dci

/// Everything a source gave: decisions and errors as JSON lines, and its counts.
#[derive(Debug, PartialEq)]
pub struct ReadAll {
    /// One line per decided unit (the decision or the engine's error), in order.
    pub decisions: Vec<String>,
    /// One line per error record, in order.
    pub errors: Vec<String>,
    /// The source's counts at the end.
    pub counts: entitle_registry::ReadCounts,
}

/// Reads a source to the end, evaluating each chunk, and checks that the counts reconcile: every
/// unit row is a decision or an error record that counts as a unit, and every chunk's lines match
/// its units. `Err` when the source stopped with a registry error.
pub fn read_all(
    program: &Program,
    mut source: Box<dyn entitle_registry::RegistrySource>,
) -> Result<ReadAll, entitle_registry::RegistryError> {
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let mut out = ReadAll { decisions: Vec::new(), errors: Vec::new(), counts: Default::default() };
    let (mut batched, mut unit_errors, mut row_errors) = (0u64, 0u64, 0u64);
    while let Some(chunk) = source.next_chunk(7)? {
        assert_eq!(chunk.batch.len(), chunk.lines.len(), "a chunk's lines do not match its units");
        assert!(chunk.lines.iter().all(|l| *l >= 1), "a unit from line 0");
        batched += chunk.batch.len() as u64;
        for e in &chunk.errors {
            assert!(e.line >= 1 || !e.counts_as_unit, "an error record without a line: {e:?}");
            if e.counts_as_unit {
                unit_errors += 1;
            } else {
                row_errors += 1;
            }
            out.errors.push(serde_json::to_string(e).unwrap());
        }
        let result = program.run(&chunk.batch, as_of, &EvalOptions::default());
        assert_eq!(result.len(), chunk.batch.len());
        out.decisions.extend(result.decisions().map(|r| as_json(&r).to_string()));
    }
    let counts = source.counts();
    assert_eq!(counts.decided, batched, "decided units are not the units in batches: {counts:?}");
    assert_eq!(counts.unit_errors, unit_errors, "unit errors are not the error records that count as units: {counts:?}");
    assert_eq!(counts.row_errors, row_errors, "row errors are not the other error records: {counts:?}");
    assert_eq!(counts.units, counts.decided + counts.unit_errors, "the counts do not reconcile: {counts:?}");
    out.counts = counts;
    Ok(out)
}

/// `registry_files` input: byte 0 chooses the format (bit 0: CSV or JSON Lines) and the program
/// (bits 1-2: the child grant, the proxy means test, the old-age pension for individuals); the rest
/// is the units file, then (household programs) a NUL byte and the members file. Both ways of
/// joining members to groups are tried; when the sorted join succeeds, the indexed join gives the
/// same decisions.
pub fn registry_files(data: &[u8]) {
    let [mode, rest @ ..] = data else { return };
    let ext = if mode & 1 == 0 { "csv" } else { "jsonl" };
    let (program, household) = match (mode >> 1) % 3 {
        0 => (program_named("child_grant.entitle"), true),
        1 => (program_named("pmt.entitle"), true),
        _ => (program_named("old_age_pension.entitle"), false),
    };
    let (units, members) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let dir = scratch();
    let units_path = dir.join(format!("{}.{ext}", if household { "groups" } else { "individuals" }));
    let members_path = dir.join(format!("members.{ext}"));
    std::fs::write(&units_path, units).unwrap();
    let files = entitle_registry::RegistryFiles { units: units_path, members: household.then(|| members_path.clone()) };
    if household {
        std::fs::write(&members_path, members).unwrap();
    }
    both_joins(program, &files);
}

/// Reads `files` with both ways of joining members to groups; when both succeed, they must count
/// and decide alike.
fn both_joins(program: &Program, files: &entitle_registry::RegistryFiles) {
    let mut results = Vec::new();
    for join in [entitle_registry::JoinMode::Sorted, entitle_registry::JoinMode::Indexed] {
        let options = entitle_registry::SourceOptions { join, ..Default::default() };
        let read = entitle_registry::open_registry_files(files, "fuzz", program, &options).and_then(|s| read_all(program, s));
        results.push(read);
    }
    if let [Ok(sorted), Ok(indexed)] = results.as_slice() {
        assert_eq!(sorted.counts, indexed.counts, "the sorted and the indexed join count differently");
        assert_eq!(sorted.decisions, indexed.decisions, "the sorted and the indexed join decide differently");
    }
}

/// `registry_parquet` input: byte 0 chooses the program as `registry_files` does (bits 1-2; bit 0
/// unused); for household programs the next four bytes are the length of the groups file (little
/// endian), then the groups file, then the members file to the end; for the old-age pension the
/// rest is the individuals file. Parquet files are binary, so no separator byte would do. The
/// `parquet` crate's own panics on a file it does not expect are caught by the reader and become
/// an error (`files/parquet.rs`), so they are not findings here; everything else is: a panic
/// outside it, memory or time without bound, counts that do not reconcile, joins that disagree.
pub fn registry_parquet(data: &[u8]) {
    let [mode, rest @ ..] = data else { return };
    let (program, household) = match (mode >> 1) % 3 {
        0 => (program_named("child_grant.entitle"), true),
        1 => (program_named("pmt.entitle"), true),
        _ => (program_named("old_age_pension.entitle"), false),
    };
    let dir = scratch();
    let (units_path, members_path) = (dir.join(if household { "groups.parquet" } else { "individuals.parquet" }), dir.join("members.parquet"));
    if household {
        let (len, files) = match rest {
            [a, b, c, d, files @ ..] => (u32::from_le_bytes([*a, *b, *c, *d]) as usize, files),
            _ => (0, rest),
        };
        let (units, members) = files.split_at(len.min(files.len()));
        std::fs::write(&units_path, units).unwrap();
        std::fs::write(&members_path, members).unwrap();
    } else {
        std::fs::write(&units_path, rest).unwrap();
    }
    let files = entitle_registry::RegistryFiles { units: units_path, members: household.then_some(members_path) };
    both_joins(program, &files);
}

/// `dci` input: byte 0 picks the program (bit 0: the child grant for households, or the old-age
/// pension for persons); the rest is the response file.
pub fn dci(data: &[u8]) {
    let [mode, rest @ ..] = data else { return };
    let program = if mode & 1 == 0 { program_named("child_grant.entitle") } else { program_named("old_age_pension.entitle") };
    let path = scratch().join("on-search.json");
    std::fs::write(&path, rest).unwrap();
    let source = entitle_registry::dci::open_dci(&path, program, &Default::default(), &Default::default());
    if let Ok(source) = source {
        let _ = read_all(program, source);
    }
}
