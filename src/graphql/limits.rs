//! Query limits, on by default: nesting depth, a cost weighted like GitHub's (each list costs
//! the page size it asks for, nested pages multiply), and caps on fields and aliases. A query
//! over a limit is refused before it runs, with an error naming the limit and the value.
//!
//! The answering schema checks depth and cost with async-graphql's own limits, which say
//! no more than "too deep" or "too complex"; only such a refused query is validated again
//! by a schema that carries `Limits` as an extension, to name the value. An extension on the
//! answering schema would send every resolved field through the extension chain.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, ValidationResult, Variables};

use super::connection::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

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
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 15,
            max_cost: 500_000,
            max_fields: 500,
            max_aliases: 50,
        }
    }
}

/// The cost of a list field: the page size it asks for (50 when it asks for none) times
/// the cost of what it selects of each item.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first.or(last).map_or(DEFAULT_PAGE_SIZE, |n| {
        (n.max(1) as usize).min(MAX_PAGE_SIZE)
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

/// Counts field selections and aliases in a selection set, fragments' own sets included once.
fn count(set: &SelectionSet, fields: &mut usize, aliases: &mut usize) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                *fields += 1;
                if field.node.alias.is_some() {
                    *aliases += 1;
                }
                count(&field.node.selection_set.node, fields, aliases);
            }
            Selection::InlineFragment(fragment) => {
                count(&fragment.node.selection_set.node, fields, aliases)
            }
            Selection::FragmentSpread(_) => {}
        }
    }
}

impl Limits {
    /// Refuses a document with more field selections or aliases than allowed.
    pub fn check_document(&self, document: &ExecutableDocument) -> Result<(), ServerError> {
        let (mut fields, mut aliases) = (0, 0);
        for (_, operation) in document.operations.iter() {
            count(
                &operation.node.selection_set.node,
                &mut fields,
                &mut aliases,
            );
        }
        for fragment in document.fragments.values() {
            count(&fragment.node.selection_set.node, &mut fields, &mut aliases);
        }
        if fields > self.max_fields {
            return Err(limit_error("field count", fields, self.max_fields));
        }
        if aliases > self.max_aliases {
            return Err(limit_error("alias count", aliases, self.max_aliases));
        }
        Ok(())
    }
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
        let document = next.run(ctx, query, variables).await?;
        self.check_document(&document)?;
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
        assert_eq!(page_cost(Some(1_000_000_000), None, 1), MAX_PAGE_SIZE + 1);
        assert_eq!(page_cost(Some(-5), None, 1), 2);
        // Costs stop at a ceiling that sums of many fields cannot overflow.
        assert_eq!(page_cost(Some(100), None, usize::MAX), COST_CEILING);
        assert!(COST_CEILING.checked_mul(1 << 20).is_some());
    }
}
