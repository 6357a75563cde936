//! The questions analysts ask: aggregates, snapshots and search,
//! each answer checked against the same figures computed here from unaggregated lists.

mod common;

use std::collections::BTreeMap;

use serde_json::{Value, json};

fn strings(list: &Value, path: &[&str]) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| {
            let mut v = item;
            for p in path {
                v = &v[*p];
            }
            v.as_str().expect("a string").to_owned()
        })
        .collect()
}

/// Count and sum of amounts per (currency, qualifier).
type Totals = BTreeMap<(Option<String>, Option<String>), (i64, Option<i64>)>;

/// The year of an interval when its two ends share it.
fn certain_year(interval: &Value) -> Option<String> {
    let (e, l) = (interval["earliest"].as_str()?, interval["latest"].as_str()?);
    (e[..4] == l[..4]).then(|| e[..4].to_owned())
}

on_both_backends!(african_or_asian_members_that_hosted_after_2014, |app| {
    let answer = app
        .query(r#"{ states(filter: { region: { in: [AFRICA, ASIA] }, hostedConferences: { some: { startDate: { gte: "2015-01-01" } } } }) { nodes { code } } }"#)
        .await;
    let mut found = strings(&answer.data()["states"]["nodes"], &["code"]);
    found.sort();
    let all = app.query("{ states(first: 100) { nodes { code region hostedConferences { nodes { startDate } } } } }").await;
    let mut expected: Vec<String> = all.data()["states"]["nodes"]
        .as_array()
        .expect("states")
        .iter()
        .filter(|s| s["region"] == "AFRICA" || s["region"] == "ASIA")
        .filter(|s| {
            s["hostedConferences"]["nodes"]
                .as_array()
                .expect("conferences")
                .iter()
                .any(|c| c["startDate"].as_str().is_some_and(|d| d >= "2015-01-01"))
        })
        .map(|s| s["code"].as_str().expect("code").to_owned())
        .collect();
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(
        found,
        ["GH", "MN"],
        "Ghana (Accra 2020) and Mongolia (Ulaanbaatar 2015)"
    );
});

on_both_backends!(members_by_region_on_a_date, |app| {
    let answer = app
        .query(r#"{ states(memberOn: "2014-01-16", first: 100) { nodes { region } aggregate { count groupBy(keys: [REGION]) { region count } } } }"#)
        .await;
    let states = &answer.data()["states"];
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for region in strings(&states["nodes"], &["region"]) {
        *expected.entry(region).or_default() += 1;
    }
    let groups: BTreeMap<String, i64> = states["aggregate"]["groupBy"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (
                g["region"].as_str().expect("region").to_owned(),
                g["count"].as_i64().expect("count"),
            )
        })
        .collect();
    assert_eq!(groups, expected);
    assert_eq!(states["aggregate"]["count"], 22);
});

on_both_backends!(joins_per_year_and_by_region, |app| {
    let answer = app
        .query(
            r#"{ memberships(first: 100) {
            nodes { joined { earliest latest } state { region } }
            aggregate { count groupBy(keys: [JOIN_YEAR, REGION]) { joinYear region count } }
        } }"#,
        )
        .await;
    let memberships = &answer.data()["memberships"];
    let mut expected: BTreeMap<(Option<String>, String), i64> = BTreeMap::new();
    for m in memberships["nodes"].as_array().expect("memberships") {
        let year = certain_year(&m["joined"]);
        let region = m["state"]["region"].as_str().expect("region").to_owned();
        *expected.entry((year, region)).or_default() += 1;
    }
    let groups: BTreeMap<(Option<String>, String), i64> = memberships["aggregate"]["groupBy"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            let year = g["joinYear"].as_i64().map(|y| y.to_string());
            (
                (year, g["region"].as_str().expect("region").to_owned()),
                g["count"].as_i64().expect("count"),
            )
        })
        .collect();
    assert_eq!(groups, expected);
    assert_eq!(memberships["aggregate"]["count"], 37);
    let founders_2011: i64 = groups
        .iter()
        .filter(|((y, _), _)| y.as_deref() == Some("2011"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(founders_2011, 15);
});

