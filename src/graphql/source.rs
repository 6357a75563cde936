//! Sources: the publications every record cites, and the records that cite each of them.

use async_graphql::{Context, ID};
use entity::source;

use std::collections::HashMap;
use std::sync::Arc;

use entity::citation;
use sea_orm::EntityTrait;

use super::error::ApiResult;
use super::fields::{object, record};
use super::filter::{BooleanFilter, DateFilter, StringFilter, filter};
use super::list::{Connection, PageArgs};
use super::list::{KeySql, Measure, aggregate_types};
use super::list::{ListQuery, Loaded};
use super::node::{Node, load_keys, type_of};
use super::order::order_by;

/// A publication records cite.
#[derive(Clone)]
pub struct Source(pub Loaded<source::Model>);

object! {
/// A publication records cite: a fact sheet, a ministry's page, a press release.
impl Source {}
columns {
    /// A global id for `node(id:)`.
    id: ID,
    /// A short key the dataset uses for it, e.g. `FS2014`.
    key: &str,
    /// Its title.
    title: &str,
    /// Whether `title` is the dataset's description of the publication rather than the
    /// title the publication gives itself: true where no source the dataset holds gives that
    /// title, so searching for `title` word for word may not find the publication.
    title_is_description: bool,
    /// Who published it.
    publisher: Option<&str>,
    /// Where it can be read.
    url: Option<&str>,
    /// What the dataset adds about it.
    note: Option<&str>,
}
dates {
    /// When it was published.
    published,
}
paged {
    /// The records that cite this source.
    cited_by() -> Node = Self::cited_by_page;
}
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

/// Root fields for sources.
#[derive(Default)]
pub struct SourceQuery;

object! {
impl SourceQuery {}
roots {
    /// The sources, by key.
    sources() -> Source = |_| source::Entity::find();
}
}

filter! {
    /// Conditions on sources; every condition given must hold.
    SourceFilter {
        /// The dataset's key, e.g. `FS2014`.
        key: StringFilter = "key",
        /// Its title.
        title: StringFilter = "title",
        /// Whether its title is the dataset's description of it rather than its own title.
        title_is_description: BooleanFilter = "title_is_description",
        /// Who published it.
        publisher: StringFilter = "publisher",
        /// Where it can be read.
        url: StringFilter = "url",
        /// The earliest day it can have been published.
        published_earliest: DateFilter = "published_earliest",
        /// The latest day it can have been published.
        published_latest: DateFilter = "published_latest",
    }
}

order_by! {
    /// Fields sources can be sorted by.
    SourceOrderField, SourceOrder {
        /// The dataset's key.
        Key = "key",
        /// Its title.
        Title = "title",
        /// The earliest day it can have been published.
        Published = "published_earliest",
    }
    /// The default order.
    SOURCE_ORDER = [Key Asc];
}

record!(Source: source, SourceFilter, SourceOrderField, SOURCE_ORDER);

aggregate_types!(
    for Source;
    /// Totals over a list of sources.
    SourceAggregate,
    /// A group of sources sharing the keys asked for.
    SourceGroup,
    /// Keys to group sources by.
    SourceGroupKey {
        /// Who published it.
        Publisher => publisher: String = KeySql::Text("publisher"),
        /// The year it was published; null where the sources leave it open.
        Year => year: i64 = KeySql::CertainYear("published_earliest", "published_latest"),
    },
    measures {
        /// The earliest day any can have been published.
        earliest_published: date = Measure::MinDate("published_earliest"),
        /// The latest day any can have been published.
        latest_published: date = Measure::MaxDate("published_latest"),
    }
);
