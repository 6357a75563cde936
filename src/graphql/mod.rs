//! The GraphQL API: one module per domain concept (its object type and root fields), plus the
//! shared machinery: connections, batched loaders, global ids, dates and errors.

// A resolver's parameters are its GraphQL arguments; list fields have four for paging alone.
#![allow(clippy::too_many_arguments)]

pub mod aggregate;
pub mod chairship;
pub mod claim;
pub mod coalition;
pub mod commitment;
pub mod conference;
pub mod connection;
pub mod dates;
pub mod document;
pub mod error;
pub mod filter;
pub mod funding;
pub mod initiative;
pub mod limits;
pub mod loader;
pub mod membership;
pub mod node;
pub mod order;
pub mod organization;
pub mod person;
pub mod search;
pub mod source;
pub mod state;

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema};

/// The query root: every concept's root fields.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    coalition::CoalitionQuery,
    state::StateQuery,
    membership::MembershipQuery,
    conference::ConferenceQuery,
    chairship::ChairshipQuery,
    commitment::CommitmentQuery,
    document::DocumentQuery,
    initiative::InitiativeQuery,
    organization::OrganizationQuery,
    funding::FundingQuery,
    person::PersonQuery,
    source::SourceQuery,
    claim::ClaimQuery,
    search::SearchQuery,
    node::NodeQuery,
);

/// The schema type.
pub type FocSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Builds the schema with its query limits. Each request brings its own database handle
/// and loader (see `loader::Db`), so nothing is cached across requests.
pub fn schema(limits: limits::Limits) -> FocSchema {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .extension(limits)
        .finish()
}

/// The schema in SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    schema(limits::Limits::default()).sdl()
}
