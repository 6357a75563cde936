//! Curation of funding records: their input, checks and mutations.

use super::*;
use crate::graphql::curation::{crud, id_of_key, record_input, replace_rows};
use crate::graphql::dates::DateInput;
use async_graphql::InputObject;
use entity::enums::FundingQualifier;
use entity::{funding_funder, organization, state};
use sea_orm::ActiveValue::Set;

/// Who funds, as curators write it: a state or an organization, exactly one.
#[derive(InputObject)]
pub struct FunderInput {
    /// ISO code of the funding state.
    pub state: Option<String>,
    /// Key of the funding organization.
    pub organization: Option<String>,
}

record_input! {
/// A funding as curators write it.
FundingInput -> Funding in funding, cited {
    /// Short stable key, unique.
    key: String [key],
    /// What the money is for, as the source words it.
    description: String [text],
    /// The amount, in whole units of the currency.
    amount: Option<i64> [set],
    /// ISO 4217 code of the currency, e.g. `EUR`.
    currency: Option<String> [set],
    /// How the source qualifies the amount.
    qualifier: Option<FundingQualifier> [set],
    /// When the funded period begins.
    period_start: Option<DateInput> [date period_start],
    /// When it ends.
    period_end: Option<DateInput> [date period_end],
    /// Key of the initiative that receives it.
    recipient_initiative: Option<String> [refers initiative => recipient_initiative_id],
    /// The programme that receives it, as the source words it.
    recipient_programme: Option<String> [set],
    /// Who funds it; they replace the ones recorded.
    #[graphql(default)]
    funders: Vec<FunderInput> [own],
    /// Whether the funders listed are all the funders.
    #[graphql(default)]
    funders_complete: bool [set],
    /// What else the sources say about it.
    note: Option<String> [set],
    /// Keys of the sources that give these facts; at least one.
    sources: Vec<String> [sources],
}
check |input, checks, txn, current, row| {
    if input.amount.is_some_and(|a| a < 0) {
        checks.problem("input.amount", "an amount is not negative");
    }
    if let Some(currency) = &input.currency
        && (currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()))
    {
        checks.problem(
            "input.currency",
            format!("`{currency}` is not an ISO 4217 code"),
        );
    }
    if input.amount.is_some() && input.currency.is_none() {
        checks.problem("input.currency", "an amount needs its currency");
    }
    checks.in_order(
        "input.periodEnd",
        period_start.as_ref(),
        period_end.as_ref(),
        "a period cannot end before it starts",
    );
    let mut seen = std::collections::HashSet::new();
    for (i, funder) in input.funders.iter().enumerate() {
        let at = format!("input.funders[{i}]");
        match (&funder.state, &funder.organization) {
            (Some(code), None) => {
                checks
                    .find::<entity::state::Entity>(txn, &format!("{at}.state"), code)
                    .await?;
            }
            (None, Some(key)) => {
                checks
                    .find::<organization::Entity>(txn, &format!("{at}.organization"), key)
                    .await?;
            }
            _ => checks.problem(
                &at,
                "a funder is a state or an organization: give exactly one",
            ),
        }
        if !seen.insert((funder.state.as_deref(), funder.organization.as_deref())) {
            checks.problem(&at, "the same funder is listed twice");
        }
    }
}
after_save |input, txn, saved, _before| {
    let mut rows = Vec::new();
    for funder in &input.funders {
        rows.push(funding_funder::ActiveModel {
            funding_id: Set(saved.id),
            state_id: Set(id_of_key::<state::Entity>(txn, funder.state.as_deref()).await?),
            organization_id: Set(
                id_of_key::<organization::Entity>(txn, funder.organization.as_deref()).await?,
            ),
            ..Default::default()
        });
    }
    replace_rows::<funding_funder::Entity>(txn, funding_funder::Column::FundingId, saved.id, rows)
        .await
}
}

crud! {
/// Curation of fundings: each mutation needs the admin token and runs in one transaction.
FundingMutation {
    Funding(FundingInput), id "The funding's global id." {
        /// Adds a funding with its funders.
        create_funding;
        /// Replaces a funding's facts, funders and sources with the input.
        update_funding;
        /// Deletes a funding with its funders; returns its id.
        delete_funding;
    }
}
}
