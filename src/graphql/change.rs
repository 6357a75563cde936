//! Live changes: the `Subscription` root. Every committed write reaches subscribers as it
//! is announced (see the `changes` module), over WebSocket or Server-Sent Events.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::{ComplexObject, Context, ErrorExtensions, ID, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt, stream};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::{ApiError, ApiResult, OrGraphql};
use super::node::{Node, NodeKind, global_id, load_keys, parse_global_id};
use crate::changes::{Announcement, Cause, Feed, RecordChange};

/// The most ids one `recordChanged` subscription may name.
const MOST_IDS: usize = 100;

/// What a write did to a record.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::changes::Operation")]
pub enum ChangeOperation {
    /// The record was added.
    Created,
    /// The record's facts, links or sources changed.
    Updated,
    /// The record was deleted.
    Deleted,
}

/// What kind of write changed the dataset.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::changes::Cause")]
pub enum ChangeCause {
    /// A curation mutation.
    Mutation,
    /// An import, which replaced every record.
    Import,
    /// A seed, which added the records of a data file that were missing.
    Seed,
    /// A load of synthetic data.
    Generate,
    /// Writes this server did not hear about while its connection to the database was
    /// lost; what they changed is unknown, so refetch what you show.
    Missed,
}

/// A moment, in UTC.
#[derive(Clone, Copy)]
pub struct Timestamp(DateTime<Utc>);

/// A moment in UTC as RFC 3339 text with milliseconds, such as `2026-12-03T10:15:30.250Z`.
#[async_graphql::Scalar]
impl async_graphql::ScalarType for Timestamp {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            async_graphql::Value::String(text) => DateTime::parse_from_rfc3339(text)
                .map(|at| Self(at.with_timezone(&Utc)))
                .map_err(|_| async_graphql::InputValueError::custom("an RFC 3339 moment")),
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    }
}

/// A change to one record: what happened to it, when, and the record as it is now.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct RecordChanged {
    /// The record's type.
    kind: NodeKind,
    /// The record's global id.
    id: ID,
    /// What happened to it.
    operation: ChangeOperation,
    /// When the write committed.
    at: Timestamp,
    /// The dataset version the write committed.
    version: i64,
    /// The record's row id.
    #[graphql(skip)]
    row: i32,
}

impl RecordChanged {
    fn of(announcement: &Announcement, change: &RecordChange) -> Option<Self> {
        let kind = NodeKind::named(&change.kind)?;
        Some(Self {
            kind,
            id: global_id(kind.name(), change.id),
            operation: change.operation.into(),
            at: Timestamp(announcement.at),
            version: announcement.version,
            row: change.id,
        })
    }
}

#[ComplexObject]
impl RecordChanged {
    /// The record as it is now; null once it has been deleted.
    async fn record(&self, ctx: &Context<'_>) -> ApiResult<Option<Node>> {
        let key = (self.kind.name(), self.row);
        Ok(load_keys(ctx, &[key]).await?.remove(&key))
    }
}

/// A committed write to the dataset: its version, when, what kind of write, and the
/// records it changed.
#[derive(SimpleObject)]
pub struct DatasetChanged {
    /// The dataset version it committed: every write raises it by one, so a gap means
    /// changes this subscription did not see.
    version: i64,
    /// When it committed.
    at: Timestamp,
    /// What kind of write it was.
    cause: ChangeCause,
    /// Whether it replaced the whole dataset (an import): refetch everything.
    replaced: bool,
    /// Whether `records` names every record it changed; imports, seeds, synthetic loads
    /// and missed writes name none.
    complete: bool,
    /// The records it changed, as far as it names them.
    records: Vec<RecordChanged>,
}

impl From<Arc<Announcement>> for DatasetChanged {
    fn from(announcement: Arc<Announcement>) -> Self {
        let records = announcement.records.iter();
        Self {
            version: announcement.version,
            at: Timestamp(announcement.at),
            cause: announcement.cause.into(),
            replaced: announcement.replaced(),
            complete: announcement.cause == Cause::Mutation && !announcement.truncated,
            records: records
                .filter_map(|change| RecordChanged::of(&announcement, change))
                .collect(),
        }
    }
}

/// The subscriptions one connection holds, against the most it may hold at once.
#[derive(Clone)]
pub struct SubscriptionSlots(Arc<Semaphore>, usize);

impl SubscriptionSlots {
    /// Slots for one connection.
    pub fn new(most: usize) -> Self {
        Self(
            Arc::new(Semaphore::new(most.min(Semaphore::MAX_PERMITS))),
            most,
        )
    }

    /// One subscription's place among its connection's; freed when the subscription ends.
    fn take(&self) -> ApiResult<OwnedSemaphorePermit> {
        let taken = self.0.clone().try_acquire_owned();
        taken.map_err(|_| ApiError::TooManySubscriptions(self.1).extend())
    }
}

