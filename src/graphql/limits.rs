//! Query limits, on by default: nesting depth, a cost weighted like GitHub's (each list costs
//! the page size it asks for, nested pages multiply), caps on fields and aliases, and how
//! deeply argument values may nest. A query over a limit is refused before it runs, with an
//! error naming the limit and the value.
//!
//! Nothing here recurses on what a request sends: a recursion a client can drive deeper
//! than the stack allows aborts the whole process, which no panic handler can catch. The
//! text is scanned for its bracket nesting before it is parsed (the parser recurses on
//! nested values); the parsed document is walked with explicit stacks; and fragments are
//! expanded by counting, once each, so a document that spreads fragments into one another
//! costs its size to check, never the size of its expansion.
//!
//! The answering schema checks depth and cost with async-graphql's own limits, which say
//! no more than "too deep" or "too complex"; only such a refused query is validated again
//! by a schema that carries `Limits` as an extension, to name the value. An extension on the
//! answering schema would send every resolved field through the extension chain.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Positioned;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, ServerError, ServerResult, ValidationResult, Value, Variables};
use async_graphql_value::Value as DocumentValue;

use super::list::{DEFAULT_PAGE_SIZE, TABLE_PAGE_SIZE};

/// The limits a query must stay within.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The deepest nesting of fields.
    pub max_depth: usize,
    /// The highest cost: roughly the most objects the query could return.
    pub max_cost: usize,
    /// The most field selections in the document, fragments included.
    pub max_fields: usize,
    /// The most aliased fields in the document.
    pub max_aliases: usize,
    /// The deepest nesting of lists and input objects in an argument or a variable: each
    /// `[...]` and `{...}` is a level, so `{and: [{and: [...]}]}` takes two per `and`.
    pub max_input_nesting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 15,
            max_cost: 500_000,
            max_fields: 500,
            max_aliases: 50,
            max_input_nesting: 32,
        }
    }
}

/// The highest `max_depth` accepted: async-graphql refuses selections nested deeper than this
/// on its own, whatever the depth limit.
pub const DEPTH_CEILING: usize = 32;

/// The highest `max_input_nesting` accepted, and how deeply the JSON of a request may nest
/// at all: serde_json stops reading at this depth.
pub const JSON_NESTING_LIMIT: usize = 128;

/// Brackets a document within every limit may hold beyond its selections' depth and its
/// arguments' nesting: the operation's own braces, argument parentheses, inline fragments.
const TEXT_NESTING_ROOM: usize = 16;

/// The cost of a list field: the page size it asks for (50 when it asks for none) times
/// the cost of what it selects of each item.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first.or(last).map_or(DEFAULT_PAGE_SIZE, |n| {
        // Up to the largest page any request may ask for: a JSON request asking for more
        // than its own limit is refused when the field runs.
        (n.max(1) as usize).min(TABLE_PAGE_SIZE)
    });
    count_cost(size, child_complexity)
}

/// The cost of a field returning up to `count` items.
pub fn count_cost(count: usize, child_complexity: usize) -> usize {
    // The validator adds sibling costs without checking for overflow, so a field's cost
    // stays far below usize::MAX: a capped cost still exceeds any configured limit.
    count
        .saturating_mul(child_complexity)
        .saturating_add(1)
        .min(COST_CEILING)
}

/// The highest cost one field reports; sums of many such fields still fit in a usize.
const COST_CEILING: usize = 1 << 32;

/// The error of a request refused by a limit: `code: LIMIT_EXCEEDED`, the limit's name, the
/// request's value when known, and the maximum.
pub fn refusal(message: String, limit: &str, value: Option<u64>, max: u64) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", "LIMIT_EXCEEDED");
    extensions.set("limit", limit);
    if let Some(value) = value {
        extensions.set("value", value);
    }
    extensions.set("max", max);
    error.extensions = Some(extensions);
    error
}

fn limit_error(limit: &str, value: usize, max: usize) -> ServerError {
    refusal(
        format!("query refused: its {limit} is {value}, above the limit of {max}"),
        limit,
        Some(value as u64),
        max as u64,
    )
}

/// What one selection set holds, fragments it spreads not yet expanded.
#[derive(Default)]
struct SetSummary<'a> {
    /// Field selections, its inline fragments' and nested sets' included.
    fields: usize,
    /// Aliased field selections among them.
    aliases: usize,
    /// The names of the fragments it spreads, once per spread.
    spreads: Vec<&'a Name>,
}

/// The deepest nesting of lists and objects in a value, walked with a stack of its own:
/// `open` gives a list's or an object's items, or for a leaf the nesting it adds (a
/// variable's value).
fn nesting<'a, T>(root: &'a T, open: impl Fn(&'a T) -> Result<Vec<&'a T>, usize>) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root, 0usize)];
    while let Some((value, depth)) = stack.pop() {
        match open(value) {
            Ok(items) => {
                deepest = deepest.max(depth + 1);
                stack.extend(items.into_iter().map(|item| (item, depth + 1)));
            }
            Err(leaf) => deepest = deepest.max(depth + leaf),
        }
    }
    deepest
}

