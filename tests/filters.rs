//! Filters and ordering over GraphQL on SQLite and PostgreSQL: every answer is checked against
//! the same list fetched unfiltered and filtered or sorted in Rust.

mod common;

use std::cmp::Ordering;

use common::TestApp;
use serde_json::{Value, json};

/// A root list the filter cases of a test run against.
struct Listing {
    /// The root field, e.g. `states`.
    root: &'static str,
    /// What to select of each node; the expectations read these fields.
    selection: &'static str,
    /// A text that tells the nodes apart.
    key: fn(&Value) -> String,
}

/// A filter literal and the condition it must mean, written in Rust.
type Case<'a> = (&'a str, &'a dyn Fn(&Value) -> bool);

/// The whole list, unfiltered, in one page.
async fn fetch_all(app: &TestApp, listing: &Listing) -> Vec<Value> {
    let query = format!(
        "{{ list: {}(first: 100) {{ totalCount nodes {{ {} }} }} }}",
        listing.root, listing.selection
    );
    let answer = app.query(&query).await;
    let list = &answer.data()["list"];
    let nodes = list["nodes"].as_array().expect("nodes").clone();
    assert_eq!(list["totalCount"], nodes.len(), "one page holds the list");
    let mut keys: Vec<String> = nodes.iter().map(listing.key).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(
        keys.len(),
        nodes.len(),
        "the key tells {} apart",
        listing.root
    );
    nodes
}

/// Runs every case in one request (one alias each) and compares the keys the server returns
/// with those of the nodes of `all` the Rust condition keeps.
async fn check_filters(app: &TestApp, listing: &Listing, all: &[Value], cases: &[Case<'_>]) {
    let fields: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(i, (filter, _))| {
            format!(
                "c{i}: {}(first: 100, filter: {filter}) {{ totalCount nodes {{ {} }} }}",
                listing.root, listing.selection
            )
        })
        .collect();
    let answer = app.query(&format!("{{ {} }}", fields.join("\n"))).await;
    let data = answer.data();
    for (i, (filter, keep)) in cases.iter().enumerate() {
        let got = &data[format!("c{i}")];
        let mut got_keys: Vec<String> = got["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(listing.key)
            .collect();
        got_keys.sort();
        let mut expected: Vec<String> = all.iter().filter(|n| keep(n)).map(listing.key).collect();
        expected.sort();
        assert_eq!(got_keys, expected, "{} with filter {filter}", listing.root);
        assert_eq!(
            got["totalCount"],
            expected.len(),
            "totalCount of {} with filter {filter}",
            listing.root
        );
    }
}

/// A text field of a node; panics when it is missing or null.
fn text<'a>(node: &'a Value, field: &str) -> &'a str {
    node[field]
        .as_str()
        .unwrap_or_else(|| panic!("a text `{field}` in {node}"))
}

/// A text field of a node that may be null.
fn maybe_text<'a>(node: &'a Value, field: &str) -> Option<&'a str> {
    node[field].as_str()
}

/// A whole-number field of a node that may be null.
fn maybe_int(node: &Value, field: &str) -> Option<i64> {
    node[field].as_i64()
}

/// The nodes of a connection field of a node.
fn items<'a>(node: &'a Value, field: &str) -> &'a [Value] {
    node[field]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("a connection `{field}` in {node}"))
}

/// The values of a text field of the nodes of a connection, in order.
fn texts(connection: &Value, field: &str) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| text(n, field).to_owned())
        .collect()
}

/// `a` against `b` where None comes last whichever the direction.
fn nulls_last<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) if descending => y.cmp(&x),
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

const STATES: Listing = Listing {
    root: "states",
    selection: "code name region subregion \
        hostedConferences(first: 100) { nodes { ordinal kind city startDate } } \
        fundings(first: 100) { nodes { currency } } \
        sources(first: 100) { nodes { key } } \
        chairships(first: 100) { nodes { start { earliest } } }",
    key: |n| text(n, "code").to_owned(),
};

const CONFERENCES: Listing = Listing {
    root: "conferences",
    selection: "name kind ordinal city venue format startDate endDate \
        hosts(first: 100) { nodes { code region } } \
        sources(first: 100) { nodes { key } }",
    key: |n| text(n, "name").to_owned(),
};

const MEMBERSHIPS: Listing = Listing {
    root: "memberships",
    selection: "founding ordinal joined { earliest latest } left { earliest latest } \
        state { code region } sources(first: 100) { nodes { key } }",
    key: |n| {
        n["state"]["code"]
            .as_str()
            .expect("a state code")
            .to_owned()
    },
};

const DOCUMENTS: Listing = Listing {
    root: "documents",
    selection: "title kind conference { ordinal city }",
    key: |n| text(n, "title").to_owned(),
};

const FUNDINGS: Listing = Listing {
    root: "fundings",
    selection: "description amount currency qualifier fundersComplete",
    key: |n| text(n, "description").to_owned(),
};

const COMMITMENTS: Listing = Listing {
    root: "commitments",
    selection: "title kind endorsedOnJoining document { key } endorsers(first: 100) { totalCount nodes { code region } }",
    key: |n| text(n, "title").to_owned(),
};

/// The regions of the states a node's connection `field` lists.
fn regions<'a>(node: &'a Value, field: &str) -> Vec<&'a str> {
    items(node, field)
        .iter()
        .map(|s| text(s, "region"))
        .collect()
}

/// Whether a node cites the source `key`.
fn cites(node: &Value, key: &str) -> bool {
    items(node, "sources").iter().any(|s| s["key"] == key)
}

on_both_backends!(
    string_operators_match_the_same_test_in_rust,
    common::wide_settings(),
    |app| {
        let states = fetch_all(&app, &STATES).await;
        assert_eq!(states.len(), 37, "data/foc.toml lists 37 states");
        let lower = |n: &Value| text(n, "name").to_lowercase();
        check_filters(
            &app,
            &STATES,
            &states,
            &[
                (r#"{ name: { eq: "Kenya" } }"#, &|n| n["name"] == "Kenya"),
                // `eq` is exact: no state is named in lower case.
                (r#"{ name: { eq: "kenya" } }"#, &|n| n["name"] == "kenya"),
                (r#"{ name: { ne: "Kenya" } }"#, &|n| n["name"] != "Kenya"),
                (r#"{ code: { in: ["KE", "NL", "ZZ"] } }"#, &|n| {
                    ["KE", "NL", "ZZ"].contains(&text(n, "code"))
                }),
                (r#"{ code: { in: [] } }"#, &|_| false),
                (r#"{ code: { notIn: ["KE", "NL", "ZZ"] } }"#, &|n| {
                    !["KE", "NL", "ZZ"].contains(&text(n, "code"))
                }),
                (r#"{ code: { notIn: [] } }"#, &|_| true),
                (r#"{ name: { contains: "kinGDom" } }"#, &|n| {
                    lower(n).contains("kingdom")
                }),
                (r#"{ name: { contains: "AN" } }"#, &|n| {
                    lower(n).contains("an")
                }),
                (r#"{ subregion: { contains: "sub-saharan" } }"#, &|n| {
                    text(n, "subregion").to_lowercase().contains("sub-saharan")
                }),
                (r#"{ name: { startsWith: "sLo" } }"#, &|n| {
                    lower(n).starts_with("slo")
                }),
                (r#"{ name: { startsWith: "land" } }"#, &|n| {
                    lower(n).starts_with("land")
                }),
                // Every operator given must hold.
                (
                    r#"{ name: { startsWith: "s", contains: "EN", ne: "Sweden" } }"#,
                    &|n| {
                        lower(n).starts_with('s')
                            && lower(n).contains("en")
                            && n["name"] != "Sweden"
                    },
                ),
                // LIKE wildcards in the input are plain characters.
                (r#"{ name: { contains: "%" } }"#, &|n| {
                    lower(n).contains('%')
                }),
                (r#"{ name: { contains: "_" } }"#, &|n| {
                    lower(n).contains('_')
                }),
                (r#"{ name: { startsWith: "%a" } }"#, &|n| {
                    lower(n).starts_with("%a")
                }),
                (r#"{ name: { contains: "K_nya" } }"#, &|n| {
                    lower(n).contains("k_nya")
                }),
                (r#"{ name: { contains: "\\" } }"#, &|n| {
                    lower(n).contains('\\')
                }),
                // Names are never null.
                (r#"{ name: { isNull: false } }"#, &|_| true),
                (r#"{ name: { isNull: true } }"#, &|_| false),
            ],
        )
        .await;
        // The wildcard cases would match every name if `%` and `_` were wildcards; that they
        // match none is the point, and the names hold neither character.
        assert!(
            states
                .iter()
                .all(|n| !text(n, "name").contains(['%', '_', '\\']))
        );

        let conferences = fetch_all(&app, &CONFERENCES).await;
        check_filters(
            &app,
            &CONFERENCES,
            &conferences,
            &[
                (r#"{ venue: { isNull: true } }"#, &|n| n["venue"].is_null()),
                (r#"{ venue: { isNull: false } }"#, &|n| {
                    !n["venue"].is_null()
                }),
                (r#"{ venue: { isNull: false, contains: "o" } }"#, &|n| {
                    maybe_text(n, "venue").is_some_and(|v| v.to_lowercase().contains('o'))
                }),
                // Case is ignored beyond ASCII in the pattern: "JOSÉ" finds "San José".
                (r#"{ city: { contains: "JOSÉ" } }"#, &|n| {
                    maybe_text(n, "city").is_some_and(|c| c.to_lowercase().contains("josé"))
                }),
                (r#"{ city: { eq: "Geneva" } }"#, &|n| n["city"] == "Geneva"),
            ],
        )
        .await;
        let venues_null = conferences.iter().filter(|c| c["venue"].is_null()).count();
        assert!(
            venues_null > 0 && venues_null < conferences.len(),
            "some venues are known, some not"
        );
    }
);

