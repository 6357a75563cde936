//! Subscriptions over WebSocket on `/graphql`: the `graphql-transport-ws` protocol and the
//! legacy `graphql-ws` one, served by async-graphql-axum's WebSocket service. Around it
//! the server adds what the protocol leaves to it: a cap on connections, the time a client
//! has to initialise its connection, and keep-alive pings that also find dead peers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::FromRequestParts;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::OwnedSemaphorePermit;

use super::AppState;
use crate::graphql::change::SubscriptionSlots;
use crate::graphql::list::Db;

/// Limits of live connections, configurable (see `config`).
#[derive(Clone, Copy, Debug)]
pub struct SubscriptionLimits {
    /// The most connections (WebSocket or Server-Sent Events) a server holds at once.
    pub max_connections: usize,
    /// The most subscriptions one WebSocket connection may hold at once.
    pub max_per_connection: usize,
    /// How long a WebSocket client has to send `connection_init`.
    pub init_timeout: Duration,
    /// How often the server pings an idle connection; a WebSocket peer that answers
    /// nothing for two of these is closed.
    pub keepalive: Duration,
    /// How many changes the server keeps for a subscriber that has not read them yet;
    /// one that falls further behind is told so and closed.
    pub buffer: usize,
}

impl Default for SubscriptionLimits {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            max_per_connection: 100,
            init_timeout: Duration::from_secs(10),
            keepalive: Duration::from_secs(15),
            buffer: 256,
        }
    }
}

/// The close code and reason the graphql-transport-ws protocol gives a connection that
/// did not initialise in time.
const INIT_TIMEOUT_CLOSE: (u16, &str) = (4408, "Connection initialisation timeout");

/// A place among the server's live connections, or the answer that there is none.
pub(super) fn connection_permit(app: &AppState) -> Result<OwnedSemaphorePermit, Box<Response>> {
    app.connections.clone().try_acquire_owned().map_err(|_| {
        Box::new(
            (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "5")],
            format!(
                "the server holds as many live connections as it allows ({}); try again later\n",
                app.subscriptions.max_connections
            ),
        )
            .into_response(),
        )
    })
}

/// Whether a request asks to upgrade to a WebSocket.
pub(super) fn is_upgrade(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// `GET /graphql` upgrading to a WebSocket.
pub(super) async fn websocket(app: AppState, request: axum::extract::Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &app).await {
        Ok(protocol) => protocol,
        Err(status) => {
            return (
                status,
                "ask for the graphql-transport-ws or graphql-ws subprotocol\n",
            )
                .into_response();
        }
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &app).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let permit = match connection_permit(&app) {
        Ok(permit) => permit,
        Err(refusal) => return *refusal,
    };
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(app, socket, protocol, permit))
}

/// Serves one connection until either side closes it.
async fn serve(
    app: AppState,
    socket: WebSocket,
    protocol: GraphQLProtocol,
    _permit: OwnedSemaphorePermit,
) {
    let limits = app.subscriptions;
    let (mut sink, stream) = socket.split();
    // Every message from the peer, pongs included, shows it is alive.
    let heard = Arc::new(std::sync::Mutex::new(tokio::time::Instant::now()));
    let heard_in = heard.clone();
    let stream = stream.inspect(move |_| {
        if let Ok(mut at) = heard_in.lock() {
            *at = tokio::time::Instant::now();
        }
    });
    // The service writes into a queue that this task drains, so the task can also ping and
    // close the socket.
    let (queue, mut queued) = tokio::sync::mpsc::channel::<Message>(16);
    let outgoing = futures_util::sink::unfold(queue, |queue, message: Message| async move {
        queue
            .send(message)
            .await
            .map(|()| queue)
            .map_err(|_| axum::Error::new("the connection is closed"))
    });
    let initialised = Arc::new(AtomicBool::new(false));
    let init_flag = initialised.clone();
    let db = Db::for_request(&app.databases.reads);
    let mut data = Data::default();
    data.insert(db.loader());
    data.insert(db);
    data.insert(SubscriptionSlots::new(limits.max_per_connection));
    let service = GraphQLWebSocket::new_with_pair(outgoing, stream, app.checking.clone(), protocol)
        .with_data(data)
        .on_connection_init(move |_payload| {
            init_flag.store(true, Ordering::Release);
            futures_util::future::ready(Ok(Data::default()))
        })
        .serve();
    let writer = async move {
        let init_deadline = tokio::time::sleep(limits.init_timeout);
        tokio::pin!(init_deadline);
        let mut ping = tokio::time::interval(limits.keepalive);
        ping.tick().await;
        loop {
            tokio::select! {
                message = queued.recv() => match message {
                    Some(message) => if sink.send(message).await.is_err() { break },
                    None => break,
                },
                _ = ping.tick() => {
                    let silent = heard.lock().map(|at| at.elapsed()).unwrap_or_default();
                    if silent > limits.keepalive * 2 {
                        let _ = sink.send(close(1001, "no answer to keep-alive pings")).await;
                        break;
                    }
                    if sink.send(Message::Ping(Default::default())).await.is_err() {
                        break;
                    }
                }
                () = &mut init_deadline, if !initialised.load(Ordering::Acquire) => {
                    let _ = sink.send(close(INIT_TIMEOUT_CLOSE.0, INIT_TIMEOUT_CLOSE.1)).await;
                    break;
                }
            }
        }
        let _ = sink.close().await;
    };
    tokio::pin!(service, writer);
    // When the service ends first, its queue closes and the writer sends what is left;
    // when the writer ends first (timeout, dead peer), the service is dropped with it.
    tokio::select! {
        () = &mut service => writer.await,
        () = &mut writer => {}
    }
}

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}
