//! Search across states, conferences, documents, organizations, people and commitments,
//! ignoring case and accents on every database.

use async_graphql::{Context, Object, SimpleObject, Union};
use entity::enums::RecordKind;
use entity::search_entry;
use sea_orm::sea_query::{CaseStatement, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::commitment::Commitment;
use super::conference::Conference;
use super::document::Document;
use super::error::{ApiError, ApiResult, OrGraphql};
use super::list::Db;
use super::node::{Node, load_keys, type_of};
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
        // Results by kind in the order the field's description gives, commitments last.
        let first_kinds = [
            RecordKind::State,
            RecordKind::Conference,
            RecordKind::Document,
            RecordKind::Organization,
            RecordKind::Person,
        ];
        let kind_order = first_kinds
            .into_iter()
            .zip(0..)
            .fold(CaseStatement::new(), |order, (kind, n)| {
                order.case(search_entry::Column::RecordKind.eq(kind), n)
            })
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
        let keys: Vec<_> = hits
            .iter()
            .filter_map(|hit| Some((type_of(hit.record_kind)?, hit.record_id)))
            .collect();
        let found = load_keys(ctx, &keys).await?;
        Ok(hits
            .into_iter()
            .filter_map(|hit| {
                let node = match found
                    .get(&(type_of(hit.record_kind)?, hit.record_id))?
                    .clone()
                {
                    Node::State(n) => SearchNode::State(n),
                    Node::Conference(n) => SearchNode::Conference(n),
                    Node::Document(n) => SearchNode::Document(n),
                    Node::Organization(n) => SearchNode::Organization(n),
                    Node::Person(n) => SearchNode::Person(n),
                    Node::Commitment(n) => SearchNode::Commitment(n),
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