on_both_backends!(
    int_filters_on_conference_ordinals,
    common::wide_settings(),
    |app| {
        let conferences = fetch_all(&app, &CONFERENCES).await;
        assert_eq!(conferences.len(), 13, "data/foc.toml lists 13 meetings");
        let helsinki = conferences
            .iter()
            .find(|c| c["city"] == "Helsinki")
            .expect("the Helsinki conference");
        assert!(
            helsinki["ordinal"].is_null(),
            "the 9th conference has no confirmed ordinal"
        );
        let ordinal = |n: &Value| maybe_int(n, "ordinal");
        check_filters(
            &app,
            &CONFERENCES,
            &conferences,
            &[
                ("{ ordinal: { eq: 4 } }", &|n| ordinal(n) == Some(4)),
                ("{ ordinal: { lt: 3 } }", &|n| {
                    ordinal(n).is_some_and(|o| o < 3)
                }),
                ("{ ordinal: { lte: 3 } }", &|n| {
                    ordinal(n).is_some_and(|o| o <= 3)
                }),
                ("{ ordinal: { gt: 6 } }", &|n| {
                    ordinal(n).is_some_and(|o| o > 6)
                }),
                ("{ ordinal: { gte: 6 } }", &|n| {
                    ordinal(n).is_some_and(|o| o >= 6)
                }),
                ("{ ordinal: { gt: 2, lt: 5 } }", &|n| {
                    ordinal(n).is_some_and(|o| o > 2 && o < 5)
                }),
                ("{ ordinal: { in: [2, 4, 99] } }", &|n| {
                    ordinal(n).is_some_and(|o| [2, 4, 99].contains(&o))
                }),
                ("{ ordinal: { in: [] } }", &|_| false),
                ("{ ordinal: { notIn: [1, 2], isNull: false } }", &|n| {
                    ordinal(n).is_some_and(|o| ![1, 2].contains(&o))
                }),
                ("{ ordinal: { isNull: true } }", &|n| ordinal(n).is_none()),
                ("{ ordinal: { isNull: false } }", &|n| ordinal(n).is_some()),
                ("{ ordinal: { lt: 100 } }", &|n| ordinal(n).is_some()),
            ],
        )
        .await;
        assert_eq!(
            conferences
                .iter()
                .filter(|c| c["ordinal"].is_null())
                .count(),
            5,
            "Helsinki and the four strategy meetings and receptions have no ordinal"
        );

        let memberships = fetch_all(&app, &MEMBERSHIPS).await;
        let m_ordinal = |n: &Value| maybe_int(n, "ordinal");
        check_filters(
            &app,
            &MEMBERSHIPS,
            &memberships,
            &[
                ("{ ordinal: { gte: 33, lte: 38 } }", &|n| {
                    m_ordinal(n).is_some_and(|o| (33..=38).contains(&o))
                }),
                ("{ ordinal: { isNull: false } }", &|n| {
                    m_ordinal(n).is_some()
                }),
            ],
        )
        .await;
    }
);

on_both_backends!(
    date_filters_on_conference_days_and_joining_dates,
    common::wide_settings(),
    |app| {
        let conferences = fetch_all(&app, &CONFERENCES).await;
        // ISO dates compare as text in calendar order.
        fn start(n: &Value) -> Option<&str> {
            maybe_text(n, "startDate")
        }
        check_filters(
            &app,
            &CONFERENCES,
            &conferences,
            &[
                (r#"{ startDate: { eq: "2014-04-28" } }"#, &|n| {
                    start(n) == Some("2014-04-28")
                }),
                (r#"{ startDate: { ne: "2014-04-28" } }"#, &|n| {
                    start(n).is_some_and(|d| d != "2014-04-28")
                }),
                (r#"{ startDate: { lt: "2014-04-28" } }"#, &|n| {
                    start(n).is_some_and(|d| d < "2014-04-28")
                }),
                (r#"{ startDate: { lte: "2014-04-28" } }"#, &|n| {
                    start(n).is_some_and(|d| d <= "2014-04-28")
                }),
                (r#"{ startDate: { gt: "2020-02-06" } }"#, &|n| {
                    start(n).is_some_and(|d| d > "2020-02-06")
                }),
                (r#"{ startDate: { gte: "2020-02-06" } }"#, &|n| {
                    start(n).is_some_and(|d| d >= "2020-02-06")
                }),
                (
                    r#"{ startDate: { gte: "2015-01-01", lt: "2021-01-01" } }"#,
                    &|n| start(n).is_some_and(|d| ("2015-01-01".."2021-01-01").contains(&d)),
                ),
                (
                    r#"{ startDate: { in: ["2011-12-08", "2012-09-06", "2000-01-01"] } }"#,
                    &|n| {
                        start(n).is_some_and(|d| {
                            ["2011-12-08", "2012-09-06", "2000-01-01"].contains(&d)
                        })
                    },
                ),
                (
                    r#"{ startDate: { notIn: ["2011-12-08", "2012-09-06"] } }"#,
                    &|n| start(n).is_some_and(|d| !["2011-12-08", "2012-09-06"].contains(&d)),
                ),
                (r#"{ startDate: { isNull: false } }"#, &|n| {
                    start(n).is_some()
                }),
                (r#"{ endDate: { gt: "2025-12-10" } }"#, &|n| {
                    maybe_text(n, "endDate").is_some_and(|d| d > "2025-12-10")
                }),
            ],
        )
        .await;

        let memberships = fetch_all(&app, &MEMBERSHIPS).await;
        assert_eq!(memberships.len(), 37);
        fn joined_latest(n: &Value) -> Option<&str> {
            n["joined"]["latest"].as_str()
        }
        fn joined_earliest(n: &Value) -> Option<&str> {
            n["joined"]["earliest"].as_str()
        }
        fn left_latest(n: &Value) -> Option<&str> {
            n["left"]["latest"].as_str()
        }
        check_filters(
            &app,
            &MEMBERSHIPS,
            &memberships,
            &[
                // Certainly joined by the fact sheet's day.
                (r#"{ joinedLatest: { lte: "2014-01-16" } }"#, &|n| {
                    joined_latest(n).is_some_and(|d| d <= "2014-01-16")
                }),
                (r#"{ joinedLatest: { gt: "2014-01-16" } }"#, &|n| {
                    joined_latest(n).is_some_and(|d| d > "2014-01-16")
                }),
                (
                    r#"{ joinedEarliest: { gte: "2015-01-01", lt: "2016-01-01" } }"#,
                    &|n| {
                        joined_earliest(n)
                            .is_some_and(|d| ("2015-01-01".."2016-01-01").contains(&d))
                    },
                ),
                (r#"{ joinedLatest: { isNull: true } }"#, &|n| {
                    joined_latest(n).is_none()
                }),
                (r#"{ leftLatest: { isNull: false } }"#, &|n| {
                    left_latest(n).is_some()
                }),
                (r#"{ leftLatest: { isNull: true } }"#, &|n| {
                    left_latest(n).is_none()
                }),
            ],
        )
        .await;
        // Checked in data/foc.toml: the 15 founders and 7 later members joined by 2014-01-16,
        // Moldova on the last possible day; only the United States has left.
        let by_then = memberships
            .iter()
            .filter(|m| joined_latest(m).is_some_and(|d| d <= "2014-01-16"))
            .count();
        assert_eq!(by_then, 22);
        assert_eq!(
            memberships
                .iter()
                .filter(|m| left_latest(m).is_some())
                .count(),
            1
        );
    }
);

