//! Documents: declarations, terms of reference, agendas and statements.

use async_graphql::{Context, ID, Object};
use entity::enums::{DocumentKind, RecordKind};
use entity::{commitment, conference, document, source};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};

use super::commitment::{COMMITMENT_ORDER, Commitment, CommitmentFilter, CommitmentOrderField};
use super::conference::{Conference, ConferenceFilter};
use super::connection::{Connection, PageArgs};
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::filter::{
    DateFilter, DocumentKindFilter, ListFilter, Path, StringFilter, filter_impl, list_query,
};
use super::loader::Loaded;
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::source::{SOURCE_ORDER, Source, SourceFilter, SourceOrderField, cited_by};

/// A Coalition document.
pub struct Document(pub Loaded<document::Model>);

/// A Coalition document: a declaration, terms of reference, an agenda or a statement.
#[Object]
impl Document {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Document", self.0.id)
    }

    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What kind of document it is.
    async fn kind(&self) -> DocumentKind {
        self.0.kind
    }

    /// When it was adopted.
    async fn adopted(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "adopted").map(Into::into)
    }

    /// The conference it was adopted at, if any.
    async fn conference(&self, ctx: &Context<'_>) -> ApiResult<Option<Conference>> {
        Ok(self
            .0
            .related::<conference::Entity>(ctx, |m| m.conference_id, "conference_id")
            .await?
            .map(Conference))
    }

    /// What the sources add.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The commitments the document sets out.
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<CommitmentFilter>,
        #[graphql(desc = "Sort keys, in order; principles first when left out.")] order_by: Option<
            Vec<OrderBy<CommitmentOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Commitment>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<commitment::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            COMMITMENT_ORDER,
        );
        let rows = self
            .0
            .children::<commitment::Entity>(ctx, "document_id", &query)
            .await?;
        Ok(Connection::from_nodes(
            rows.into_iter().map(Commitment).collect(),
            &args,
        ))
    }

    /// The sources of this record.
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<SourceFilter>,
        #[graphql(desc = "Sort keys, in order; by key when left out.")] order_by: Option<
            Vec<OrderBy<SourceOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Source>> {
        let query =
            list_query::<source::Entity, _, _>(filter.as_ref(), order_by.as_deref(), SOURCE_ORDER);
        cited_by(
            ctx,
            &self.0,
            RecordKind::Document,
            &query,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// Root fields for documents.
#[derive(Default)]
pub struct DocumentQuery;

#[Object]
impl DocumentQuery {
    /// Documents, oldest first.
    async fn documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only documents of this kind.")] kind: Option<DocumentKind>,
        #[graphql(desc = "Only items matching this filter.")] filter: Option<DocumentFilter>,
        #[graphql(desc = "Sort keys, in order; by adoption date when left out.")] order_by: Option<
            Vec<OrderBy<DocumentOrderField>>,
        >,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Document>> {
        let args = PageArgs::new(after, before, first, last)?;
        let query = list_query::<document::Entity, _, _>(
            filter.as_ref(),
            order_by.as_deref(),
            DOCUMENT_ORDER,
        );
        let select = document::Entity::find()
            .apply_if(kind, |s, kind| s.filter(document::Column::Kind.eq(kind)));
        Connection::from_query(ctx, select, &query, &args, Document).await
    }
}

/// Conditions on documents; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct DocumentFilter {
    /// Its title.
    title: Option<StringFilter>,
    /// What kind of document it is.
    kind: Option<DocumentKindFilter>,
    /// The earliest day it can have been adopted.
    adopted_earliest: Option<DateFilter>,
    /// The latest day it can have been adopted.
    adopted_latest: Option<DateFilter>,
    /// The conference it was adopted at.
    conference: Option<Box<ConferenceFilter>>,
    /// The commitments it sets out.
    commitments: Option<ListFilter<CommitmentFilter>>,
    /// The sources of the document.
    sources: Option<ListFilter<SourceFilter>>,
    /// All of these hold.
    and: Option<Vec<DocumentFilter>>,
    /// At least one of these holds.
    or: Option<Vec<DocumentFilter>>,
    /// This does not hold.
    not: Option<Box<DocumentFilter>>,
}

filter_impl!(DocumentFilter {
    fields { title: "title", kind: "kind", adopted_earliest: "adopted_earliest", adopted_latest: "adopted_latest" }
    lists {
        commitments: Path::Children { table: "commitments", foreign_key: "document_id" },
        sources: Path::Citations { kind: RecordKind::Document },
    }
    parents { conference: Path::Parent { table: "conferences", foreign_key: "conference_id" } }
});

/// Fields documents can be sorted by.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentOrderField {
    /// The earliest day it can have been adopted.
    Adopted,
    /// Its title.
    Title,
    /// Its kind.
    Kind,
}

impl OrderField for DocumentOrderField {
    fn column(self) -> &'static str {
        match self {
            Self::Adopted => "adopted_earliest",
            Self::Title => "title",
            Self::Kind => "kind",
        }
    }
}

/// Documents sort by adoption date unless asked otherwise.
pub const DOCUMENT_ORDER: &[(DocumentOrderField, OrderDirection)] =
    &[(DocumentOrderField::Adopted, OrderDirection::Asc)];
