//! Any query's answer as a table, for spreadsheets, notebooks and `pandas.read_csv`: CSV
//! (RFC 4180) or NDJSON (one JSON object per line). A table request may ask a list for up
//! to `TABLE_PAGE_SIZE` (10,000) items at once (see `graphql::list::page`).
//!
//! The rules:
//! - The table is the answer's one list of objects. When lists nest, the deepest one gives
//!   the rows (one row per item of it), and the scalar fields of the items and objects
//!   above it are repeated on each of their rows; an item whose nested list is empty gives
//!   no row. An answer with two lists side by side (neither inside the other) is refused,
//!   naming them. An answer with no list is one row.
//! - Columns are the scalar fields' paths joined by dots, as the answer names them (aliases
//!   included), in the order they first appear: relative to the row's item for the
//!   deepest list (`code`, `joined.earliest`), from the top for what lies above it
//!   (`states.totalCount`).
//! - A list of scalars is one cell, its values joined by `;` (an array in NDJSON); null is
//!   an empty cell (null in NDJSON).
//! - CSV: UTF-8 without a byte-order mark, a header line, CRLF line ends, and a field quoted
//!   when it holds a comma, a quote or a line break (quotes doubled).

use std::collections::HashMap;

use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, Value};

/// A table format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values.
    Csv,
    /// Newline-delimited JSON.
    Ndjson,
}

impl TableFormat {
    /// The format a `format=` query parameter names.
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "csv" => Some(Self::Csv),
            "ndjson" => Some(Self::Ndjson),
            _ => None,
        }
    }
}

/// A table drawn from an answer: its columns and, per row, each column's value.
pub struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
}

/// A list of objects in the answer: the keys leading to it (list items contribute no key).
type ListPath = Vec<Name>;

impl Table {
    /// The table of an answer's `data`, or why it has none.
    pub fn of(data: &Value) -> Result<Self, String> {
        let mut lists: Vec<ListPath> = Vec::new();
        find_lists(data, &mut Vec::new(), &mut lists);
        lists.sort_by_key(Vec::len);
        lists.dedup();
        for pair in lists.windows(2) {
            if !pair[1].starts_with(&pair[0]) {
                return Err(format!(
                    "a table holds one list, and this answer has two side by side: `{}` and `{}`; ask for one of them",
                    dotted(&pair[0]),
                    dotted(&pair[1])
                ));
            }
        }
        let mut builder = Builder::default();
        builder.rows(data, &lists, 0, &[], Vec::new());
        Ok(builder.finish())
    }

    /// The table as CSV.
    pub fn csv(&self) -> Vec<u8> {
        let mut out = String::new();
        let line = |out: &mut String, cells: &mut dyn Iterator<Item = String>| {
            let mut first = true;
            for cell in cells {
                if !first {
                    out.push(',');
                }
                first = false;
                if cell.contains([',', '"', '\r', '\n']) {
                    out.push('"');
                    out.push_str(&cell.replace('"', "\"\""));
                    out.push('"');
                } else {
                    out.push_str(&cell);
                }
            }
            out.push_str("\r\n");
        };
        line(&mut out, &mut self.columns.iter().cloned());
        for row in &self.rows {
            line(&mut out, &mut row.iter().map(cell_text));
        }
        out.into_bytes()
    }

    /// The table as NDJSON: one object per row, keyed by column.
    pub fn ndjson(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for row in &self.rows {
            let object: IndexMap<Name, Value> = self
                .columns
                .iter()
                .zip(row)
                .map(|(column, value)| (Name::new(column), value.clone()))
                .collect();
            if serde_json::to_writer(&mut out, &Value::Object(object)).is_ok() {
                out.push(b'\n');
            }
        }
        out
    }

    /// The table in `format`.
    pub fn write(&self, format: TableFormat) -> Vec<u8> {
        match format {
            TableFormat::Csv => self.csv(),
            TableFormat::Ndjson => self.ndjson(),
        }
    }
}

fn dotted(path: &[Name]) -> String {
    path.iter().map(Name::as_str).collect::<Vec<_>>().join(".")
}

/// Whether a value is a list holding at least one object.
fn is_object_list(value: &Value) -> bool {
    matches!(value, Value::List(items) if items.iter().any(|item| matches!(item, Value::Object(_))))
}

/// Collects the paths of every list of objects under `value`.
fn find_lists(value: &Value, path: &mut Vec<Name>, found: &mut Vec<ListPath>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                path.push(key.clone());
                if is_object_list(field) {
                    found.push(path.clone());
                }
                find_lists(field, path, found);
                path.pop();
            }
        }
        Value::List(items) => {
            for item in items {
                find_lists(item, path, found);
            }
        }
        _ => {}
    }
}

/// Gathers rows and the columns they use, in the order columns first appear.
#[derive(Default)]
struct Builder {
    columns: Vec<String>,
    index: HashMap<String, usize>,
    rows: Vec<Vec<(usize, Value)>>,
}

impl Builder {
    fn column(&mut self, name: String) -> usize {
        if let Some(&at) = self.index.get(&name) {
            return at;
        }
        self.columns.push(name.clone());
        self.index.insert(name, self.columns.len() - 1);
        self.columns.len() - 1
    }

