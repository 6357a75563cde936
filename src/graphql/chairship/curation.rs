//! Curation of chairship records: their input, checks and mutations.

use super::*;
use crate::dataset::chairship_key;
use crate::graphql::curation::{crud, record_input};
use crate::graphql::dates::DateInput;
use entity::chairship;
use sea_orm::ActiveValue::Set;

record_input! {
/// A chairship as curators write it: who chaired the Coalition, and when.
ChairshipInput -> Chairship in chairship, cited {
    /// ISO code of the chairing state; leave it out when no state chaired.
    chair: Option<String> [refers state => state_id],
    /// Who acted instead of a chair, as the source words it.
    interim: Option<String> [set],
    /// When it began.
    start: Option<DateInput> [date start],
    /// When it ended.
    end: Option<DateInput> [date end],
    /// What else the sources say about it.
    note: Option<String> [set],
    /// Keys of the sources that give these facts; at least one.
    sources: Vec<String> [sources],
}
check |input, checks, txn, current, row| {
    if input.chair.is_none() && input.interim.is_none() {
        checks.problem(
            "input.chair",
            "name the chairing state or who acted instead",
        );
    }
    checks.in_order(
        "input.end",
        start.as_ref(),
        end.as_ref(),
        "a chairship cannot end before it starts",
    );
    // Its key is its start and its chair.
    let key = chairship_key(
        input.chair.as_deref(),
        input.interim.as_deref(),
        start.as_ref(),
    );
    checks
        .unique::<chairship::Entity>(txn, "input.start", &key, current.map(|c| c.id))
        .await?;
    row.key = Set(key);
}
}

crud! {
/// Curation of chairships: each mutation needs the admin token and runs in one transaction.
ChairshipMutation {
    Chairship(ChairshipInput), id "The chairship's global id." {
        /// Adds a chairship.
        create_chairship;
        /// Replaces a chairship's facts and sources with the input.
        update_chairship;
        /// Deletes a chairship; returns its id.
        delete_chairship;
    }
}
}