on_both_backends!(boolean_and_enum_filters, common::wide_settings(), |app| {
    let memberships = fetch_all(&app, &MEMBERSHIPS).await;
    let founding = |n: &Value| n["founding"].as_bool().expect("founding");
    check_filters(
        &app,
        &MEMBERSHIPS,
        &memberships,
        &[
            ("{ founding: { eq: true } }", &founding),
            ("{ founding: { eq: false } }", &|n| !founding(n)),
            ("{ founding: { isNull: false } }", &|_| true),
            ("{ founding: { isNull: true } }", &|_| false),
        ],
    )
    .await;
    assert_eq!(
        memberships.iter().filter(|m| founding(m)).count(),
        15,
        "the 15 founders of data/foc.toml"
    );

    let states = fetch_all(&app, &STATES).await;
    let region = |n: &Value| text(n, "region").to_owned();
    check_filters(
        &app,
        &STATES,
        &states,
        &[
            ("{ region: { eq: OCEANIA } }", &|n| region(n) == "OCEANIA"),
            ("{ region: { ne: EUROPE } }", &|n| region(n) != "EUROPE"),
            ("{ region: { in: [AFRICA, OCEANIA] } }", &|n| {
                ["AFRICA", "OCEANIA"].contains(&region(n).as_str())
            }),
            ("{ region: { notIn: [EUROPE, AMERICAS] } }", &|n| {
                !["EUROPE", "AMERICAS"].contains(&region(n).as_str())
            }),
            ("{ region: { isNull: false } }", &|_| true),
        ],
    )
    .await;

    let conferences = fetch_all(&app, &CONFERENCES).await;
    check_filters(
        &app,
        &CONFERENCES,
        &conferences,
        &[
            ("{ kind: { eq: STRATEGY_MEETING } }", &|n| {
                n["kind"] == "STRATEGY_MEETING"
            }),
            ("{ kind: { ne: FREEDOM_ONLINE_CONFERENCE } }", &|n| {
                n["kind"] != "FREEDOM_ONLINE_CONFERENCE"
            }),
            ("{ kind: { in: [RECEPTION, STRATEGY_MEETING] } }", &|n| {
                n["kind"] == "RECEPTION" || n["kind"] == "STRATEGY_MEETING"
            }),
            ("{ kind: { notIn: [RECEPTION] } }", &|n| {
                n["kind"] != "RECEPTION"
            }),
            ("{ format: { eq: VIRTUAL } }", &|n| n["format"] == "VIRTUAL"),
            ("{ format: { isNull: true } }", &|n| n["format"].is_null()),
        ],
    )
    .await;

    let fundings = fetch_all(&app, &FUNDINGS).await;
    assert_eq!(fundings.len(), 4, "data/foc.toml lists 4 fundings");
    check_filters(
        &app,
        &FUNDINGS,
        &fundings,
        &[
            ("{ qualifier: { eq: MORE_THAN } }", &|n| {
                n["qualifier"] == "MORE_THAN"
            }),
            ("{ qualifier: { in: [EXACTLY, ABOUT] } }", &|n| {
                n["qualifier"] == "EXACTLY" || n["qualifier"] == "ABOUT"
            }),
            ("{ qualifier: { isNull: true } }", &|n| {
                n["qualifier"].is_null()
            }),
            ("{ fundersComplete: { eq: false } }", &|n| {
                n["fundersComplete"] == false
            }),
            ("{ amount: { gt: 10000000 } }", &|n| {
                maybe_int(n, "amount").is_some_and(|a| a > 10_000_000)
            }),
        ],
    )
    .await;

    let commitments = fetch_all(&app, &COMMITMENTS).await;
    check_filters(
        &app,
        &COMMITMENTS,
        &commitments,
        &[
            ("{ kind: { eq: PRINCIPLE } }", &|n| n["kind"] == "PRINCIPLE"),
            ("{ kind: { ne: PRINCIPLE } }", &|n| n["kind"] != "PRINCIPLE"),
            ("{ endorsedOnJoining: { eq: true } }", &|n| {
                n["endorsedOnJoining"] == true
            }),
            ("{ document: {} }", &|n| !n["document"].is_null()),
            ("{ not: { document: {} } }", &|n| n["document"].is_null()),
        ],
    )
    .await;
    // Checked in data/foc.toml: the three areas of action name no document.
    assert_eq!(
        commitments
            .iter()
            .filter(|c| c["document"].is_null())
            .count(),
        3
    );
});

on_both_backends!(
    and_or_not_and_their_nesting,
    common::wide_settings(),
    |app| {
        let states = fetch_all(&app, &STATES).await;
        let region = |n: &Value| text(n, "region").to_owned();
        let name = |n: &Value| text(n, "name").to_lowercase();
        check_filters(
        &app,
        &STATES,
        &states,
        &[
            (
                r#"{ and: [{ region: { eq: EUROPE } }, { name: { startsWith: "s" } }] }"#,
                &|n| region(n) == "EUROPE" && name(n).starts_with('s'),
            ),
            (
                r#"{ or: [{ code: { eq: "KE" } }, { region: { eq: OCEANIA } }] }"#,
                &|n| n["code"] == "KE" || region(n) == "OCEANIA",
            ),
            (r#"{ not: { region: { in: [EUROPE] } } }"#, &|n| {
                region(n) != "EUROPE"
            }),
            // Fields and combinators of one filter must all hold.
            (
                r#"{ region: { eq: EUROPE }, or: [{ name: { contains: "land" } }, { code: { startsWith: "s" } }], not: { subregion: { eq: "Northern Europe" } } }"#,
                &|n| {
                    region(n) == "EUROPE"
                        && (name(n).contains("land")
                            || text(n, "code").to_lowercase().starts_with('s'))
                        && n["subregion"] != "Northern Europe"
                },
            ),
            (
                r#"{ or: [{ and: [{ region: { eq: EUROPE } }, { not: { subregion: { eq: "Northern Europe" } } }] }, { name: { contains: "land" } }] }"#,
                &|n| {
                    (region(n) == "EUROPE" && n["subregion"] != "Northern Europe")
                        || name(n).contains("land")
                },
            ),
            (
                r#"{ not: { or: [{ region: { eq: EUROPE } }, { not: { name: { contains: "a" } } }] } }"#,
                &|n| region(n) != "EUROPE" && name(n).contains('a'),
            ),
            (r#"{ not: { not: { code: { eq: "NL" } } } }"#, &|n| {
                n["code"] == "NL"
            }),
            // An empty disjunction is false, an empty conjunction true.
            ("{ or: [] }", &|_| false),
            ("{ and: [] }", &|_| true),
            ("{ not: { or: [] } }", &|_| true),
            (r#"{ region: { eq: ASIA }, or: [] }"#, &|_| false),
            (r#"{ or: [{ or: [] }, { code: { eq: "JP" } }] }"#, &|n| {
                n["code"] == "JP"
            }),
            (r#"{ and: [{ region: { eq: ASIA } }, { region: { eq: EUROPE } }] }"#, &|_| {
                false
            }),
        ],
    )
    .await;
    }
);

