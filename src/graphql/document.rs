//! Documents: declarations, terms of reference, agendas and statements.

use async_graphql::{Context, ID, Object};
use entity::enums::{DocumentKind, RecordKind};
use entity::{commitment, conference, document};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::commitment::Commitment;
use super::conference::Conference;
use super::connection::{Connection, PageArgs};
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::loader::Loaded;
use super::node::global_id;
use super::source::{Source, cited_by};

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
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Commitment>> {
        let args = PageArgs::new(after, before, first, last)?;
        let rows = self
            .0
            .children::<commitment::Entity>(ctx, "document_id")
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
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Source>> {
        cited_by(
            ctx,
            &self.0,
            RecordKind::Document,
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
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Document>> {
        let args = PageArgs::new(after, before, first, last)?;
        let mut select = document::Entity::find()
            .order_by_asc(document::Column::AdoptedEarliest)
            .order_by_asc(document::Column::Id);
        if let Some(kind) = kind {
            select = select.filter(document::Column::Kind.eq(kind));
        }
        Connection::from_select(ctx, select, &args, Document).await
    }
}