on_both_backends!(conferences_per_host_region, |app| {
    let answer = app
        .query(
            r#"{ conferences(first: 100) {
            nodes { id hosts { nodes { region } } }
            aggregate { groupBy(keys: [HOST_REGION]) { hostRegion count } }
        } }"#,
        )
        .await;
    let conferences = &answer.data()["conferences"];
    let mut expected: BTreeMap<Option<String>, i64> = BTreeMap::new();
    for c in conferences["nodes"].as_array().expect("conferences") {
        let mut regions: Vec<Option<String>> = c["hosts"]["nodes"]
            .as_array()
            .expect("hosts")
            .iter()
            .map(|h| h["region"].as_str().map(str::to_owned))
            .collect();
        regions.sort();
        regions.dedup();
        if regions.is_empty() {
            regions.push(None);
        }
        for r in regions {
            *expected.entry(r).or_default() += 1;
        }
    }
    let groups: BTreeMap<Option<String>, i64> = conferences["aggregate"]["groupBy"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (
                g["hostRegion"].as_str().map(str::to_owned),
                g["count"].as_i64().expect("count"),
            )
        })
        .collect();
    assert_eq!(groups, expected);
    assert_eq!(
        groups.get(&Some("AFRICA".to_owned())),
        Some(&3),
        "Nairobi, Tunis, Accra"
    );
});

on_both_backends!(funding_totals_per_currency_and_qualifier, |app| {
    let answer = app
        .query(r#"{ fundings(first: 100) {
            nodes { amount currency qualifier }
            aggregate { count totalAmount largestAmount groupBy(keys: [CURRENCY, QUALIFIER]) { currency qualifier count totalAmount smallestAmount } }
        } }"#)
        .await;
    let fundings = &answer.data()["fundings"];
    let mut expected: Totals = BTreeMap::new();
    let mut largest = None;
    for f in fundings["nodes"].as_array().expect("fundings") {
        let key = (
            f["currency"].as_str().map(str::to_owned),
            f["qualifier"].as_str().map(str::to_owned),
        );
        let entry = expected.entry(key).or_insert((0, None));
        entry.0 += 1;
        if let Some(amount) = f["amount"].as_i64() {
            entry.1 = Some(entry.1.unwrap_or(0) + amount);
            largest = largest.max(Some(amount));
        }
    }
    let groups: Totals = fundings["aggregate"]["groupBy"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            let key = (
                g["currency"].as_str().map(str::to_owned),
                g["qualifier"].as_str().map(str::to_owned),
            );
            (
                key,
                (
                    g["count"].as_i64().expect("count"),
                    g["totalAmount"].as_i64(),
                ),
            )
        })
        .collect();
    assert_eq!(groups, expected);
    assert_eq!(fundings["aggregate"]["largestAmount"].as_i64(), largest);
    // EUR, SEK and USD cannot be added up: the ungrouped total is null.
    assert!(
        fundings["aggregate"]["totalAmount"].is_null(),
        "{}",
        fundings["aggregate"]
    );
    let eur = groups
        .get(&(Some("EUR".into()), Some("MORE_THAN".into())))
        .expect("the EUR group");
    assert_eq!(eur.1, Some(2_500_000));
});

