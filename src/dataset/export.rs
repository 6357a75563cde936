//! Reading the whole database back into the data file's model: the inverse of
//! [`super::load`]. Rows come out in id order, which is the order the loader inserted them
//! in (file order), so exporting what an import loaded gives back the same file.

use std::collections::{BTreeSet, HashMap};

use entity::enums::RecordKind;
use entity::*;
use sea_orm::{
    AccessMode, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    IsolationLevel, QueryFilter, QueryOrder, TransactionTrait,
};

use super::{
    ChairshipRow, ClaimRow, CoalitionRow, CommitmentRow, ConferenceRow, Dataset, DatasetError,
    DateSpec, DocumentRow, EndorsementRow, FunderRow, FundingRow, HostRow, InitiativeRow,
    MembershipRow, OrganizationRow, PersonRoleRow, PersonRow, SourceRow, StateRow,
};
use crate::dates::{UncertainDate, parse_interval, read_columns};

/// Every row of an entity, in id order; its table joins those `$read` has read.
macro_rules! rows {
    ($db:expr, $read:ident, $module:ident) => {{
        $read.insert(sea_orm::EntityName::table_name(&$module::Entity));
        $module::Entity::find()
            .order_by_asc($module::Column::Id)
            .all($db)
            .await?
    }};
}

