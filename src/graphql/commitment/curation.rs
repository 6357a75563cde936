//! Curation of commitment records: their input, checks and mutations.

use super::*;
use crate::graphql::dates::read_date;
use crate::graphql::error::ApiResult;
use entity::enums::{CommitmentKind, RecordKind};
use entity::{commitment, endorsement};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::graphql::curation::{
    OrWriteError, citations_of, cite, count, crud, record_input, row_with,
};
use crate::graphql::dates::{DateInput, write_date};
use crate::graphql::error::OrGraphql;
use entity::membership;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, DatabaseTransaction};

record_input! {
/// A commitment as curators write it.
CommitmentInput -> Commitment in commitment, cited {
    /// Short stable key, unique, e.g. `principle-1`.
    key: String [key],
    /// Principle or area of action.
    kind: CommitmentKind [set],
    /// Its title.
    title: String [text],
    /// Its text.
    description: String [set],
    /// Key of the document that sets it out.
    document: Option<String> [refers document => document_id],
    /// Whether every member endorses it when it joins; members then endorse it on their
    /// joining date, citing their membership's and the commitment's sources.
    #[graphql(default)]
    endorsed_on_joining: bool [set],
    /// What to know about it, such as why it names no document.
    note: Option<String> [set],
    /// Keys of the sources that give these facts; at least one.
    sources: Vec<String> [sources],
}
after_save |_input, txn, saved, _before| {
    if !saved.endorsed_on_joining {
        return Ok(());
    }
    let members = membership::Entity::find().all(txn).await.or_gql()?;
    endorse_on_joining(txn, &members, std::slice::from_ref(saved), None).await
}
before_delete |txn, current| {
    // Endorsements exist only as endorsements of the commitment: they go with it.
    let endorsements = endorsement::Entity::find()
        .filter(endorsement::Column::CommitmentId.eq(current.id))
        .all(txn)
        .await
        .or_gql()?;
    for e in endorsements {
        remove_endorsement(txn, e.id).await?;
    }
    Ok(())
}
}

/// Deletes an endorsement with its citations and search entries.
pub async fn remove_endorsement(txn: &DatabaseTransaction, id: i32) -> ApiResult<()> {
    crate::graphql::curation::remove::<endorsement::Entity>(txn, RecordKind::Endorsement, id).await
}

/// A state's endorsement of a commitment, if it endorses it.
pub async fn endorsement_of(
    txn: &DatabaseTransaction,
    state_id: i32,
    commitment_id: i32,
) -> ApiResult<Option<endorsement::Model>> {
    use endorsement::Column;
    row_with::<endorsement::Entity>(
        txn,
        &[
            (Column::StateId, state_id),
            (Column::CommitmentId, commitment_id),
        ],
    )
    .await
}

/// The commitments that every member endorses on joining.
pub async fn endorsed_on_joining(txn: &DatabaseTransaction) -> ApiResult<Vec<commitment::Model>> {
    commitment::Entity::find()
        .filter(commitment::Column::EndorsedOnJoining.eq(true))
        .all(txn)
        .await
        .or_gql()
}

/// Brings the endorsements that members make on joining in step with their memberships
/// and the commitments marked `endorsedOnJoining`: each such pair has an endorsement,
/// dated with the joining date and citing the membership's and the commitment's sources
/// (besides any of its own). When a joining date changed from `joined_before`, the
/// endorsements that carried it follow; those with a date of their own keep it.
pub async fn endorse_on_joining(
    txn: &DatabaseTransaction,
    members: &[membership::Model],
    commitments: &[commitment::Model],
    joined_before: Option<&crate::dates::UncertainDate>,
) -> ApiResult<()> {
    // Each membership's sources are read once, not once per commitment.
    let mut member_sources = Vec::with_capacity(members.len());
    for m in members {
        member_sources.push(citations_of(txn, RecordKind::Membership, m.id).await?);
    }
    for c in commitments.iter().filter(|c| c.endorsed_on_joining) {
        let commitment_sources = citations_of(txn, RecordKind::Commitment, c.id).await?;
        for (m, m_sources) in members.iter().zip(&member_sources) {
            let joined = read_date(m, "joined");
            let mut sources = commitment_sources.clone();
            sources.extend(m_sources.iter().copied());
            let current = endorsement_of(txn, m.state_id, c.id).await?;
            let id = match current {
                None => {
                    let mut row = endorsement::ActiveModel {
                        state_id: Set(m.state_id),
                        commitment_id: Set(c.id),
                        note: Set(None),
                        ..Default::default()
                    };
                    write_date(&mut row, "endorsed", joined);
                    row.insert(txn).await.or_write()?.id
                }
                Some(e) => {
                    sources.extend(citations_of(txn, RecordKind::Endorsement, e.id).await?);
                    if joined_before.is_some()
                        && read_date(&e, "endorsed").as_ref() == joined_before
                    {
                        let mut row: endorsement::ActiveModel = e.clone().into();
                        write_date(&mut row, "endorsed", joined);
                        row.update(txn).await.or_write()?;
                    }
                    e.id
                }
            };
            let sources: Vec<i32> = sources.into_iter().collect();
            cite(txn, RecordKind::Endorsement, id, &sources).await?;
        }
    }
    Ok(())
}

