//! Documents: declarations, terms of reference, agendas and statements.

use async_graphql::{Context, ID, Object};
use entity::enums::{DocumentKind, RecordKind};
use std::collections::HashMap;
use std::sync::Arc;

use entity::{chairship, document};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryTrait};
use sea_orm::{Condition, ConnectionTrait, FromQueryResult};

use super::chairship::Chairship;
use super::commitment::{Commitment, CommitmentFilter};
use super::conference::{Conference, ConferenceFilter};
use super::dates::{DateInterval, read_date};
use super::error::{ApiResult, OrGraphql};
use super::fields::{object, record};
use super::filter::{
    DateFilter, DocumentKindFilter, ListFilter, Path, StringFilter, filter_impl, list_query,
};
use super::list::Cited;
use super::list::{Aggregated, Connection, PageArgs};
use super::list::{Db, Loaded, group};
use super::list::{KeySql, Measure, Scope, aggregate_types};
use super::node::global_id;
use super::order::{OrderBy, OrderDirection, OrderField};
use super::source::{Source, SourceFilter};

/// A Coalition document.
#[derive(Clone)]
pub struct Document(pub Loaded<document::Model>);

object! {
/// A Coalition document: a declaration, terms of reference, an agenda or a statement.
impl Document {
    /// A global id for `node(id:)`.
    pub async fn id(&self) -> ID {
        global_id("Document", self.0.id)
    }

    /// Short stable key: curation inputs and the data file refer to the document by it.
    async fn key(&self) -> &str {
        &self.0.key
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


    /// What the sources add.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
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
    /// The sources of this record.
    sources: Source = Cited(RecordKind::Document);
}
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
                        Condition::all()
                            .add(
                                Condition::any()
                                    .add(col(&c, "start_earliest").is_null())
                                    .add(col(&c, "start_earliest").lte(col(&d, "adopted_latest"))),
                            )
                            .add(
                                Condition::any()
                                    .add(col(&c, "end_latest").is_null())
                                    .add(col(&c, "end_latest").gte(col(&d, "adopted_earliest"))),
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

/// Root fields for documents.
#[derive(Default)]
pub struct DocumentQuery;

#[Object]
impl DocumentQuery {
    /// Documents, oldest first.
    #[graphql(complexity = "crate::graphql::limits::page_cost(first, last, child_complexity)")]
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
        commitments: entity::commitment::DOCUMENT.children(),
        sources: Path::Citations { kind: RecordKind::Document },
    }
    parents { conference: entity::document::CONFERENCE.parent() }
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

record!(Document: document, DocumentFilter, DocumentOrderField, DOCUMENT_ORDER);

aggregate_types!(
    /// Totals over a list of documents.
    DocumentAggregate,
    /// A group of documents sharing the keys asked for.
    DocumentGroup,
    /// Keys to group documents by.
    DocumentGroupKey {
        /// What kind of document it is.
        Kind => kind: DocumentKind = KeySql::Text("kind"),
        /// The year it was adopted; null where the sources leave it open.
        Year => year: i64 = KeySql::CertainYear("adopted_earliest", "adopted_latest"),
    },
    measures {
        /// The earliest day any can have been adopted.
        earliest_adopted: date = Measure::MinDate("adopted_earliest"),
        /// The latest day any can have been adopted.
        latest_adopted: date = Measure::MaxDate("adopted_latest"),
    }
);

impl Aggregated for Document {
    type Aggregate = DocumentAggregate;

    fn aggregate(scope: Option<Scope>, _total: usize) -> Option<DocumentAggregate> {
        scope.map(DocumentAggregate::new)
    }
}
