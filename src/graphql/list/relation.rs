//! A relationship of the model read as a nested list: its page for one row, loaded for the
//! row's whole group, and its rows as SQL for aggregates. Implemented for each kind of
//! relationship the model declares, so a list field needs only the declaration.

use std::sync::Arc;

use async_graphql::Context;
use entity::enums::RecordKind;
use entity::source;
use futures_util::future::BoxFuture;
use sea_orm::{EntityTrait, ModelTrait};

use super::*;
use crate::graphql::error::ApiResult;
use entity::keys::{ForeignKey, Link, Path};

/// A page of related rows, each with what it carries about the relationship.
pub type RelatedPage<T, X> = Page<(Loaded<<T as EntityTrait>::Model>, X)>;

/// A relationship to many rows, as a filter's `some`/`every`/`none` reaches them.
pub trait Many: Copy + Send + Sync + 'static {
    /// How a filter reaches the related rows.
    fn path(self) -> Path;
}

/// A relationship from a row of type `M` to many rows of `Target`.
pub trait ToMany<M: Row>: Many {
    /// The entity listed.
    type Target: EntityTrait;
    /// What each item carries about the relationship itself: its link row, or nothing.
    type Link: Send + Sync;

    /// The row's page of the related rows that satisfy `query`, in its order. Boxed so a
    /// list field's future stays small (see [`Loaded`]).
    fn page<'a>(
        self,
        parent: &'a Loaded<M>,
        ctx: &'a Context<'_>,
        query: &'a Arc<ListQuery>,
        args: &'a PageArgs,
    ) -> BoxFuture<'a, ApiResult<RelatedPage<Self::Target, Self::Link>>>;

    /// The related rows of the row's whole group, as SQL, for aggregates.
    fn scope(self, parent: &Loaded<M>, query: &ListQuery) -> ApiResult<Scope> {
        Scope::nested::<Self::Target, M>(parent, self.path(), query)
    }
}

/// Bounds every row type of the model meets.
pub trait Row: ModelTrait + Clone + Send + Sync + 'static {}

impl<M: ModelTrait + Clone + Send + Sync + 'static> Row for M {}

/// Children by a foreign key.
impl<C, P> ToMany<P::Model> for ForeignKey<C, P>
where
    C: EntityTrait,
    C::Model: Row,
    P: EntityTrait,
    P::Model: Row,
{
    type Target = C;
    type Link = ();

    fn page<'a>(
        self,
        parent: &'a Loaded<P::Model>,
        ctx: &'a Context<'_>,
        query: &'a Arc<ListQuery>,
        args: &'a PageArgs,
    ) -> BoxFuture<'a, ApiResult<Page<(Loaded<C::Model>, ())>>> {
        Box::pin(async move {
            let page = parent.children_page(ctx, self, query, args).await?;
            Ok(page.map(|row| (row, ())))
        })
    }
}

impl<C: EntityTrait, P: EntityTrait> Many for ForeignKey<C, P> {
    fn path(self) -> Path {
        self.children()
    }
}

/// Rows reached through a link table; each item carries its link.
impl<P, L, T> ToMany<P::Model> for Link<P, L, T>
where
    P: EntityTrait,
    P::Model: Row,
    L: EntityTrait,
    L::Model: Row,
    T: EntityTrait,
    T::Model: Row,
{
    type Target = T;
    type Link = Loaded<L::Model>;

    fn page<'a>(
        self,
        parent: &'a Loaded<P::Model>,
        ctx: &'a Context<'_>,
        query: &'a Arc<ListQuery>,
        args: &'a PageArgs,
    ) -> BoxFuture<'a, ApiResult<Page<(Loaded<T::Model>, Loaded<L::Model>)>>> {
        Box::pin(parent.linked_page(ctx, self, query, args))
    }
}

impl<P: EntityTrait, L: EntityTrait, T: EntityTrait> Many for Link<P, L, T> {
    fn path(self) -> Path {
        Link::path(&self)
    }
}

/// The sources a record of one kind cites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cited(pub RecordKind);

impl<M: Row> ToMany<M> for Cited {
    type Target = source::Entity;
    type Link = ();

    fn page<'a>(
        self,
        parent: &'a Loaded<M>,
        ctx: &'a Context<'_>,
        query: &'a Arc<ListQuery>,
        args: &'a PageArgs,
    ) -> BoxFuture<'a, ApiResult<Page<(Loaded<source::Model>, ())>>> {
        Box::pin(async move {
            let rows = parent.sources(ctx, self.0, query).await?;
            Ok(Page::cut(
                rows.into_iter().map(|row| (row, ())).collect(),
                args,
            ))
        })
    }
}

impl Many for Cited {
    fn path(self) -> Path {
        Path::Citations { kind: self.0 }
    }
}