/// Reads every record of the database into the data file's model; [`Dataset::to_toml`]
/// writes it out. What the loader derives is left out: the search index, the natural keys of
/// chairships and claims, and the endorsements a member gives on joining when they are
/// exactly what the loader would generate.
pub async fn export(db: &impl ConnectionTrait) -> Result<Dataset, DatasetError> {
    // The tables read, so that rows of any other are refused rather than lost.
    let mut read = BTreeSet::new();
    let source_models = rows!(db, read, source);
    let source_keys = Names::new(
        "source",
        source_models.iter().map(|s| (s.id, s.key.clone())),
    );
    // The sources each record cites, in citation order, which is the order its file listed
    // them in when it was loaded.
    let mut cited: HashMap<(RecordKind, i32), Vec<String>> = HashMap::new();
    for c in rows!(db, read, citation) {
        cited
            .entry((c.record_kind, c.record_id))
            .or_default()
            .push(source_keys.of(c.source_id)?);
    }
    let cites = |kind: RecordKind, id: i32| cited.get(&(kind, id)).cloned().unwrap_or_default();

    let sources = source_models
        .iter()
        .map(|s| SourceRow {
            key: s.key.clone(),
            title: s.title.clone(),
            title_is_description: s.title_is_description,
            publisher: s.publisher.clone(),
            date: date_spec(&read_columns(s, "published")),
            url: s.url.clone(),
            note: s.note.clone(),
        })
        .collect();

    read.insert(sea_orm::EntityName::table_name(&coalition::Entity));
    let coalition = coalition::Entity::find()
        .filter(coalition::Column::Key.eq("foc"))
        .one(db)
        .await?
        .ok_or_else(|| {
            DatasetError::Invalid(vec![
                "the database holds no coalition record (key \"foc\"): seed or import a data file first"
                    .to_owned(),
            ])
        })?;
    let coalition = CoalitionRow {
        name: coalition.name.clone(),
        purpose: coalition.purpose.clone(),
        founded: date_spec(&read_columns(&coalition, "founded")),
        founding_place: coalition.founding_place.clone(),
        membership_criteria: coalition.membership_criteria.clone(),
        // Stored one per line (the loader joins them with "\n").
        participant_regions: coalition
            .participant_regions
            .split('\n')
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect(),
        participant_regions_text: coalition.participant_regions_text.clone(),
        sources: cites(RecordKind::Coalition, coalition.id),
    };

    let state_models = rows!(db, read, state);
    let state_codes = Names::new("state", state_models.iter().map(|s| (s.id, s.code.clone())));
    let states = state_models
        .iter()
        .map(|s| StateRow {
            code: s.code.clone(),
            name: s.name.clone(),
            region: s.region,
            subregion: s.subregion.clone(),
            sources: cites(RecordKind::State, s.id),
        })
        .collect();

    let membership_models = rows!(db, read, membership);
    let mut memberships = Vec::new();
    for m in &membership_models {
        memberships.push(MembershipRow {
            state: state_codes.of(m.state_id)?,
            joined: date_spec(&read_columns(m, "joined")),
            founding: m.founding,
            ordinal: m.ordinal,
            left: date_spec(&read_columns(m, "left")),
            note: m.note.clone(),
            sources: cites(RecordKind::Membership, m.id),
        });
    }

    let conference_models = rows!(db, read, conference);
    let conference_keys = Names::new(
        "conference",
        conference_models.iter().map(|c| (c.id, c.key.clone())),
    );
    let mut hosts: HashMap<i32, Vec<HostRow>> = HashMap::new();
    for h in rows!(db, read, conference_host) {
        hosts.entry(h.conference_id).or_default().push(HostRow {
            state: state_codes.of(h.state_id)?,
            role: h.role,
        });
    }
    let conferences = conference_models
        .iter()
        .map(|c| ConferenceRow {
            key: c.key.clone(),
            kind: c.kind,
            ordinal: c.ordinal,
            name: c.name.clone(),
            city: c.city.clone(),
            venue: c.venue.clone(),
            start: c.start_date,
            end: c.end_date,
            theme: c.theme.clone(),
            format: c.format,
            hosts: hosts.remove(&c.id).unwrap_or_default(),
            note: c.note.clone(),
            sources: cites(RecordKind::Conference, c.id),
        })
        .collect();

    let mut chairships = Vec::new();
    for c in rows!(db, read, chairship) {
        chairships.push(ChairshipRow {
            chair: state_codes.opt(c.state_id)?,
            interim: c.interim.clone(),
            start: date_spec(&read_columns(&c, "start")),
            end: date_spec(&read_columns(&c, "end")),
            note: c.note.clone(),
            sources: cites(RecordKind::Chairship, c.id),
        });
    }

    let document_models = rows!(db, read, document);
    let document_keys = Names::new(
        "document",
        document_models.iter().map(|d| (d.id, d.key.clone())),
    );
    let mut documents = Vec::new();
    for d in &document_models {
        documents.push(DocumentRow {
            key: d.key.clone(),
            title: d.title.clone(),
            kind: d.kind,
            adopted: date_spec(&read_columns(d, "adopted")),
            conference: conference_keys.opt(d.conference_id)?,
            note: d.note.clone(),
            sources: cites(RecordKind::Document, d.id),
        });
    }

    let commitment_models = rows!(db, read, commitment);
    let commitment_keys = Names::new(
        "commitment",
        commitment_models.iter().map(|c| (c.id, c.key.clone())),
    );
    let mut commitments = Vec::new();
    for c in &commitment_models {
        commitments.push(CommitmentRow {
            key: c.key.clone(),
            kind: c.kind,
            title: c.title.clone(),
            description: c.description.clone(),
            document: document_keys.opt(c.document_id)?,
            endorsed_on_joining: c.endorsed_on_joining,
            note: c.note.clone(),
            sources: cites(RecordKind::Commitment, c.id),
        });
    }

    let endorsements = endorsements(
        rows!(db, read, endorsement),
        &memberships,
        &membership_models,
        &commitments,
        &commitment_models,
        &state_codes,
        &commitment_keys,
        &cites,
    )?;

    let organization_models = rows!(db, read, organization);
    let organization_keys = Names::new(
        "organization",
        organization_models.iter().map(|o| (o.id, o.key.clone())),
    );
    let mut organizations = Vec::new();
    for o in &organization_models {
        organizations.push(OrganizationRow {
            key: o.key.clone(),
            name: o.name.clone(),
            kind: o.kind,
            state: state_codes.opt(o.state_id)?,
            parent: organization_keys.opt(o.parent_id)?,
            sources: cites(RecordKind::Organization, o.id),
        });
    }

    let initiative_models = rows!(db, read, initiative);
    let initiative_keys = Names::new(
        "initiative",
        initiative_models.iter().map(|i| (i.id, i.key.clone())),
    );
    let mut initiatives = Vec::new();
    for i in &initiative_models {
        initiatives.push(InitiativeRow {
            key: i.key.clone(),
            name: i.name.clone(),
            description: i.description.clone(),
            launched_at: conference_keys.opt(i.launched_at_id)?,
            launched: date_spec(&read_columns(i, "launched")),
            manager: organization_keys.opt(i.manager_id)?,
            operating_since: date_spec(&read_columns(i, "operating_since")),
            url: i.url.clone(),
            sources: cites(RecordKind::Initiative, i.id),
        });
    }

    let mut funders: HashMap<i32, Vec<FunderRow>> = HashMap::new();
    for f in rows!(db, read, funding_funder) {
        funders.entry(f.funding_id).or_default().push(FunderRow {
            state: state_codes.opt(f.state_id)?,
            organization: organization_keys.opt(f.organization_id)?,
        });
    }
    let mut fundings = Vec::new();
    for f in rows!(db, read, funding) {
        fundings.push(FundingRow {
            key: f.key.clone(),
            description: f.description.clone(),
            amount: f.amount,
            currency: f.currency.clone(),
            qualifier: f.qualifier,
            period_start: date_spec(&read_columns(&f, "period_start")),
            period_end: date_spec(&read_columns(&f, "period_end")),
            recipient_initiative: initiative_keys.opt(f.recipient_initiative_id)?,
            recipient_programme: f.recipient_programme.clone(),
            funders: funders.remove(&f.id).unwrap_or_default(),
            funders_complete: f.funders_complete,
            note: f.note.clone(),
            sources: cites(RecordKind::Funding, f.id),
        });
    }

    let mut roles: HashMap<i32, Vec<PersonRoleRow>> = HashMap::new();
    for r in rows!(db, read, person_role) {
        roles.entry(r.person_id).or_default().push(PersonRoleRow {
            conference: conference_keys.of(r.conference_id)?,
            role: r.role,
            office: r.office.clone(),
            office_state: state_codes.opt(r.office_state_id)?,
        });
    }
    let people = rows!(db, read, person)
        .into_iter()
        .map(|p| PersonRow {
            roles: roles.remove(&p.id).unwrap_or_default(),
            sources: cites(RecordKind::Person, p.id),
            key: p.key,
            name: p.name,
        })
        .collect();

    let claims = rows!(db, read, claim)
        .into_iter()
        .map(|c| ClaimRow {
            as_of: date_spec(&read_columns(&c, "as_of")),
            sources: cites(RecordKind::Claim, c.id),
            topic: c.topic,
            statement: c.statement,
            value: c.value,
            subject: c.subject,
        })
        .collect();

    refuse_unread(db, &read).await?;
    Ok(Dataset {
        sources,
        coalition,
        states,
        memberships,
        conferences,
        chairships,
        documents,
        commitments,
        endorsements,
        organizations,
        initiatives,
        fundings,
        people,
        claims,
    })
}

