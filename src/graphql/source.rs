//! Sources: the publications every record cites, and the records that cite each of them.

use async_graphql::{Context, ID, Object};
use entity::enums::RecordKind;
use entity::{
    chairship, citation, claim, coalition, commitment, conference, document, endorsement, funding,
    initiative, membership, organization, person, source, state,
};
use sea_orm::{EntityTrait, QueryOrder};

use super::connection::{Connection, PageArgs};
use super::dates::{DateInterval, read_date};
use super::error::ApiResult;
use super::loader::{children, many, sources_of};
use super::node::{Node, global_id};

/// A page of the sources a record cites.
pub async fn cited_by(ctx: &Context<'_>, kind: RecordKind, id: i32, args: PageArgs) -> ApiResult<Connection<Source>> {
    let rows = sources_of(ctx, kind, id).await?;
    Ok(Connection::from_nodes(rows.into_iter().map(Source).collect(), &args))
}

/// A publication records cite.
pub struct Source(pub source::Model);

/// A publication records cite: a fact sheet, a ministry's page, a press release.
#[Object]
impl Source {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Source", self.0.id)
    }

    /// A short key the dataset uses for it, e.g. `FS2014`.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Who published it.
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }

    /// When it was published.
    async fn published(&self) -> Option<DateInterval> {
        read_date(&self.0, "published").map(Into::into)
    }

    /// Where it can be read.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// What the dataset adds about it.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The records that cite this source.
    async fn cited_by(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Node>> {
        let args = PageArgs::new(after, before, first, last)?;
        let citations = children::<citation::Entity>(ctx, "source_id", self.0.id).await?;
        let ids = |kind: RecordKind| {
            citations.iter().filter(move |c| c.record_kind == kind).map(|c| c.record_id).collect::<Vec<_>>()
        };
        // One batched load per kind of record, all at once.
        let (coalitions, states, memberships, conferences, chairships, documents, commitments) = tokio::try_join!(
            many::<coalition::Entity>(ctx, ids(RecordKind::Coalition)),
            many::<state::Entity>(ctx, ids(RecordKind::State)),
            many::<membership::Entity>(ctx, ids(RecordKind::Membership)),
            many::<conference::Entity>(ctx, ids(RecordKind::Conference)),
            many::<chairship::Entity>(ctx, ids(RecordKind::Chairship)),
            many::<document::Entity>(ctx, ids(RecordKind::Document)),
            many::<commitment::Entity>(ctx, ids(RecordKind::Commitment)),
        )?;
        let (endorsements, organizations, initiatives, fundings, people, claims) = tokio::try_join!(
            many::<endorsement::Entity>(ctx, ids(RecordKind::Endorsement)),
            many::<organization::Entity>(ctx, ids(RecordKind::Organization)),
            many::<initiative::Entity>(ctx, ids(RecordKind::Initiative)),
            many::<funding::Entity>(ctx, ids(RecordKind::Funding)),
            many::<person::Entity>(ctx, ids(RecordKind::Person)),
            many::<claim::Entity>(ctx, ids(RecordKind::Claim)),
        )?;
        use super::{chairship::Chairship, claim::Claim, coalition::Coalition, commitment::{Commitment, Endorsement}, conference::Conference, document::Document, funding::Funding, initiative::Initiative, membership::Membership, organization::Organization, person::Person, state::State};
        let nodes: Vec<Node> = coalitions.into_iter().map(|m| Node::Coalition(Coalition(m)))
            .chain(states.into_iter().map(|m| Node::State(State(m))))
            .chain(memberships.into_iter().map(|m| Node::Membership(Membership(m))))
            .chain(conferences.into_iter().map(|m| Node::Conference(Conference(m))))
            .chain(chairships.into_iter().map(|m| Node::Chairship(Chairship(m))))
            .chain(documents.into_iter().map(|m| Node::Document(Document(m))))
            .chain(commitments.into_iter().map(|m| Node::Commitment(Commitment(m))))
            .chain(endorsements.into_iter().map(|m| Node::Endorsement(Endorsement(m))))
            .chain(organizations.into_iter().map(|m| Node::Organization(Organization(m))))
            .chain(initiatives.into_iter().map(|m| Node::Initiative(Initiative(m))))
            .chain(fundings.into_iter().map(|m| Node::Funding(Funding(m))))
            .chain(people.into_iter().map(|m| Node::Person(Person(m))))
            .chain(claims.into_iter().map(|m| Node::Claim(Claim(m))))
            .collect();
        Ok(Connection::from_nodes(nodes, &args))
    }
}

/// Root fields for sources.
#[derive(Default)]
pub struct SourceQuery;

#[Object]
impl SourceQuery {
    /// The sources, by key.
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
        #[graphql(desc = "Return the first n items (1 to 100).")] first: Option<i32>,
        #[graphql(desc = "Return the last n items (1 to 100).")] last: Option<i32>,
    ) -> ApiResult<Connection<Source>> {
        let args = PageArgs::new(after, before, first, last)?;
        let select = source::Entity::find().order_by_asc(source::Column::Key);
        Connection::from_select(ctx, select, &args, Source).await
    }
}