    /// The rows under `value`, an object at list level `level` (0 for the answer itself),
    /// whose path from the top is `at`; `above` holds the cells of the levels above.
    fn rows(
        &mut self,
        value: &Value,
        lists: &[ListPath],
        level: usize,
        at: &[Name],
        above: Vec<(usize, Value)>,
    ) {
        let deepest = level == lists.len();
        // The deepest list's items name their columns from themselves; the rest from the top.
        let prefix = if deepest && level > 0 {
            String::new()
        } else {
            at.iter().map(|name| format!("{name}.")).collect()
        };
        let next = lists.get(level).map(|list| &list[at.len()..]);
        let mut cells = above;
        self.scalars(value, &prefix, next, &mut cells);
        let Some(next) = next else {
            self.rows.push(cells);
            return;
        };
        // Down to the next list through the objects on its way; a null on the way, or an
        // empty list, gives no row.
        let mut inner = value;
        for key in next {
            match inner {
                Value::Object(fields) => match fields.get(key) {
                    Some(field) => inner = field,
                    None => return,
                },
                _ => return,
            }
        }
        let Value::List(items) = inner else {
            return;
        };
        let path = &lists[level];
        for item in items {
            self.rows(item, lists, level + 1, path, cells.clone());
        }
    }

    /// Adds the scalar fields under `value` as cells named from `prefix`, leaving out the
    /// way to the next list (`skip`).
    fn scalars(
        &mut self,
        value: &Value,
        prefix: &str,
        skip: Option<&[Name]>,
        cells: &mut Vec<(usize, Value)>,
    ) {
        let Value::Object(fields) = value else {
            // A null item of the deepest list: a row of empty cells.
            return;
        };
        for (key, field) in fields {
            let name = format!("{prefix}{key}");
            let skip_here = skip.filter(|s| s.first() == Some(key));
            match (field, skip_here) {
                (_, Some(skip)) if skip.len() == 1 => {}
                (Value::Object(_), Some(skip)) => {
                    self.scalars(field, &format!("{name}."), Some(&skip[1..]), cells);
                }
                (Value::Object(_), None) => self.scalars(field, &format!("{name}."), None, cells),
                _ if is_object_list(field) => {}
                _ => {
                    let at = self.column(name);
                    cells.push((at, field.clone()));
                }
            }
        }
    }

    fn finish(self) -> Table {
        let width = self.columns.len();
        let rows = self
            .rows
            .into_iter()
            .map(|cells| {
                let mut row = vec![Value::Null; width];
                for (at, value) in cells {
                    row[at] = value;
                }
                row
            })
            .collect();
        Table {
            columns: self.columns,
            rows,
        }
    }
}

/// A value as one CSV cell.
fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Enum(name) => name.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Boolean(flag) => flag.to_string(),
        Value::List(items) => items.iter().map(cell_text).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of an answer written as JSON text (which keeps the order of its keys).
    fn table(json: &str) -> Result<Table, String> {
        Table::of(&serde_json::from_str::<Value>(json).expect("a value"))
    }

    fn csv(json: &str) -> String {
        String::from_utf8(table(json).expect("a table").csv()).expect("UTF-8")
    }

    #[test]
    fn the_deepest_list_gives_the_rows_and_parents_repeat() {
        let text = csv(r#"{ "states": {
            "totalCount": 2,
            "nodes": [
                { "code": "NL", "memberships": { "nodes": [
                    { "joined": { "earliest": "2011-12-09" } },
                    { "joined": { "earliest": "2019-01-01" } } ] } },
                { "code": "KE", "memberships": { "nodes": [] } },
                { "code": "GH", "memberships": { "nodes": [ { "joined": { "earliest": "2012" } } ] } }
            ] } }"#);
        assert_eq!(
            text,
            "states.totalCount,states.nodes.code,joined.earliest\r\n\
             2,NL,2011-12-09\r\n2,NL,2019-01-01\r\n2,GH,2012\r\n"
        );
    }

    #[test]
    fn one_list_is_one_row_per_item_and_cells_are_escaped() {
        let text = csv(r#"{ "states": { "nodes": [
            { "name": "Côte d'Ivoire, the", "tags": ["a", "b"], "note": null },
            { "name": "Say \"hi\"\nnow", "tags": [], "note": 3 }
        ] } }"#);
        assert_eq!(
            text,
            "name,tags,note\r\n\"Côte d'Ivoire, the\",a;b,\r\n\"Say \"\"hi\"\"\nnow\",,3\r\n"
        );
    }

    #[test]
    fn no_list_is_one_row_and_sibling_lists_are_refused() {
        assert_eq!(
            csv(r#"{ "coalition": { "name": "FOC", "founded": { "earliest": "2011" } } }"#),
            "coalition.name,coalition.founded.earliest\r\nFOC,2011\r\n"
        );
        let refused = table(
            r#"{
            "a": { "nodes": [{ "x": 1 }] }, "b": { "nodes": [{ "y": 1 }] } }"#,
        );
        assert_eq!(
            refused.err().as_deref(),
            Some(
                "a table holds one list, and this answer has two side by side: `a.nodes` and `b.nodes`; ask for one of them"
            )
        );
    }

    #[test]
    fn ndjson_keeps_types() {
        let text = table(r#"{ "xs": [{ "n": 1, "s": "a", "l": [1, 2] }, { "n": null }] }"#)
            .expect("a table")
            .ndjson();
        assert_eq!(
            String::from_utf8(text).expect("UTF-8"),
            "{\"n\":1,\"s\":\"a\",\"l\":[1,2]}\n{\"n\":null,\"s\":null,\"l\":null}\n"
        );
    }
}
