//! The number of SQL statements a query runs depends on its shape, never on the data: each
//! level of nesting is loaded in batches, whatever the number of rows.

mod common;

use entity::enums::{ConferenceKind, HostRole, RecordKind, Region};
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// Three levels of lists below the root, with several relationships at each level.
const NESTED: &str = r#"{
  states(first: 100) {
    totalCount
    nodes {
      code
      memberships { nodes { joined { stated } sources { nodes { key } } } }
      hostedConferences { edges { role node { name hosts { nodes { code } } documents { nodes { title } } } } }
      endorsedCommitments(first: 100) { edges { endorsement { note } node { title endorsers(first: 5) { nodes { code } } } } }
    }
  }
}"#;

/// Adds `count` synthetic states, each a member that endorses every commitment and hosts a
/// conference of its own, all citing the fact sheet.
async fn grow(db: &DatabaseConnection, count: usize) {
    let commitments = commitment::Entity::find()
        .all(db)
        .await
        .expect("commitments");
    let fact_sheet = source::Entity::find()
        .filter(source::Column::Key.eq("FS2014"))
        .one(db)
        .await
        .expect("query")
        .expect("the fact sheet source");
    for i in 0..count {
        let code = format!("Z{i:03}");
        let state = state::Entity::insert(state::ActiveModel {
            code: Set(code.clone()),
            name: Set(format!("Synthetic {i}")),
            region: Set(Region::Europe),
            subregion: Set("Synthetic".into()),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("insert a state")
        .last_insert_id;
        let membership = membership::Entity::insert(membership::ActiveModel {
            key: Set(code.clone()),
            state_id: Set(state),
            founding: Set(false),
            joined_stated: Set(Some("2020".into())),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("insert a membership")
        .last_insert_id;
        let conference = conference::Entity::insert(conference::ActiveModel {
            key: Set(format!("synthetic-{i}")),
            kind: Set(ConferenceKind::StrategyMeeting),
            name: Set(format!("Synthetic meeting {i}")),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("insert a conference")
        .last_insert_id;
        conference_host::Entity::insert(conference_host::ActiveModel {
            conference_id: Set(conference),
            state_id: Set(state),
            role: Set(HostRole::Host),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("insert a host");
        endorsement::Entity::insert_many(commitments.iter().map(|c| endorsement::ActiveModel {
            state_id: Set(state),
            commitment_id: Set(c.id),
            ..Default::default()
        }))
        .exec(db)
        .await
        .expect("insert endorsements");
        citation::Entity::insert(citation::ActiveModel {
            record_kind: Set(RecordKind::Membership),
            record_id: Set(membership),
            source_id: Set(fact_sheet.id),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("insert a citation");
    }
}

on_both_backends!(
    statements_do_not_grow_with_the_data,
    common::wide_settings(),
    |app| {
        let small = app.query(NESTED).await;
        let statements_small = small.sql_statements();
        assert_eq!(small.data()["states"]["totalCount"], 37);

        grow(&app.db, 150).await;
        // Rows written behind the server's back do not invalidate its response cache (only
        // mutations do), so ask the same question in other words.
        let large = app.query(&format!("# after growing\n{NESTED}")).await;
        assert_eq!(large.data()["states"]["totalCount"], 187);
        let rows = large.body.to_string().matches("\"code\"").count();
        assert!(rows > 1000, "the large query returned many rows ({rows})");
        let statements_large = large.sql_statements();
        eprintln!(
            "3-level query: {statements_small} statements at 37 states, {statements_large} at 187 states ({rows} codes returned)"
        );
        // The shape of NESTED allows one statement per list field, and one more for the
        // root list's length: the root count and page (2), memberships (1), their sources (1), hosted conferences with their
        // hostings (1), those conferences' hosts (1) and documents (1), endorsed commitments
        // with their endorsements (1), their endorsers (1). Each level's pages are cut by
        // the database in that one statement.
        const SHAPE_BOUND: u64 = 9;
        assert!(
            statements_small <= SHAPE_BOUND,
            "{statements_small} statements at 37 states"
        );
        assert!(
            statements_large <= SHAPE_BOUND,
            "statements grew with the data: {statements_large}"
        );
        assert!(
            statements_large >= 6,
            "the counter sees the statements ({statements_large})"
        );
    }
);

on_both_backends!(statements_grow_with_depth_only, |app| {
    let one = app
        .query("{ states(first: 100) { nodes { code } } }")
        .await
        .sql_statements();
    let two = app
        .query("{ states(first: 100) { nodes { code memberships { nodes { ordinal } } } } }")
        .await
        .sql_statements();
    let three = app
        .query("{ states(first: 100) { nodes { code memberships(first: 10) { nodes { ordinal sources(first: 10) { nodes { key } } } } } } }")
        .await
        .sql_statements();
    assert_eq!(one, 1, "the page alone: no length was asked for");
    assert_eq!(two, 2, "plus one batch of memberships");
    assert_eq!(three, 3, "plus one batch of citations with their sources");
});