/// Every announcement from now on, until the subscriber falls further behind than the
/// server keeps for it: then one error, and the end.
fn announcements(
    ctx: &Context<'_>,
) -> async_graphql::Result<impl Stream<Item = ApiResult<Arc<Announcement>>>> {
    let feed = ctx.data::<Arc<Feed>>()?;
    let slot = ctx
        .data_opt::<SubscriptionSlots>()
        .map(SubscriptionSlots::take)
        .transpose()?;
    let receiver = feed.subscribe();
    Ok(stream::unfold(Some((receiver, slot)), |state| async move {
        let (mut receiver, slot) = state?;
        match receiver.recv().await {
            Ok(announcement) => Some((Ok(announcement), Some((receiver, slot)))),
            Err(RecvError::Lagged(missed)) => {
                Some((Err(ApiError::TooSlow { missed }.extend()), None))
            }
            Err(RecvError::Closed) => None,
        }
    }))
}

/// The subscription root.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Live changes, over WebSocket (`graphql-transport-ws` or `graphql-ws`) or Server-Sent
/// Events (`Accept: text/event-stream`) on `/graphql`.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Each change to a record, as its write commits: created, updated or deleted. Writes
    /// that name no records (imports, seeds, synthetic loads) reach only `datasetChanged`.
    async fn record_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only records of these types; any type when left out.")] kinds: Option<
            Vec<NodeKind>,
        >,
        #[graphql(
            desc = "Only the records with these global ids (at most 100); any when left out."
        )]
        ids: Option<Vec<ID>>,
    ) -> async_graphql::Result<impl Stream<Item = ApiResult<RecordChanged>>> {
        if ids.as_ref().is_some_and(|ids| ids.len() > MOST_IDS) {
            return Err(ApiError::invalid(
                "ids",
                format!("name at most {MOST_IDS} ids"),
            ))
            .or_gql();
        }
        let ids: Option<HashSet<(&'static str, i32)>> = ids
            .map(|ids| ids.iter().map(|id| parse_global_id(id)).collect())
            .transpose()
            .or_gql()?;
        let kinds: Option<HashSet<&'static str>> =
            kinds.map(|kinds| kinds.into_iter().map(NodeKind::name).collect());
        let wanted = move |change: &RecordChanged| {
            kinds
                .as_ref()
                .is_none_or(|k| k.contains(change.kind.name()))
                && ids
                    .as_ref()
                    .is_none_or(|ids| ids.contains(&(change.kind.name(), change.row)))
        };
        Ok(announcements(ctx)?.flat_map(move |item| {
            let changes: Vec<ApiResult<RecordChanged>> = match item {
                Ok(announcement) => announcement
                    .records
                    .iter()
                    .filter_map(|change| RecordChanged::of(&announcement, change))
                    .filter(&wanted)
                    .map(Ok)
                    .collect(),
                Err(error) => vec![Err(error)],
            };
            stream::iter(changes)
        }))
    }

    /// Each committed write, in order, with the dataset version it committed.
    async fn dataset_changed(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = ApiResult<DatasetChanged>>> {
        Ok(announcements(ctx)?.map(|item| item.map(DatasetChanged::from)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::Mode;
    use crate::graphql::{Shared, limits::Limits, schema};

    fn announcement(version: i64) -> Announcement {
        Announcement {
            version,
            at: Utc::now(),
            cause: Cause::Seed,
            records: Vec::new(),
            truncated: false,
        }
    }

    #[tokio::test]
    async fn a_subscriber_that_falls_behind_its_buffer_is_told_and_closed() {
        let feed = Feed::new(2, Mode::InProcess);
        let shared = Shared {
            feed: feed.clone(),
            ..Shared::default()
        };
        let schema = schema(Limits::default(), shared);
        let mut stream = schema.execute_stream("subscription { datasetChanged { version } }");
        // The first poll starts the subscription; nothing has changed yet.
        let waited = tokio::time::timeout(std::time::Duration::from_millis(50), stream.next());
        assert!(waited.await.is_err(), "no change yet");
        assert_eq!(feed.subscribers(), 1);
        feed.publish(announcement(1));
        let first = stream.next().await.expect("the first change");
        assert_eq!(first.data.to_string(), "{datasetChanged: {version: 1}}");
        // Five more while the subscriber reads none: more than the two kept for it.
        for version in 2..=6 {
            feed.publish(announcement(version));
        }
        let told = stream.next().await.expect("an answer");
        let message = told
            .errors
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_default();
        assert!(message.contains("fell 3 changes behind"), "{message}");
        assert!(stream.next().await.is_none(), "and the subscription ends");
        assert_eq!(feed.subscribers(), 0, "its place is freed");
    }
}
