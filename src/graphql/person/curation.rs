//! Curation of person records: their input, checks and mutations.

use super::*;
use crate::graphql::curation::{OrWriteError, crud, id_where, record_input};
use crate::graphql::error::ApiResult;
use entity::enums::PersonRoleKind;
use entity::state;
use entity::{conference, person, person_role};
use sea_orm::ActiveValue::Set;
use sea_orm::EntityTrait;
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter};

/// A person's part in a conference, as curators write it.
#[derive(async_graphql::InputObject)]
pub struct PersonRoleInput {
    /// Key of the conference.
    pub conference: String,
    /// The part the person played.
    pub role: PersonRoleKind,
    /// The office the person held then, as the source words it.
    pub office: Option<String>,
    /// ISO code of the state whose office it was.
    pub office_state: Option<String>,
}

record_input! {
/// A person as curators write it.
PersonInput -> Person in person, cited {
    /// Short stable key, unique.
    key: String [key],
    /// The person's name.
    name: String [text],
    /// The person's parts in conferences; they replace the ones recorded.
    #[graphql(default)]
    roles: Vec<PersonRoleInput> [own],
    /// Keys of the sources that give these facts; at least one.
    sources: Vec<String> [sources],
}
check |input, checks, txn, current, row| {
    let mut seen = std::collections::HashSet::new();
    for (i, role) in input.roles.iter().enumerate() {
        let at = format!("input.roles[{i}]");
        checks
            .find::<conference::Entity>(txn, &format!("{at}.conference"), &role.conference)
            .await?;
        checks
            .find_opt::<entity::state::Entity>(
                txn,
                &format!("{at}.officeState"),
                role.office_state.as_deref(),
            )
            .await?;
        if !seen.insert((role.conference.as_str(), role.role)) {
            checks.problem(&at, "the same part in the same conference is listed twice");
        }
    }
}
impl {
    async fn after_save(
        &self,
        txn: &DatabaseTransaction,
        saved: &person::Model,
        _before: Option<&person::Model>,
    ) -> ApiResult<()> {
        person_role::Entity::delete_many()
            .filter(person_role::Column::PersonId.eq(saved.id))
            .exec(txn)
            .await
            .or_write()?;
        let mut rows = Vec::new();
        for role in &self.roles {
            let conference_id =
                id_where::<conference::Entity>(txn, conference::Column::Key, &role.conference)
                    .await?;
            let office_state_id = match &role.office_state {
                Some(code) => id_where::<state::Entity>(txn, state::Column::Code, code).await?,
                None => None,
            };
            rows.push(person_role::ActiveModel {
                person_id: Set(saved.id),
                conference_id: Set(conference_id.unwrap_or_default()),
                role: Set(role.role),
                office: Set(role.office.clone()),
                office_state_id: Set(office_state_id),
                ..Default::default()
            });
        }
        if !rows.is_empty() {
            person_role::Entity::insert_many(rows)
                .exec_without_returning(txn)
                .await
                .or_write()?;
        }
        Ok(())
    }
}
}

crud! {
/// Curation of people: each mutation needs the admin token and runs in one transaction.
PersonMutation {
    Person(PersonInput), id "The person's global id." {
        /// Adds a person with their parts in conferences.
        create_person;
        /// Replaces a person's facts, parts and sources with the input.
        update_person;
        /// Deletes a person with their parts in conferences; returns the id.
        delete_person;
    }
}
}
