//! Curation of person records: their input, checks and mutations.

use super::*;
use crate::graphql::curation::{crud, id_of_key, record_input, replace_rows};
use entity::enums::PersonRoleKind;
use entity::state;
use entity::{conference, person_role};
use sea_orm::ActiveValue::Set;

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
after_save |input, txn, saved, _before| {
    let mut rows = Vec::new();
    for role in &input.roles {
        let conference_id = id_of_key::<conference::Entity>(txn, Some(&role.conference)).await?;
        rows.push(person_role::ActiveModel {
            person_id: Set(saved.id),
            conference_id: Set(conference_id.unwrap_or_default()),
            role: Set(role.role),
            office: Set(role.office.clone()),
            office_state_id: Set(id_of_key::<state::Entity>(txn, role.office_state.as_deref()).await?),
            ..Default::default()
        });
    }
    replace_rows::<person_role::Entity>(txn, person_role::Column::PersonId, saved.id, rows).await
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