on_both_backends!(nested_aggregates_match_their_lists_and_batch, |app| {
    let query = r#"{ states(first: 100) { nodes { code
        endorsedCommitments { totalCount aggregate { count groupBy(keys: [KIND]) { kind count } } }
        hostedConferences { totalCount aggregate { count earliestStartDate } }
    } } }"#;
    let answer = app.query(query).await;
    let states = answer.data()["states"]["nodes"]
        .as_array()
        .expect("states")
        .clone();
    assert_eq!(states.len(), 37);
    for s in &states {
        let e = &s["endorsedCommitments"];
        assert_eq!(e["aggregate"]["count"], e["totalCount"], "{}", s["code"]);
        let by_kind: i64 = e["aggregate"]["groupBy"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|g| g["count"].as_i64().expect("n"))
            .sum();
        assert_eq!(json!(by_kind), e["totalCount"]);
        let h = &s["hostedConferences"];
        assert_eq!(h["aggregate"]["count"], h["totalCount"], "{}", s["code"]);
    }
    let kenya = states.iter().find(|s| s["code"] == "KE").expect("Kenya");
    assert_eq!(
        kenya["hostedConferences"]["aggregate"]["earliestStartDate"],
        "2012-09-06"
    );
    // Root count + page, two link lists (2 each), and one statement per aggregate kind for
    // all 37 states at once: never one per state.
    let statements = answer.sql_statements();
    assert!(
        statements <= 2 + 4 + 3,
        "{statements} statements for 37 states"
    );
});

on_both_backends!(the_fact_sheet_snapshot, |app| {
    let answer = app
        .query(
            r#"{ coalition(on: "2014-01-16") { snapshot {
            date memberCount uncertainMemberCount
            members(first: 100) { nodes { code } }
            conferencesHeld { nodes { ordinal city } }
            nextConference { ordinal city startDate hosts { nodes { code } } }
            chairships { nodes { chair { code } } }
            sources(first: 100) { nodes { key } }
        } } }"#,
        )
        .await;
    let snapshot = &answer.data()["coalition"]["snapshot"];
    assert_eq!(snapshot["memberCount"], 22);
    assert_eq!(snapshot["uncertainMemberCount"], 0);
    let mut members = strings(&snapshot["members"]["nodes"], &["code"]);
    members.sort();
    assert_eq!(
        members,
        [
            "AT", "CA", "CR", "CZ", "DE", "EE", "FI", "FR", "GB", "GE", "GH", "IE", "KE", "LV",
            "MD", "MN", "MV", "MX", "NL", "SE", "TN", "US"
        ]
    );
    let held: Vec<i64> = snapshot["conferencesHeld"]["nodes"]
        .as_array()
        .expect("held")
        .iter()
        .map(|c| c["ordinal"].as_i64().expect("n"))
        .collect();
    assert_eq!(held, [1, 2, 3], "The Hague, Nairobi, Tunis");
    assert_eq!(snapshot["nextConference"]["city"], "Tallinn");
    assert_eq!(
        snapshot["nextConference"]["hosts"]["nodes"][0]["code"], "EE",
        "Estonia will host the fourth"
    );
    let chairs = strings(&snapshot["chairships"]["nodes"], &["chair", "code"]);
    assert!(chairs.contains(&"EE".to_owned()), "{chairs:?}");
    let sources = strings(&snapshot["sources"]["nodes"], &["key"]);
    assert!(
        sources.contains(&"FS2014".to_owned()) && !sources.contains(&"VM-EE-2014".to_owned()),
        "{sources:?}"
    );
    // Later, Lithuania's 2014 joining is undecided on a mid-year day.
    let later = app.query(r#"{ coalition(on: "2014-06-01") { snapshot { memberCount uncertainMembers { nodes { code } } } } }"#).await;
    let later = &later.data()["coalition"]["snapshot"];
    assert_eq!(later["memberCount"], 23, "with Japan");
    assert_eq!(
        strings(&later["uncertainMembers"]["nodes"], &["code"]),
        ["LT"]
    );
});

