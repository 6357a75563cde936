//! Sources: the publications every record cites, and the records that cite each of them.

pub mod curation;

use async_graphql::{Context, ID};
use entity::source;

use std::collections::HashMap;
use std::sync::Arc;

use entity::citation;
use sea_orm::EntityTrait;

use super::error::ApiResult;
use super::fields::object;
use super::list::{Connection, PageArgs};
use super::list::{ListQuery, Loaded};
use super::node::{Node, load_keys, parse_global_id, type_of};
use entity::enums::RecordKind;
use sea_orm::{Iterable, QueryFilter, QueryTrait};

/// A publication records cite.
#[derive(Clone)]
pub struct Source(pub Loaded<source::Model>);

/// How a citation is written.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::citation::Style")]
pub enum CitationStyle {
    /// A BibTeX `@misc` entry keyed by the source's key.
    Bibtex,
    /// A CSL-JSON item (as text), for Zotero, citeproc and Pandoc.
    CslJson,
    /// An APA (7th edition) reference.
    Apa,
}

object! {
/// A publication records cite: a fact sheet, a ministry's page, a press release.
impl Source {
    /// The source as a formatted citation, with what the dataset holds of it: a missing
    /// publisher, date or address is left out, never guessed, and the date is as precise
    /// as the source gave it.
    async fn citation(
        &self,
        #[graphql(desc = "The style to write it in.")] style: CitationStyle,
    ) -> String {
        crate::citation::cite(&self.0.model, style.into())
    }
}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// A short key the dataset uses for it, e.g. `FS2014`.
    key: &str [filter StringFilter, order Key],
    /// Its title.
    title: &str [filter StringFilter, order Title],
    /// Whether `title` is the dataset's description of the publication rather than the
    /// title the publication gives itself: true where no source the dataset holds gives that
    /// title, so searching for `title` word for word may not find the publication.
    title_is_description: bool [filter BooleanFilter],
    /// Who published it.
    publisher: Option<&str> [filter StringFilter, group Publisher],
    /// Where it can be read.
    url: Option<&str> [filter StringFilter],
    /// What the dataset adds about it.
    note: Option<&str>,
}
dates {
    /// When it was published.
    published [
        filter published_earliest published_latest,
        order Published,
        group Year year,
        earliest earliest_published,
        latest latest_published
    ],
}
paged {
    /// The records that cite this source.
    cited_by() -> Node = Self::cited_by_page;
}

record source, "sources", by [Key Asc] "Sort keys, in order; by key when left out.";
}

impl Source {
    /// The page of `cited_by`.
    async fn cited_by_page(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> ApiResult<Connection<Node>> {
        let citations = self
            .0
            .children(ctx, entity::citation::SOURCE, &ListQuery::all())
            .await?;
        // The records the citations of the whole page of sources name, loaded once for the
        // page: one batch per kind, one group per kind, so their own relationships batch too.
        let Some(first) = citations.first() else {
            return Ok(Connection::from_nodes(Vec::new(), &args));
        };
        let cited = |c: &citation::Model| Some((type_of(c.record_kind)?, c.record_id));
        let found: Arc<HashMap<(&'static str, i32), Node>> = first
            .for_group("cited records", |rows| async move {
                let keys: Vec<_> = rows.iter().filter_map(cited).collect();
                load_keys(ctx, &keys).await
            })
            .await?;
        let mut records: Vec<(i32, Node)> = citations
            .iter()
            .filter_map(|c| Some((c.id, found.get(&cited(c)?)?.clone())))
            .collect();
        // In the order the citations were recorded.
        records.sort_by_key(|(citation, _)| *citation);
        let nodes = records.into_iter().map(|(_, node)| node).collect();
        Ok(Connection::from_nodes(nodes, &args))
    }
}

object! {
/// Root fields for sources.
query SourceQuery;
roots {
    /// The sources, by key. With `citedBy`, the bibliography of a set of records: the
    /// sources they cite, each once.
    sources(
        #[graphql(
            desc = "Only the sources that the records with these global ids cite (at most 1,000 ids).",
            validator(custom = "cited_records")
        )]
        cited_by: Option<Vec<ID>>,
    ) -> Source = |_| source::Entity::find()
            .apply_if(cited_by, |select, ids| select.filter(cited_by_any(&ids)));
}
}

/// The most record ids `sources(citedBy:)` takes.
const MOST_CITING: usize = 1_000;

/// Checks `citedBy`: global ids of records that cite sources, not too many.
fn cited_records(ids: &Vec<ID>) -> Result<(), String> {
    if ids.len() > MOST_CITING {
        return Err(format!("name at most {MOST_CITING} records"));
    }
    for id in ids {
        let (kind, _) = parse_global_id(id).map_err(|e| e.to_string())?;
        if RecordKind::iter().all(|cited| type_of(cited) != Some(kind)) {
            return Err(format!("a {kind} cites no sources: `{}`", id.0));
        }
    }
    Ok(())
}

/// Sources a citation of one of these records names.
pub(crate) fn cited_by_any(ids: &[ID]) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
    let mut any = Condition::any();
    for kind in RecordKind::iter() {
        let rows: Vec<i32> = ids
            .iter()
            .filter_map(|id| parse_global_id(id).ok())
            .filter(|(name, _)| type_of(kind) == Some(name))
            .map(|(_, row)| row)
            .collect();
        if !rows.is_empty() {
            any = any.add(
                Expr::col(citation::Column::RecordKind)
                    .eq(kind)
                    .and(Expr::col(citation::Column::RecordId).is_in(rows)),
            );
        }
    }
    let citing = Query::select()
        .column(citation::Column::SourceId)
        .from(citation::Entity)
        .cond_where(any)
        .to_owned();
    Expr::col((source::Entity, source::Column::Id)).in_subquery(citing)
}
