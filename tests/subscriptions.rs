//! Subscriptions on both databases, against the real server over HTTP: Server-Sent Events
//! and both WebSocket subprotocols deliver each committed write and nothing rolled back,
//! filters hold, and the limits of live connections (connections, subscriptions per
//! connection, the initialisation timeout, keep-alive pings, hostile documents) hold.

mod common;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use common::{ADMIN_TOKEN, TestApp, curator_settings};

/// How long a change may take to reach a subscriber.
const DELIVERY: Duration = Duration::from_secs(1);

/// How long the tests wait to be sure that nothing arrives.
const QUIET: Duration = Duration::from_millis(1500);

const CREATE: &str = "mutation($code: String!, $name: String!, $sources: [String!]!) {
    createState(input: {code: $code, name: $name, region: EUROPE, subregion: \"West\", sources: $sources}) { id }
}";
const UPDATE: &str = "mutation($id: ID!, $code: String!, $name: String!) {
    updateState(id: $id, input: {code: $code, name: $name, region: EUROPE, subregion: \"West\", sources: [\"AA-2018\"]}) { id }
}";
const DELETE: &str = "mutation($id: ID!) { deleteState(id: $id) }";

const DATASET_CHANGED: &str = "subscription { datasetChanged { version cause replaced complete
    records { kind id operation record { __typename ... on State { code name } } } } }";

/// Waits until the server hears every write (on PostgreSQL its listener connects after start).
async fn hearing(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let body = app.get("/ready").await.text().await.expect("a /ready body");
        if !body.contains("not hearing") {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server never heard writes: {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A mutation with the curators' token: its answer and the version it committed.
async fn write(app: &TestApp, query: &str, variables: Value) -> (Value, Option<i64>) {
    let response = app
        .client
        .post(format!("{}/graphql", app.url))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("send the mutation");
    let header = response
        .headers()
        .get("dataset-version")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let body: Value = response.json().await.expect("a JSON answer");
    let version = body["extensions"]["datasetVersion"].as_i64();
    assert_eq!(
        header, version,
        "the header and the extension agree: {body}"
    );
    (body, version)
}

/// The events of one Server-Sent Events response.
struct Events {
    bytes: std::pin::Pin<
        Box<dyn futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Send>,
    >,
    buffer: String,
}

impl Events {
    /// Subscribes with `query` over Server-Sent Events.
    async fn open(app: &TestApp, query: &str, variables: Value) -> Events {
        let response = app
            .client
            .post(format!("{}/graphql", app.url))
            .header("accept", "text/event-stream")
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("open the event stream");
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap_or("")
                .starts_with("text/event-stream"),
            "{:?}",
            response.headers()
        );
        Events {
            bytes: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next event (its name and data) within `wait`; None if none came.
    async fn next(&mut self, wait: Duration) -> Option<(String, Value)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = value.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim_start());
                    }
                }
                // Comments (keep-alives) carry neither.
                if block.lines().all(|line| line.starts_with(':')) {
                    continue;
                }
                let value = serde_json::from_str(&data).unwrap_or(Value::Null);
                return Some((name, value));
            }
            let chunk = tokio::time::timeout_at(deadline, self.bytes.next())
                .await
                .ok()??;
            let chunk = chunk.expect("read the event stream");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next `next` event's payload within the delivery bound.
    async fn expect_next(&mut self) -> Value {
        let (name, value) = self
            .next(DELIVERY)
            .await
            .expect("an event within the delivery bound");
        assert_eq!(name, "next", "{value}");
        value
    }
}