/// The tables whose rows neither the data file holds (`read`) nor the loader derives (the
/// search index, the dataset version, the kept row counts): a record type not yet in the
/// file format.
fn unread<'a>(tables: &[&'a str], read: &BTreeSet<&str>) -> Vec<&'a str> {
    use sea_orm::EntityName;
    let derived = [
        search_entry::Entity.table_name(),
        dataset_version::Entity.table_name(),
        row_count::Entity.table_name(),
    ];
    tables
        .iter()
        .copied()
        .filter(|table| !read.contains(table) && !derived.contains(table))
        .collect()
}

/// Refuses to export a database holding rows the data file has no place for, which the
/// file (and a later import of it) would otherwise lose without a word.
async fn refuse_unread(
    db: &impl ConnectionTrait,
    read: &BTreeSet<&str>,
) -> Result<(), DatasetError> {
    use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Query};
    let mut lost = Vec::new();
    for table in unread(&entity::tables(), read) {
        let count = Query::select()
            .expr(Expr::col(Asterisk).count())
            .from(Alias::new(table))
            .to_owned();
        let rows: i64 = match db.query_one(&count).await? {
            Some(row) => row.try_get_by_index(0)?,
            None => 0,
        };
        if rows > 0 {
            lost.push(format!("{rows} rows of `{table}`"));
        }
    }
    if lost.is_empty() {
        Ok(())
    } else {
        Err(DatasetError::Write(format!(
            "it has no place for {}, which exporting would lose",
            lost.join(", ")
        )))
    }
}