on_both_backends!(
    quantifiers_on_hosted_conferences,
    common::wide_settings(),
    |app| {
        let states = fetch_all(&app, &STATES).await;
        let hosted = |n: &Value| items(n, "hostedConferences").to_vec();
        let start = |c: &Value| text(c, "startDate").to_owned();
        check_filters(
        &app,
        &STATES,
        &states,
        &[
            ("{ hostedConferences: { some: {} } }", &|n| !hosted(n).is_empty()),
            ("{ hostedConferences: { none: {} } }", &|n| hosted(n).is_empty()),
            ("{ hostedConferences: { every: {} } }", &|_| true),
            (r#"{ hostedConferences: { some: { startDate: { gte: "2015-01-01" } } } }"#, &|n| {
                hosted(n).iter().any(|c| start(c).as_str() >= "2015-01-01")
            }),
            (r#"{ hostedConferences: { every: { startDate: { lt: "2016-01-01" } } } }"#, &|n| {
                hosted(n).iter().all(|c| start(c).as_str() < "2016-01-01")
            }),
            (r#"{ hostedConferences: { none: { city: { eq: "Tunis" } } } }"#, &|n| {
                !hosted(n).iter().any(|c| c["city"] == "Tunis")
            }),
            (
                r#"{ hostedConferences: { some: {}, every: { startDate: { lt: "2016-01-01" } } } }"#,
                &|n| {
                    !hosted(n).is_empty()
                        && hosted(n).iter().all(|c| start(c).as_str() < "2016-01-01")
                },
            ),
            (
                "{ hostedConferences: { every: { kind: { eq: STRATEGY_MEETING } } } }",
                &|n| hosted(n).iter().all(|c| c["kind"] == "STRATEGY_MEETING"),
            ),
            (
                r#"{ not: { hostedConferences: { some: { city: { in: ["Berlin", "Accra"] } } } } }"#,
                &|n| {
                    !hosted(n)
                        .iter()
                        .any(|c| c["city"] == "Berlin" || c["city"] == "Accra")
                },
            ),
        ],
    )
    .await;
        // Checked in data/foc.toml: nine states hosted a conference; `every` holds vacuously for
        // the other 28, which hosted none.
        let hosts = states.iter().filter(|s| !hosted(s).is_empty()).count();
        assert_eq!(hosts, 9);
        let answer = app
        .query(r#"{ states(first: 100, filter: { hostedConferences: { every: { startDate: { lt: "2016-01-01" } } } }) { nodes { code } } }"#)
        .await;
        let codes = texts(&answer.data()["states"], "code");
        for never_hosted in ["AT", "AU", "JP", "US"] {
            assert!(
                codes.contains(&never_hosted.to_owned()),
                "{never_hosted} hosted nothing: {codes:?}"
            );
        }
        for hosted_later in ["DE", "GH", "FI", "CR"] {
            assert!(!codes.contains(&hosted_later.to_owned()), "{codes:?}");
        }
        assert!(codes.contains(&"KE".to_owned()), "{codes:?}");
    }
);

on_both_backends!(
    quantifiers_on_conference_hosts,
    common::wide_settings(),
    |app| {
        let conferences = fetch_all(&app, &CONFERENCES).await;
        check_filters(
            &app,
            &CONFERENCES,
            &conferences,
            &[
                ("{ hosts: { some: { region: { eq: AFRICA } } } }", &|n| {
                    regions(n, "hosts").contains(&"AFRICA")
                }),
                ("{ hosts: { every: { region: { eq: AFRICA } } } }", &|n| {
                    regions(n, "hosts").iter().all(|r| *r == "AFRICA")
                }),
                ("{ hosts: { none: { region: { eq: AFRICA } } } }", &|n| {
                    !regions(n, "hosts").contains(&"AFRICA")
                }),
                ("{ hosts: { none: {} } }", &|n| items(n, "hosts").is_empty()),
                (
                    "{ hosts: { some: {}, every: { region: { in: [AFRICA, ASIA] } } } }",
                    &|n| {
                        let r = regions(n, "hosts");
                        !r.is_empty() && r.iter().all(|r| *r == "AFRICA" || *r == "ASIA")
                    },
                ),
                // A quantifier inside a quantifier: meetings with a host that also chaired.
                ("{ hosts: { some: { chairships: { some: {} } } } }", &|n| {
                    let chairs = [
                        "NL", "KE", "TN", "EE", "MN", "CR", "DE", "GH", "FI", "CA", "US", "CH",
                    ];
                    items(n, "hosts")
                        .iter()
                        .any(|s| chairs.contains(&text(s, "code")))
                }),
            ],
        )
        .await;
        // Checked in data/foc.toml: Nairobi (KE), Tunis (TN) and Accra (GH) had African hosts;
        // the four strategy meetings and receptions have no hosts, so `every` holds for them.
        let answer = app
        .query(
            r#"{
            some: conferences(filter: { hosts: { some: { region: { eq: AFRICA } } } }) { nodes { city } }
            every: conferences(filter: { hosts: { every: { region: { eq: AFRICA } } } }) { totalCount }
        }"#,
        )
        .await;
        let data = answer.data();
        let mut cities = texts(&data["some"], "city");
        cities.sort();
        assert_eq!(cities, ["Accra", "Nairobi", "Tunis"]);
        assert_eq!(data["every"]["totalCount"], 3 + 4);
    }
);

on_both_backends!(
    quantifiers_on_commitment_endorsers,
    common::wide_settings(),
    |app| {
        let commitments = fetch_all(&app, &COMMITMENTS).await;
        for c in &commitments {
            assert_eq!(
                c["endorsers"]["totalCount"],
                items(c, "endorsers").len(),
                "one page holds the endorsers"
            );
        }
        check_filters(
        &app,
        &COMMITMENTS,
        &commitments,
        &[
            ("{ endorsers: { some: { region: { eq: OCEANIA } } } }", &|n| {
                regions(n, "endorsers").contains(&"OCEANIA")
            }),
            ("{ endorsers: { none: { region: { eq: OCEANIA } } } }", &|n| {
                !regions(n, "endorsers").contains(&"OCEANIA")
            }),
            ("{ endorsers: { every: { region: { ne: OCEANIA } } } }", &|n| {
                regions(n, "endorsers").iter().all(|r| *r != "OCEANIA")
            }),
            (
                "{ endorsers: { every: { region: { in: [AFRICA, AMERICAS, ASIA, EUROPE, OCEANIA] } } } }",
                &|_| true,
            ),
            (r#"{ endorsers: { some: { code: { eq: "ZZ" } } } }"#, &|n| {
                items(n, "endorsers").iter().any(|s| s["code"] == "ZZ")
            }),
            (r#"{ endorsers: { none: { code: { eq: "ZZ" } } } }"#, &|n| {
                !items(n, "endorsers").iter().any(|s| s["code"] == "ZZ")
            }),
            (
                r#"{ kind: { eq: AREA_OF_ACTION }, endorsers: { some: { code: { eq: "AU" } } } }"#,
                &|n| {
                    n["kind"] == "AREA_OF_ACTION"
                        && items(n, "endorsers").iter().any(|s| s["code"] == "AU")
                },
            ),
        ],
    )
    .await;
        // Every member endorses every commitment on joining, Australia and New Zealand (Oceania)
        // among them: `some` keeps all eight commitments and `none` none of them.
        assert_eq!(commitments.len(), 8);
        let answer = app
        .query(
            r#"{
            some: commitments(filter: { endorsers: { some: { region: { eq: OCEANIA } } } }) { totalCount }
            none: commitments(filter: { endorsers: { none: { region: { eq: OCEANIA } } } }) { totalCount }
        }"#,
        )
        .await;
        assert_eq!(answer.data()["some"]["totalCount"], 8);
        assert_eq!(answer.data()["none"]["totalCount"], 0);
    }
);

