//! Curation of membership records: their input, checks and mutations.

use super::*;
use crate::graphql::dates::read_date;
use entity::membership;

use crate::graphql::commitment::curation::{
    endorse_on_joining, endorsed_on_joining, endorsement_of, remove_endorsement,
};
use crate::graphql::curation::{crud, record_input};
use crate::graphql::dates::DateInput;
use sea_orm::ActiveValue::Set;

record_input! {
/// A membership as curators write it: a state's joining of the Coalition.
MembershipInput -> Membership in membership, cited {
    /// ISO code of the member state; a state has one membership.
    state: String [requires state => state_id],
    /// When it joined.
    joined: Option<DateInput> [date joined],
    /// Whether it is a founding member.
    #[graphql(default)]
    founding: bool [set],
    /// Its place in the order of joining, where a source gives it.
    ordinal: Option<i32> [set],
    /// When it left, if it did.
    left: Option<DateInput> [date left],
    /// What else the sources say about it.
    note: Option<String> [set],
    /// Keys of the sources that give these facts; at least one.
    sources: Vec<String> [sources],
}
check |input, checks, txn, current, row| {
    // Its key is its state's code.
    checks
        .unique::<membership::Entity>(txn, "input.state", &input.state, current.map(|c| c.id))
        .await?;
    row.key = Set(input.state.clone());
    checks.in_order(
        "input.left",
        joined.as_ref(),
        left.as_ref(),
        "a member cannot leave before it joined",
    );
    if input.ordinal.is_some_and(|o| o < 1) {
        checks.problem("input.ordinal", "an ordinal counts from 1");
    }
}
after_save |_input, txn, saved, before| {
    let commitments = endorsed_on_joining(txn).await?;
    let joined_before = before.and_then(|b| read_date(b, "joined"));
    endorse_on_joining(
        txn,
        std::slice::from_ref(saved),
        &commitments,
        joined_before.as_ref(),
    )
    .await
}
before_delete |txn, current| {
    // The endorsements it made on joining, as the data gives them, go with it; those
    // with a note or a date of their own stay as the state's endorsements.
    let commitments = endorsed_on_joining(txn).await?;
    let joined = read_date(current, "joined");
    for c in commitments {
        let found = endorsement_of(txn, current.state_id, c.id).await?;
        if let Some(e) = found
            && e.note.is_none()
            && read_date(&e, "endorsed") == joined
        {
            remove_endorsement(txn, e.id).await?;
        }
    }
    Ok(())
}
}

crud! {
/// Curation of memberships: each mutation needs the admin token and runs in one transaction.
MembershipMutation {
    Membership(MembershipInput), id "The membership's global id." {
        /// Adds a state's membership; the member endorses, on its joining date, every
        /// commitment marked `endorsedOnJoining`.
        create_membership;
        /// Replaces a membership's facts and sources with the input; endorsements made on
        /// joining follow a changed joining date.
        update_membership;
        /// Deletes a membership with the endorsements made on joining; returns its id.
        delete_membership;
    }
}
}
