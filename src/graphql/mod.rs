//! The GraphQL API: one module per domain concept (its object type and root fields), plus the
//! shared machinery: connections, batched loaders, global ids, dates and errors.

// A resolver's parameters are its GraphQL arguments; list fields have four for paging alone.
#![allow(clippy::too_many_arguments)]

pub mod chairship;
pub mod claim;
pub mod coalition;
pub mod commitment;
pub mod conference;
pub mod curation;
pub mod dates;
pub mod document;
pub mod error;
pub mod fields;
pub mod filter;
pub mod funding;
pub mod initiative;
pub mod limits;
pub mod list;
pub mod membership;
pub mod model;
pub mod node;
pub mod order;
pub mod organization;
pub mod person;
pub mod response_order;
pub mod search;
pub mod source;
pub mod state;

use async_graphql::{EmptySubscription, MergedObject, Schema};

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

/// The mutation root: every concept's curation mutations. Each needs the admin token
/// (`Authorization: Bearer <token>`) and runs in one transaction.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    curation::source::SourceMutation,
    curation::state::StateMutation,
    curation::membership::MembershipMutation,
    curation::conference::ConferenceMutation,
    curation::chairship::ChairshipMutation,
    curation::document::DocumentMutation,
    curation::commitment::CommitmentMutation,
    curation::organization::OrganizationMutation,
    curation::funding::FundingMutation,
    curation::person::PersonMutation,
);

/// The schema type.
pub type FocSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Builds the schema with its query limits, the token that authorizes writes (none
/// disables them), whether writes must wait for each other (SQLite has one writer) and the
/// version counter that committed writes bump.
/// Each request brings its own database handle and loader (see `loader::Db`); whole
/// responses are cached by the HTTP layer, until the next write.
///
/// The schema refuses a query over the depth or cost limit without naming the value; the
/// caller checks field and alias counts (`Limits::check_document`) and words refusals with
/// `explaining_schema` (see `limits`).
pub fn schema(
    limits: limits::Limits,
    admin_token: curation::AdminToken,
    write_gate: curation::WriteGate,
    version: curation::DataVersion,
) -> FocSchema {
    builder()
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_cost)
        .data(admin_token)
        .data(write_gate)
        .data(version)
        .finish()
}

/// The schema that words a refusal by the query limits: it runs nothing past validation
/// for a query over a limit, and holds no data, so it cannot answer any other query.
pub fn explaining_schema(limits: limits::Limits) -> FocSchema {
    builder().extension(limits).finish()
}

/// The schema's types, before its settings and data.
fn builder() -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
}

/// The schema in SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    schema(
        limits::Limits::default(),
        curation::AdminToken::default(),
        curation::WriteGate::default(),
        curation::DataVersion::default(),
    )
    .sdl()
}