// The snapshot's lists filter and sort as every list does: each filtered answer is the
// unfiltered one narrowed the same way, and a reversed sort reverses it.
on_both_backends!(the_snapshot_lists_filter_and_sort, |app| {
    let answer = app
        .query(
            r#"{ coalition(on: "2014-06-01") { snapshot {
            allSources: sources(first: 100) { nodes { key } }
            fsSources: sources(first: 100, filter: { key: { startsWith: "FS" } }) { nodes { key } }
            keysDown: sources(first: 100, orderBy: [{ field: KEY, direction: DESC }]) { nodes { key } }
            allHeld: conferencesHeld { nodes { ordinal hosts { nodes { region } } } }
            heldInAfrica: conferencesHeld(filter: { hosts: { some: { region: { eq: AFRICA } } } }) { nodes { ordinal } }
            heldLatestFirst: conferencesHeld(orderBy: [{ field: START_DATE, direction: DESC }]) { nodes { ordinal } }
            allChairs: chairships { nodes { chair { code } } }
            estonianChairs: chairships(filter: { chair: { code: { eq: "EE" } } }) { nodes { chair { code } } }
        } } }"#,
        )
        .await;
    let snapshot = &answer.data()["coalition"]["snapshot"];
    let keys = strings(&snapshot["allSources"]["nodes"], &["key"]);
    let fact_sheets: Vec<String> = keys
        .iter()
        .filter(|k| k.starts_with("FS"))
        .cloned()
        .collect();
    assert!(
        !fact_sheets.is_empty() && fact_sheets.len() < keys.len(),
        "{keys:?}"
    );
    assert_eq!(
        strings(&snapshot["fsSources"]["nodes"], &["key"]),
        fact_sheets
    );
    let mut reversed = keys.clone();
    reversed.reverse();
    assert_eq!(strings(&snapshot["keysDown"]["nodes"], &["key"]), reversed);

    let held = snapshot["allHeld"]["nodes"]
        .as_array()
        .expect("conferences");
    let ordinal = |c: &Value| c["ordinal"].as_i64().expect("ordinal");
    let in_africa: Vec<i64> = held
        .iter()
        .filter(|c| {
            c["hosts"]["nodes"]
                .as_array()
                .is_some_and(|hosts| hosts.iter().any(|h| h["region"] == "AFRICA"))
        })
        .map(ordinal)
        .collect();
    assert!(in_africa.contains(&2), "Kenya hosted the second: {held:?}");
    let ordinals = |list: &Value| -> Vec<i64> {
        list.as_array()
            .expect("conferences")
            .iter()
            .map(ordinal)
            .collect()
    };
    assert_eq!(ordinals(&snapshot["heldInAfrica"]["nodes"]), in_africa);
    let mut latest_first: Vec<i64> = held.iter().map(ordinal).collect();
    latest_first.reverse();
    assert!(latest_first.len() >= 3, "{latest_first:?}");
    assert_eq!(
        ordinals(&snapshot["heldLatestFirst"]["nodes"]),
        latest_first
    );

    let chairs = strings(&snapshot["allChairs"]["nodes"], &["chair", "code"]);
    let estonian: Vec<String> = chairs.iter().filter(|c| *c == "EE").cloned().collect();
    assert!(!estonian.is_empty(), "Estonia chaired in 2014: {chairs:?}");
    assert_eq!(
        strings(&snapshot["estonianChairs"]["nodes"], &["chair", "code"]),
        estonian
    );
});