record_input! {
/// An endorsement as curators write it: a state's endorsement of a commitment.
EndorsementInput -> Endorsement in endorsement, cited {
    /// ISO code of the endorsing state.
    state: String [requires state => state_id],
    /// Key of the endorsed commitment.
    commitment: String [requires commitment => commitment_id],
    /// When it endorsed it; for endorsements made on joining, the joining date applies
    /// when this is left out.
    endorsed: Option<DateInput> [date endorsed],
    /// What else the sources say about it.
    note: Option<String> [set],
    /// Keys of the sources that give these facts; at least one.
    sources: Vec<String> [sources],
}
check |input, checks, txn, current, row| {
    // The rest needs both records; without them the input is refused anyway.
    if let (Some(state_id), Some(commitment_id)) = (state_id, commitment_id) {
        let other = endorsement_of(txn, state_id, commitment_id).await?;
        if other.is_some_and(|o| Some(o.id) != current.map(|c| c.id)) {
            checks.problem(
                "input.commitment",
                format!(
                    "`{}` already endorses `{}`; update that endorsement instead",
                    input.state, input.commitment
                ),
            );
        }
        let joined = on_joining(txn, state_id, commitment_id).await?;
        // Left out, the date of an endorsement made on joining is the joining date.
        let date = match (&endorsed, &joined) {
            (Some(spec), _) => spec.resolve().ok(),
            (None, Some((m, _))) => read_date(m, "joined"),
            (None, None) => None,
        };
        write_date(&mut row, "endorsed", date);
        // An endorsement made on joining cites what the membership and commitment cite too.
        if let Some((m, c)) = &joined {
            checks.cite_also(citations_of(txn, RecordKind::Membership, m.id).await?);
            checks.cite_also(citations_of(txn, RecordKind::Commitment, *c).await?);
        }
    }
}
before_delete |txn, current| {
    if on_joining(txn, current.state_id, current.commitment_id)
        .await?
        .is_some()
    {
        return Err(crate::graphql::curation::refusal(
            "id",
            "a member endorses this commitment on joining: the endorsement stays while \
             the state is a member and the commitment is marked `endorsedOnJoining`",
        ));
    }
    Ok(())
}
}

/// The membership (and commitment id) that make a state endorse a commitment on joining.
async fn on_joining(
    txn: &DatabaseTransaction,
    state_id: i32,
    commitment_id: i32,
) -> ApiResult<Option<(membership::Model, i32)>> {
    let on_joining = count::<commitment::Entity>(
        txn,
        sea_orm::Condition::all()
            .add(commitment::Column::Id.eq(commitment_id))
            .add(commitment::Column::EndorsedOnJoining.eq(true)),
    )
    .await?
        > 0;
    if !on_joining {
        return Ok(None);
    }
    let member = membership::Entity::find()
        .filter(membership::Column::StateId.eq(state_id))
        .one(txn)
        .await
        .or_gql()?;
    Ok(member.map(|m| (m, commitment_id)))
}

crud! {
/// Curation of commitments and endorsements: each mutation needs the admin token and runs
/// in one transaction.
CommitmentMutation {
    Commitment(CommitmentInput), id "The commitment's global id." {
        /// Adds a commitment; when members endorse it on joining, every member's endorsement is
        /// added with it.
        create_commitment;
        /// Replaces a commitment's facts and sources with the input.
        update_commitment;
        /// Deletes a commitment with its endorsements; returns its id.
        delete_commitment;
    }
    Endorsement(EndorsementInput), id "The endorsement's global id." {
        /// Adds a state's endorsement of a commitment.
        create_endorsement;
        /// Replaces an endorsement's facts and sources with the input.
        update_endorsement;
        /// Deletes an endorsement; those members make on joining stay while the membership
        /// and the commitment's `endorsedOnJoining` do. Returns its id.
        delete_endorsement;
    }
}
}
