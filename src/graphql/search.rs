//! Search across states, conferences, documents, organizations, people and commitments,
//! ignoring case and accents on every database.

use async_graphql::{Context, Object, SimpleObject, Union};
use entity::enums::RecordKind;
use entity::{commitment, conference, document, organization, person, search_entry, state};
use sea_orm::sea_query::{ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::commitment::Commitment;
use super::conference::Conference;
use super::document::Document;
use super::error::{ApiError, ApiResult, OrGraphql};
use super::list::{Db, by_ids};
use super::organization::Organization;
use super::person::Person;
use super::state::State;
use crate::search::fold;

/// A record search can find.
#[derive(Union)]
pub enum SearchNode {
    /// A state.
    State(State),
    /// A conference.
    Conference(Conference),
    /// A document.
    Document(Document),
    /// An organization.
    Organization(Organization),
    /// A person.
    Person(Person),
    /// A commitment.
    Commitment(Commitment),
}

/// A record that matched, and where.
#[derive(SimpleObject)]
pub struct SearchResult {
    /// The record.
    node: SearchNode,
    /// The field whose text matched, e.g. `city`.
    field: String,
    /// That field's text.
    text: String,
}

/// The longest search text accepted.
const MAX_TEXT: usize = 200;

/// Root field for search.
#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Records whose name, title, city, venue, theme, code, subregion or description contains
    /// the text, ignoring case and accents ("san jose" finds San José). One result per
    /// matching field, states first, then conferences, documents, organizations, people and
    /// commitments.
    #[graphql(
        complexity = "crate::graphql::limits::count_cost(usize::try_from(first).unwrap_or(0), child_complexity)"
    )]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The text to find (1 to 200 characters).")] text: String,
        #[graphql(desc = "How many results at most (1 to 100).", default = 20)] first: i32,
    ) -> ApiResult<Vec<SearchResult>> {
        let folded = fold(&text);
        if folded.is_empty() || text.chars().count() > MAX_TEXT {
            return Err(ApiError::invalid(
                "text",
                format!("give 1 to {MAX_TEXT} characters to search for"),
            ))
            .or_gql();
        }
        if !(1..=100).contains(&first) {
            return Err(ApiError::invalid(
                "first",
                format!("{first} is out of range: ask for between 1 and 100 results"),
            ))
            .or_gql();
        }
        let pattern = format!(
            "%{}%",
            folded
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let db = ctx.data::<Db>()?;
        let kind_order = sea_orm::sea_query::Expr::case(
            search_entry::Column::RecordKind.eq(RecordKind::State),
            0,
        )
        .case(
            search_entry::Column::RecordKind.eq(RecordKind::Conference),
            1,
        )
        .case(search_entry::Column::RecordKind.eq(RecordKind::Document), 2)
        .case(
            search_entry::Column::RecordKind.eq(RecordKind::Organization),
            3,
        )
        .case(search_entry::Column::RecordKind.eq(RecordKind::Person), 4)
        .finally(5);
        let hits = search_entry::Entity::find()
            .filter(
                sea_orm::sea_query::Expr::col(search_entry::Column::Folded)
                    .like(LikeExpr::new(pattern).escape('\\')),
            )
            .order_by_asc(Into::<sea_orm::sea_query::Expr>::into(kind_order))
            .order_by_asc(search_entry::Column::RecordId)
            .order_by_asc(search_entry::Column::Field)
            .limit(first as u64)
            .all(&db.conn)
            .await
            .or_gql()?;
        let ids = |kind: RecordKind| {
            hits.iter()
                .filter(|h| h.record_kind == kind)
                .map(|h| h.record_id)
                .collect::<Vec<_>>()
        };
        let wanted: Vec<Vec<i32>> = [
            RecordKind::State,
            RecordKind::Conference,
            RecordKind::Document,
            RecordKind::Organization,
            RecordKind::Person,
            RecordKind::Commitment,
        ]
        .into_iter()
        .map(ids)
        .collect();
        let (states, conferences, documents, organizations, people, commitments) = tokio::try_join!(
            by_ids::<state::Entity>(ctx, &wanted[0]),
            by_ids::<conference::Entity>(ctx, &wanted[1]),
            by_ids::<document::Entity>(ctx, &wanted[2]),
            by_ids::<organization::Entity>(ctx, &wanted[3]),
            by_ids::<person::Entity>(ctx, &wanted[4]),
            by_ids::<commitment::Entity>(ctx, &wanted[5]),
        )?;
        Ok(hits
            .into_iter()
            .filter_map(|hit| {
                let id = hit.record_id;
                let node = match hit.record_kind {
                    RecordKind::State => SearchNode::State(State(states.get(&id)?.clone())),
                    RecordKind::Conference => {
                        SearchNode::Conference(Conference(conferences.get(&id)?.clone()))
                    }
                    RecordKind::Document => {
                        SearchNode::Document(Document(documents.get(&id)?.clone()))
                    }
                    RecordKind::Organization => {
                        SearchNode::Organization(Organization(organizations.get(&id)?.clone()))
                    }
                    RecordKind::Person => SearchNode::Person(Person(people.get(&id)?.clone())),
                    RecordKind::Commitment => {
                        SearchNode::Commitment(Commitment(commitments.get(&id)?.clone()))
                    }
                    _ => return None,
                };
                Some(SearchResult {
                    node,
                    field: hit.field,
                    text: hit.text,
                })
            })
            .collect())
    }
}
