//! pest errors turned into diagnostics that name what was expected in words.

use super::Rule;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::layout::LogicalLine;
use crate::span::LineIndex;

/// The words used for a grammar rule in "expected …" messages.
pub(super) fn rule_words(rule: Rule) -> &'static str {
    use Rule::*;
    match rule {
        EOI => "end of line",
        colon => "`:`",
        dot => "`.`",
        equals => "`=`",
        comma => "`,`",
        open_paren => "`(`",
        close_paren => "`)`",
        open_bracket => "`[`",
        close_bracket => "`]`",
        ident | unit_name => "a name",
        currency_code => "a currency code such as `KES`",
        number | number_lit => "a number",
        percent_lit => "a percentage",
        money_lit => "an amount such as `KES 1500`",
        quantity_lit => "a quantity such as `10 kg`",
        date_lit => "a date such as `2026-01-31`",
        text_lit => "a quoted text",
        true_lit | false_lit => "`true` or `false`",
        unknown_lit => "`unknown`",
        expr | paren | list | if_expr | members_expr | records_expr | call | field_ref | brackets
        | bracket_item => "an expression",
        mode_word => "a rounding mode",
        op_not => "`not`",
        op_neg => "`-`",
        op_or => "`or`",
        op_and => "`and`",
        op_not_in => "`not in`",
        op_in => "`in`",
        op_eq => "`==`",
        op_ne => "`!=`",
        op_le => "`<=`",
        op_ge => "`>=`",
        op_lt => "`<`",
        op_gt => "`>`",
        op_add => "`+`",
        op_sub => "`-`",
        op_mul => "`*`",
        op_div => "`/`",
        op_mod => "`mod`",
        type_expr | type_bool | type_number | type_money | type_money_kw | type_date | type_text | type_quantity
        | type_quantity_kw | type_list | type_table | kw_table => {
            "a type (`bool`, `number`, `money`, `date`, `text`, `quantity UNIT`, `list of TYPE`, `table of TYPE to TYPE`)"
        }
        kw_program => "`program`",
        kw_version => "`version`",
        kw_target => "`target`",
        target_kind => "`household` or `individual`",
        kw_currency => "`currency`",
        kw_inputs => "`inputs`",
        kw_params => "`params`",
        kw_let => "`let`",
        let_member => "`member.`",
        kw_eligible => "`eligible`",
        kw_when | item_when => "`when`",
        kw_unless => "`unless`",
        kw_union => "`union`",
        kw_entitlement => "`entitlement`",
        kw_first | first_match => "`first match`",
        kw_match => "`match`",
        kw_cash => "`cash`",
        kw_in_kind => "`in_kind`",
        kw_fee => "`fee`",
        kw_cap => "`cap`",
        kw_floor => "`floor`",
        kw_round => "`round`",
        kw_at => "`at`",
        kw_to => "`to`",
        kw_times | item_times => "`times`",
        kw_valued | item_valued => "`valued at`",
        item_group => "`cash` or item names joined by `+`",
        kw_up => "`up`",
        kw_down => "`down`",
        kw_half => "`half`",
        kw_even => "`even`",
        rounding_mode | mode_half_up | mode_half_even => "a rounding mode (`half up`, `half even`, `down`, `up`)",
        kw_translation => "`translation`",
        kw_test => "`test`",
        kw_as => "`as`",
        kw_of => "`of`",
        kw_one | input_choices => "`one of`",
        kw_default | input_default => "`default`",
        kw_from => "`from`",
        kw_expect => "`expect`",
        kw_list => "`list`",
        kw_if => "`if`",
        kw_then => "`then`",
        kw_else => "`else`",
        kw_members => "`members`",
        kw_where => "`where`",
        input_scope | record_kind => "`household`, `member` or `person`",
        exp_decision | exp_cash | exp_net | exp_net_kw | exp_fee | exp_item | exp_item_kw | exp_failed | exp_failed_kw
        | exp_passed | exp_passed_kw | exp_missing | exp_missing_kw | exp_error | exp_error_kw | exp_value | exp_value_kw
        | exp_score => {
            "an expectation (`eligible`, `not_eligible`, `undetermined`, `cash`, `net`, `fee`, `item`, `value`, `score`, `failed`, `passed`, `missing`, `error`)"
        }
        score_ref => "a score name, or `score.component`",
        record_of | kw_record => "`record`",
        kw_score => "`score`",
        kw_records => "`records`",
        kw_dated => "`dated by`",
        kw_by => "`by`",
        kw_codes => "`codes`",
        kw_functions => "`functions`",
        score_line | component_line | records_line | field_line | codes_line | code_line | functions_line | function_line => {
            "a declaration"
        }
        field_value => "a field name and its value",
        kw_compliant => "`compliant`",
        compliance_else => "`else`",
        failed_state => "`paused`, `exited` or `not_eligible`",
        kw_deduplicate => "`deduplicate`",
        kw_shared | dedup_shared => "`shared members`",
        kw_same | dedup_same => "`same`",
        kw_selection => "`selection`",
        kw_priority => "`priority`",
        kw_rank => "`rank`",
        kw_rank_by => "`by`",
        rank_direction => "`ascending` or `descending`",
        kw_top => "`top`",
        kw_budget => "`budget`",
        kw_proportional => "`proportional`",
        kw_cycle => "`cycle`",
        cycle_every | cycle_frequency | cycle_interval | cycle_on_demand => {
            "a frequency (`daily`, `weekly`, `fortnightly`, `monthly`, `bimonthly`, `quarterly`, `semiannually`, `annually`, `every N months`, `on demand`)"
        }
        kw_every => "`every`",
        cycle_period => "`days`, `weeks`, `months` or `years`",
        kw_on | cycle_days => "`on`",
        kw_demand => "`demand`",
        weekday => "a weekday (`monday` … `sunday`)",
        cycle_from => "`from`",
        kw_count | cycle_count => "`count`",
        kw_until | cycle_until => "`until`",
        kw_lasting | cycle_lasting => "`lasting`",
        kw_days => "`days`",
        kw_summary => "`summary`",
        kw_with | summary_ages => "`with ages of`",
        kw_ages => "`ages`",
        summary_dim => "an input such as `region` or `head.gender`",
        param_value => "a value",
        reserved => "a reserved word",
        _ => "something else",
    }
}

