//! Curation of organization records: their input, checks and mutations.

use super::*;
use crate::graphql::curation::{crud, record_input};
use crate::graphql::error::{ApiResult, OrGraphql};
use entity::enums::OrganizationKind;
use entity::organization;
use sea_orm::{DatabaseTransaction, EntityTrait};

record_input! {
/// An organization as curators write it.
OrganizationInput -> Organization in organization, cited {
    /// Short stable key, unique, e.g. `freedom-house`.
    key: String [key],
    /// Its name.
    name: String [text],
    /// What kind of organization it is.
    kind: OrganizationKind [set],
    /// ISO code of the state it belongs to, for government agencies.
    state: Option<String> [refers state => state_id],
    /// Key of the organization it is part of.
    parent: Option<String> [refers organization => parent_id],
    /// Keys of the sources that give these facts; at least one.
    sources: Vec<String> [sources],
}
check |input, checks, txn, current, row| {
    if let (Some(current), Some(parent)) = (current, parent_id)
        && is_within(txn, parent, current.id).await?
    {
        checks.problem("input.parent", "an organization cannot be part of itself");
    }
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