/// The nesting of a variable's value, or of a constant in the document.
fn const_nesting(value: &Value) -> usize {
    nesting(value, |value| match value {
        Value::List(items) => Ok(items.iter().collect()),
        Value::Object(fields) => Ok(fields.values().collect()),
        _ => Err(0),
    })
}

/// The nesting of an argument's value in the document, a variable counting its value's.
fn value_nesting(value: &DocumentValue, variable_nesting: &HashMap<&str, usize>) -> usize {
    nesting(value, |value| match value {
        DocumentValue::List(items) => Ok(items.iter().collect()),
        DocumentValue::Object(fields) => Ok(fields.values().collect()),
        DocumentValue::Variable(name) => {
            Err(variable_nesting.get(name.as_str()).copied().unwrap_or(0))
        }
        _ => Err(0),
    })
}

/// The deepest bracket nesting of a GraphQL text, strings and comments aside.
fn bracket_nesting(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while at < bytes.len() {
        match bytes[at] {
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            b'"' if bytes[at..].starts_with(b"\"\"\"") => {
                at += 3;
                while at < bytes.len() && !bytes[at..].starts_with(b"\"\"\"") {
                    // An escaped triple quote does not end the block string.
                    at += if bytes[at..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                at += 2;
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' && bytes[at] != b'\n' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    deepest
}

impl Limits {
    /// The deepest bracket nesting a query text may have: deeper than any query within
    /// the other limits can be, yet far from what would strain the parser's stack.
    pub fn max_bracket_nesting(&self) -> usize {
        self.max_depth
            .saturating_add(self.max_input_nesting)
            .saturating_add(TEXT_NESTING_ROOM)
    }

    /// Refuses a query text whose brackets nest deeper than any query within the limits,
    /// before it is parsed: the parser recurses on nested values and selections.
    pub fn check_text(&self, text: &str) -> Result<(), ServerError> {
        let nesting = bracket_nesting(text);
        if nesting > self.max_bracket_nesting() {
            return Err(limit_error(
                "bracket nesting",
                nesting,
                self.max_bracket_nesting(),
            ));
        }
        Ok(())
    }

    /// Refuses a document with more field selections or aliases than allowed, counted as
    /// the query would run them (a fragment counts each time it is spread), or with
    /// arguments or variables nested deeper than allowed.
    pub fn check_document(
        &self,
        document: &ExecutableDocument,
        variables: &Variables,
    ) -> Result<(), ServerError> {
        let mut variable_nesting = HashMap::new();
        for (name, value) in variables.iter() {
            let nesting = const_nesting(value);
            self.check_input_nesting(nesting)?;
            variable_nesting.insert(name.as_str(), nesting);
        }
        let mut sets = Vec::new();
        for (_, operation) in document.operations.iter() {
            for variable in &operation.node.variable_definitions {
                if let Some(default) = &variable.node.default_value {
                    self.check_input_nesting(const_nesting(&default.node))?;
                }
                self.check_directives(&variable.node.directives, &variable_nesting)?;
            }
            self.check_directives(&operation.node.directives, &variable_nesting)?;
            sets.push((None, &operation.node.selection_set.node));
        }
        for (name, fragment) in &document.fragments {
            self.check_directives(&fragment.node.directives, &variable_nesting)?;
            sets.push((Some(name), &fragment.node.selection_set.node));
        }
        let mut summaries = HashMap::new();
        let (mut fields, mut aliases) = (0usize, 0usize);
        let mut operations = Vec::new();
        for (fragment, set) in sets {
            let summary = self.summarize(set, &variable_nesting)?;
            match fragment {
                Some(name) => {
                    summaries.insert(name, summary);
                }
                None => operations.push(summary),
            }
        }
        let expanded = expand(&summaries);
        for operation in &operations {
            let (f, a) = with_spreads(operation, &expanded);
            fields = fields.saturating_add(f);
            aliases = aliases.saturating_add(a);
        }
        if fields > self.max_fields {
            return Err(limit_error("field count", fields, self.max_fields));
        }
        if aliases > self.max_aliases {
            return Err(limit_error("alias count", aliases, self.max_aliases));
        }
        Ok(())
    }

    fn check_directives(
        &self,
        directives: &[Positioned<Directive>],
        variable_nesting: &HashMap<&str, usize>,
    ) -> Result<(), ServerError> {
        for directive in directives {
            for (_, value) in &directive.node.arguments {
                self.check_input_nesting(value_nesting(&value.node, variable_nesting))?;
            }
        }
        Ok(())
    }

    fn check_input_nesting(&self, nesting: usize) -> Result<(), ServerError> {
        if nesting > self.max_input_nesting {
            return Err(limit_error(
                "input nesting",
                nesting,
                self.max_input_nesting,
            ));
        }
        Ok(())
    }

    /// Counts a selection set's fields and aliases, lists the fragments it spreads, and
    /// refuses an argument nested deeper than allowed, a variable counting its value's
    /// nesting where it stands.
    fn summarize<'a>(
        &self,
        set: &'a SelectionSet,
        variable_nesting: &HashMap<&str, usize>,
    ) -> Result<SetSummary<'a>, ServerError> {
        let mut summary = SetSummary::default();
        let mut stack = vec![set];
        while let Some(set) = stack.pop() {
            for selection in &set.items {
                self.check_directives(selection.node.directives(), variable_nesting)?;
                match &selection.node {
                    Selection::Field(field) => {
                        summary.fields += 1;
                        summary.aliases += usize::from(field.node.alias.is_some());
                        for (_, value) in &field.node.arguments {
                            self.check_input_nesting(value_nesting(&value.node, variable_nesting))?;
                        }
                        stack.push(&field.node.selection_set.node);
                    }
                    Selection::InlineFragment(fragment) => {
                        stack.push(&fragment.node.selection_set.node)
                    }
                    Selection::FragmentSpread(spread) => {
                        summary.spreads.push(&spread.node.fragment_name.node)
                    }
                }
            }
        }
        Ok(summary)
    }
}

/// A selection set's fields and aliases with the fragments it spreads expanded.
fn with_spreads(summary: &SetSummary, expanded: &HashMap<&Name, (usize, usize)>) -> (usize, usize) {
    summary.spreads.iter().fold(
        (summary.fields, summary.aliases),
        |(fields, aliases), name| {
            let (f, a) = expanded.get(name).copied().unwrap_or_default();
            (fields.saturating_add(f), aliases.saturating_add(a))
        },
    )
}

/// Each fragment's fields and aliases with the fragments it spreads expanded, each
/// fragment counted once and children before parents (a depth-first walk with a stack of
/// its own). A spread that closes a cycle counts nothing here: validation refuses it.
fn expand<'a>(summaries: &HashMap<&'a Name, SetSummary<'a>>) -> HashMap<&'a Name, (usize, usize)> {
    let mut expanded: HashMap<&Name, (usize, usize)> = HashMap::new();
    let mut on_path = std::collections::HashSet::new();
    for &start in summaries.keys() {
        let mut stack = vec![(start, false)];
        while let Some((name, children_done)) = stack.pop() {
            let Some(summary) = summaries.get(name) else {
                continue;
            };
            if children_done {
                on_path.remove(name);
                expanded.insert(name, with_spreads(summary, &expanded));
            } else if !expanded.contains_key(name) && on_path.insert(name) {
                stack.push((name, true));
                for &child in &summary.spreads {
                    if !expanded.contains_key(child) && !on_path.contains(child) {
                        stack.push((child, false));
                    }
                }
            }
        }
    }
    expanded
}

/// async-graphql's own refusals of a query over its depth or complexity limit.
const UNEXPLAINED_REFUSALS: [&str; 2] = ["Query is nested too deep.", "Query is too complex."];

/// Whether a response is async-graphql's bare refusal of a query over the depth or cost
/// limit, which the explaining schema words with the limit and the value.
pub fn is_unexplained_refusal(errors: &[ServerError]) -> bool {
    errors.iter().any(|error| {
        error.path.is_empty() && UNEXPLAINED_REFUSALS.contains(&error.message.as_str())
    })
}

/// Whether an error is a refusal by the query limits, worded with the limit and the value.
pub fn is_limit_refusal(error: &ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get("code"))
        .is_some_and(|code| *code == async_graphql::Value::from("LIMIT_EXCEEDED"))
}

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Limits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        self.check_text(query)?;
        let document = next.run(ctx, query, variables).await?;
        self.check_document(&document, variables)?;
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if result.depth > self.max_depth {
            return Err(vec![limit_error("depth", result.depth, self.max_depth)]);
        }
        if result.complexity > self.max_cost {
            return Err(vec![limit_error("cost", result.complexity, self.max_cost)]);
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_multiply_and_sizes_are_clamped() {
        assert_eq!(page_cost(Some(10), None, 3), 31);
        assert_eq!(page_cost(None, Some(5), 1), 6);
        assert_eq!(page_cost(None, None, 1), DEFAULT_PAGE_SIZE + 1);
        // Out-of-range sizes are refused when the field runs; the cost takes the nearest.
        assert_eq!(page_cost(Some(1_000_000_000), None, 1), TABLE_PAGE_SIZE + 1);
        assert_eq!(page_cost(Some(-5), None, 1), 2);
        // Costs stop at a ceiling that sums of many fields cannot overflow.
        assert_eq!(page_cost(Some(100), None, usize::MAX), COST_CEILING);
        assert!(COST_CEILING.checked_mul(1 << 20).is_some());
    }
}
