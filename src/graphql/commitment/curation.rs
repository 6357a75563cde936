//! Curation of commitment records: their input, checks and mutations.

use super::*;
use crate::graphql::dates::read_date;
use crate::graphql::error::ApiResult;
use entity::enums::{CommitmentKind, RecordKind};
use entity::{commitment, document, endorsement};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::graphql::curation::{
    Checked, Checks, OrWriteError, RecordInput, citations_of, cite, count, crud,
};
use crate::graphql::dates::{DateInput, write_date};
use crate::graphql::error::OrGraphql;
use entity::membership;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, DatabaseTransaction};

/// A commitment as curators write it.
#[derive(async_graphql::InputObject)]
pub struct CommitmentInput {
    /// Short stable key, unique, e.g. `principle-1`.
    pub key: String,
    /// Principle or area of action.
    pub kind: CommitmentKind,
    /// Its title.
    pub title: String,
    /// Its text.
    pub description: String,
    /// Key of the document that sets it out.
    pub document: Option<String>,
    /// Whether every member endorses it when it joins; members then endorse it on their
    /// joining date, citing their membership's and the commitment's sources.
    #[graphql(default)]
    pub endorsed_on_joining: bool,
    /// What to know about it, such as why it names no document.
    pub note: Option<String>,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

impl RecordInput for CommitmentInput {
    type Entity = commitment::Entity;
    type Model = commitment::Model;
    type Active = commitment::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Commitment);
    const TYPE: &'static str = "Commitment";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&commitment::Model>,
    ) -> ApiResult<Checked<commitment::ActiveModel>> {
        let mut checks = Checks::default();
        checks.not_blank("input.key", &self.key);
        checks.not_blank("input.title", &self.title);
        checks
            .unique::<commitment::Entity>(txn, "input.key", &self.key, current.map(|c| c.id))
            .await?;
        let document_id = checks
            .find_opt::<document::Entity>(txn, "input.document", self.document.as_deref())
            .await?;
        let sources = checks.sources(txn, "input.sources", &self.sources).await?;
        checks.finish()?;
        let row = commitment::ActiveModel {
            key: Set(self.key.clone()),
            kind: Set(self.kind),
            title: Set(self.title.clone()),
            description: Set(self.description.clone()),
            document_id: Set(document_id),
            endorsed_on_joining: Set(self.endorsed_on_joining),
            note: Set(self.note.clone()),
            ..Default::default()
        };
        Ok(Checked { row, sources })
    }

    async fn after_save(
        &self,
        txn: &DatabaseTransaction,
        saved: &commitment::Model,
        _before: Option<&commitment::Model>,
    ) -> ApiResult<()> {
        if !saved.endorsed_on_joining {
            return Ok(());
        }
        let members = membership::Entity::find().all(txn).await.or_gql()?;
        endorse_on_joining(txn, &members, std::slice::from_ref(saved), None).await
    }

    async fn before_delete(
        txn: &DatabaseTransaction,
        current: &commitment::Model,
    ) -> ApiResult<()> {
        // Endorsements exist only as endorsements of the commitment: they go with it.
        let endorsements = endorsement::Entity::find()
            .filter(endorsement::Column::CommitmentId.eq(current.id))
            .all(txn)
            .await
            .or_gql()?;
        for e in endorsements {
            crate::graphql::curation::remove::<endorsement::Entity>(
                txn,
                RecordKind::Endorsement,
                e.id,
            )
            .await?;
        }
        Ok(())
    }
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
            let current = endorsement::Entity::find()
                .filter(endorsement::Column::StateId.eq(m.state_id))
                .filter(endorsement::Column::CommitmentId.eq(c.id))
                .one(txn)
                .await
                .or_gql()?;
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

/// An endorsement as curators write it: a state's endorsement of a commitment.
#[derive(async_graphql::InputObject)]
pub struct EndorsementInput {
    /// ISO code of the endorsing state.
    pub state: String,
    /// Key of the endorsed commitment.
    pub commitment: String,
    /// When it endorsed it; for endorsements made on joining, the joining date applies
    /// when this is left out.
    pub endorsed: Option<DateInput>,
    /// What else the sources say about it.
    pub note: Option<String>,
    /// Keys of the sources that give these facts; at least one.
    pub sources: Vec<String>,
}

impl RecordInput for EndorsementInput {
    type Entity = endorsement::Entity;
    type Model = endorsement::Model;
    type Active = endorsement::ActiveModel;
    const KIND: Option<RecordKind> = Some(RecordKind::Endorsement);
    const TYPE: &'static str = "Endorsement";

    async fn check(
        &self,
        txn: &DatabaseTransaction,
        current: Option<&endorsement::Model>,
    ) -> ApiResult<Checked<endorsement::ActiveModel>> {
        let mut checks = Checks::default();
        let state_id = checks
            .find::<entity::state::Entity>(txn, "input.state", &self.state)
            .await?;
        let commitment_id = checks
            .find::<commitment::Entity>(txn, "input.commitment", &self.commitment)
            .await?;
        let endorsed = checks
            .date(txn, "input.endorsed", self.endorsed.as_ref())
            .await?;
        let mut sources = checks.sources(txn, "input.sources", &self.sources).await?;
        if let (Some(state_id), Some(commitment_id)) = (state_id, commitment_id) {
            let other = endorsement::Entity::find()
                .filter(endorsement::Column::StateId.eq(state_id))
                .filter(endorsement::Column::CommitmentId.eq(commitment_id))
                .one(txn)
                .await
                .or_gql()?;
            if other.is_some_and(|o| Some(o.id) != current.map(|c| c.id)) {
                checks.problem(
                    "input.commitment",
                    format!(
                        "`{}` already endorses `{}`; update that endorsement instead",
                        self.state, self.commitment
                    ),
                );
            }
        }
        checks.finish()?;
        let (state_id, commitment_id) = (
            state_id.unwrap_or_default(),
            commitment_id.unwrap_or_default(),
        );
        let joined = on_joining(txn, state_id, commitment_id).await?;
        let date = match (&endorsed, &joined) {
            (Some(spec), _) => spec.resolve().ok(),
            (None, Some((m, _))) => read_date(m, "joined"),
            (None, None) => None,
        };
        // An endorsement made on joining cites what the membership and commitment cite too.
        if let Some((m, c)) = &joined {
            let mut all: std::collections::BTreeSet<i32> = sources.into_iter().collect();
            all.extend(citations_of(txn, RecordKind::Membership, m.id).await?);
            all.extend(citations_of(txn, RecordKind::Commitment, *c).await?);
            sources = all.into_iter().collect();
        }
        let mut row = endorsement::ActiveModel {
            state_id: Set(state_id),
            commitment_id: Set(commitment_id),
            note: Set(self.note.clone()),
            ..Default::default()
        };
        write_date(&mut row, "endorsed", date);
        Ok(Checked { row, sources })
    }

    async fn before_delete(
        txn: &DatabaseTransaction,
        current: &endorsement::Model,
    ) -> ApiResult<()> {
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
