//! Curation of conference records: their input, checks and mutations.

use super::*;
use crate::graphql::dates::Date;
use crate::graphql::error::{ApiResult, OrGraphql};
use async_graphql::Context;
use entity::enums::{ConferenceFormat, ConferenceKind, HostRole, RecordKind};
use entity::{conference, conference_host, state};
use sea_orm::EntityTrait;

use crate::changes::Operation;
use crate::graphql::curation::{
    Checks, OrWriteError, RecordInput, Write, citations_of, cite, crud, id_of_key, record_input,
    refusal, replace_rows, row_with,
};
use async_graphql::InputObject;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, DatabaseTransaction};

/// A state's part in hosting, as curators write it.
#[derive(InputObject)]
pub struct HostInput {
    /// ISO code of the hosting state.
    pub state: String,
    /// Host or co-host.
    pub role: HostRole,
}

/// Checks hosts: known states, each once.
async fn check_hosts(
    checks: &mut Checks,
    txn: &DatabaseTransaction,
    field: &str,
    hosts: &[HostInput],
) -> ApiResult<()> {
    let mut seen = std::collections::HashSet::new();
    for (i, host) in hosts.iter().enumerate() {
        let at = format!("{field}[{i}].state");
        checks
            .find::<entity::state::Entity>(txn, &at, &host.state)
            .await?;
        if !seen.insert(host.state.as_str()) {
            checks.problem(at, format!("`{}` is listed twice", host.state));
        }
    }
    Ok(())
}

record_input! {
/// A conference as curators write it.
ConferenceInput -> Conference in conference, cited {
    /// Short stable key, unique, e.g. `foc-2011-the-hague`.
    key: String [key],
    /// What kind of meeting it was.
    kind: ConferenceKind [set],
    /// Its number in the series, where the sources number it.
    ordinal: Option<i32> [set],
    /// Its name.
    name: String [text],
    /// Where it took place.
    city: Option<String> [set],
    /// The venue.
    venue: Option<String> [set],
    /// First day.
    start: Option<Date> [own],
    /// Last day.
    end: Option<Date> [own],
    /// Its theme.
    theme: Option<String> [set],
    /// In person or virtual.
    format: Option<ConferenceFormat> [set],
    /// The hosting states; they replace the ones recorded. Left out, the hosts stay as
    /// they are.
    hosts: Option<Vec<HostInput>> [own],
    /// What else the sources say about it.
    note: Option<String> [set],
    /// Keys of the sources that give these facts, hosts included; at least one.
    sources: Vec<String> [sources],
}
check |input, checks, txn, current, row| {
    if let (Some(start), Some(end)) = (input.start, input.end)
        && end < start
    {
        checks.problem("input.end", "a conference cannot end before it starts");
    }
    row.start_date = Set(input.start.map(|d| d.0));
    row.end_date = Set(input.end.map(|d| d.0));
    if input.ordinal.is_some_and(|o| o < 1) {
        checks.problem("input.ordinal", "an ordinal counts from 1");
    }
    if let Some(hosts) = &input.hosts {
        check_hosts(&mut checks, txn, "input.hosts", hosts).await?;
    }
}
after_save |input, txn, saved, _before| {
    let Some(hosts) = &input.hosts else {
        return Ok(());
    };
    let mut rows = Vec::new();
    for host in hosts {
        let state_id = id_of_key::<state::Entity>(txn, Some(&host.state)).await?;
        rows.push(conference_host::ActiveModel {
            conference_id: Set(saved.id),
            state_id: Set(state_id.unwrap_or_default()),
            role: Set(host.role),
            ..Default::default()
        });
    }
    replace_rows::<conference_host::Entity>(
        txn,
        conference_host::Column::ConferenceId,
        saved.id,
        rows,
    )
    .await
}
}

/// A state's part in hosting one conference, as curators write it.
#[derive(InputObject)]
pub struct ConferenceHostInput {
    /// Key of the conference.
    pub conference: String,
    /// ISO code of the hosting state.
    pub state: String,
    /// Host or co-host.
    pub role: HostRole,
    /// Keys of the sources that say so; the conference cites them from then on.
    pub sources: Vec<String>,
}

impl ConferenceHostInput {
    /// Checks the keys; the conference, the state's id and the sources' ids.
    async fn check(
        &self,
        txn: &DatabaseTransaction,
        sources_needed: bool,
    ) -> ApiResult<(conference::Model, i32, Vec<i32>)> {
        let mut checks = Checks::default();
        let conference_id = checks
            .find::<conference::Entity>(txn, "input.conference", &self.conference)
            .await?;
        let state_id = checks
            .find::<entity::state::Entity>(txn, "input.state", &self.state)
            .await?;
        if sources_needed || !self.sources.is_empty() {
            checks.sources(txn, "input.sources", &self.sources).await?;
        }
        let sources = checks.finish()?;
        let conference = conference::Entity::find_by_id(conference_id.unwrap_or_default())
            .one(txn)
            .await
            .or_gql()?
            .ok_or("the conference was removed meanwhile")?;
        Ok((conference, state_id.unwrap_or_default(), sources))
    }
}

