//! Nested pages cut by the database (one windowed statement per level) give exactly the
//! pages the whole lists would: same items, order, cursors, totals and page info, for
//! direct children and lists through link tables, with filters, sorting and cursors past
//! the end, on SQLite and PostgreSQL.

mod common;

use serde_json::{Value, json};

/// Pages of every state's endorsed commitments and hosted conferences, and of every
/// conference's hosts, with the page arguments given.
const PAGES: &str = r#"query($first: Int, $after: String, $last: Int) {
  states(first: 100) { nodes { code
    endorsedCommitments(first: $first, after: $after, last: $last, orderBy: [{ field: TITLE, direction: DESC }]) {
      totalCount pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
      edges { cursor node { title } }
    }
    hostedConferences(first: $first, after: $after, last: $last, filter: { kind: { ne: RECEPTION } }) {
      totalCount pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
      edges { cursor role node { name hosts(first: $first, after: $after, last: $last) { totalCount edges { cursor node { code } } } } }
    }
  } }
}"#;

/// The page of a whole list, cut the way the Relay rules say, to compare with.
fn expected(
    all: &[Value],
    first: Option<usize>,
    after: Option<usize>,
    last: Option<usize>,
) -> Vec<Value> {
    let start = after.map_or(0, |a| a + 1).min(all.len());
    let mut end = all.len();
    if first.is_none() && last.is_none() {
        end = end.min(start + 50);
    }
    if let Some(first) = first {
        end = end.min(start + first);
    }
    let start = last.map_or(start, |last| start.max(end.saturating_sub(last)));
    all[start..end.max(start)].to_vec()
}

fn cursor(position: usize) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("cursor:{position}"))
}

on_both_backends!(
    nested_pages_match_the_whole_lists,
    common::wide_settings(),
    |app| {
        let whole = app.query_with(PAGES, json!({ "first": 100 })).await;
        let whole = whole.data()["states"]["nodes"]
            .as_array()
            .expect("states")
            .clone();
        assert!(whole.len() > 30);
        let mut compared = 0;
        for (first, after, last) in [
            (Some(2), None, None),
            (Some(1), Some(0), None),
            (Some(3), Some(2), None),
            (Some(5), Some(40), None),
            (None, None, Some(2)),
            (None, None, None),
        ] {
            let answer = app
                .query_with(
                    PAGES,
                    json!({ "first": first, "after": after.map(cursor), "last": last }),
                )
                .await;
            let states = answer.data()["states"]["nodes"].as_array().expect("states");
            for (state, all) in states.iter().zip(&whole) {
                for list in ["endorsedCommitments", "hostedConferences"] {
                    let page = &state[list];
                    let every = all[list]["edges"].as_array().expect("edges");
                    assert_eq!(
                        page["totalCount"], all[list]["totalCount"],
                        "{list} of {}",
                        state["code"]
                    );
                    let want = expected(every, first, after, last);
                    let got = page["edges"].as_array().expect("edges");
                    let titles = |edges: &[Value]| -> Vec<Value> {
                        edges
                            .iter()
                            .map(|e| {
                                json!([
                                    e["cursor"],
                                    e["node"]["title"],
                                    e["node"]["name"],
                                    e["role"]
                                ])
                            })
                            .collect()
                    };
                    assert_eq!(
                        titles(got),
                        titles(&want),
                        "{list} of {} with {first:?} {after:?} {last:?}",
                        state["code"]
                    );
                    let total = every.len();
                    let start = want
                        .first()
                        .and_then(|e| e["cursor"].as_str())
                        .map(str::to_owned);
                    assert_eq!(
                        page["pageInfo"]["startCursor"].as_str().map(str::to_owned),
                        start
                    );
                    let end_position = after.map_or(0, |a| a + 1).min(total) + want.len();
                    if last.is_none() {
                        assert_eq!(
                            page["pageInfo"]["hasNextPage"],
                            json!(end_position < total),
                            "{list} of {}",
                            state["code"]
                        );
                    }
                    compared += 1;
                }
                // The third level: each conference's hosts.
                let pages = state["hostedConferences"]["edges"]
                    .as_array()
                    .expect("edges");
                for edge in pages {
                    let name = &edge["node"]["name"];
                    let whole_hosts = all["hostedConferences"]["edges"]
                        .as_array()
                        .and_then(|edges| edges.iter().find(|e| &e["node"]["name"] == name))
                        .map(|e| e["node"]["hosts"].clone())
                        .expect("the conference in the whole list");
                    let every = whole_hosts["edges"].as_array().expect("edges");
                    let want = expected(every, first, after, last);
                    assert_eq!(
                        edge["node"]["hosts"]["totalCount"],
                        whole_hosts["totalCount"]
                    );
                    assert_eq!(
                        edge["node"]["hosts"]["edges"].as_array().expect("edges"),
                        &want
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 300, "compared {compared} pages");
        eprintln!("nested pages: {compared} pages compared with the whole lists");
    }
);