on_both_backends!(
    fundings_and_to_one_relations,
    common::wide_settings(),
    |app| {
        let states = fetch_all(&app, &STATES).await;
        let currencies = |n: &Value| -> Vec<Option<String>> {
            items(n, "fundings")
                .iter()
                .map(|f| maybe_text(f, "currency").map(str::to_owned))
                .collect()
        };
        check_filters(
            &app,
            &STATES,
            &states,
            &[
                ("{ fundings: { none: {} } }", &|n| {
                    items(n, "fundings").is_empty()
                }),
                ("{ fundings: { some: {} } }", &|n| {
                    !items(n, "fundings").is_empty()
                }),
                (
                    r#"{ fundings: { some: { currency: { eq: "EUR" } } } }"#,
                    &|n| currencies(n).contains(&Some("EUR".to_owned())),
                ),
                (
                    r#"{ fundings: { none: { currency: { eq: "EUR" } } } }"#,
                    &|n| !currencies(n).contains(&Some("EUR".to_owned())),
                ),
                (
                    r#"{ fundings: { some: { currency: { isNull: true } } } }"#,
                    &|n| currencies(n).contains(&None),
                ),
                // To-one inside a list: chairships reach their chair state.
                (
                    r#"{ chairships: { some: { startEarliest: { gte: "2024-01-01" } } } }"#,
                    &|n| {
                        items(n, "chairships")
                            .iter()
                            .any(|c| c["start"]["earliest"].as_str() >= Some("2024-01-01"))
                    },
                ),
            ],
        )
        .await;
        // Checked in data/foc.toml: the states among funders are the US, the Netherlands and
        // Sweden; the other 34 funded nothing.
        let funders: Vec<&str> = states
            .iter()
            .filter(|s| !items(s, "fundings").is_empty())
            .map(|s| text(s, "code"))
            .collect();
        assert_eq!(funders.len(), 3, "{funders:?}");

        let memberships = fetch_all(&app, &MEMBERSHIPS).await;
        let region = |n: &Value| n["state"]["region"].as_str().expect("region").to_owned();
        check_filters(
            &app,
            &MEMBERSHIPS,
            &memberships,
            &[
                ("{ state: { region: { eq: ASIA } } }", &|n| {
                    region(n) == "ASIA"
                }),
                (
                    "{ state: { region: { in: [AFRICA, OCEANIA] } }, founding: { eq: true } }",
                    &|n| {
                        ["AFRICA", "OCEANIA"].contains(&region(n).as_str()) && n["founding"] == true
                    },
                ),
                ("{ not: { state: { region: { ne: ASIA } } } }", &|n| {
                    region(n) == "ASIA"
                }),
                (r#"{ state: { name: { startsWith: "united" } } }"#, &|n| {
                    ["GB", "US"].contains(&n["state"]["code"].as_str().expect("code"))
                }),
            ],
        )
        .await;

        let documents = fetch_all(&app, &DOCUMENTS).await;
        let conf_ordinal = |n: &Value| maybe_int(&n["conference"], "ordinal");
        check_filters(
            &app,
            &DOCUMENTS,
            &documents,
            &[
                ("{ conference: { ordinal: { lte: 2 } } }", &|n| {
                    conf_ordinal(n).is_some_and(|o| o <= 2)
                }),
                ("{ conference: { ordinal: { gt: 4 } } }", &|n| {
                    conf_ordinal(n).is_some_and(|o| o > 4)
                }),
                ("{ conference: {} }", &|n| !n["conference"].is_null()),
                ("{ not: { conference: {} } }", &|n| {
                    n["conference"].is_null()
                }),
                ("{ conference: { ordinal: { isNull: true } } }", &|n| {
                    !n["conference"].is_null() && conf_ordinal(n).is_none()
                }),
                (
                    r#"{ conference: { city: { eq: "San José" } }, kind: { ne: STATEMENT } }"#,
                    &|n| n["conference"]["city"] == "San José" && n["kind"] != "STATEMENT",
                ),
            ],
        )
        .await;
        // Checked in data/foc.toml: every document names the conference it came from.
        assert_eq!(
            documents
                .iter()
                .filter(|d| d["conference"].is_null())
                .count(),
            0
        );
    }
);

on_both_backends!(
    source_list_filters_find_the_records_citing_a_source,
    common::wide_settings(),
    |app| {
        let states = fetch_all(&app, &STATES).await;
        check_filters(
            &app,
            &STATES,
            &states,
            &[
                (r#"{ sources: { some: { key: { eq: "MRA" } } } }"#, &|n| {
                    cites(n, "MRA")
                }),
                (
                    r#"{ sources: { none: { key: { eq: "FS2014" } } } }"#,
                    &|n| !cites(n, "FS2014"),
                ),
                (
                    r#"{ sources: { none: { key: { eq: "ISO-M49" } } } }"#,
                    &|n| !cites(n, "ISO-M49"),
                ),
                (
                    r#"{ sources: { every: { key: { in: ["ISO-M49", "FS2014", "LV-MFA"] } } } }"#,
                    &|n| {
                        items(n, "sources")
                            .iter()
                            .all(|s| ["ISO-M49", "FS2014", "LV-MFA"].contains(&text(s, "key")))
                    },
                ),
                (
                    r#"{ sources: { some: { key: { startsWith: "foc-" } } } }"#,
                    &|n| {
                        items(n, "sources")
                            .iter()
                            .any(|s| text(s, "key").to_lowercase().starts_with("foc-"))
                    },
                ),
            ],
        )
        .await;
        // Checked in data/foc.toml: MRA is cited by the US, Switzerland, Italy, Luxembourg,
        // Slovakia and Korea.
        let mut mra: Vec<&str> = states
            .iter()
            .filter(|s| cites(s, "MRA"))
            .map(|s| text(s, "code"))
            .collect();
        mra.sort();
        assert_eq!(mra, ["CH", "IT", "KR", "LU", "SK", "US"]);

        let conferences = fetch_all(&app, &CONFERENCES).await;
        check_filters(
            &app,
            &CONFERENCES,
            &conferences,
            &[
                (
                    r#"{ sources: { some: { key: { eq: "FOC-CONF" } } } }"#,
                    &|n| cites(n, "FOC-CONF"),
                ),
                (
                    r#"{ sources: { every: { key: { eq: "FOC-NEWS" } } } }"#,
                    &|n| items(n, "sources").iter().all(|s| s["key"] == "FOC-NEWS"),
                ),
            ],
        )
        .await;

        let memberships = fetch_all(&app, &MEMBERSHIPS).await;
        check_filters(
            &app,
            &MEMBERSHIPS,
            &memberships,
            &[
                (
                    r#"{ sources: { some: { key: { eq: "SWISSPEACE" } } } }"#,
                    &|n| cites(n, "SWISSPEACE"),
                ),
                (
                    r#"{ sources: { some: { publisher: { contains: "kbs" } } } }"#,
                    &|n| cites(n, "KBS-2023"),
                ),
            ],
        )
        .await;
    }
);

