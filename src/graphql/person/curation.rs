//! Curation of person records: their input, checks and mutations.

use super::*;
use crate::graphql::error::ApiResult;
use entity::enums::RecordKind;
use entity::{conference, person, person_role};
use sea_orm::EntityTrait;

use crate::graphql::curation::{Checked, Checks, OrWriteError, RecordInput, crud, id_where};
use entity::enums::PersonRoleKind;
use entity::state;
use sea_orm::ActiveValue::Set;
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

/// A person as curators write it.
#[derive(async_graphql::InputObject)]
pub struct PersonInput {
    /// Short stable key, unique.
    pub key: String,
    /// The person's name.
    pub name: String,
    /// The person's parts in conferences; they replace the ones recorded.
    #[graphql(default)]
    pub roles: Vec<PersonRoleInput>,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

impl RecordInput for PersonInput {
    type Entity = person::Entity;
    type Model = person::Model;
    type Active = person::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Person);
    const TYPE: &'static str = "Person";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&person::Model>,
    ) -> ApiResult<Checked<person::ActiveModel>> {
        let mut checks = Checks::default();
        checks.not_blank("input.key", &self.key);
        checks.not_blank("input.name", &self.name);
        checks
            .unique::<person::Entity>(txn, "input.key", &self.key, current.map(|c| c.id))
            .await?;
        let mut seen = std::collections::HashSet::new();
        for (i, role) in self.roles.iter().enumerate() {
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
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let row = person::ActiveModel {
            key: Set(self.key.clone()),
            name: Set(self.name.clone()),
            ..Default::default()
        };
        Ok(Checked { row, sources })
    }

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
