//! Citations on both databases: each source as BibTeX, CSL-JSON and APA with only what the
//! dataset holds, and the bibliography of a set of records (`sources(citedBy:)`), each
//! source once, as JSON or as a table.

mod common;

use std::collections::BTreeSet;

use serde_json::{Value, json};

const ALL_SOURCES: &str = "{ sources(first: 100) { nodes { key title titleIsDescription
    publisher url note published { earliest latest precision }
    bibtex: citation(style: BIBTEX) csl: citation(style: CSL_JSON) apa: citation(style: APA) } } }";

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

on_both_backends!(every_source_cites_what_it_holds_and_nothing_more, |app| {
    let data = app.query(ALL_SOURCES).await.data().clone();
    let sources = data["sources"]["nodes"].as_array().expect("sources");
    assert!(sources.len() > 10);
    for source in sources {
        let key = source["key"].as_str().expect("a key");
        let bibtex = source["bibtex"].as_str().expect("BibTeX");
        let apa = source["apa"].as_str().expect("APA");
        let csl: Value = serde_json::from_str(source["csl"].as_str().expect("CSL-JSON"))
            .expect("CSL-JSON is JSON");
        assert_eq!(csl["id"], key);
        assert!(
            bibtex.starts_with("@misc{") && bibtex.ends_with("\n}"),
            "{bibtex}"
        );
        // The title, in brackets when it is the dataset's description.
        let title = source["title"].as_str().expect("a title");
        let shown = if source["titleIsDescription"] == true {
            format!("[{title}]")
        } else {
            title.to_owned()
        };
        assert_eq!(csl["title"], shown.as_str());
        assert!(apa.contains(&shown), "{apa}");
        // What is missing is left out of every style.
        for (field, bib, csl_name) in [
            ("publisher", "publisher = ", "publisher"),
            ("url", "url = ", "URL"),
            ("note", "note = ", "note"),
        ] {
            let present = !source[field].is_null();
            assert_eq!(bibtex.contains(bib), present, "{key} {field}: {bibtex}");
            assert_eq!(!csl[csl_name].is_null(), present, "{key} {field}: {csl}");
        }
        if let Some(url) = source["url"].as_str() {
            assert!(apa.ends_with(url), "{apa}");
        }
        // The date, as precisely as the source gave it.
        let published = &source["published"];
        let precision = published["precision"].as_str();
        let earliest = published["earliest"].as_str().unwrap_or("");
        let (year, month, day) = (
            earliest.get(0..4).unwrap_or(""),
            earliest
                .get(5..7)
                .and_then(|m| m.parse::<usize>().ok())
                .unwrap_or(0),
            earliest
                .get(8..10)
                .and_then(|d| d.parse::<u32>().ok())
                .unwrap_or(0),
        );
        let parts: Vec<Value> = match precision {
            Some("YEAR") => vec![json!(year.parse::<i64>().unwrap_or(0))],
            Some("MONTH") => vec![json!(year.parse::<i64>().unwrap_or(0)), json!(month)],
            Some("DAY") => vec![
                json!(year.parse::<i64>().unwrap_or(0)),
                json!(month),
                json!(day),
            ],
            _ => Vec::new(),
        };
        if parts.is_empty() {
            assert!(csl["issued"].is_null(), "{csl}");
            assert!(!bibtex.contains("year = "), "{bibtex}");
            assert!(apa.contains("(n.d.)."), "{apa}");
        } else {
            assert_eq!(csl["issued"]["date-parts"], json!([parts]), "{key}");
            assert!(bibtex.contains(&format!("year = {{{year}}}")), "{bibtex}");
            assert!(apa.contains(&format!("({year}")), "{apa}");
            if parts.len() > 1 {
                let name = MONTHS[month - 1];
                assert!(bibtex.contains(&format!("month = {{{name}}}")), "{bibtex}");
                assert!(apa.contains(name), "{apa}");
            } else {
                assert!(!bibtex.contains("month = "), "{bibtex}");
            }
        }
    }
});