on_both_backends!(
    filters_on_nested_connections,
    common::wide_settings(),
    |app| {
        let all = app
        .query(
            r#"{
            states(first: 100) { nodes { code hostedConferences(first: 100) { nodes { name startDate } } } }
            conference(ordinal: 1) { hosts(first: 100) { nodes { code region } } }
            commitments(first: 100) { nodes { title endorsers(first: 100) { nodes { code region } } } }
        }"#,
        )
        .await;
        let filtered = app
        .query(
            r#"{
            states(first: 100, filter: { hostedConferences: { some: {} } }) {
                nodes {
                    code
                    hostedConferences(filter: { startDate: { gte: "2014-01-01" } }) { totalCount nodes { name } }
                    firstOnly: hostedConferences(first: 1, filter: { startDate: { gte: "2014-01-01" } }) { totalCount nodes { name } }
                }
            }
            conference(ordinal: 1) {
                europe: hosts(filter: { region: { eq: EUROPE } }) { totalCount nodes { code } }
                africa: hosts(filter: { region: { eq: AFRICA } }) { totalCount nodes { code } }
                orFilter: hosts(filter: { or: [{ code: { eq: "ZZ" } }, { name: { contains: "nether" } }] }) { totalCount nodes { code } }
            }
            commitments(first: 100) { nodes { title endorsers(first: 100, filter: { region: { eq: OCEANIA } }) { totalCount nodes { code } } } }
        }"#,
        )
        .await;
        let (all, filtered) = (all.data(), filtered.data());

        // Hosted conferences from 2014 on, per hosting state.
        let all_states = all["states"]["nodes"].as_array().expect("states");
        let got_states = filtered["states"]["nodes"].as_array().expect("states");
        let hosts: Vec<&Value> = all_states
            .iter()
            .filter(|s| !items(s, "hostedConferences").is_empty())
            .collect();
        assert_eq!(
            got_states.iter().map(|s| &s["code"]).collect::<Vec<_>>(),
            hosts.iter().map(|s| &s["code"]).collect::<Vec<_>>()
        );
        let mut nonempty = 0;
        for (got, full) in got_states.iter().zip(&hosts) {
            let expected: Vec<String> = items(full, "hostedConferences")
                .iter()
                .filter(|c| text(c, "startDate") >= "2014-01-01")
                .map(|c| text(c, "name").to_owned())
                .collect();
            nonempty += usize::from(!expected.is_empty());
            assert_eq!(texts(&got["hostedConferences"], "name"), expected, "{got}");
            assert_eq!(got["hostedConferences"]["totalCount"], expected.len());
            assert_eq!(got["firstOnly"]["totalCount"], expected.len(), "{got}");
            assert_eq!(
                texts(&got["firstOnly"], "name"),
                expected.iter().take(1).cloned().collect::<Vec<_>>()
            );
        }
        assert!(
            nonempty > 0 && nonempty < hosts.len(),
            "the nested filter keeps some lists and empties others"
        );

        // The hosts of the first conference: the Netherlands (data/foc.toml).
        let all_hosts = all["conference"]["hosts"]["nodes"]
            .as_array()
            .expect("hosts");
        let conference = &filtered["conference"];
        for (alias, keep) in [
            (
                "europe",
                &(|s: &Value| s["region"] == "EUROPE") as &dyn Fn(&Value) -> bool,
            ),
            ("africa", &|s: &Value| s["region"] == "AFRICA"),
            ("orFilter", &|s: &Value| s["code"] == "NL"),
        ] {
            let expected: Vec<String> = all_hosts
                .iter()
                .filter(|s| keep(s))
                .map(|s| text(s, "code").to_owned())
                .collect();
            assert_eq!(texts(&conference[alias], "code"), expected, "{alias}");
            assert_eq!(conference[alias]["totalCount"], expected.len(), "{alias}");
        }
        assert_eq!(texts(&conference["europe"], "code"), ["NL"]);
        assert_eq!(conference["africa"]["totalCount"], 0);

        // The endorsers from Oceania, per commitment.
        let all_commitments = all["commitments"]["nodes"].as_array().expect("commitments");
        let got_commitments = filtered["commitments"]["nodes"]
            .as_array()
            .expect("commitments");
        assert_eq!(all_commitments.len(), got_commitments.len());
        for (got, full) in got_commitments.iter().zip(all_commitments) {
            assert_eq!(got["title"], full["title"]);
            let expected: Vec<String> = items(full, "endorsers")
                .iter()
                .filter(|s| s["region"] == "OCEANIA")
                .map(|s| text(s, "code").to_owned())
                .collect();
            assert_eq!(texts(&got["endorsers"], "code"), expected);
            assert_eq!(got["endorsers"]["totalCount"], expected.len());
            assert_eq!(expected.len(), 2, "Australia and New Zealand");
        }
    }
);

on_both_backends!(
    multi_key_ordering_matches_a_rust_sort,
    common::wide_settings(),
    |app| {
        let answer = app
        .query(
            r#"{
            states(first: 100) { nodes { code name region subregion } }
            byRegion: states(first: 100, orderBy: [{ field: REGION, direction: DESC }, { field: NAME, direction: ASC }]) { nodes { code } }
            bySubregion: states(first: 100, orderBy: [{ field: SUBREGION }, { field: CODE, direction: DESC }]) { nodes { code } }
            byNameDesc: states(first: 100, orderBy: [{ field: NAME, direction: DESC }]) { nodes { code } }
            europe: states(first: 100, filter: { region: { eq: EUROPE } }, orderBy: [{ field: SUBREGION, direction: DESC }, { field: NAME }]) { nodes { code } }
            conferences(first: 100) { nodes { name ordinal startDate city } }
            ordinalDesc: conferences(first: 100, orderBy: [{ field: ORDINAL, direction: DESC }]) { nodes { name ordinal } }
            ordinalDescStart: conferences(first: 100, orderBy: [{ field: ORDINAL, direction: DESC }, { field: START_DATE }]) { nodes { name } }
            ordinalAscStartDesc: conferences(first: 100, orderBy: [{ field: ORDINAL }, { field: START_DATE, direction: DESC }]) { nodes { name } }
            cityStart: conferences(first: 100, orderBy: [{ field: CITY }, { field: START_DATE, direction: DESC }]) { nodes { name } }
        }"#,
        )
        .await;
        let data = answer.data();
        let states = data["states"]["nodes"].as_array().expect("states");
        assert_eq!(states.len(), 37);
        let sorted_codes = |cmp: &dyn Fn(&Value, &Value) -> Ordering,
                            keep: &dyn Fn(&Value) -> bool| {
            let mut list: Vec<&Value> = states.iter().filter(|s| keep(s)).collect();
            list.sort_by(|a, b| cmp(a, b));
            list.iter()
                .map(|s| text(s, "code").to_owned())
                .collect::<Vec<_>>()
        };
        let field = |n: &Value, f: &str| text(n, f).to_owned();
        let by_region = sorted_codes(
            &|a, b| {
                field(b, "region")
                    .cmp(&field(a, "region"))
                    .then(field(a, "name").cmp(&field(b, "name")))
            },
            &|_| true,
        );
        assert_eq!(texts(&data["byRegion"], "code"), by_region);
        assert_eq!(
            by_region.first().map(String::as_str),
            Some("AU"),
            "Oceania first, Australia before New Zealand"
        );
        let by_subregion = sorted_codes(
            &|a, b| {
                field(a, "subregion")
                    .cmp(&field(b, "subregion"))
                    .then(field(b, "code").cmp(&field(a, "code")))
            },
            &|_| true,
        );
        assert_eq!(texts(&data["bySubregion"], "code"), by_subregion);
        let by_name_desc = sorted_codes(&|a, b| field(b, "name").cmp(&field(a, "name")), &|_| true);
        assert_eq!(texts(&data["byNameDesc"], "code"), by_name_desc);
        // The default order is by name.
        let by_name = sorted_codes(&|a, b| field(a, "name").cmp(&field(b, "name")), &|_| true);
        assert_eq!(texts(&data["states"], "code"), by_name);
        let europe = sorted_codes(
            &|a, b| {
                field(b, "subregion")
                    .cmp(&field(a, "subregion"))
                    .then(field(a, "name").cmp(&field(b, "name")))
            },
            &|s| s["region"] == "EUROPE",
        );
        assert_eq!(texts(&data["europe"], "code"), europe);

        let conferences = data["conferences"]["nodes"]
            .as_array()
            .expect("conferences");
        let sorted_names = |cmp: &dyn Fn(&Value, &Value) -> Ordering| {
            let mut list: Vec<&Value> = conferences.iter().collect();
            list.sort_by(|a, b| cmp(a, b));
            list.iter()
                .map(|c| text(c, "name").to_owned())
                .collect::<Vec<_>>()
        };
        // ORDINAL DESC alone: 8 down to 1, then the five meetings without an ordinal (their
        // order among themselves is the server's tie-break).
        let ordinals: Vec<Option<i64>> = data["ordinalDesc"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|c| maybe_int(c, "ordinal"))
            .collect();
        let mut expected_ordinals: Vec<Option<i64>> = conferences
            .iter()
            .map(|c| maybe_int(c, "ordinal"))
            .collect();
        expected_ordinals.sort_by(|a, b| nulls_last(*a, *b, true));
        assert_eq!(ordinals, expected_ordinals);
        assert_eq!(ordinals[0], Some(8));
        assert_eq!(ordinals[12], None, "nulls last");
        let mut names = texts(&data["ordinalDesc"], "name");
        names.sort();
        let mut all_names = texts(&data["conferences"], "name");
        all_names.sort();
        assert_eq!(names, all_names);

        let ordinal_desc_start = sorted_names(&|a, b| {
            nulls_last(maybe_int(a, "ordinal"), maybe_int(b, "ordinal"), true)
                .then(text(a, "startDate").cmp(text(b, "startDate")))
        });
        assert_eq!(texts(&data["ordinalDescStart"], "name"), ordinal_desc_start);
        let ordinal_asc_start_desc = sorted_names(&|a, b| {
            nulls_last(maybe_int(a, "ordinal"), maybe_int(b, "ordinal"), false)
                .then(text(b, "startDate").cmp(text(a, "startDate")))
        });
        assert_eq!(
            texts(&data["ordinalAscStartDesc"], "name"),
            ordinal_asc_start_desc
        );
        let city_start = sorted_names(&|a, b| {
            nulls_last(maybe_text(a, "city"), maybe_text(b, "city"), false)
                .then(text(b, "startDate").cmp(text(a, "startDate")))
        });
        assert_eq!(texts(&data["cityStart"], "name"), city_start);
    }
);