on_both_backends!(
    server_sent_events_deliver_each_committed_write_and_nothing_rolled_back,
    curator_settings(),
    |app| {
        hearing(&app).await;
        let mut changes = Events::open(&app, DATASET_CHANGED, json!({})).await;
        let mut states = Events::open(
            &app,
            "subscription { recordChanged(kinds: [STATE]) { kind id operation version record { ... on State { name } } } }",
            json!({}),
        )
        .await;
        let mut others = Events::open(
            &app,
            "subscription { recordChanged(kinds: [CONFERENCE]) { id } }",
            json!({}),
        )
        .await;

        // Created: the record is the one written.
        let (created, version) = write(
            &app,
            CREATE,
            json!({ "code": "QA", "name": "Testland", "sources": ["AA-2018"] }),
        )
        .await;
        let id = created["data"]["createState"]["id"].clone();
        let first = version.expect("a mutation reports the version it committed");
        let event = changes.expect_next().await;
        let change = &event["data"]["datasetChanged"];
        assert_eq!(change["version"], first);
        assert_eq!(change["cause"], "MUTATION");
        assert_eq!(change["complete"], true);
        assert_eq!(change["replaced"], false);
        assert_eq!(
            change["records"],
            json!([{ "kind": "STATE", "id": id, "operation": "CREATED",
                     "record": { "__typename": "State", "code": "QA", "name": "Testland" } }])
        );
        let event = states.expect_next().await;
        assert_eq!(event["data"]["recordChanged"]["id"], id);
        assert_eq!(event["data"]["recordChanged"]["record"]["name"], "Testland");

        // Refused mutations roll back and announce nothing.
        let (refused, version) = write(
            &app,
            CREATE,
            json!({ "code": "QB", "name": "Nowhere", "sources": [] }),
        )
        .await;
        assert!(refused["errors"].is_array(), "{refused}");
        assert_eq!(version, None, "a refused mutation commits no version");
        let (refused, _) = write(
            &app,
            CREATE,
            json!({ "code": "QA", "name": "Again", "sources": ["AA-2018"] }),
        )
        .await;
        assert!(refused["errors"].is_array(), "{refused}");
        assert!(changes.next(QUIET).await.is_none(), "nothing was committed");

        // Updated, then deleted: the versions follow each other, and a deleted record is null.
        let (_, version) = write(
            &app,
            UPDATE,
            json!({ "id": id, "code": "QA", "name": "Renamed" }),
        )
        .await;
        assert_eq!(version, Some(first + 1), "versions count commits");
        let event = changes.expect_next().await;
        let record = &event["data"]["datasetChanged"]["records"][0];
        assert_eq!(event["data"]["datasetChanged"]["version"], first + 1);
        assert_eq!(record["operation"], "UPDATED");
        assert_eq!(record["record"]["name"], "Renamed");
        let (_, version) = write(&app, DELETE, json!({ "id": id })).await;
        assert_eq!(version, Some(first + 2));
        let event = changes.expect_next().await;
        let record = &event["data"]["datasetChanged"]["records"][0];
        assert_eq!(record["operation"], "DELETED");
        assert_eq!(record["record"], Value::Null);

        for operation in ["UPDATED", "DELETED"] {
            let event = states.expect_next().await;
            assert_eq!(event["data"]["recordChanged"]["operation"], operation);
        }
        // A filter on another kind heard none of it.
        assert!(others.next(QUIET).await.is_none());
    }
);

on_both_backends!(
    a_subscription_can_follow_chosen_records,
    curator_settings(),
    |app| {
        hearing(&app).await;
        let (first, _) = write(
            &app,
            CREATE,
            json!({ "code": "QC", "name": "One", "sources": ["AA-2018"] }),
        )
        .await;
        let (second, _) = write(
            &app,
            CREATE,
            json!({ "code": "QD", "name": "Two", "sources": ["AA-2018"] }),
        )
        .await;
        let followed = first["data"]["createState"]["id"].clone();
        let other = second["data"]["createState"]["id"].clone();
        let mut events = Events::open(
            &app,
            "subscription($ids: [ID!]) { recordChanged(ids: $ids) { id operation } }",
            json!({ "ids": [followed] }),
        )
        .await;
        write(
            &app,
            UPDATE,
            json!({ "id": other, "code": "QD", "name": "Two!" }),
        )
        .await;
        write(
            &app,
            UPDATE,
            json!({ "id": followed, "code": "QC", "name": "One!" }),
        )
        .await;
        let event = events.expect_next().await;
        assert_eq!(
            event["data"]["recordChanged"],
            json!({ "id": followed, "operation": "UPDATED" })
        );
        assert!(
            events.next(QUIET).await.is_none(),
            "only the followed record"
        );

        // Ids that are not ids of this API are refused with a clear error.
        let mut refused = Events::open(
            &app,
            "subscription { recordChanged(ids: [\"nonsense\"]) { id } }",
            json!({}),
        )
        .await;
        let event = refused.expect_next().await;
        assert!(
            event["errors"][0]["message"]
                .as_str()
                .unwrap_or("")
                .contains("not an id of this API"),
            "{event}"
        );
        assert_eq!(
            refused.next(DELIVERY).await.map(|e| e.0).as_deref(),
            Some("complete")
        );
    }
);

on_both_backends!(
    a_read_can_require_the_version_a_write_committed,
    curator_settings(),
    |app| {
        let (_, version) = write(
            &app,
            CREATE,
            json!({ "code": "QE", "name": "Mine", "sources": ["AA-2018"] }),
        )
        .await;
        let version = version.expect("the version committed");
        let read = |wanted: String| {
            app.client
                .post(format!("{}/graphql", app.url))
                .header("min-dataset-version", wanted)
                .json(&json!({ "query": "{ state(code: \"QE\") { name } }" }))
                .send()
        };
        let answer: Value = read(version.to_string())
            .await
            .expect("read")
            .json()
            .await
            .expect("JSON");
        assert_eq!(answer["data"]["state"]["name"], "Mine", "{answer}");
        for bad in ["soon", "-1", ""] {
            let response = read(bad.to_owned()).await.expect("read");
            let status = response.status();
            let body = response.text().await.expect("a body");
            assert!(
                status == 200 && body.contains("min-dataset-version") || status == 400,
                "{status} {body}"
            );
        }
    }
);