/// [`export`] from one consistent snapshot of the database, so records written while it
/// reads (by a curator, say) cannot leave it citing a source it did not read. PostgreSQL
/// needs a repeatable-read transaction for that; a SQLite transaction is one already.
pub async fn export_snapshot(db: &DatabaseConnection) -> Result<Dataset, DatasetError> {
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    let data = export(&txn).await?;
    // Nothing was written: ending the transaction either way is the same.
    txn.rollback().await?;
    Ok(data)
}

/// The `[[endorsements]]` rows: the stored endorsements the loader would not generate as
/// they are. The loader gives each member one endorsement of each commitment endorsed on
/// joining, dated with the joining date and citing the sources of the membership and the
/// commitment (`super::load`); an explicit row adds a note, sources (united with those) and
/// a date of its own. So such an endorsement is written only when it differs, and every other
/// endorsement always.
#[allow(clippy::too_many_arguments)]
fn endorsements(
    stored: Vec<endorsement::Model>,
    memberships: &[MembershipRow],
    membership_models: &[membership::Model],
    commitments: &[CommitmentRow],
    commitment_models: &[commitment::Model],
    state_codes: &Names,
    commitment_keys: &Names,
    cites: &impl Fn(RecordKind, i32) -> Vec<String>,
) -> Result<Vec<EndorsementRow>, DatasetError> {
    // Per state: its membership's place in the file and the row exported for it.
    let mut membership_of: HashMap<i32, (usize, &MembershipRow)> = HashMap::new();
    for (position, (row, model)) in memberships.iter().zip(membership_models).enumerate() {
        membership_of
            .entry(model.state_id)
            .or_insert((position, row));
    }
    let commitment_of: HashMap<i32, (usize, &CommitmentRow)> = commitment_models
        .iter()
        .zip(commitments)
        .enumerate()
        .map(|(position, (model, row))| (model.id, (position, row)))
        .collect();

    let mut on_joining: Vec<((usize, usize), EndorsementRow)> = Vec::new();
    let mut others = Vec::new();
    for e in stored {
        let state = state_codes.of(e.state_id)?;
        let commitment = commitment_keys.of(e.commitment_id)?;
        let endorsed = date_spec(&read_columns(&e, "endorsed"));
        let sources = cites(RecordKind::Endorsement, e.id);
        match (
            membership_of.get(&e.state_id),
            commitment_of.get(&e.commitment_id),
        ) {
            (Some((m_position, m)), Some((c_position, c))) if c.endorsed_on_joining => {
                let generated: BTreeSet<&String> = c.sources.iter().chain(&m.sources).collect();
                // The loader unites the sources and inserts them sorted: compare and write
                // them as a sorted set, so the row reads back as it is written.
                let sources: BTreeSet<String> = sources.into_iter().collect();
                let same_date = endorsed == m.joined;
                if e.note.is_none() && same_date && sources.iter().eq(generated.iter().copied()) {
                    continue;
                }
                on_joining.push((
                    (*m_position, *c_position),
                    EndorsementRow {
                        state,
                        commitment,
                        // `{}` says "no date": leaving the field out would mean the joining date.
                        endorsed: (!same_date).then(|| endorsed.unwrap_or_else(DateSpec::none)),
                        note: e.note,
                        sources: sources.into_iter().collect(),
                    },
                ));
            }
            _ => others.push(EndorsementRow {
                state,
                commitment,
                endorsed,
                note: e.note,
                sources,
            }),
        }
    }
    // The order the loader creates them in: the generated ones member by member, commitment
    // by commitment, then the others in file order.
    on_joining.sort_by_key(|(position, _)| *position);
    Ok(on_joining
        .into_iter()
        .map(|(_, row)| row)
        .chain(others)
        .collect())
}