/// Pages through `root(filter, orderBy)` four at a time forwards and backwards and returns
/// both walks, each in list order.
async fn walk(app: &TestApp, root: &str, arguments: &str, key: &str) -> (Vec<String>, Vec<String>) {
    let forward_query = format!(
        "query($after: String) {{ list: {root}(first: 4, after: $after, {arguments}) {{ totalCount nodes {{ {key} }} pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }}"
    );
    let backward_query = format!(
        "query($before: String) {{ list: {root}(last: 4, before: $before, {arguments}) {{ totalCount nodes {{ {key} }} pageInfo {{ hasNextPage hasPreviousPage startCursor }} }} }}"
    );
    let mut forward = Vec::new();
    let mut cursor = Value::Null;
    for page in 0.. {
        assert!(page < 30, "paging forwards does not end");
        let answer = app
            .query_with(&forward_query, json!({ "after": cursor }))
            .await;
        let list = &answer.data()["list"];
        let nodes = texts(list, key);
        assert!(!nodes.is_empty() && nodes.len() <= 4, "page {page}: {list}");
        assert_eq!(list["pageInfo"]["hasPreviousPage"], page > 0);
        forward.extend(nodes);
        if list["pageInfo"]["hasNextPage"] == false {
            assert_eq!(list["totalCount"], forward.len());
            break;
        }
        cursor = list["pageInfo"]["endCursor"].clone();
    }
    let mut backward: Vec<Vec<String>> = Vec::new();
    let mut cursor = Value::Null;
    for page in 0.. {
        assert!(page < 30, "paging backwards does not end");
        let answer = app
            .query_with(&backward_query, json!({ "before": cursor }))
            .await;
        let list = &answer.data()["list"];
        let nodes = texts(list, key);
        assert!(!nodes.is_empty() && nodes.len() <= 4, "page {page}: {list}");
        assert_eq!(list["pageInfo"]["hasNextPage"], page > 0);
        backward.push(nodes);
        if list["pageInfo"]["hasPreviousPage"] == false {
            break;
        }
        cursor = list["pageInfo"]["startCursor"].clone();
    }
    backward.reverse();
    (forward, backward.concat())
}

on_both_backends!(
    paging_a_sorted_list_never_skips_or_repeats,
    common::wide_settings(),
    |app| {
        let answer = app
        .query(
            r#"{
            states(first: 100, orderBy: [{ field: REGION, direction: DESC }, { field: NAME }]) { nodes { code } }
            allStates: states(first: 100) { nodes { code name region } }
            conferences(first: 100, filter: { kind: { eq: FREEDOM_ONLINE_CONFERENCE } }, orderBy: [{ field: ORDINAL, direction: DESC }]) { nodes { name } }
            allConferences: conferences(first: 100) { nodes { name kind ordinal } }
        }"#,
        )
        .await;
        let data = answer.data();
        // The unpaged order, checked against a Rust sort before it serves as the reference.
        let mut all_states: Vec<&Value> = data["allStates"]["nodes"]
            .as_array()
            .expect("states")
            .iter()
            .collect();
        all_states.sort_by(|a, b| {
            text(b, "region")
                .cmp(text(a, "region"))
                .then(text(a, "name").cmp(text(b, "name")))
        });
        let states: Vec<String> = all_states
            .iter()
            .map(|s| text(s, "code").to_owned())
            .collect();
        assert_eq!(texts(&data["states"], "code"), states);
        assert_eq!(states.len(), 37);

        let mut all_conferences: Vec<&Value> = data["allConferences"]["nodes"]
            .as_array()
            .expect("conferences")
            .iter()
            .filter(|c| c["kind"] == "FREEDOM_ONLINE_CONFERENCE")
            .collect();
        all_conferences
            .sort_by(|a, b| nulls_last(maybe_int(a, "ordinal"), maybe_int(b, "ordinal"), true));
        let conferences: Vec<String> = all_conferences
            .iter()
            .map(|c| text(c, "name").to_owned())
            .collect();
        // Nine conferences: eight numbered, Helsinki without a number (data/foc.toml), which the
        // sort puts last; no two tie, so the order is fully determined.
        assert_eq!(conferences.len(), 9);
        assert_eq!(texts(&data["conferences"], "name"), conferences);

        let (forward, backward) = walk(
            &app,
            "states",
            "orderBy: [{ field: REGION, direction: DESC }, { field: NAME }]",
            "code",
        )
        .await;
        assert_eq!(forward, states, "forwards");
        assert_eq!(backward, states, "backwards");

        let (forward, backward) = walk(
        &app,
        "conferences",
        "filter: { kind: { eq: FREEDOM_ONLINE_CONFERENCE } }, orderBy: [{ field: ORDINAL, direction: DESC }]",
        "name",
    )
    .await;
        assert_eq!(forward, conferences, "forwards");
        assert_eq!(backward, conferences, "backwards");
    }
);