impl ConferenceHostInput {
    /// Adds the hosting state (`adding`) or changes its role; returns the conference.
    async fn write(&self, ctx: &Context<'_>, adding: bool) -> ApiResult<Conference> {
        let write = Write::begin(ctx).await?;
        let (conference, state_id, sources) = self.check(&write.txn, true).await?;
        let found = hosting(&write.txn, conference.id, state_id).await?;
        let mut row = match (found, adding) {
            (None, true) => conference_host::ActiveModel {
                conference_id: Set(conference.id),
                state_id: Set(state_id),
                ..Default::default()
            },
            (Some(host), false) => host.into(),
            (Some(_), true) => {
                let message = format!("`{}` already hosts `{}`", self.state, self.conference);
                return Err(refusal("input.state", message));
            }
            (None, false) => {
                let message = format!("`{}` does not host `{}`", self.state, self.conference);
                return Err(refusal("input.state", message));
            }
        };
        row.role = Set(self.role);
        row.save(&write.txn).await.or_write()?;
        hosts_changed(write, conference, &sources).await
    }
}

/// Adds sources to what a conference cites.
async fn cite_more(txn: &DatabaseTransaction, conference_id: i32, more: &[i32]) -> ApiResult<()> {
    let mut all = citations_of(txn, RecordKind::Conference, conference_id).await?;
    all.extend(more.iter().copied());
    cite(
        txn,
        RecordKind::Conference,
        conference_id,
        &all.into_iter().collect::<Vec<_>>(),
    )
    .await
}

/// Ends a change to a conference's hosts: the conference cites `sources` too, and the change
/// is committed and announced as an update of the conference, which is returned.
async fn hosts_changed(
    write: Write,
    conference: conference::Model,
    sources: &[i32],
) -> ApiResult<Conference> {
    // Removing a host adds no source.
    if !sources.is_empty() {
        cite_more(&write.txn, conference.id, sources).await?;
    }
    write
        .commit(
            <ConferenceInput as RecordInput>::TYPE,
            conference.id,
            Operation::Updated,
        )
        .await?;
    Ok(Conference(crate::graphql::list::alone(conference)))
}

/// The hosting row of a conference and a state.
async fn hosting(
    txn: &DatabaseTransaction,
    conference_id: i32,
    state_id: i32,
) -> ApiResult<Option<conference_host::Model>> {
    use conference_host::Column;
    row_with::<conference_host::Entity>(
        txn,
        &[
            (Column::ConferenceId, conference_id),
            (Column::StateId, state_id),
        ],
    )
    .await
}

crud! {
/// Curation of conferences and their hosts: each mutation needs the admin token and runs
/// in one transaction.
ConferenceMutation {
    Conference(ConferenceInput), id "The conference's global id." {
        /// Adds a conference, with its hosts.
        create_conference;
        /// Replaces a conference's facts and sources (and hosts, when given) with the input.
        update_conference;
        /// Deletes a conference that no document, initiative or person refers to, with its
        /// hosts; returns its id.
        delete_conference;
    }
    + more {
    /// Adds a hosting state to a conference; returns the conference.
    async fn create_conference_host(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's facts and the keys of its sources.")]
        input: ConferenceHostInput,
    ) -> ApiResult<Conference> {
        input.write(ctx, true).await
    }

    /// Changes a hosting state's role; returns the conference.
    async fn update_conference_host(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's facts and the keys of its sources.")]
        input: ConferenceHostInput,
    ) -> ApiResult<Conference> {
        input.write(ctx, false).await
    }

    /// Removes a hosting state from a conference; returns the conference.
    async fn delete_conference_host(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Key of the conference.")] conference: String,
        #[graphql(desc = "ISO code of the hosting state.")] state: String,
    ) -> ApiResult<Conference> {
        let write = Write::begin(ctx).await?;
        let input = ConferenceHostInput {
            conference,
            state,
            role: HostRole::Host,
            sources: Vec::new(),
        };
        let (current, state_id, _) = input.check(&write.txn, false).await?;
        let Some(host) = hosting(&write.txn, current.id, state_id).await? else {
            return Err(refusal(
                "state",
                format!("`{}` does not host `{}`", input.state, current.key),
            ));
        };
        conference_host::Entity::delete_by_id(host.id)
            .exec(&write.txn)
            .await
            .or_write()?;
        hosts_changed(write, current, &[]).await
    }
    }
}
}