/// Describes what is at byte `pos` of `text`: the word or symbol there, or "end of line".
pub(super) fn describe_found(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    let rest = rest.trim_start_matches([' ', '\t']);
    let Some(c) = rest.chars().next() else {
        return "end of line".to_string();
    };
    if c == '\n' || c == '\r' {
        return "end of line".to_string();
    }
    if let Some((name, instead)) = lookalike(c) {
        // Spaces and invisible characters are named only: shown, they look like nothing.
        return match instead {
            "" | " " => format!("{name} (U+{:04X})", u32::from(c)),
            _ => format!("{name} `{c}` (U+{:04X})", u32::from(c)),
        };
    }
    if c.is_alphanumeric() || c == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .take(30)
            .collect();
        return format!("`{word}`");
    }
    if c == '"' {
        return "a quoted text".to_string();
    }
    let sym: String = rest
        .chars()
        .take_while(|c| "=<>!+-*/%".contains(*c))
        .take(2)
        .collect();
    if sym.is_empty() {
        if c.is_ascii() {
            format!("`{c}`")
        } else {
            format!("`{c}` (U+{:04X})", u32::from(c))
        }
    } else {
        format!("`{sym}`")
    }
}

/// A character that stands where the language reads another it looks like, as word processors and
/// e-mail write them (curly quotes, dashes, no-break spaces, `×`), or one that cannot be seen: how
/// to describe it, and what to write instead ("" for nothing).
fn lookalike(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{ab}' | '\u{bb}' => {
            ("a curly quotation mark", "\"")
        }
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => ("a curly apostrophe", "\""),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => {
            ("a dash", "-")
        }
        '\u{a0}' | '\u{2007}' | '\u{202f}' => ("a no-break space", " "),
        '\u{2000}'..='\u{200a}' | '\u{205f}' | '\u{3000}' => ("a wide or narrow space", " "),
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {
            ("an invisible character", "")
        }
        '\u{d7}' => ("a multiplication sign", "*"),
        '\u{f7}' => ("a division sign", "/"),
        '\u{2264}' => ("a less-than-or-equal sign", "<="),
        '\u{2265}' => ("a greater-than-or-equal sign", ">="),
        '\u{2260}' => ("a not-equal sign", "!="),
        _ => return None,
    })
}

/// When a quoted text opens at `pos` (after spaces) and its line ends before its closing quote:
/// the length in bytes from the opening quote to the end of the line.
fn unclosed_text(text: &str, pos: usize) -> Option<usize> {
    let rest = text.get(pos..)?.trim_start_matches([' ', '\t']);
    let rest = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
    let mut chars = rest.chars();
    if chars.next() != Some('"') {
        return None;
    }
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return None,
            _ => {}
        }
    }
    Some(rest.trim_end().len())
}

/// The first character at `pos` after spaces and tabs: the one a syntax error found.
fn found_char(text: &str, pos: usize) -> Option<char> {
    text.get(pos..)?
        .trim_start_matches([' ', '\t'])
        .chars()
        .next()
}