on_both_backends!(
    filtered_nesting_costs_a_bounded_number_of_statements,
    common::wide_settings(),
    |app| {
        // The root list (count + page: 2) with a relation filter, then filters on two nested
        // levels: hosted conferences go through the conference_hosts link table (2), their
        // documents are direct children (1), and so are the memberships (1).
        const BOUND: u64 = 2 + 2 + 1 + 1;
        let query = r#"{
        states(first: 100, filter: { hostedConferences: { some: { hosts: { some: { region: { eq: AFRICA } } } } } }) {
            totalCount
            nodes {
                code
                memberships(filter: { founding: { eq: true } }) { nodes { founding } }
                hostedConferences(filter: { startDate: { gte: "2012-01-01" } }) {
                    totalCount
                    nodes { name documents(filter: { kind: { ne: STATEMENT } }) { nodes { title kind } } }
                }
            }
        }
    }"#;
        let answer = app.query(query).await;
        let statements = answer.sql_statements();
        assert!(
            (2..=BOUND).contains(&statements),
            "{statements} statements, expected between 2 and {BOUND}"
        );
        // The answer itself, checked against data/foc.toml: Kenya (Nairobi 2012, its terms of
        // reference), Tunisia (Tunis 2013, no document) and Ghana (Accra 2020) hosted in Africa.
        let data = answer.data();
        let mut codes = texts(&data["states"], "code");
        codes.sort();
        assert_eq!(codes, ["GH", "KE", "TN"]);
        for state in data["states"]["nodes"].as_array().expect("states") {
            // Ghana and Kenya are founders, Tunisia joined in 2012; only Nairobi adopted a
            // document that is not a statement (the terms of reference).
            let (founders, documents) = match text(state, "code") {
                "KE" => (1, 1),
                "GH" => (1, 0),
                _ => (0, 0),
            };
            assert_eq!(items(state, "memberships").len(), founders, "{state}");
            let hosted = items(state, "hostedConferences");
            assert_eq!(hosted.len(), 1, "{state}");
            assert_eq!(items(&hosted[0], "documents").len(), documents, "{state}");
        }
    }
);

on_both_backends!(
    injection_like_text_is_only_text,
    common::wide_settings(),
    |app| {
        let before = app
            .query("{ states { totalCount } conferences { totalCount } }")
            .await;
        let (states, conferences) = (
            before.data()["states"]["totalCount"].clone(),
            before.data()["conferences"]["totalCount"].clone(),
        );
        assert_eq!(states, 37);
        let attempts = [
            "'; DROP TABLE states; --",
            "' OR '1'='1",
            "\" OR 1=1 --",
            "Kenya' --",
            "%' OR name LIKE '%",
            "'); DELETE FROM states WHERE ('1'='1",
            "\\'; DROP TABLE conferences; --",
        ];
        let query = r#"query($s: String!) {
        eq: states(filter: { name: { eq: $s } }) { totalCount }
        contains: states(filter: { name: { contains: $s } }) { totalCount }
        startsWith: states(filter: { code: { startsWith: $s } }) { totalCount }
        inList: states(filter: { code: { in: [$s, "KE"] } }) { nodes { code } }
        ne: states(filter: { name: { ne: $s } }) { totalCount }
        nested: states(filter: { hostedConferences: { some: { city: { eq: $s } } } }) { totalCount }
        sources: conferences(filter: { sources: { some: { key: { contains: $s } } } }) { totalCount }
    }"#;
        for text in attempts {
            let answer = app.query_with(query, json!({ "s": text })).await;
            let data = answer.data();
            assert_eq!(data["eq"]["totalCount"], 0, "{text}");
            assert_eq!(data["contains"]["totalCount"], 0, "{text}");
            assert_eq!(data["startsWith"]["totalCount"], 0, "{text}");
            assert_eq!(texts(&data["inList"], "code"), ["KE"], "{text}");
            assert_eq!(data["ne"]["totalCount"], 37, "{text}");
            assert_eq!(data["nested"]["totalCount"], 0, "{text}");
            assert_eq!(data["sources"]["totalCount"], 0, "{text}");
        }
        // The same text written into the query document rather than passed as a variable.
        let literal = serde_json::to_string(attempts[0]).expect("a JSON string");
        let answer = app
        .query(&format!(
            "{{ states(filter: {{ or: [{{ name: {{ eq: {literal} }} }}, {{ subregion: {{ contains: {literal} }} }}] }}) {{ totalCount }} }}"
        ))
        .await;
        assert!(answer.error_messages().is_empty(), "{}", answer.body);
        assert_eq!(answer.data()["states"]["totalCount"], 0);
        // A real title with an apostrophe is found: quotes are data, not syntax.
        let answer = app
        .query(r#"{ documents(filter: { title: { eq: "Chair's Summary" } }) { nodes { title } } }"#)
        .await;
        assert_eq!(
            texts(&answer.data()["documents"], "title"),
            ["Chair's Summary"]
        );

        let after = app
            .query("{ states { totalCount } conferences { totalCount } }")
            .await;
        assert_eq!(after.data()["states"]["totalCount"], states);
        assert_eq!(after.data()["conferences"]["totalCount"], conferences);
    }
);

on_both_backends!(
    every_fails_on_a_related_row_whose_field_is_null,
    common::wide_settings(),
    |app| {
        // Finland hosted only the Helsinki conference, whose ordinal is null (data/foc.toml). A
        // null ordinal is not `lte: 8`: the root list leaves Helsinki out, so "every hosted
        // conference has an ordinal up to 8" is false for Finland.
        let answer = app
        .query(
            r#"{
            numbered: conferences(filter: { ordinal: { lte: 8 } }) { nodes { city } }
            every: states(first: 100, filter: { hostedConferences: { every: { ordinal: { lte: 8 } } } }) { nodes { code } }
            contradiction: states(first: 100, filter: { hostedConferences: { some: {}, every: { ordinal: { lte: 8 } }, none: { ordinal: { lte: 8 } } } }) { nodes { code } }
            all: states(first: 100) { nodes { code hostedConferences { nodes { city } } } }
        }"#,
        )
        .await;
        let data = answer.data();
        let numbered = texts(&data["numbered"], "city");
        assert!(!numbered.contains(&"Helsinki".to_owned()), "{numbered:?}");
        let mut expected: Vec<String> = data["all"]["nodes"]
            .as_array()
            .expect("states")
            .iter()
            .filter(|s| {
                items(s, "hostedConferences")
                    .iter()
                    .all(|c| numbered.contains(&text(c, "city").to_owned()))
            })
            .map(|s| text(s, "code").to_owned())
            .collect();
        expected.sort();
        let mut got = texts(&data["every"], "code");
        got.sort();
        assert!(!expected.contains(&"FI".to_owned()));
        // A state with at least one hosted conference cannot have all of them and none of them
        // match the same filter.
        assert_eq!(
            texts(&data["contradiction"], "code"),
            Vec::<String>::new(),
            "`every` and `none` both hold for a non-empty list"
        );
        assert_eq!(got, expected, "`every` must agree with the root filter");
    }
);

on_both_backends!(
    not_is_the_complement_even_where_a_field_is_null,
    common::wide_settings(),
    |app| {
        // Five meetings have no ordinal (data/foc.toml); "ordinal is 3" does not hold for them,
        // so `not` does.
        let answer = app
        .query(
            r#"{
            all: conferences(first: 100) { nodes { name } }
            three: conferences(first: 100, filter: { ordinal: { eq: 3 } }) { nodes { name } }
            notThree: conferences(first: 100, filter: { not: { ordinal: { eq: 3 } } }) { nodes { name } }
        }"#,
        )
        .await;
        let data = answer.data();
        let three = texts(&data["three"], "name");
        let mut expected: Vec<String> = texts(&data["all"], "name")
            .into_iter()
            .filter(|n| !three.contains(n))
            .collect();
        expected.sort();
        let mut got = texts(&data["notThree"], "name");
        got.sort();
        assert_eq!(three.len(), 1);
        assert_eq!(
            got, expected,
            "`not` must keep exactly what its filter leaves out"
        );
    }
);
