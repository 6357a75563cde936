//! Curation over HTTP on SQLite and PostgreSQL: writes need the admin token; every concept
//! can be created, updated and deleted; bad input is refused with every problem named by
//! its field and changes nothing (the export before and after is the same); concurrent
//! writes neither lose nor duplicate records.

mod common;

use serde_json::{Value, json};

/// The whole dataset as the data file writes it: the yardstick for "nothing changed".
async fn snapshot(app: &common::TestApp) -> String {
    foc_graph::dataset::export(&app.db)
        .await
        .expect("export the dataset")
        .to_toml()
        .expect("render the dataset")
}

/// The error codes of an answer.
fn codes(answer: &common::Answer) -> Vec<String> {
    answer.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The (field, message) problems of a refused input.
fn problems(answer: &common::Answer) -> Vec<(String, String)> {
    answer.body["errors"][0]["extensions"]["problems"]
        .as_array()
        .map(|problems| {
            problems
                .iter()
                .map(|p| {
                    (
                        p["field"].as_str().unwrap_or_default().to_owned(),
                        p["message"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts the answer refused the input with a problem for each field named.
fn assert_refused(answer: &common::Answer, fields: &[&str]) {
    assert_eq!(codes(answer), ["BAD_USER_INPUT"], "{}", answer.body);
    assert!(answer.body["data"].is_null(), "{}", answer.body);
    let found = problems(answer);
    for field in fields {
        assert!(
            found.iter().any(|(f, _)| f == field),
            "no problem for {field}: {found:?}"
        );
    }
}

const CREATE_STATE: &str =
    "mutation($input: StateInput!) { createState(input: $input) { id code name } }";

fn state_input(code: &str, name: &str) -> Value {
    json!({ "input": {
        "code": code, "name": name, "region": "EUROPE", "subregion": "Northern Europe",
        "sources": ["FS2014"]
    }})
}

mod writes_need_the_token {
    use super::*;

    on_both_backends!(check, common::curator_settings(), |app| {
        let before = snapshot(&app).await;
        let vars = state_input("ZZ", "Zedland");
        let anonymous = app.query_as(None, CREATE_STATE, vars.clone()).await;
        assert_eq!(codes(&anonymous), ["UNAUTHENTICATED"], "{}", anonymous.body);
        let wrong = app
            .query_as(Some("not-the-token"), CREATE_STATE, vars.clone())
            .await;
        assert_eq!(codes(&wrong), ["UNAUTHENTICATED"], "{}", wrong.body);
        let almost = format!("{}x", common::ADMIN_TOKEN);
        let longer = app
            .query_as(Some(&almost), CREATE_STATE, vars.clone())
            .await;
        assert_eq!(codes(&longer), ["UNAUTHENTICATED"], "{}", longer.body);
        assert_eq!(
            snapshot(&app).await,
            before,
            "a refused write changed the data"
        );

        let created = app.curate(CREATE_STATE, vars).await;
        assert_eq!(created.data()["createState"]["name"], "Zedland");
        let read = app
            .query(r#"{ state(code: "ZZ") { name sources { nodes { key } } } }"#)
            .await;
        assert_eq!(read.data()["state"]["name"], "Zedland");
        assert_eq!(read.data()["state"]["sources"]["nodes"][0]["key"], "FS2014");
        assert_ne!(snapshot(&app).await, before);
    });
}

mod writes_are_disabled_without_a_configured_token {
    use super::*;

    on_both_backends!(check, |app| {
        let before = snapshot(&app).await;
        let answer = app
            .query_as(
                Some(common::ADMIN_TOKEN),
                CREATE_STATE,
                state_input("ZZ", "Zedland"),
            )
            .await;
        assert_eq!(codes(&answer), ["FORBIDDEN"], "{}", answer.body);
        assert!(
            answer.error_messages()[0].contains("writes are disabled"),
            "{}",
            answer.body
        );
        assert_eq!(snapshot(&app).await, before);
    });
}

/// Sends a mutation that must succeed and returns its data.
async fn ok(app: &common::TestApp, query: &str, variables: Value) -> Value {
    app.curate(query, variables).await.data().clone()
}

mod every_concept_round_trips_through_create_update_delete {
    use super::*;

    on_both_backends!(check, common::curator_settings(), |app| {
        let before = snapshot(&app).await;

        // A source, then facts that cite it.
        let source = ok(&app, "mutation($i: SourceInput!) { createSource(input: $i) { id key } }",
            json!({ "i": { "key": "TEST-SOURCE", "title": "A test source", "url": "https://example.org/test",
                           "date": { "stated": "2030-02" } } })).await;
        let source_id = source["createSource"]["id"].clone();
        let cite = json!(["TEST-SOURCE"]);

        let state = ok(
            &app,
            CREATE_STATE,
            json!({ "input": {
            "code": "ZZ", "name": "Zedland", "region": "EUROPE", "subregion": "Northern Europe",
            "sources": cite } }),
        )
        .await;
        let state_id = state["createState"]["id"].clone();

        // A membership: the member endorses every commitment endorsed on joining.
        let on_joining = app
            .query("{ commitments(filter: { endorsedOnJoining: { eq: true } }) { totalCount } }")
            .await;
        let on_joining = on_joining.data()["commitments"]["totalCount"]
            .as_u64()
            .expect("a count");
        assert!(on_joining > 0);
        let membership = ok(&app, "mutation($i: MembershipInput!) { createMembership(input: $i) { id joined { stated earliest latest } } }",
            json!({ "i": { "state": "ZZ", "joined": { "stated": "2030-05" }, "sources": cite } })).await;
        assert_eq!(
            membership["createMembership"]["joined"]["earliest"],
            "2030-05-01"
        );
        let membership_id = membership["createMembership"]["id"].clone();
        let endorsed = "{ state(code: \"ZZ\") { endorsedCommitments { totalCount edges { endorsement { endorsed { stated } sources { nodes { key } } } } } } }";
        let answer = app.query(endorsed).await;
        let edges = &answer.data()["state"]["endorsedCommitments"];
        assert_eq!(edges["totalCount"].as_u64(), Some(on_joining));
        assert_eq!(
            edges["edges"][0]["endorsement"]["endorsed"]["stated"],
            "2030-05"
        );

        // Changing the joining date moves those endorsements with it.
        ok(&app, "mutation($id: ID!, $i: MembershipInput!) { updateMembership(id: $id, input: $i) { id } }",
            json!({ "id": membership_id, "i": { "state": "ZZ", "joined": { "stated": "2030-06" }, "sources": cite } })).await;
        let answer = app.query(endorsed).await;
        assert_eq!(
            answer.data()["state"]["endorsedCommitments"]["edges"][0]["endorsement"]["endorsed"]["stated"],
            "2030-06"
        );

        // A conference hosted by the new state, with a co-host added afterwards.
        let conference = ok(&app, "mutation($i: ConferenceInput!) { createConference(input: $i) { id name hosts { totalCount } } }",
            json!({ "i": { "key": "test-conference", "kind": "STRATEGY_MEETING", "name": "Test meeting",
                           "city": "Zedville", "start": "2030-07-01", "end": "2030-07-02",
                           "hosts": [{ "state": "ZZ", "role": "HOST" }], "sources": cite } })).await;
        assert_eq!(conference["createConference"]["hosts"]["totalCount"], 1);
        let conference_id = conference["createConference"]["id"].clone();
        let cohost = ok(&app, "mutation($i: ConferenceHostInput!) { createConferenceHost(input: $i) { hosts { totalCount } } }",
            json!({ "i": { "conference": "test-conference", "state": "KE", "role": "CO_HOST", "sources": cite } })).await;
        assert_eq!(cohost["createConferenceHost"]["hosts"]["totalCount"], 2);
        let updated = ok(&app, "mutation($i: ConferenceHostInput!) { updateConferenceHost(input: $i) { hosts { edges { role node { code } } } } }",
            json!({ "i": { "conference": "test-conference", "state": "KE", "role": "HOST", "sources": cite } })).await;
        let kenya_role = updated["updateConferenceHost"]["hosts"]["edges"]
            .as_array()
            .and_then(|edges| edges.iter().find(|e| e["node"]["code"] == "KE"))
            .map(|e| e["role"].clone());
        assert_eq!(kenya_role, Some(json!("HOST")), "{updated}");
        // A host added twice, and a role changed for a state that does not host, are refused.
        for (mutation, state) in [
            ("createConferenceHost", "KE"),
            ("updateConferenceHost", "FR"),
        ] {
            let refused = app
                .curate(
                    &format!("mutation($i: ConferenceHostInput!) {{ {mutation}(input: $i) {{ id }} }}"),
                    json!({ "i": { "conference": "test-conference", "state": state, "role": "CO_HOST", "sources": cite } }),
                )
                .await;
            assert_refused(&refused, &["input.state"]);
        }
        let search = app
            .query("{ search(text: \"zedville\") { __typename } }")
            .await;
        assert_eq!(
            search.data()["search"].as_array().map(Vec::len),
            Some(1),
            "{}",
            search.body
        );

        // A document of the conference, and commitments set out in it.
        let document = ok(&app, "mutation($i: DocumentInput!) { createDocument(input: $i) { id conference { name } } }",
            json!({ "i": { "key": "test-document", "title": "Test declaration", "kind": "DECLARATION",
                           "adopted": { "stated": "2030-07-02" }, "conference": "test-conference", "sources": cite } })).await;
        assert_eq!(
            document["createDocument"]["conference"]["name"],
            "Test meeting"
        );
        let document_id = document["createDocument"]["id"].clone();
        let members = app.query("{ memberships { totalCount } }").await;
        let members = members.data()["memberships"]["totalCount"]
            .as_u64()
            .expect("a count");
        let commitment = ok(&app, "mutation($i: CommitmentInput!) { createCommitment(input: $i) { id endorsers { totalCount } } }",
            json!({ "i": { "key": "test-principle", "kind": "PRINCIPLE", "title": "Test principle",
                           "description": "Members test.", "document": "test-document",
                           "endorsedOnJoining": true, "sources": cite } })).await;
        assert_eq!(
            commitment["createCommitment"]["endorsers"]["totalCount"].as_u64(),
            Some(members),
            "every member endorses a commitment endorsed on joining"
        );
        let commitment_id = commitment["createCommitment"]["id"].clone();
        let optional = ok(&app, "mutation($i: CommitmentInput!) { createCommitment(input: $i) { id endorsers { totalCount } } }",
            json!({ "i": { "key": "test-area", "kind": "AREA_OF_ACTION", "title": "Test area",
                           "description": "Some test.", "sources": cite } })).await;
        assert_eq!(optional["createCommitment"]["endorsers"]["totalCount"], 0);
        let optional_id = optional["createCommitment"]["id"].clone();
        let endorsement = ok(&app, "mutation($i: EndorsementInput!) { createEndorsement(input: $i) { id note state { code } } }",
            json!({ "i": { "state": "ZZ", "commitment": "test-area", "note": "Said so.",
                           "endorsed": { "stated": "2030-08" }, "sources": cite } })).await;
        assert_eq!(endorsement["createEndorsement"]["state"]["code"], "ZZ");
        let endorsement_id = endorsement["createEndorsement"]["id"].clone();
        ok(&app, "mutation($id: ID!, $i: EndorsementInput!) { updateEndorsement(id: $id, input: $i) { id } }",
            json!({ "id": endorsement_id, "i": { "state": "ZZ", "commitment": "test-area", "note": "Said so again.", "sources": cite } })).await;

        // An organization of the state, a funding from both, a person at the conference,
        // and a chairship.
        let organization = ok(&app, "mutation($i: OrganizationInput!) { createOrganization(input: $i) { id homeState { code } } }",
            json!({ "i": { "key": "test-ministry", "name": "Zedland Ministry of Tests", "kind": "GOVERNMENT_AGENCY",
                           "state": "ZZ", "sources": cite } })).await;
        assert_eq!(
            organization["createOrganization"]["homeState"]["code"],
            "ZZ"
        );
        let organization_id = organization["createOrganization"]["id"].clone();
        let funding = ok(&app, "mutation($i: FundingInput!) { createFunding(input: $i) { id amount funders { totalCount } } }",
            json!({ "i": { "key": "test-funding", "description": "Test money", "amount": 1000, "currency": "EUR",
                           "funders": [{ "state": "ZZ" }, { "organization": "test-ministry" }], "sources": cite } })).await;
        assert_eq!(funding["createFunding"]["funders"]["totalCount"], 2);
        let funding_id = funding["createFunding"]["id"].clone();
        let person = ok(&app, "mutation($i: PersonInput!) { createPerson(input: $i) { id conferences { totalCount } } }",
            json!({ "i": { "key": "test-person", "name": "Ada Zed",
                           "roles": [{ "conference": "test-conference", "role": "KEYNOTE", "office": "Minister", "officeState": "ZZ" }],
                           "sources": cite } })).await;
        assert_eq!(person["createPerson"]["conferences"]["totalCount"], 1);
        let person_id = person["createPerson"]["id"].clone();
        let chairship = ok(&app, "mutation($i: ChairshipInput!) { createChairship(input: $i) { id chair { code } } }",
            json!({ "i": { "chair": "ZZ", "start": { "stated": "2031" }, "end": { "stated": "2031" }, "sources": cite } })).await;
        assert_eq!(chairship["createChairship"]["chair"]["code"], "ZZ");
        let chairship_id = chairship["createChairship"]["id"].clone();

        // Renaming a state is found by search under the new name.
        ok(
            &app,
            "mutation($id: ID!, $i: StateInput!) { updateState(id: $id, input: $i) { name } }",
            json!({ "id": state_id, "i": { "code": "ZZ", "name": "Zedonia", "region": "EUROPE",
                                           "subregion": "Northern Europe", "sources": cite } }),
        )
        .await;
        let search = app
            .query("{ search(text: \"zedonia\") { __typename } }")
            .await;
        assert_eq!(
            search.data()["search"].as_array().map(Vec::len),
            Some(1),
            "{}",
            search.body
        );

        // Deleting what others refer to is refused, naming them, and changes nothing.
        let during = snapshot(&app).await;
        let refused = app
            .curate(
                "mutation($id: ID!) { deleteState(id: $id) }",
                json!({ "id": state_id }),
            )
            .await;
        assert_refused(&refused, &["id"]);
        let message = &problems(&refused)[0].1;
        for what in [
            "membership",
            "hostings",
            "chairship",
            "organization",
            "funding",
        ] {
            assert!(message.contains(what), "{message}");
        }
        let refused = app
            .curate(
                "mutation($id: ID!) { deleteSource(id: $id) }",
                json!({ "id": source_id }),
            )
            .await;
        assert_refused(&refused, &["id"]);
        let refused = app
            .curate(
                "mutation($id: ID!) { deleteConference(id: $id) }",
                json!({ "id": conference_id }),
            )
            .await;
        assert_refused(&refused, &["id"]);
        assert_eq!(snapshot(&app).await, during);

        // Delete everything again, dependents first: the dataset is as it was.
        for (mutation, id) in [
            ("deleteChairship", &chairship_id),
            ("deletePerson", &person_id),
            ("deleteFunding", &funding_id),
            ("deleteOrganization", &organization_id),
            ("deleteEndorsement", &endorsement_id),
            ("deleteCommitment", &optional_id),
            ("deleteCommitment", &commitment_id),
            ("deleteDocument", &document_id),
        ] {
            let answer = app
                .curate(
                    &format!("mutation($id: ID!) {{ {mutation}(id: $id) }}"),
                    json!({ "id": id }),
                )
                .await;
            assert_eq!(&answer.data()[mutation], id, "{mutation}");
        }
        ok(&app, "mutation { deleteConferenceHost(conference: \"test-conference\", state: \"KE\") { id } }", json!({})).await;
        for (mutation, id) in [
            ("deleteConference", &conference_id),
            ("deleteMembership", &membership_id),
            ("deleteState", &state_id),
            ("deleteSource", &source_id),
        ] {
            let answer = app
                .curate(
                    &format!("mutation($id: ID!) {{ {mutation}(id: $id) }}"),
                    json!({ "id": id }),
                )
                .await;
            assert_eq!(&answer.data()[mutation], id, "{mutation}");
        }
        let after = snapshot(&app).await;
        assert!(
            after == before,
            "create then delete left the dataset changed"
        );
        let gone = app.query("{ search(text: \"zed\") { __typename } }").await;
        assert_eq!(gone.data()["search"], json!([]));
    });
}

mod bad_input_is_refused_with_every_problem {
    use super::*;

    on_both_backends!(check, common::curator_settings(), |app| {
        let before = snapshot(&app).await;
        let kenya = app
            .query(r#"{ state(code: "KE") { id } conferences(first: 1) { nodes { id } } }"#)
            .await;
        let kenya_id = kenya.data()["state"]["id"].clone();
        let conference_id = kenya.data()["conferences"]["nodes"][0]["id"].clone();
        let mut sent = 0;

        // Several problems at once, each named by its field.
        let answer = app.curate(CREATE_STATE, json!({ "input": {
            "code": "zz1", "name": " ", "region": "EUROPE", "subregion": "", "sources": ["NO-SUCH-SOURCE"] } })).await;
        sent += 1;
        assert_refused(
            &answer,
            &[
                "input.code",
                "input.name",
                "input.subregion",
                "input.sources",
            ],
        );
        // No source at all.
        let answer = app.curate(CREATE_STATE, json!({ "input": {
            "code": "ZZ", "name": "Zedland", "region": "EUROPE", "subregion": "North", "sources": [] } })).await;
        sent += 1;
        assert_refused(&answer, &["input.sources"]);
        // A duplicate key.
        let answer = app
            .curate(CREATE_STATE, state_input("KE", "Kenya again"))
            .await;
        sent += 1;
        assert_refused(&answer, &["input.code"]);
        assert!(problems(&answer)[0].1.contains("already exists"));
        // Dates that do not parse or leave no interval, an unknown state.
        let answer = app.curate("mutation($i: MembershipInput!) { createMembership(input: $i) { id } }", json!({ "i": {
            "state": "QQ", "joined": { "stated": "2014-13" },
            "left": { "stated": "2014", "notBefore": "2015-01-01", "narrowedBy": ["NOPE"] }, "sources": ["FS2014"] } })).await;
        sent += 1;
        assert_refused(
            &answer,
            &[
                "input.state",
                "input.joined",
                "input.left",
                "input.left.narrowedBy",
            ],
        );
        // Intervals the wrong way round.
        let answer = app.curate("mutation($i: ChairshipInput!) { createChairship(input: $i) { id } }", json!({ "i": {
            "chair": "KE", "start": { "stated": "2020" }, "end": { "stated": "2019" }, "sources": ["FS2014"] } })).await;
        sent += 1;
        assert_refused(&answer, &["input.end"]);
        // A bound that names no source setting it, and sources named with no bound.
        let answer = app
            .curate(
                "mutation($i: ChairshipInput!) { createChairship(input: $i) { id } }",
                json!({ "i": {
            "chair": "KE", "start": { "stated": "2020", "notBefore": "2020-03-01" },
            "end": { "stated": "2020", "narrowedBy": ["FS2014"] }, "sources": ["FS2014"] } }),
            )
            .await;
        sent += 1;
        assert_refused(&answer, &["input.start", "input.end"]);
        assert!(
            problems(&answer)
                .iter()
                .any(|(_, p)| p.contains("a bound names no source")),
            "{}",
            answer.body
        );
        let answer = app.curate("mutation($i: ConferenceInput!) { createConference(input: $i) { id } }", json!({ "i": {
            "key": "x", "kind": "STRATEGY_MEETING", "name": "X", "start": "2030-02-02", "end": "2030-02-01",
            "hosts": [{ "state": "KE", "role": "HOST" }, { "state": "KE", "role": "CO_HOST" }], "sources": ["FS2014"] } })).await;
        sent += 1;
        assert_refused(&answer, &["input.end", "input.hosts[1].state"]);
        // A funder that is both a state and an organization; a currency that is not one;
        // fields of two words, named as GraphQL names them.
        let answer = app
            .curate(
                "mutation($i: FundingInput!) { createFunding(input: $i) { id } }",
                json!({ "i": {
            "key": "f", "description": "d", "amount": 5, "currency": "euro",
            "periodStart": { "stated": "soon" }, "recipientInitiative": "no-such-initiative",
            "funders": [{ "state": "KE", "organization": "x" }], "sources": ["FS2014"] } }),
            )
            .await;
        sent += 1;
        assert_refused(
            &answer,
            &[
                "input.currency",
                "input.funders[0]",
                "input.periodStart",
                "input.recipientInitiative",
            ],
        );
        // Ids that are not ids, and ids of another type.
        let answer = app
            .curate(
                "mutation($id: ID!) { deleteState(id: $id) }",
                json!({ "id": "not-an-id" }),
            )
            .await;
        sent += 1;
        assert_eq!(codes(&answer), ["BAD_USER_INPUT"], "{}", answer.body);
        let answer = app
            .curate(
                "mutation($id: ID!) { deleteState(id: $id) }",
                json!({ "id": conference_id }),
            )
            .await;
        sent += 1;
        assert_eq!(codes(&answer), ["BAD_USER_INPUT"], "{}", answer.body);
        assert!(
            answer.error_messages()[0].contains("not a State"),
            "{}",
            answer.body
        );
        // Deleting what others refer to.
        let answer = app
            .curate(
                "mutation($id: ID!) { deleteState(id: $id) }",
                json!({ "id": kenya_id }),
            )
            .await;
        sent += 1;
        assert_refused(&answer, &["id"]);
        // SQL in every text a mutation looks up.
        for evil in [
            "'; DROP TABLE states; --",
            "KE' OR '1'='1",
            "\" OR 1=1 --",
            "%",
            "_",
        ] {
            let answer = app
                .curate(
                    "mutation($i: EndorsementInput!) { createEndorsement(input: $i) { id } }",
                    json!({ "i": {
                "state": evil, "commitment": evil, "note": evil, "sources": [evil] } }),
                )
                .await;
            sent += 1;
            assert_refused(
                &answer,
                &["input.state", "input.commitment", "input.sources"],
            );
        }
        // Input of the wrong type never reaches a resolver.
        let answer = app
            .curate(CREATE_STATE, json!({ "input": { "code": 7, "name": "x" } }))
            .await;
        sent += 1;
        assert!(!answer.error_messages().is_empty(), "{}", answer.body);

        assert_eq!(
            snapshot(&app).await,
            before,
            "a refused mutation changed the data"
        );
        eprintln!("curation: {sent} bad mutations refused, data unchanged");
    });
}

mod concurrent_writes_are_neither_lost_nor_duplicated {
    use super::*;

    on_both_backends!(check, common::curator_settings(), |app| {
        let before = app.query("{ states { totalCount } }").await;
        let before = before.data()["states"]["totalCount"]
            .as_u64()
            .expect("a count");
        // 150 new states, and 50 more writes racing for 10 of those codes.
        let existing = app.query("{ states(first: 100) { nodes { code } } }").await;
        let taken = common::sorted_strings(&existing.data()["states"]["nodes"], "code");
        let fresh: Vec<String> = (b'A'..=b'Z')
            .flat_map(|a| (b'A'..=b'Z').map(move |b| format!("{}{}", a as char, b as char)))
            .filter(|code| !taken.contains(code))
            .take(150)
            .collect();
        assert_eq!(fresh.len(), 150);
        let mut codes_sent: Vec<String> = fresh.clone();
        codes_sent.extend((0..50).map(|i| fresh[i % 10].clone()));
        assert_eq!(codes_sent.len(), 200);

        let tasks: Vec<_> = codes_sent
            .into_iter()
            .enumerate()
            .map(|(i, code)| {
                let (url, client) = (app.url.clone(), app.client.clone());
                tokio::spawn(async move {
                    let response = client
                        .post(format!("{url}/graphql"))
                        .bearer_auth(common::ADMIN_TOKEN)
                        .json(&json!({ "query": CREATE_STATE, "variables": state_input(&code, &format!("State {i}")) }))
                        .send()
                        .await
                        .expect("send");
                    assert!(response.status().is_success(), "HTTP {}", response.status());
                    response.json::<Value>().await.expect("a JSON body")
                })
            })
            .collect();
        let (mut created, mut refused) = (0, 0);
        for task in tasks {
            let body = task.await.expect("the request task");
            if body.get("errors").is_none() {
                created += 1;
            } else {
                assert_eq!(
                    body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                    "{body}"
                );
                assert!(
                    body["errors"][0]["message"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("already exists"),
                    "{body}"
                );
                refused += 1;
            }
        }
        assert_eq!((created, refused), (150, 50));
        let after = app.query("{ states { totalCount } }").await;
        assert_eq!(
            after.data()["states"]["totalCount"].as_u64(),
            Some(before + 150)
        );
        let exported = foc_graph::dataset::export(&app.db).await.expect("export");
        let mut codes: Vec<&str> = exported.states.iter().map(|s| s.code.as_str()).collect();
        let total = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), total, "a state was stored twice");
        assert!(
            fresh.iter().all(|c| codes.contains(&c.as_str())),
            "a created state is missing"
        );
        assert!(
            exported.states.iter().all(|s| !s.sources.is_empty()),
            "a state lost its citation"
        );
        eprintln!(
            "curation: 200 concurrent mutations, {created} created, {refused} refused as duplicates"
        );
    });
}
