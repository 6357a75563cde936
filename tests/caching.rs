//! Dashboard caching over HTTP: automatic persisted queries, entity tags with `304 Not
//! Modified`, `Cache-Control` for queries by GET, and the response cache that answers a
//! repeated question without SQL until a mutation changes the data.

mod common;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const QUERY: &str = "{ states(first: 3) { totalCount nodes { code name } } }";

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn post(app: &common::TestApp, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

mod persisted_queries_are_sent_by_hash {
    use super::*;

    on_both_backends!(check, |app| {
        let hash = sha256(QUERY);
        let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
        // Unknown hash: the client is told to send the text.
        let (status, body) = post(&app, json!({ "extensions": extensions })).await;
        assert_eq!(status, 200);
        assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "PERSISTED_QUERY_NOT_FOUND"
        );
        // Text with its hash: answered and remembered.
        let (_, body) = post(&app, json!({ "query": QUERY, "extensions": extensions })).await;
        assert_eq!(body["data"]["states"]["totalCount"], 37, "{body}");
        // The hash alone now, by POST and by GET.
        let (_, body) = post(&app, json!({ "extensions": extensions })).await;
        assert_eq!(body["data"]["states"]["totalCount"], 37, "{body}");
        let response = app
            .client
            .get(format!("{}/graphql", app.url))
            .query(&[("extensions", extensions.to_string())])
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["data"]["states"]["totalCount"], 37, "{body}");
        // A text that does not have the hash is refused.
        let (status, body) = post(
            &app,
            json!({ "query": "{ __typename }", "extensions": extensions }),
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("SHA-256")
        );
    });
}

mod repeated_reads_are_cached_until_a_mutation {
    use super::*;

    on_both_backends!(check, common::curator_settings(), |app| {
        let get = || {
            app.client
                .get(format!("{}/graphql", app.url))
                .query(&[("query", QUERY)])
        };
        let first = get().send().await.expect("send");
        assert_eq!(first.status(), 200);
        let etag = first.headers()["etag"]
            .to_str()
            .expect("an ETag")
            .to_owned();
        let control = first.headers()["cache-control"]
            .to_str()
            .expect("Cache-Control")
            .to_owned();
        assert!(control.starts_with("public, max-age=30"), "{control}");
        let first: Value = first.json().await.expect("JSON");
        assert!(
            first["extensions"]["sqlStatements"]
                .as_u64()
                .unwrap_or_default()
                > 0
        );

        // The same question again costs no SQL, and a client holding the answer gets 304.
        let second = get().send().await.expect("send");
        assert_eq!(second.headers()["etag"].to_str().ok(), Some(etag.as_str()));
        let second: Value = second.json().await.expect("JSON");
        assert_eq!(second["extensions"]["sqlStatements"], 0);
        assert_eq!(second["data"], first["data"]);
        let unchanged = get()
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("send");
        assert_eq!(unchanged.status(), 304);
        assert!(unchanged.bytes().await.expect("body").is_empty());

        // A mutation invalidates: the next answer is computed again and tagged anew.
        let created = app
            .curate(
                "mutation($i: StateInput!) { createState(input: $i) { id } }",
                json!({ "i": { "code": "ZZ", "name": "Zedland", "region": "EUROPE",
                               "subregion": "Northern Europe", "sources": ["FS2014"] } }),
            )
            .await;
        created.data();
        let after = get()
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("send");
        assert_eq!(after.status(), 200);
        assert_ne!(after.headers()["etag"].to_str().ok(), Some(etag.as_str()));
        let after: Value = after.json().await.expect("JSON");
        assert_eq!(after["data"]["states"]["totalCount"], 38);
        assert!(
            after["extensions"]["sqlStatements"]
                .as_u64()
                .unwrap_or_default()
                > 0
        );

        // Mutations and failed queries are never stored.
        let mutation = app
            .client
            .post(format!("{}/graphql", app.url))
            .bearer_auth(common::ADMIN_TOKEN)
            .json(&json!({ "query": "mutation { deleteState(id: \"x\") }" }))
            .send()
            .await
            .expect("send");
        assert_eq!(mutation.headers()["cache-control"], "no-store");
        assert!(mutation.headers().get("etag").is_none());
    });
}

mod a_persisted_mutation_is_not_run_by_get {
    use super::*;

    // A mutation's hash, once known, must not turn a GET (a link, a prefetch) into a write.
    on_both_backends!(check, common::curator_settings(), |app| {
        let mutation = r#"mutation { createState(input: { code: "ZY", name: "Zyland",
            region: EUROPE, subregion: "Northern Europe", sources: ["FS2014"] }) { id } }"#;
        let extensions =
            json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(mutation) } });
        let before = common::export_text(&app.db).await;
        // The hash is made known with the text, by POST, without the token: refused, so
        // nothing is written, but the text is remembered.
        let (_, body) = post(&app, json!({ "query": mutation, "extensions": extensions })).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{body}"
        );

        let response = app
            .client
            .get(format!("{}/graphql", app.url))
            .query(&[("extensions", extensions.to_string())])
            .bearer_auth(common::ADMIN_TOKEN)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()["allow"], "POST");
        assert_eq!(common::export_text(&app.db).await, before, "a GET wrote");
    });
}
