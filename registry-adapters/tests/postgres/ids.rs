//! Ids taken from a column other than the partner's key (`--map id=ref`), which Odoo does not
//! keep unique.

use super::openg2p::{fresh_schema, kind_id, TABLES};
use super::{decide, map, program};
use entitle_registry::postgres::open_postgres;
use entitle_registry::{JoinMode, Mapping, SourceOptions};
use std::collections::HashMap;

/// Three households: two share the `ref` `X` (one child, four children), one is `Y`.
fn shared_ref(client: &mut postgres::Client) {
    client.batch_execute(TABLES).unwrap();
    let mut kinds = HashMap::new();
    let households = [
        ("X", &["1980-01-01", "2020-01-01"][..]),
        (
            "X",
            &[
                "1981-01-01",
                "2016-01-01",
                "2017-01-01",
                "2018-01-01",
                "2019-01-01",
            ][..],
        ),
        ("Y", &["1982-01-01", "2021-01-01"][..]),
    ];
    for (h, (reference, people)) in households.into_iter().enumerate() {
        let group: i32 = client
            .query_one(
                "INSERT INTO res_partner (ref, is_registrant, is_group, x_cst_grp_region, x_cst_grp_monthly_income) VALUES ($1, true, true, 'North', 100) RETURNING id",
                &[&reference],
            )
            .unwrap()
            .get(0);
        for (k, birthdate) in people.iter().enumerate() {
            let person: i32 = client
                .query_one(
                    "INSERT INTO res_partner (ref, is_registrant, is_group, birthdate) VALUES ($1, true, false, $2::text::date) RETURNING id",
                    &[&format!("P{h}.{k}"), birthdate],
                )
                .unwrap()
                .get(0);
            let m: i32 = client
                .query_one(
                    "INSERT INTO g2p_group_membership (\"group\", individual) VALUES ($1, $2) RETURNING id",
                    &[&group, &person],
                )
                .unwrap()
                .get(0);
            let kid = kind_id(client, &mut kinds, if k == 0 { "head" } else { "child" });
            client
                .execute(
                    "INSERT INTO g2p_group_membership_g2p_group_membership_kind_rel VALUES ($1, $2)",
                    &[&m, &kid],
                )
                .unwrap();
        }
    }
}

#[test]
#[ignore = "needs PostgreSQL: run scripts/test-postgres.sh"]
fn groups_that_share_a_mapped_id_are_each_an_error_not_one_with_all_their_members() {
    let (mut client, url) = fresh_schema("shared_ref");
    shared_ref(&mut client);
    let p = program("child_grant");
    for join in [JoinMode::Sorted, JoinMode::Indexed] {
        let options = SourceOptions {
            join,
            ..SourceOptions::default()
        };
        let source = open_postgres(&url, &p, &options, &map(&["id=ref"])).unwrap();
        let (decisions, errors, counts) = decide(source, &p, 2);
        // Only Y is decided: base 1500 + one child 500. The first X once took the members of
        // both, and was paid for five children.
        let ids: Vec<&str> = decisions.keys().map(String::as_str).collect();
        assert_eq!(ids, ["Y"], "{join:?}");
        assert_eq!(decisions["Y"]["cash"]["total"], "2000");
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column.as_deref(), e.code, e.unit_id.as_deref()))
            .collect();
        let (first, second): (i32, i32) = {
            let r = client
                .query_one(
                    "SELECT min(id), max(id) FROM res_partner WHERE ref = 'X' AND is_group",
                    &[],
                )
                .unwrap();
            (r.get(0), r.get(1))
        };
        assert_eq!(
            found,
            [
                (
                    u64::try_from(first).unwrap(),
                    Some("id"),
                    "G0106",
                    Some("X")
                ),
                (
                    u64::try_from(second).unwrap(),
                    Some("id"),
                    "G0106",
                    Some("X")
                ),
            ],
            "{join:?}"
        );
        assert!(
            errors[0]
                .message
                .starts_with("2 groups of res_partner have this id"),
            "{}",
            errors[0].message
        );
        assert_eq!(
            errors[1].message,
            format!("the id appears twice; the first is on line {first}")
        );
        assert_eq!(
            (
                counts.units,
                counts.decided,
                counts.unit_errors,
                counts.row_errors
            ),
            (3, 1, 2, 0),
            "{join:?}"
        );
        assert_eq!(counts.member_rows, 9, "{join:?}");
    }
    // explain's one unit sees the same.
    let options = SourceOptions {
        only_unit: Some("X".into()),
        ..SourceOptions::default()
    };
    let source = open_postgres(&url, &p, &options, &map(&["id=ref"])).unwrap();
    let (decisions, errors, _) = decide(source, &p, 10);
    assert!(decisions.is_empty(), "{decisions:?}");
    assert_eq!(errors.first().map(|e| e.code), Some("G0106"));
    // The partner's own key stays unique: no count is asked for, nothing changes.
    let source = open_postgres(&url, &p, &SourceOptions::default(), &Mapping::new()).unwrap();
    let (decisions, errors, _) = decide(source, &p, 10);
    assert_eq!((decisions.len(), errors.len()), (3, 0));
}
