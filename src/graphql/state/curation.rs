//! Curation of state records: their input, checks and mutations.

use super::*;
use crate::graphql::curation::{crud, record_input};
use entity::enums::Region;

record_input! {
/// A state as curators write it.
StateInput -> State in state, cited {
    /// ISO 3166-1 alpha-2 code, e.g. `KE`: the state's key, unique.
    code: String [key],
    /// Short English name.
    name: String [text],
    /// UN M49 region.
    region: Region [set],
    /// UN M49 subregion, e.g. `Eastern Africa`.
    subregion: String [text],
    /// Keys of the sources that give these facts; at least one.
    sources: Vec<String> [sources],
}
check |input, checks, txn, current, row| {
    checks.iso_code("input.code", &input.code);
}
}

crud! {
/// Curation of states: each mutation needs the admin token and runs in one transaction.
StateMutation {
    State(StateInput), id "The state's global id." {
        /// Adds a state.
        create_state;
        /// Replaces a state's facts and sources with the input.
        update_state;
        /// Deletes a state that nothing refers to any more; returns its id.
        delete_state;
    }
}
}