/// The keys of one table's rows by id, for writing references by key.
struct Names {
    what: &'static str,
    by_id: HashMap<i32, String>,
}

impl Names {
    fn new(what: &'static str, pairs: impl Iterator<Item = (i32, String)>) -> Self {
        Self {
            what,
            by_id: pairs.collect(),
        }
    }

    /// The key of row `id`; a reference to a row that is gone cannot be written by key.
    fn of(&self, id: i32) -> Result<String, DatasetError> {
        self.by_id.get(&id).cloned().ok_or_else(|| {
            DatasetError::Invalid(vec![format!(
                "a record refers to {} {id}, which does not exist",
                self.what
            )])
        })
    }

    fn opt(&self, id: Option<i32>) -> Result<Option<String>, DatasetError> {
        id.map(|id| self.of(id)).transpose()
    }
}

impl DateSpec {
    /// A date no source gives: `{}`.
    fn none() -> Self {
        DateSpec::Narrowed {
            stated: None,
            not_before: None,
            not_after: None,
            narrowed_by: Vec::new(),
            note: None,
        }
    }
}

/// The data file's form of a stored date; None when the row has no date. It writes only what
/// the loader needs to rebuild the same columns: a bound that does not narrow the stated
/// interval is left out (the loader would ignore it), so the form is the same after a round
/// trip.
fn date_spec(date: &UncertainDate) -> Option<DateSpec> {
    let (not_before, not_after) = match date.stated.as_deref().map(parse_interval) {
        Some(Ok((_, first, last))) => (
            date.earliest.filter(|e| *e > first),
            date.latest.filter(|l| *l < last),
        ),
        _ => (date.earliest, date.latest),
    };
    let plain = not_before.is_none()
        && not_after.is_none()
        && date.narrowed_by.is_empty()
        && date.narrowing_note.is_none();
    match &date.stated {
        None if plain => None,
        Some(stated) if plain => Some(DateSpec::Stated(stated.clone())),
        _ => Some(DateSpec::Narrowed {
            stated: date.stated.clone(),
            not_before,
            not_after,
            narrowed_by: date.narrowed_by.clone(),
            note: date.narrowing_note.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::day;

    #[test]
    fn a_table_the_file_does_not_hold_is_unread() {
        let read: BTreeSet<&str> = ["states", "memberships"].into_iter().collect();
        let tables = [
            "states",
            "memberships",
            "search_entries",
            "row_counts",
            "meetings",
        ];
        assert_eq!(unread(&tables, &read), ["meetings"]);
    }

    #[test]
    fn dates_read_back_in_the_form_that_loads_them() {
        let specs = [
            DateSpec::Stated("2014-01".into()),
            DateSpec::Narrowed {
                stated: Some("2014".into()),
                not_before: Some(day("2014-01-17")),
                not_after: None,
                narrowed_by: vec!["FS2014".into()],
                note: Some("not listed on 2014-01-16".into()),
            },
            DateSpec::Narrowed {
                stated: None,
                not_before: Some(day("2019-11-01")),
                not_after: Some(day("2021-08-31")),
                narrowed_by: vec!["A".into(), "B".into()],
                note: None,
            },
        ];
        for spec in specs {
            let date = spec.resolve().expect("a valid date");
            assert_eq!(date_spec(&date), Some(spec));
        }
        assert_eq!(date_spec(&UncertainDate::default()), None);
        // A bound the stated interval already implies is not written.
        let date = DateSpec::Narrowed {
            stated: Some("2014-01".into()),
            not_before: Some(day("2013-12-01")),
            not_after: Some(day("2014-01-31")),
            narrowed_by: Vec::new(),
            note: None,
        }
        .resolve()
        .expect("a valid date");
        assert_eq!(date_spec(&date), Some(DateSpec::Stated("2014-01".into())));
    }
}
