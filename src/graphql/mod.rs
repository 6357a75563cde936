//! The GraphQL API: one module per domain concept (its object type and root fields), plus the
//! shared machinery: connections, batched loaders, global ids, dates and errors.

// A resolver's parameters are its GraphQL arguments; list fields have four for paging alone.
#![allow(clippy::too_many_arguments)]

pub mod chairship;
pub mod change;
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
pub mod plan;
pub mod response_order;
pub mod search;
pub mod source;
pub mod state;
pub mod timeline;

use std::sync::Arc;

use async_graphql::{MergedObject, Schema};

use crate::changes::Feed;

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
    source::curation::SourceMutation,
    state::curation::StateMutation,
    membership::curation::MembershipMutation,
    conference::curation::ConferenceMutation,
    chairship::curation::ChairshipMutation,
    document::curation::DocumentMutation,
    commitment::curation::CommitmentMutation,
    organization::curation::OrganizationMutation,
    funding::curation::FundingMutation,
    person::curation::PersonMutation,
);

// The node types: what `node(id:)` loads and global ids name (`node.rs` has the machinery).
use self::{
    chairship::Chairship, claim::Claim, coalition::Coalition, commitment::Commitment,
    commitment::Endorsement, conference::Conference, document::Document, funding::Funding,
    initiative::Initiative, membership::Membership, organization::Organization, person::Person,
    source::Source, state::State,
};

node::nodes! {
    /// The Coalition.
    Coalition(coalition) = |row| Coalition(row, None);
    /// A state.
    State(state);
    /// A membership.
    Membership(membership);
    /// A conference.
    Conference(conference);
    /// A chairship.
    Chairship(chairship);
    /// A document.
    Document(document);
    /// A commitment.
    Commitment(commitment);
    /// An endorsement.
    Endorsement(endorsement);
    /// An organization.
    Organization(organization);
    /// An initiative.
    Initiative(initiative);
    /// A funding.
    Funding(funding);
    /// A person.
    Person(person);
    /// A source.
    Source(source);
    /// A claim.
    Claim(claim);
}

/// The schema type.
pub type FocSchema = Schema<QueryRoot, MutationRoot, change::SubscriptionRoot>;

/// What the schema's resolvers share beyond each request's own data.
#[derive(Clone)]
pub struct Shared {
    /// The token that authorizes writes; none disables them.
    pub admin_token: curation::AdminToken,
    /// Whether writes must wait for each other (SQLite has one writer).
    pub write_gate: curation::WriteGate,
    /// The change feed: committed writes are announced to it, subscribers read it.
    pub feed: Arc<Feed>,
    /// Whether root list fields are planned.
    pub planner: plan::PlannerMode,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            admin_token: curation::AdminToken::default(),
            write_gate: curation::WriteGate::default(),
            feed: Feed::new(1, crate::changes::Mode::InProcess),
            planner: plan::PlannerMode::default(),
        }
    }
}

/// Builds the schema with its query limits and what its resolvers share.
/// Each request brings its own database handle and loader (see `loader::Db`); whole
/// responses are cached by the HTTP layer, until the next write.
///
/// The schema refuses a query over the depth or cost limit without naming the value; the
/// caller checks field and alias counts (`Limits::check_document`) and words refusals with
/// `explaining_schema` (see `limits`).
pub fn schema(limits: limits::Limits, shared: Shared) -> FocSchema {
    with_shared(limits, shared).finish()
}

/// The same schema checking the query limits itself, before parsing and after validation:
/// for subscriptions, whose documents arrive over WebSocket or Server-Sent Events rather
/// than through the checks of the GraphQL endpoint. (Kept off the main schema: an
/// extension costs every field of every query a little.)
pub fn checking_schema(limits: limits::Limits, shared: Shared) -> FocSchema {
    with_shared(limits, shared).extension(limits).finish()
}

fn with_shared(
    limits: limits::Limits,
    shared: Shared,
) -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, change::SubscriptionRoot> {
    builder()
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_cost)
        .data(shared.admin_token)
        .data(shared.write_gate)
        .data(shared.feed)
        .data(shared.planner)
}

/// The schema that words a refusal by the query limits: it runs nothing past validation
/// for a query over a limit, and holds no data, so it cannot answer any other query.
pub fn explaining_schema(limits: limits::Limits) -> FocSchema {
    builder().extension(limits).finish()
}

/// The schema's types, before its settings and data.
fn builder() -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, change::SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        change::SubscriptionRoot,
    )
}

/// The schema in SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    schema(limits::Limits::default(), Shared::default()).sdl()
}

/// The steps of adding a record type (README, "How it is built"), checked on the schema: a
/// type that misses one fails here.
#[cfg(test)]
mod checklist {
    use std::collections::BTreeSet;

    use entity::enums::RecordKind;
    use sea_orm::Iterable;

    /// Names of the schema's types of one kind (`type`, `input`, `enum`), with their
    /// first line.
    fn types(sdl: &str, kind: &str) -> Vec<(String, String)> {
        sdl.lines()
            .filter_map(|line| {
                let rest = line.strip_prefix(kind)?.strip_prefix(' ')?;
                let name = rest.split([' ', '{']).next()?.to_owned();
                Some((name, line.to_owned()))
            })
            .collect()
    }

    #[test]
    fn every_record_type_is_reachable_listable_filterable_and_cited() {
        let sdl = super::sdl();
        let objects = types(&sdl, "type");
        let inputs: BTreeSet<String> = types(&sdl, "input").into_iter().map(|t| t.0).collect();
        let enums: BTreeSet<String> = types(&sdl, "enum").into_iter().map(|t| t.0).collect();
        let nodes: BTreeSet<String> = objects
            .iter()
            .filter(|(_, line)| line.contains("implements Node"))
            .map(|(name, _)| name.clone())
            .collect();
        let kinds: BTreeSet<String> = super::node::KINDS.iter().map(|k| k.to_string()).collect();
        // Registered for node(id:), and nothing registered that is not a node.
        assert_eq!(nodes, kinds);
        assert!(nodes.len() >= 14, "{nodes:?}");
        // The schema without its root fields: what relationships lead to.
        let query = sdl.find("type Query {").unwrap_or(sdl.len());
        let query_end = sdl[query..]
            .find("\n}")
            .map_or(sdl.len(), |end| query + end);
        let related = format!("{}{}", &sdl[..query], &sdl[query_end..]);
        for name in &nodes {
            // Listed anywhere: it filters and sorts.
            if objects
                .iter()
                .any(|(t, _)| *t == format!("{name}Connection"))
            {
                assert!(
                    inputs.contains(&format!("{name}Filter")),
                    "{name} has no filter"
                );
                let order = format!("{name}OrderField");
                assert!(enums.contains(&order), "{name} has no {order}");
            }
            // Listed by a relationship: filters reach it with some/every/none.
            if related.contains(&format!(": {name}Connection!")) {
                let list = format!("{name}ListFilter");
                assert!(
                    inputs.contains(&list),
                    "{name} is related but has no {list}"
                );
            }
        }
        // Every kind of record that cites sources is a node, and gives its sources.
        for kind in RecordKind::iter() {
            let name = super::node::type_of(kind).unwrap_or_default();
            let body = sdl
                .split(&format!("type {name} implements Node"))
                .nth(1)
                .and_then(|rest| rest.split("\n}").next())
                .unwrap_or_default();
            assert!(body.contains("\tsources("), "{kind:?} gives no sources");
        }
    }
}
