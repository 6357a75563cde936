//! Documents: declarations, terms of reference, agendas and statements.

pub mod curation;

use async_graphql::{Context, ID};
use entity::enums::DocumentKind;
use std::collections::HashMap;
use std::sync::Arc;

use entity::{chairship, document};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType};
use sea_orm::{ConnectionTrait, FromQueryResult};
use sea_orm::{EntityTrait, QueryTrait};

use super::chairship::{Chairship, possibly_between};
use super::commitment::Commitment;
use super::conference::Conference;
use super::error::{ApiResult, OrGraphql};
use super::fields::object;
use super::fields::rows_where;
use super::list::{Connection, PageArgs};
use super::list::{Db, Loaded, group};
use super::source::Source;

/// A Coalition document.
#[derive(Clone)]
pub struct Document(pub Loaded<document::Model>);

object! {
/// A Coalition document: a declaration, terms of reference, an agenda or a statement.
impl Document {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// Short stable key: curation inputs and the data file refer to the document by it.
    key: &str,
    /// Its title.
    title: &str [filter StringFilter, order Title],
    /// What kind of document it is.
    kind: DocumentKind [filter DocumentKindFilter, order Kind, group Kind],
    /// What the sources add.
    note: Option<&str>,
}
dates {
    /// When it was adopted.
    adopted [
        filter adopted_earliest adopted_latest,
        order Adopted,
        group Year year,
        earliest earliest_adopted,
        latest latest_adopted
    ],
}
parents {
    /// The conference it was adopted at, if any.
    conference: Conference = entity::document::CONFERENCE;
}
paged {
    /// The chairships that may have been in force when it was adopted (periods that overlap
    /// its adoption date; the sources give many periods only to a year).
    chairships_at_adoption() -> Chairship = Self::chairships_at_adoption_page;
}
lists {
    /// The commitments the document sets out.
    commitments: Commitment = entity::commitment::DOCUMENT;
}
cited Document;

record document, "documents",
    by [Adopted Asc] "Sort keys, in order; by adoption date when left out.";
}

impl Document {
    /// The page of `chairships_at_adoption`.
    async fn chairships_at_adoption_page(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> ApiResult<Connection<Chairship>> {
        let (id, ids, shared) = self.0.group_scope();
        let db = ctx.data::<Db>()?;
        // One statement for every document of the group.
        let by_document: Arc<HashMap<i32, Vec<chairship::Model>>> = shared
            .get_or_load("chairships_at_adoption".to_owned(), async {
                let (c, d) = (Alias::new("chairships"), Alias::new("adopted_doc"));
                let col = |t: &Alias, name: &str| Expr::col((t.clone(), Alias::new(name)));
                let mut select = chairship::Entity::find().into_query();
                select
                    .join_as(
                        JoinType::InnerJoin,
                        Alias::new("documents"),
                        d.clone(),
                        possibly_between(
                            &c,
                            col(&d, "adopted_earliest"),
                            col(&d, "adopted_latest"),
                        ),
                    )
                    .and_where(col(&d, "id").is_in(ids))
                    .and_where(col(&d, "adopted_earliest").is_not_null())
                    .expr_as(col(&d, "id"), Alias::new("agg_document"))
                    .order_by_expr(col(&c, "start_earliest"), sea_orm::Order::Asc)
                    .order_by_expr(col(&c, "id"), sea_orm::Order::Asc);
                let rows = db.conn.query_all(&select).await.or_gql()?;
                let mut map: HashMap<i32, Vec<chairship::Model>> = HashMap::new();
                for row in rows {
                    let document: i32 = row.try_get("", "agg_document").or_gql()?;
                    map.entry(document)
                        .or_default()
                        .push(chairship::Model::from_query_result(&row, "").or_gql()?);
                }
                Ok(map)
            })
            .await?;
        let rows = id
            .and_then(|id| by_document.get(&id).cloned())
            .unwrap_or_default();
        Ok(Connection::from_nodes(
            group(rows).into_iter().map(Chairship).collect(),
            &args,
        ))
    }
}

object! {
/// Root fields for documents.
query DocumentQuery;
roots {
    /// Documents, oldest first.
    documents(#[graphql(desc = "Only documents of this kind.")] kind: Option<DocumentKind>)
        -> Document = |_| rows_where(document::Column::Kind, kind);
}
}