/// The help for a character [`lookalike`] knows, as the key and the replacement argument.
fn lookalike_help(c: char) -> Option<(&'static str, &'static str)> {
    let (_, instead) = lookalike(c)?;
    Some(match instead {
        "" => ("E0001.help.invisible", instead),
        " " => ("E0001.help.space", instead),
        _ => ("E0001.help.lookalike", instead),
    })
}

/// Converts a pest error on a logical line into a diagnostic with an absolute span.
pub(super) fn to_diagnostic(
    e: &pest::error::Error<Rule>,
    line: &LogicalLine<'_>,
    index: &LineIndex<'_>,
) -> Diagnostic {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let (expected, unexpected) = match &e.variant {
        pest::error::ErrorVariant::ParsingError {
            positives,
            negatives,
        } => {
            let mut words: Vec<&str> = positives
                .iter()
                .map(|r| rule_words(*r))
                .filter(|w| *w != "something else")
                .collect();
            crate::sorting::sort(&mut words);
            words.dedup();
            // "an expression" already covers every literal and name.
            if words.contains(&"an expression") {
                words.retain(|w| {
                    !matches!(
                        *w,
                        "a name"
                            | "a number"
                            | "a percentage"
                            | "a quoted text"
                            | "a date such as `2026-01-31`"
                            | "an amount such as `KES 1500`"
                            | "a quantity such as `10 kg`"
                            | "`true` or `false`"
                            | "`unknown`"
                            | "`not`"
                            | "`-`"
                            | "`if`"
                            | "`members`"
                    )
                });
            }
            (
                words,
                negatives.iter().map(|r| rule_words(*r)).collect::<Vec<_>>(),
            )
        }
        pest::error::ErrorVariant::CustomError { message } => (vec![], vec![message.as_str()]),
    };
    let unclosed = unclosed_text(line.text, pos);
    let found = if unclosed.is_some() {
        "a quoted text whose closing `\"` is missing".to_string()
    } else {
        describe_found(line.text, pos)
    };
    let reserved_hit = unexpected.contains(&"a reserved word");
    let expected_text = match expected.split_last() {
        None if reserved_hit => "a name".to_string(),
        None => "something else".to_string(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    };
    let start = line.start + pos;
    let found_len = {
        let rest = line.text.get(pos..).unwrap_or("");
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let skip = rest.len() - trimmed.len();
        // The caret spans what the message names: a word with its dots (`individual.age`).
        let len = trimmed
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
            .map(|(i, _)| i)
            .unwrap_or(trimmed.len())
            .max(
                trimmed
                    .chars()
                    .next()
                    .map(char::len_utf8)
                    .unwrap_or(0)
                    .min(trimmed.len()),
            );
        (skip, len)
    };
    // An unclosed text: the caret runs from its opening quote to the end of the line.
    let found_len = match unclosed {
        Some(len) => (found_len.0, len),
        None => found_len,
    };
    let span = index.span(start + found_len.0, start + found_len.0 + found_len.1);
    let first = found_char(line.text, pos);
    // `âge`, `année`: a word to the writer, not a name to the language.
    let accented_word =
        found.starts_with('`') && !found.is_ascii() && first.is_some_and(char::is_alphabetic);
    let single_equals = found == "`=`" && expected.contains(&"`==`");
    // `individual.age`, `group.size`: an input written with a scope the language does not have.
    let unknown_scope = expected.contains(&rule_words(Rule::input_scope))
        && found.starts_with('`')
        && found.contains('.');
    // `x >= 18 and < 60`: a comparison that lost its left side after `and` or `or`.
    let chained = first.is_some_and(|c| matches!(c, '<' | '>' | '=' | '!'))
        && line
            .text
            .get(..pos)
            .map(str::trim_end)
            .is_some_and(|b| b.ends_with(" and") || b.ends_with(" or"));
    let d = Diagnostic::new(codes::SYNTAX, span)
        .arg("expected", expected_text)
        .arg("found", found);
    if unclosed.is_some() {
        d.with_help("E0001.help.unclosed_text")
    } else if reserved_hit {
        d.with_help("E0001.help.reserved")
    } else if let Some((key, instead)) = first.and_then(lookalike_help) {
        d.arg("instead", instead).with_help(key)
    } else if single_equals {
        d.with_help("E0001.help.equals")
    } else if chained {
        d.with_help("E0001.help.chained")
    } else if unknown_scope {
        d.with_help("E0001.help.scope")
    } else if accented_word {
        d.with_help("E0001.help.ascii_name")
    } else {
        d
    }
}
