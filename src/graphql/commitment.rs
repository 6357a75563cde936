//! Commitments (principles and areas of action) and the states' endorsements of them.

use async_graphql::{Context, ID, Object};
use entity::enums::{CommitmentKind, RecordKind};
use entity::{commitment, document, endorsement, state};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::connection::{Connection, EdgeFields, PageArgs};
use super::dates::{DateInterval, read_date};
use super::document::Document;
use super::error::ApiResult;
use super::loader::{Loaded, through};
use super::node::global_id;
use super::source::{Source, cited_by};
use super::state::State;

/// What an endorsement edge says.
pub struct EndorsementFields {
    model: Loaded<endorsement::Model>,
}

/// What an endorsement edge says.
#[Object]
impl EndorsementFields {
    /// The endorsement itself: when, with what note, on which sources.
    async fn endorsement(&self) -> Endorsement {
        Endorsement(self.model.clone())
    }
}

impl EdgeFields for EndorsementFields {
    fn label() -> &'static str {
        "Endorsement"
    }
}

impl EndorsementFields {
    /// The edge fields of one endorsement.
    pub fn new(model: Loaded<endorsement::Model>) -> Self {
        Self { model }
    }
}

/// A principle or area of action members endorse.
pub struct Commitment(pub Loaded<commitment::Model>);

/// A principle members endorse, or an area of concrete action they dedicate themselves to.
#[Object]
impl Commitment {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Commitment", self.0.id)
    }

    /// A principle or an area of action.
    async fn kind(&self) -> CommitmentKind {
        self.0.kind
    }

    /// A short title, e.g. "Freedom of expression".
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What it means, in the source's words.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Whether every member endorses it on joining.
    async fn endorsed_on_joining(&self) -> bool {
        self.0.endorsed_on_joining
    }

    /// The document that sets it out.
    async fn document(&self, ctx: &Context<'_>) -> ApiResult<Option<Document>> {
        Ok(self
            .0
            .related::<document::Entity>(ctx, |m| m.document_id, "document_id")
            .await?
            .map(Document))
    }

    /// The states that endorsed it; each edge gives the endorsement.
    async fn endorsers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<State, EndorsementFields>> {
        let args = PageArgs::new(after, before, first, last)?;
        let endorsements = self
            .0
            .children::<endorsement::Entity>(ctx, "commitment_id")
            .await?;
        let states =
            through::<_, state::Entity>(ctx, endorsements, |e| Some(e.state_id), "state").await?;
        let items = states
            .into_iter()
            .map(|(s, e)| (State(s), EndorsementFields::new(e)))
            .collect();
        Ok(Connection::from_items(items, &args))
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
            RecordKind::Commitment,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// A state's endorsement of a commitment.
pub struct Endorsement(pub Loaded<endorsement::Model>);

/// A state's endorsement of a commitment, dated by its joining where it came with membership.
#[Object]
impl Endorsement {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Endorsement", self.0.id)
    }

    /// The endorsing state.
    async fn state(&self, ctx: &Context<'_>) -> ApiResult<Option<State>> {
        Ok(self
            .0
            .related::<state::Entity>(ctx, |m| Some(m.state_id), "state_id")
            .await?
            .map(State))
    }

    /// The endorsed commitment.
    async fn commitment(&self, ctx: &Context<'_>) -> ApiResult<Option<Commitment>> {
        Ok(self
            .0
            .related::<commitment::Entity>(ctx, |m| Some(m.commitment_id), "commitment_id")
            .await?
            .map(Commitment))
    }

    /// When the state endorsed it.
    async fn endorsed(&self) -> Option<DateInterval> {
        read_date(&self.0.model, "endorsed").map(Into::into)
    }

    /// What the sources add, e.g. project aid through the Digital Defenders Partnership.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
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
            RecordKind::Endorsement,
            PageArgs::new(after, before, first, last)?,
        )
        .await
    }
}

/// Root fields for commitments.
#[derive(Default)]
pub struct CommitmentQuery;

#[Object]
impl CommitmentQuery {
    /// The commitments: principles first, then areas of action.
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only commitments of this kind.")] kind: Option<CommitmentKind>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Commitment>> {
        let args = PageArgs::new(after, before, first, last)?;
        let mut select = commitment::Entity::find()
            .order_by_desc(commitment::Column::Kind)
            .order_by_asc(commitment::Column::Id);
        if let Some(kind) = kind {
            select = select.filter(commitment::Column::Kind.eq(kind));
        }
        Connection::from_select(ctx, select, &args, Commitment).await
    }
}
