//! Page arguments and cursors, and one parent's page of a nested list.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::graphql::error::{ApiError, ApiResult, OrGraphql};

/// Items per page when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// The most items one page may ask for.
pub const MAX_PAGE_SIZE: usize = 100;
/// The most items one page of a table request (CSV, NDJSON) may ask for: a table is read
/// whole, not paged through. Costs count page sizes up to this, so the cost limit bounds
/// tables like any query.
pub const TABLE_PAGE_SIZE: usize = 10_000;

/// The largest page this request may ask for, when it is not [`MAX_PAGE_SIZE`].
#[derive(Clone, Copy, Debug)]
pub struct PageLimit(pub usize);

/// The paging arguments of a connection field, checked.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageArgs {
    pub(super) after: Option<usize>,
    pub(super) before: Option<usize>,
    pub(super) first: Option<usize>,
    pub(super) last: Option<usize>,
}

impl PageArgs {
    /// Checks the arguments: sizes between 1 and 100 (or the request's [`PageLimit`]),
    /// cursors this server issued.
    pub fn new(
        ctx: &async_graphql::Context<'_>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> ApiResult<Self> {
        let largest = ctx
            .data_opt::<PageLimit>()
            .map_or(MAX_PAGE_SIZE, |limit| limit.0);
        let size = |field: &'static str, value: Option<i32>| -> Result<Option<usize>, ApiError> {
            match value {
                None => Ok(None),
                Some(n) if n >= 1 && n as usize <= largest => Ok(Some(n as usize)),
                Some(n) => Err(ApiError::invalid(
                    field,
                    format!("{n} is out of range: ask for between 1 and {largest} items"),
                )),
            }
        };
        let (first, last) = (size("first", first).or_gql()?, size("last", last).or_gql()?);
        let cursor = |field, c: Option<String>| c.map(|c| decode_cursor(field, &c)).transpose();
        let after = cursor("after", after).or_gql()?;
        let before = cursor("before", before).or_gql()?;
        Ok(Self {
            after,
            before,
            first,
            last,
        })
    }

    /// The positions of the page when they do not depend on the list's length (no `last`,
    /// no `before`): start inclusive, end exclusive, counting from 0. The database can then
    /// cut every parent's page in one statement.
    pub fn fixed_window(&self) -> Option<(usize, usize)> {
        if self.last.is_some() || self.before.is_some() {
            return None;
        }
        let start = self.after.map_or(0, |a| a + 1);
        Some((start, start + self.first.unwrap_or(DEFAULT_PAGE_SIZE)))
    }

    /// The half-open range of positions `[start, end)` this page covers in a list of `total`.
    pub fn window(&self, total: usize) -> (usize, usize) {
        let mut start = self.after.map_or(0, |a| a + 1).min(total);
        let mut end = self.before.map_or(total, |b| b.min(total)).max(start);
        if self.first.is_none() && self.last.is_none() {
            end = end.min(start + DEFAULT_PAGE_SIZE);
        }
        if let Some(first) = self.first {
            end = end.min(start + first);
        }
        if let Some(last) = self.last {
            start = start.max(end.saturating_sub(last));
        }
        (start, end)
    }
}

pub(crate) fn encode_cursor(position: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("cursor:{position}"))
}

pub(super) fn decode_cursor(field: &'static str, cursor: &str) -> Result<usize, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("cursor:")?.parse().ok())
        .ok_or_else(|| ApiError::invalid(field, "not a cursor of this list"))
}

/// One parent's page of a nested list: its items, the position of the first in the whole
/// list, and the length of the whole list.
#[derive(Clone)]
pub struct Page<T> {
    /// The items of the page, in the list's order.
    pub items: Vec<T>,
    /// The position of the first item in the whole list.
    pub start: usize,
    /// How many items the whole list holds.
    pub total: usize,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            start: 0,
            total: 0,
        }
    }
}

impl<T> Page<T> {
    /// The page `args` asks for, cut from a whole list held in memory.
    pub fn cut(all: Vec<T>, args: &PageArgs) -> Self {
        let total = all.len();
        let (start, end) = args.window(total);
        Self {
            items: all.into_iter().skip(start).take(end - start).collect(),
            start,
            total,
        }
    }

    /// The same page with each item mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            start: self.start,
            total: self.total,
        }
    }
}