on_both_backends!(the_bibliography_of_records_names_each_source_once, |app| {
    let members = app
        .query(
            "{ states(memberOn: \"2014-01-16\", first: 100) { nodes { id sources(first: 100) { nodes { key } } } } }",
        )
        .await
        .data()
        .clone();
    let states = members["states"]["nodes"].as_array().expect("states");
    assert_eq!(states.len(), 22);
    let ids: Vec<Value> = states.iter().map(|s| s["id"].clone()).collect();
    let mut expected = BTreeSet::new();
    for state in states {
        for source in state["sources"]["nodes"].as_array().expect("sources") {
            expected.insert(source["key"].as_str().unwrap_or("").to_owned());
        }
    }
    let answer = app
        .query_with(
            "query($ids: [ID!]) { sources(citedBy: $ids, first: 100) { totalCount nodes { key } } }",
            json!({ "ids": ids }),
        )
        .await;
    let data = answer.data();
    let keys: Vec<String> = data["sources"]["nodes"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["key"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(keys.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert_eq!(keys.len(), expected.len(), "each source once");
    assert_eq!(data["sources"]["totalCount"], expected.len());

    // The bibliography as a table: one citation a row.
    let response = app
        .client
        .get(format!("{}/graphql", app.url))
        .query(&[
            (
                "query",
                "query($ids: [ID!]) { sources(citedBy: $ids, first: 100) { nodes { citation(style: APA) } } }",
            ),
            ("variables", &json!({ "ids": ids }).to_string()),
            ("format", "csv"),
        ])
        .send()
        .await
        .expect("send");
    let text = response.text().await.expect("a body");
    assert!(text.starts_with("citation\r\n"), "{text}");
    assert_eq!(text.matches("\r\n").count(), expected.len() + 1);

    // Ids that are not records that cite sources are refused, saying why.
    for (bad, says) in [
        (json!(["nonsense"]), "not an id of this API"),
        (
            json!([data["sources"]["nodes"][0]["key"]]),
            "not an id of this API",
        ),
    ] {
        let answer = app
            .query_with(
                "query($ids: [ID!]) { sources(citedBy: $ids) { totalCount } }",
                json!({ "ids": bad }),
            )
            .await;
        let message = answer.body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains(says), "{message}");
    }
    let source_id = app
        .query("{ sources(first: 1) { nodes { id } } }")
        .await
        .data()["sources"]["nodes"][0]["id"]
        .clone();
    let answer = app
        .query_with(
            "query($ids: [ID!]) { sources(citedBy: $ids) { totalCount } }",
            json!({ "ids": [source_id] }),
        )
        .await;
    let message = answer.body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("a Source cites no sources"), "{message}");
});

on_both_backends!(an_answer_can_carry_the_bibliography_of_its_records, |app| {
    let query = "{ states(memberOn: \"2014-01-16\", first: 100) { nodes { id code } } }";
    let ask = |extensions: Value| {
        app.client
            .post(format!("{}/graphql", app.url))
            .json(&json!({ "query": query, "extensions": extensions }))
            .send()
    };
    let answer: Value = ask(json!({ "citations": "APA" }))
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    let ids: Vec<Value> = answer["data"]["states"]["nodes"]
        .as_array()
        .expect("states")
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    assert_eq!(ids.len(), 22);
    // The same as the bibliography of those records asked for as a list.
    let listed = app
        .query_with(
            "query($ids: [ID!]) { sources(citedBy: $ids, first: 100) { nodes { citation(style: APA) } } }",
            json!({ "ids": ids }),
        )
        .await;
    let expected: Vec<Value> = listed.data()["sources"]["nodes"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["citation"].clone())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(answer["extensions"]["citations"], Value::Array(expected));
    // Asked again, from the cache: the same; without the extension, no citations.
    let again: Value = ask(json!({ "citations": "APA" }))
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        again["extensions"]["citations"],
        answer["extensions"]["citations"]
    );
    let plain: Value = ask(json!({}))
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    assert!(plain["extensions"]["citations"].is_null(), "{plain}");
    // An unknown style is refused, saying which there are.
    let refused: Value = ask(json!({ "citations": "MLA" }))
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    let message = refused["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("BIBTEX, CSL_JSON or APA"), "{message}");
});