/// A WebSocket to the server's `/graphql` with one subprotocol.
async fn websocket(
    app: &TestApp,
    protocol: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = format!("{}/graphql", app.url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("a WebSocket request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        protocol.parse().expect("a header value"),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect the WebSocket");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        protocol,
        "the server speaks the protocol asked for"
    );
    socket
}

/// The next text message as JSON, skipping pings, within `wait`.
async fn receive<S>(socket: &mut S, wait: Duration) -> Option<Value>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??
        {
            Ok(Message::Text(text)) => {
                return Some(serde_json::from_str(&text).expect("JSON message"));
            }
            Ok(Message::Close(frame)) => {
                return Some(
                    json!({ "closed": frame.map(|f| (u16::from(f.code), f.reason.to_string())) }),
                );
            }
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

on_both_backends!(
    both_websocket_protocols_deliver_changes,
    curator_settings(),
    |app| {
        hearing(&app).await;
        // graphql-transport-ws.
        let mut modern = websocket(&app, "graphql-transport-ws").await;
        modern
            .send(Message::text(
                json!({ "type": "connection_init" }).to_string(),
            ))
            .await
            .expect("send");
        assert_eq!(
            receive(&mut modern, DELIVERY).await,
            Some(json!({ "type": "connection_ack" }))
        );
        modern
            .send(Message::text(
                json!({ "id": "1", "type": "subscribe", "payload": {
                    "query": "subscription { recordChanged(kinds: [STATE]) { operation record { ... on State { code } } } }"
                } })
                .to_string(),
            ))
            .await
            .expect("send");
        // The legacy graphql-ws.
        let mut legacy = websocket(&app, "graphql-ws").await;
        legacy
            .send(Message::text(
                json!({ "type": "connection_init", "payload": {} }).to_string(),
            ))
            .await
            .expect("send");
        assert_eq!(
            receive(&mut legacy, DELIVERY)
                .await
                .map(|m| m["type"].clone()),
            Some(json!("connection_ack"))
        );
        legacy
            .send(Message::text(
                json!({ "id": "a", "type": "start", "payload": {
                    "query": "subscription { datasetChanged { cause } }"
                } })
                .to_string(),
            ))
            .await
            .expect("send");
        // Both subscriptions are in place before the write: a round trip on each connection.
        tokio::time::sleep(Duration::from_millis(200)).await;
        write(
            &app,
            CREATE,
            json!({ "code": "QF", "name": "Socketland", "sources": ["AA-2018"] }),
        )
        .await;
        assert_eq!(
            receive(&mut modern, DELIVERY).await,
            Some(json!({ "id": "1", "type": "next", "payload": { "data": {
                "recordChanged": { "operation": "CREATED", "record": { "code": "QF" } }
            } } }))
        );
        assert_eq!(
            receive(&mut legacy, DELIVERY).await,
            Some(json!({ "id": "a", "type": "data", "payload": { "data": {
                "datasetChanged": { "cause": "MUTATION" }
            } } }))
        );
        // The client ends its subscription; the server confirms (graphql-ws) or just stops.
        legacy
            .send(Message::text(
                json!({ "id": "a", "type": "stop" }).to_string(),
            ))
            .await
            .expect("send");
        assert_eq!(
            receive(&mut legacy, DELIVERY).await,
            Some(json!({ "id": "a", "type": "complete" }))
        );
        modern
            .send(Message::text(
                json!({ "id": "1", "type": "complete" }).to_string(),
            ))
            .await
            .expect("send");
        write(
            &app,
            CREATE,
            json!({ "code": "QG", "name": "Later", "sources": ["AA-2018"] }),
        )
        .await;
        let after = receive(&mut modern, QUIET).await;
        assert!(
            after.is_none() || after.as_ref().is_some_and(|m| m["type"] == "complete"),
            "nothing after complete: {after:?}"
        );
    }
);

/// Settings with small limits of live connections.
fn tight_settings() -> foc_graph::http::Settings {
    let mut settings = curator_settings();
    settings.subscriptions.max_connections = 3;
    settings.subscriptions.max_per_connection = 2;
    settings.subscriptions.init_timeout = Duration::from_millis(300);
    settings.subscriptions.keepalive = Duration::from_millis(200);
    settings
}

on_both_backends!(
    the_limits_of_live_connections_hold,
    tight_settings(),
    |app| {
        // A connection that does not initialise in time is closed with the protocol's code.
        let mut idle = websocket(&app, "graphql-transport-ws").await;
        let closed = receive(&mut idle, Duration::from_secs(3)).await;
        assert_eq!(
            closed,
            Some(json!({ "closed": [4408, "Connection initialisation timeout"] }))
        );

        // Keep-alive pings reach an initialised connection that is otherwise quiet.
        let mut socket = websocket(&app, "graphql-transport-ws").await;
        socket
            .send(Message::text(
                json!({ "type": "connection_init" }).to_string(),
            ))
            .await
            .expect("send");
        assert_eq!(
            receive(&mut socket, DELIVERY).await,
            Some(json!({ "type": "connection_ack" }))
        );
        let pinged = tokio::time::timeout(Duration::from_secs(2), async {
            while let Some(Ok(message)) = socket.next().await {
                if matches!(message, Message::Ping(_)) {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(pinged, Ok(true), "a keep-alive ping within two intervals");

        // Two subscriptions per connection; a third is refused with the limit, and the two
        // keep working.
        for id in ["1", "2", "3"] {
            // The third arrives once the first two are in place.
            if id == "3" {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            socket
                .send(Message::text(
                    json!({ "id": id, "type": "subscribe", "payload": {
                        "query": "subscription { datasetChanged { version } }"
                    } })
                    .to_string(),
                ))
                .await
                .expect("send");
        }
        let refused = receive(&mut socket, DELIVERY).await.expect("an answer");
        assert_eq!(refused["id"], "3", "{refused}");
        let error = if refused["type"] == "error" {
            refused["payload"][0].clone()
        } else {
            refused["payload"]["errors"][0].clone()
        };
        assert_eq!(error["extensions"]["code"], "LIMIT_EXCEEDED", "{refused}");
        assert!(
            error["message"]
                .as_str()
                .unwrap_or("")
                .contains("at most 2 subscriptions"),
            "{refused}"
        );

        // Three connections at most: with the socket and two event streams open, a fourth
        // connection is turned away, and is let in once one closes.
        let first = Events::open(&app, DATASET_CHANGED, json!({})).await;
        let _second = Events::open(&app, DATASET_CHANGED, json!({})).await;
        let refused = app
            .client
            .post(format!("{}/graphql", app.url))
            .header("accept", "text/event-stream")
            .json(&json!({ "query": DATASET_CHANGED }))
            .send()
            .await
            .expect("send");
        assert_eq!(refused.status(), 503);
        assert!(refused.headers().contains_key("retry-after"));
        drop(first);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let status = app
                .client
                .post(format!("{}/graphql", app.url))
                .header("accept", "text/event-stream")
                .json(&json!({ "query": "{ __typename }" }))
                .send()
                .await
                .expect("send")
                .status();
            if status == 200 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the place was never freed"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Queries work over a socket too, and ordinary requests were never limited.
        assert_eq!(
            app.query("{ __typename }").await.data()["__typename"],
            "Query"
        );
    }
);

on_both_backends!(
    hostile_documents_over_a_websocket_are_refused_and_the_server_stays_up,
    curator_settings(),
    |app| {
        let mut socket = websocket(&app, "graphql-transport-ws").await;
        socket
            .send(Message::text(
                json!({ "type": "connection_init" }).to_string(),
            ))
            .await
            .expect("send");
        receive(&mut socket, DELIVERY).await;
        let deep_selection = format!(
            "subscription {{ datasetChanged {} version {} }}",
            "{ records ".repeat(5_000),
            "}".repeat(5_000)
        );
        let deep_list = format!(
            "subscription {{ recordChanged(ids: {}\"x\"{}) {{ id }} }}",
            "[".repeat(5_000),
            "]".repeat(5_000)
        );
        let many_aliases = format!(
            "subscription {{ datasetChanged {{ {} }} }}",
            (0..5_000)
                .map(|i| format!("a{i}: version"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        for (id, query) in [("1", deep_selection), ("2", deep_list), ("3", many_aliases)] {
            socket
                .send(Message::text(
                    json!({ "id": id, "type": "subscribe", "payload": { "query": query } })
                        .to_string(),
                ))
                .await
                .expect("send");
            // The refusal, then the end of that subscription.
            let answer = receive(&mut socket, Duration::from_secs(5))
                .await
                .expect("an answer");
            assert_eq!(answer["id"], id);
            assert_eq!(
                answer["payload"]["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
                "refused by a limit: {answer:.300}"
            );
            assert_eq!(
                receive(&mut socket, DELIVERY).await,
                Some(json!({ "id": id, "type": "complete" }))
            );
        }
        assert_eq!(
            app.query("{ __typename }").await.data()["__typename"],
            "Query"
        );
    }
);
