//! Curation of organization records: their input, checks and mutations.

use super::*;
use crate::graphql::error::{ApiResult, OrGraphql};
use entity::enums::{OrganizationKind, RecordKind};
use entity::organization;
use sea_orm::EntityTrait;

use crate::graphql::curation::{Checked, Checks, RecordInput, crud};
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseTransaction;

/// An organization as curators write it.
#[derive(async_graphql::InputObject)]
pub struct OrganizationInput {
    /// Short stable key, unique, e.g. `freedom-house`.
    pub key: String,
    /// Its name.
    pub name: String,
    /// What kind of organization it is.
    pub kind: OrganizationKind,
    /// ISO code of the state it belongs to, for government agencies.
    pub state: Option<String>,
    /// Key of the organization it is part of.
    pub parent: Option<String>,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

impl RecordInput for OrganizationInput {
    type Entity = organization::Entity;
    type Model = organization::Model;
    type Active = organization::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Organization);
    const TYPE: &'static str = "Organization";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&organization::Model>,
    ) -> ApiResult<Checked<organization::ActiveModel>> {
        let mut checks = Checks::default();
        checks.not_blank("input.key", &self.key);
        checks.not_blank("input.name", &self.name);
        checks
            .unique::<organization::Entity>(txn, "input.key", &self.key, current.map(|c| c.id))
            .await?;
        let state_id = checks
            .find_opt::<entity::state::Entity>(txn, "input.state", self.state.as_deref())
            .await?;
        let parent_id = checks
            .find_opt::<organization::Entity>(txn, "input.parent", self.parent.as_deref())
            .await?;
        if let (Some(current), Some(parent)) = (current, parent_id)
            && is_within(txn, parent, current.id).await?
        {
            checks.problem("input.parent", "an organization cannot be part of itself");
        }
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let row = organization::ActiveModel {
            key: Set(self.key.clone()),
            name: Set(self.name.clone()),
            kind: Set(self.kind),
            state_id: Set(state_id),
            parent_id: Set(parent_id),
            ..Default::default()
        };
        Ok(Checked { row, sources })
    }
}

/// Whether `organization` is `ancestor` or lies within it, following parents.
async fn is_within(txn: &DatabaseTransaction, organization: i32, ancestor: i32) -> ApiResult<bool> {
    let mut seen = std::collections::HashSet::new();
    let mut next = Some(organization);
    while let Some(id) = next {
        if id == ancestor {
            return Ok(true);
        }
        if !seen.insert(id) {
            return Ok(false);
        }
        next = organization::Entity::find_by_id(id)
            .one(txn)
            .await
            .or_gql()?
            .and_then(|o| o.parent_id);
    }
    Ok(false)
}

crud! {
/// Curation of organizations: each mutation needs the admin token and runs in one
/// transaction.
OrganizationMutation {
    Organization(OrganizationInput), id "The organization's global id." {
        /// Adds an organization.
        create_organization;
        /// Replaces an organization's facts and sources with the input.
        update_organization;
        /// Deletes an organization that nothing refers to; returns its id.
        delete_organization;
    }
}
}
