//! Curation of funding records: their input, checks and mutations.

use super::*;
use crate::graphql::error::ApiResult;
use entity::enums::{FundingQualifier, RecordKind};
use entity::{funding, funding_funder, initiative, organization, state};
use sea_orm::EntityTrait;

use crate::graphql::curation::{Checked, Checks, OrWriteError, RecordInput, crud, id_where};
use crate::graphql::dates::DateInput;
use async_graphql::InputObject;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter};

/// Who funds, as curators write it: a state or an organization, exactly one.
#[derive(InputObject)]
pub struct FunderInput {
    /// ISO code of the funding state.
    pub state: Option<String>,
    /// Key of the funding organization.
    pub organization: Option<String>,
}

/// A funding as curators write it.
#[derive(InputObject)]
pub struct FundingInput {
    /// Short stable key, unique.
    pub key: String,
    /// What the money is for, as the source words it.
    pub description: String,
    /// The amount, in whole units of the currency.
    pub amount: Option<i64>,
    /// ISO 4217 code of the currency, e.g. `EUR`.
    pub currency: Option<String>,
    /// How the source qualifies the amount.
    pub qualifier: Option<FundingQualifier>,
    /// When the funded period begins.
    pub period_start: Option<DateInput>,
    /// When it ends.
    pub period_end: Option<DateInput>,
    /// Key of the initiative that receives it.
    pub recipient_initiative: Option<String>,
    /// The programme that receives it, as the source words it.
    pub recipient_programme: Option<String>,
    /// Who funds it; they replace the ones recorded.
    #[graphql(default)]
    pub funders: Vec<FunderInput>,
    /// Whether the funders listed are all the funders.
    #[graphql(default)]
    pub funders_complete: bool,
    /// What else the sources say about it.
    pub note: Option<String>,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

impl RecordInput for FundingInput {
    type Entity = funding::Entity;
    type Model = funding::Model;
    type Active = funding::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Funding);
    const TYPE: &'static str = "Funding";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&funding::Model>,
    ) -> ApiResult<Checked<funding::ActiveModel>> {
        let mut checks = Checks::default();
        checks.not_blank("input.key", &self.key);
        checks.not_blank("input.description", &self.description);
        checks
            .unique::<funding::Entity>(txn, "input.key", &self.key, current.map(|c| c.id))
            .await?;
        if self.amount.is_some_and(|a| a < 0) {
            checks.problem("input.amount", "an amount is not negative");
        }
        if let Some(currency) = &self.currency
            && (currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()))
        {
            checks.problem(
                "input.currency",
                format!("`{currency}` is not an ISO 4217 code"),
            );
        }
        if self.amount.is_some() && self.currency.is_none() {
            checks.problem("input.currency", "an amount needs its currency");
        }
        let start = checks
            .date(txn, "input.periodStart", self.period_start.as_ref())
            .await?;
        let end = checks
            .date(txn, "input.periodEnd", self.period_end.as_ref())
            .await?;
        if let (Some(s), Some(e)) = (&start, &end)
            && let (Ok(s), Ok(e)) = (s.resolve(), e.resolve())
            && let (Some(from), Some(to)) = (s.earliest, e.latest)
            && to < from
        {
            checks.problem("input.periodEnd", "a period cannot end before it starts");
        }
        let initiative_id = checks
            .find_opt::<initiative::Entity>(
                txn,
                "input.recipientInitiative",
                self.recipient_initiative.as_deref(),
            )
            .await?;
        let mut seen = std::collections::HashSet::new();
        for (i, funder) in self.funders.iter().enumerate() {
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
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let mut row = funding::ActiveModel {
            key: Set(self.key.clone()),
            description: Set(self.description.clone()),
            amount: Set(self.amount),
            currency: Set(self.currency.clone()),
            qualifier: Set(self.qualifier),
            recipient_initiative_id: Set(initiative_id),
            recipient_programme: Set(self.recipient_programme.clone()),
            funders_complete: Set(self.funders_complete),
            note: Set(self.note.clone()),
            ..Default::default()
        };
        crate::dataset::set_date(&mut row, "period_start", start.as_ref());
        crate::dataset::set_date(&mut row, "period_end", end.as_ref());
        Ok(Checked { row, sources })
    }

    async fn after_save(
        &self,
        txn: &DatabaseTransaction,
        saved: &funding::Model,
        _before: Option<&funding::Model>,
    ) -> ApiResult<()> {
        funding_funder::Entity::delete_many()
            .filter(funding_funder::Column::FundingId.eq(saved.id))
            .exec(txn)
            .await
            .or_write()?;
        let mut rows = Vec::new();
        for funder in &self.funders {
            let state_id = match &funder.state {
                Some(code) => id_where::<state::Entity>(txn, state::Column::Code, code).await?,
                None => None,
            };
            let organization_id = match &funder.organization {
                Some(key) => {
                    id_where::<organization::Entity>(txn, organization::Column::Key, key).await?
                }
                None => None,
            };
            rows.push(funding_funder::ActiveModel {
                funding_id: Set(saved.id),
                state_id: Set(state_id),
                organization_id: Set(organization_id),
                ..Default::default()
            });
        }
        if !rows.is_empty() {
            funding_funder::Entity::insert_many(rows)
                .exec_without_returning(txn)
                .await
                .or_write()?;
        }
        Ok(())
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
