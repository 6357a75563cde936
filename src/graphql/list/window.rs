//! Windowed loading: the pages of every parent of a group cut by the database in one
//! statement.

use std::collections::HashMap;

use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, IntoIden, NullOrdering, Query, SelectStatement,
    WindowStatement,
};
use sea_orm::{
    Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Iterable, Order,
    QueryResult,
};

use super::*;

/// The pages of a group's parents: each parent's items and the length of its whole list.
pub(super) type Pages<T> = HashMap<i32, (Vec<T>, usize)>;

/// Each parent with the length of its whole list, and its page's rows as `read` reads them.
pub(super) type OwnedPages<T> = Vec<((i32, usize), Vec<T>)>;

/// A row reached through a link table, with its link row.
pub(super) type Linked<M, L> = (Loaded<M>, Loaded<L>);

/// The page of every parent at once, computed by the database in one statement: each row
/// is ranked within its parent's list by the list's order (a window function), and only
/// the ranks of the page come back, each with its parent's id and list length. A parent
/// whose page is empty because the list is shorter still reports its length, through its
/// last row.
///
/// `inner` selects the candidate rows of `table` (joined to a link table where the list
/// goes through one); `parent` is the column holding the parent's id. The pages come in
/// the parents' order.
pub(super) async fn window_rows<T>(
    conn: &DatabaseConnection,
    mut inner: SelectStatement,
    table: &str,
    parent: (&str, &str),
    query: &ListQuery,
    (start, end): (usize, usize),
    read: impl Fn(&QueryResult) -> Result<T, DbErr>,
) -> Result<OwnedPages<T>, DbErr> {
    let parent_column = || Expr::col((Alias::new(parent.0), Alias::new(parent.1)));
    if let Some(condition) = &query.condition {
        inner.cond_where(condition.clone());
    }
    let mut ranking = WindowStatement::partition_by((Alias::new(parent.0), Alias::new(parent.1)));
    for (expr, order) in &query.order {
        ranking.order_by_expr_with_nulls(expr.clone(), order.clone(), NullOrdering::Last);
    }
    ranking.order_by_expr(Expr::col((Alias::new(table), Alias::new("id"))), Order::Asc);
    let length = WindowStatement::partition_by((Alias::new(parent.0), Alias::new(parent.1)));
    inner
        .expr_as(parent_column(), Alias::new("page_parent"))
        .expr_window_as(Expr::cust("ROW_NUMBER()"), ranking, Alias::new("page_rank"))
        .expr_window_as(Expr::cust("COUNT(*)"), length, Alias::new("page_total"));
    let rank = || Expr::col(Alias::new("page_rank"));
    let total = || Expr::col(Alias::new("page_total"));
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner, Alias::new("page").into_iden())
        .cond_where(
            Condition::any()
                .add(rank().gt(start as i64).and(rank().lte(end as i64)))
                .add(
                    rank()
                        .equals(Alias::new("page_total"))
                        .and(total().lte(start as i64)),
                ),
        )
        .order_by(Alias::new("page_parent"), Order::Asc)
        .order_by(Alias::new("page_rank"), Order::Asc)
        .to_owned();
    let mut pages: OwnedPages<T> = Vec::new();
    for row in conn.query_all(&outer).await? {
        let parent: i32 = row.try_get("", "page_parent")?;
        let rank: i64 = row.try_get("", "page_rank")?;
        let total: i64 = row.try_get("", "page_total")?;
        if pages.last().map(|((owner, _), _)| *owner) != Some(parent) {
            pages.push(((parent, total as usize), Vec::new()));
        }
        // The rows past the window only report their list's length.
        if let (true, Some((_, items))) =
            (rank > start as i64 && rank <= end as i64, pages.last_mut())
        {
            items.push(read(&row)?);
        }
    }
    Ok(pages)
}

/// The columns of `E` as `prefix` + name, so that a row carrying two tables' columns can
/// be read as both models.
pub(super) fn prefixed_columns<E: EntityTrait>(select: &mut SelectStatement, prefix: &str) {
    let table = E::default().table_name().to_owned();
    for column in E::Column::iter() {
        let name = sea_orm::IdenStatic::as_str(&column).to_owned();
        select.expr_as(
            Expr::col((Alias::new(table.as_str()), Alias::new(name.as_str()))),
            Alias::new(format!("{prefix}{name}")),
        );
    }
}