on_both_backends!(
    who_chaired_when_the_helsinki_declaration_was_adopted,
    |app| {
        let answer = app
        .query(r#"{ documents(filter: { title: { contains: "helsinki declaration" } }) { nodes { adopted { earliest } chairshipsAtAdoption { nodes { chair { name } } } } } }"#)
        .await;
        let document = &answer.data()["documents"]["nodes"][0];
        assert_eq!(document["adopted"]["earliest"], "2021-12-03");
        assert_eq!(
            strings(
                &document["chairshipsAtAdoption"]["nodes"],
                &["chair", "name"]
            ),
            ["Finland"]
        );
    }
);

on_both_backends!(endorsed_private_sector_engagement_but_fund_nothing, |app| {
    let answer = app
        .query(r#"{ states(first: 100, filter: { endorsedCommitments: { some: { key: { eq: "engagement-with-private-sector" } } }, fundings: { none: {} } }) { totalCount nodes { code } } }"#)
        .await;
    let found = strings(&answer.data()["states"]["nodes"], &["code"]);
    let all = app
        .query(r#"{ states(first: 100) { nodes { code fundings { totalCount } endorsedCommitments(filter: { key: { eq: "engagement-with-private-sector" } }) { totalCount } } } }"#)
        .await;
    let expected: Vec<String> = all.data()["states"]["nodes"]
        .as_array()
        .expect("states")
        .iter()
        .filter(|s| s["fundings"]["totalCount"] == 0 && s["endorsedCommitments"]["totalCount"] == 1)
        .map(|s| s["code"].as_str().expect("code").to_owned())
        .collect();
    assert_eq!(found, expected);
    for funder in ["US", "NL", "SE"] {
        assert!(
            !found.contains(&funder.to_owned()),
            "{funder} funds the Digital Defenders Partnership"
        );
    }
    assert_eq!(found.len(), 34);
});

on_both_backends!(search_ignores_case_and_accents, |app| {
    for text in ["san jose", "SAN JOSÉ", "  San   José "] {
        let answer = app
            .query_with(
                "query($t: String!) { search(text: $t) { field text node { __typename ... on Conference { ordinal } ... on Document { title } } } }",
                json!({ "t": text }),
            )
            .await;
        let hits = answer.data()["search"].as_array().expect("hits").clone();
        assert!(
            hits.iter().any(|h| h["node"]["ordinal"] == 6
                && h["field"] == "city"
                && h["text"] == "San José"),
            "{text}: {hits:?}"
        );
        assert!(
            hits.iter()
                .any(|h| h["node"]["title"] == "San José Statement"),
            "{text}: {hits:?}"
        );
    }
    let kenya = app
        .query(r#"{ search(text: "kenya") { field node { __typename ... on State { code } } } }"#)
        .await;
    let hits = kenya.data()["search"].as_array().expect("hits").clone();
    assert!(
        hits.iter()
            .any(|h| h["node"]["code"] == "KE" && h["field"] == "name"),
        "{hits:?}"
    );
    let people = app
        .query(r#"{ search(text: "RODHAM") { node { ... on Person { name } } } }"#)
        .await;
    assert_eq!(
        people.data()["search"][0]["node"]["name"],
        "Hillary Rodham Clinton"
    );
    let limited = app
        .query(r#"{ search(text: "e", first: 5) { field } }"#)
        .await;
    assert_eq!(limited.data()["search"].as_array().expect("hits").len(), 5);
    let nothing = app
        .query(r#"{ search(text: "'; DROP TABLE states; --") { field } }"#)
        .await;
    assert_eq!(nothing.data()["search"], json!([]));
    let wildcard = app.query(r#"{ search(text: "%") { field } }"#).await;
    assert_eq!(
        wildcard.data()["search"],
        json!([]),
        "a % matches itself only"
    );
    for bad in [
        r#"{ search(text: "   ") { field } }"#,
        r#"{ search(text: "x", first: 0) { field } }"#,
        r#"{ search(text: "x", first: 101) { field } }"#,
    ] {
        let answer = app.query(bad).await;
        assert_eq!(
            answer.body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{bad}: {}",
            answer.body
        );
    }
    let states = app.query("{ states(first: 100) { totalCount } }").await;
    assert_eq!(states.data()["states"]["totalCount"], 37);
});

on_both_backends!(group_by_needs_one_to_four_keys, |app| {
    let none = app
        .query("{ states { aggregate { groupBy(keys: []) { count } } } }")
        .await;
    assert!(
        none.error_messages()[0].contains("between 1 and 4 keys"),
        "{}",
        none.body
    );
});
