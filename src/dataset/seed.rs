//! The idempotent seed: every record whose natural key is not in the database yet is
//! inserted, in one transaction.

use super::*;
use crate::progress::Progress;

/// How many records a seed added, per table.
#[derive(Debug, Default)]
pub struct SeedReport {
    /// (table, rows added), in load order.
    pub added: Vec<(&'static str, u64)>,
}

impl SeedReport {
    /// Rows added in all tables.
    pub fn total(&self) -> u64 {
        self.added.iter().map(|(_, n)| n).sum()
    }
}

/// Loads a dataset into the database: adds every record whose key is missing, in one
/// transaction. Existing records are left as they are.
pub async fn seed(db: &DatabaseConnection, data: &Dataset) -> Result<SeedReport, DatasetError> {
    let txn = db.begin().await?;
    let report = load(&txn, data, &crate::progress::Silent).await?;
    if report.total() > 0 {
        crate::changes::announce(&txn, crate::changes::Cause::Seed, Vec::new()).await?;
    }
    txn.commit().await?;
    Ok(report)
}

/// Adds every record of a validated dataset whose key is missing, inside the caller's
/// transaction, and brings the search index up to date. [`seed`] and [`import`] both load
/// through here, so a file means the same records whichever of them loads it. Each table is
/// a stage of `progress`.
pub async fn load(
    txn: &DatabaseTransaction,
    data: &Dataset,
    progress: &dyn Progress,
) -> Result<SeedReport, DatasetError> {
    let mut report = SeedReport::default();
    let mut citations: Vec<(RecordKind, i32, &Vec<String>)> = Vec::new();

    let source_ids = sync::<source::Entity, _>(
        txn,
        progress,
        &mut report,
        "sources",
        |m| m.key.clone(),
        data.sources.iter().map(|s| {
            let mut am = source::ActiveModel {
                key: Set(s.key.clone()),
                title: Set(s.title.clone()),
                title_is_description: Set(s.title_is_description),
                publisher: Set(s.publisher.clone()),
                url: Set(s.url.clone()),
                note: Set(s.note.clone()),
                ..Default::default()
            };
            set_date(&mut am, "published", s.date.as_ref());
            (s.key.clone(), am)
        }),
    )
    .await?;

    let c = &data.coalition;
    let mut coalition_am = coalition::ActiveModel {
        key: Set("foc".into()),
        name: Set(c.name.clone()),
        purpose: Set(c.purpose.clone()),
        founding_place: Set(c.founding_place.clone()),
        membership_criteria: Set(c.membership_criteria.clone()),
        participant_regions: Set(c.participant_regions.join("\n")),
        participant_regions_text: Set(c.participant_regions_text.clone()),
        ..Default::default()
    };
    set_date(&mut coalition_am, "founded", c.founded.as_ref());
    let coalition_ids = sync::<coalition::Entity, _>(
        txn,
        progress,
        &mut report,
        "coalition",
        |m| m.key.clone(),
        [("foc".to_owned(), coalition_am)],
    )
    .await?;
    citations.extend(
        coalition_ids
            .get("foc")
            .map(|id| (RecordKind::Coalition, *id, &c.sources)),
    );

    let state_ids = sync::<state::Entity, _>(
        txn,
        progress,
        &mut report,
        "states",
        |m| m.code.clone(),
        data.states.iter().map(|s| {
            let am = state::ActiveModel {
                code: Set(s.code.clone()),
                name: Set(s.name.clone()),
                region: Set(s.region),
                subregion: Set(s.subregion.clone()),
                ..Default::default()
            };
            (s.code.clone(), am)
        }),
    )
    .await?;
    cite_all(
        &mut citations,
        RecordKind::State,
        &state_ids,
        data.states.iter().map(|s| (&s.code, &s.sources)),
    );

    let membership_ids = sync::<membership::Entity, _>(
        txn,
        progress,
        &mut report,
        "memberships",
        |m| m.key.clone(),
        data.memberships.iter().map(|m| {
            let mut am = membership::ActiveModel {
                key: Set(m.state.clone()),
                state_id: Set(id_of(&state_ids, &m.state)),
                founding: Set(m.founding),
                ordinal: Set(m.ordinal),
                note: Set(m.note.clone()),
                ..Default::default()
            };
            set_date(&mut am, "joined", m.joined.as_ref());
            set_date(&mut am, "left", m.left.as_ref());
            (m.state.clone(), am)
        }),
    )
    .await?;
    cite_all(
        &mut citations,
        RecordKind::Membership,
        &membership_ids,
        data.memberships.iter().map(|m| (&m.state, &m.sources)),
    );

    let conference_ids = sync::<conference::Entity, _>(
        txn,
        progress,
        &mut report,
        "conferences",
        |m| m.key.clone(),
        data.conferences.iter().map(|c| {
            let am = conference::ActiveModel {
                key: Set(c.key.clone()),
                kind: Set(c.kind),
                ordinal: Set(c.ordinal),
                name: Set(c.name.clone()),
                city: Set(c.city.clone()),
                venue: Set(c.venue.clone()),
                start_date: Set(c.start),
                end_date: Set(c.end),
                theme: Set(c.theme.clone()),
                format: Set(c.format),
                note: Set(c.note.clone()),
                ..Default::default()
            };
            (c.key.clone(), am)
        }),
    )
    .await?;
    cite_all(
        &mut citations,
        RecordKind::Conference,
        &conference_ids,
        data.conferences.iter().map(|c| (&c.key, &c.sources)),
    );

    sync::<conference_host::Entity, _>(
        txn,
        progress,
        &mut report,
        "conference_hosts",
        |m| format!("{}:{}", m.conference_id, m.state_id),
        data.conferences.iter().flat_map(|c| {
            let conference_id = id_of(&conference_ids, &c.key);
            let state_ids = &state_ids;
            c.hosts.iter().map(move |h| {
                let state_id = id_of(state_ids, &h.state);
                let am = conference_host::ActiveModel {
                    conference_id: Set(conference_id),
                    state_id: Set(state_id),
                    role: Set(h.role),
                    ..Default::default()
                };
                (format!("{conference_id}:{state_id}"), am)
            })
        }),
    )
    .await?;

    let chairship_ids = sync::<chairship::Entity, _>(
        txn,
        progress,
        &mut report,
        "chairships",
        |m| m.key.clone(),
        data.chairships.iter().map(|c| {
            let key = chair_key(c);
            let mut am = chairship::ActiveModel {
                key: Set(key.clone()),
                state_id: Set(c.chair.as_ref().map(|code| id_of(&state_ids, code))),
                interim: Set(c.interim.clone()),
                note: Set(c.note.clone()),
                ..Default::default()
            };
            set_date(&mut am, "start", c.start.as_ref());
            set_date(&mut am, "end", c.end.as_ref());
            (key, am)
        }),
    )
    .await?;
    let chair_keys: Vec<String> = data.chairships.iter().map(chair_key).collect();
    cite_all(
        &mut citations,
        RecordKind::Chairship,
        &chairship_ids,
        chair_keys
            .iter()
            .zip(data.chairships.iter().map(|c| &c.sources)),
    );

    let document_ids = sync::<document::Entity, _>(
        txn,
        progress,
        &mut report,
        "documents",
        |m| m.key.clone(),
        data.documents.iter().map(|d| {
            let mut am = document::ActiveModel {
                key: Set(d.key.clone()),
                title: Set(d.title.clone()),
                kind: Set(d.kind),
                conference_id: Set(d.conference.as_ref().map(|k| id_of(&conference_ids, k))),
                note: Set(d.note.clone()),
                ..Default::default()
            };
            set_date(&mut am, "adopted", d.adopted.as_ref());
            (d.key.clone(), am)
        }),
    )
    .await?;
    cite_all(
        &mut citations,
        RecordKind::Document,
        &document_ids,
        data.documents.iter().map(|d| (&d.key, &d.sources)),
    );

    let commitment_ids = sync::<commitment::Entity, _>(
        txn,
        progress,
        &mut report,
        "commitments",
        |m| m.key.clone(),
        data.commitments.iter().map(|c| {
            let am = commitment::ActiveModel {
                key: Set(c.key.clone()),
                kind: Set(c.kind),
                title: Set(c.title.clone()),
                description: Set(c.description.clone()),
                document_id: Set(c.document.as_ref().map(|k| id_of(&document_ids, k))),
                endorsed_on_joining: Set(c.endorsed_on_joining),
                note: Set(c.note.clone()),
                ..Default::default()
            };
            (c.key.clone(), am)
        }),
    )
    .await?;
    cite_all(
        &mut citations,
        RecordKind::Commitment,
        &commitment_ids,
        data.commitments.iter().map(|c| (&c.key, &c.sources)),
    );

    // A member endorses every commitment marked `endorsed_on_joining` when it joins (the fact
    // sheet: "Countries that join the Coalition endorse..."), so those endorsements carry the
    // joining date and the sources of both the membership and the commitment. Explicit
    // endorsements in the file add a note, their own sources and possibly a date of their own.
    // The export (dataset/export.rs) inverts exactly this: change one, change the other.
    let explicit: HashMap<(&str, &str), &EndorsementRow> = data
        .endorsements
        .iter()
        .map(|e| ((e.state.as_str(), e.commitment.as_str()), e))
        .collect();
    let mut endorsement_rows = Vec::new();
    let mut endorsement_sources: Vec<(String, Vec<String>)> = Vec::new();
    for m in &data.memberships {
        for c in data.commitments.iter().filter(|c| c.endorsed_on_joining) {
            let extra = explicit.get(&(m.state.as_str(), c.key.as_str()));
            let mut sources: BTreeSet<String> = c.sources.iter().cloned().collect();
            sources.extend(m.sources.iter().cloned());
            if let Some(e) = extra {
                sources.extend(e.sources.iter().cloned());
            }
            endorsement_rows.push((
                m.state.as_str(),
                c.key.as_str(),
                extra
                    .and_then(|e| e.endorsed.as_ref())
                    .or(m.joined.as_ref()),
                extra.and_then(|e| e.note.clone()),
            ));
            endorsement_sources.push((
                format!("{}:{}", m.state, c.key),
                sources.into_iter().collect(),
            ));
        }
    }
    for e in &data.endorsements {
        let on_joining = data
            .commitments
            .iter()
            .any(|c| c.key == e.commitment && c.endorsed_on_joining)
            && data.memberships.iter().any(|m| m.state == e.state);
        if !on_joining {
            endorsement_rows.push((
                e.state.as_str(),
                e.commitment.as_str(),
                e.endorsed.as_ref(),
                e.note.clone(),
            ));
            endorsement_sources.push((format!("{}:{}", e.state, e.commitment), e.sources.clone()));
        }
    }
    let endorsement_ids = sync::<endorsement::Entity, _>(
        txn,
        progress,
        &mut report,
        "endorsements",
        |m| format!("{}:{}", m.state_id, m.commitment_id),
        endorsement_rows
            .iter()
            .map(|(state, commitment, endorsed, note)| {
                let state_id = id_of(&state_ids, state);
                let commitment_id = id_of(&commitment_ids, commitment);
                let mut am = endorsement::ActiveModel {
                    state_id: Set(state_id),
                    commitment_id: Set(commitment_id),
                    note: Set(note.clone()),
                    ..Default::default()
                };
                set_date(&mut am, "endorsed", *endorsed);
                (format!("{state_id}:{commitment_id}"), am)
            }),
    )
    .await?;
    for ((state, commitment, _, _), (_, sources)) in
        endorsement_rows.iter().zip(&endorsement_sources)
    {
        let key = format!(
            "{}:{}",
            id_of(&state_ids, state),
            id_of(&commitment_ids, commitment)
        );
        if let Some(id) = endorsement_ids.get(&key) {
            citations.push((RecordKind::Endorsement, *id, sources));
        }
    }

    // Organizations refer to their parents, so insert them without parents first.
    let organization_ids = sync::<organization::Entity, _>(
        txn,
        progress,
        &mut report,
        "organizations",
        |m| m.key.clone(),
        data.organizations.iter().map(|o| {
            let am = organization::ActiveModel {
                key: Set(o.key.clone()),
                name: Set(o.name.clone()),
                kind: Set(o.kind),
                state_id: Set(o.state.as_ref().map(|code| id_of(&state_ids, code))),
                parent_id: Set(None),
                ..Default::default()
            };
            (o.key.clone(), am)
        }),
    )
    .await?;
    for o in &data.organizations {
        if let Some(parent) = &o.parent
            && let Some(model) = organization::Entity::find_by_id(id_of(&organization_ids, &o.key))
                .one(txn)
                .await?
            && model.parent_id.is_none()
        {
            let mut am = model.into_active_model();
            am.parent_id = Set(Some(id_of(&organization_ids, parent)));
            am.update(txn).await?;
        }
    }
    cite_all(
        &mut citations,
        RecordKind::Organization,
        &organization_ids,
        data.organizations.iter().map(|o| (&o.key, &o.sources)),
    );

    let initiative_ids = sync::<initiative::Entity, _>(
        txn,
        progress,
        &mut report,
        "initiatives",
        |m| m.key.clone(),
        data.initiatives.iter().map(|i| {
            let mut am = initiative::ActiveModel {
                key: Set(i.key.clone()),
                name: Set(i.name.clone()),
                description: Set(i.description.clone()),
                launched_at_id: Set(i.launched_at.as_ref().map(|k| id_of(&conference_ids, k))),
                manager_id: Set(i.manager.as_ref().map(|k| id_of(&organization_ids, k))),
                url: Set(i.url.clone()),
                ..Default::default()
            };
            set_date(&mut am, "launched", i.launched.as_ref());
            set_date(&mut am, "operating_since", i.operating_since.as_ref());
            (i.key.clone(), am)
        }),
    )
    .await?;
    cite_all(
        &mut citations,
        RecordKind::Initiative,
        &initiative_ids,
        data.initiatives.iter().map(|i| (&i.key, &i.sources)),
    );

    let funding_ids = sync::<funding::Entity, _>(
        txn,
        progress,
        &mut report,
        "fundings",
        |m| m.key.clone(),
        data.fundings.iter().map(|f| {
            let mut am = funding::ActiveModel {
                key: Set(f.key.clone()),
                description: Set(f.description.clone()),
                amount: Set(f.amount),
                currency: Set(f.currency.clone()),
                qualifier: Set(f.qualifier),
                recipient_initiative_id: Set(f
                    .recipient_initiative
                    .as_ref()
                    .map(|k| id_of(&initiative_ids, k))),
                recipient_programme: Set(f.recipient_programme.clone()),
                funders_complete: Set(f.funders_complete),
                note: Set(f.note.clone()),
                ..Default::default()
            };
            set_date(&mut am, "period_start", f.period_start.as_ref());
            set_date(&mut am, "period_end", f.period_end.as_ref());
            (f.key.clone(), am)
        }),
    )
    .await?;
    cite_all(
        &mut citations,
        RecordKind::Funding,
        &funding_ids,
        data.fundings.iter().map(|f| (&f.key, &f.sources)),
    );
    sync::<funding_funder::Entity, _>(
        txn,
        progress,
        &mut report,
        "funding_funders",
        |m| format!("{}:{:?}:{:?}", m.funding_id, m.state_id, m.organization_id),
        data.fundings.iter().flat_map(|f| {
            let funding_id = id_of(&funding_ids, &f.key);
            let (state_ids, organization_ids) = (&state_ids, &organization_ids);
            f.funders.iter().map(move |funder| {
                let state_id = funder.state.as_ref().map(|k| id_of(state_ids, k));
                let organization_id = funder
                    .organization
                    .as_ref()
                    .map(|k| id_of(organization_ids, k));
                let am = funding_funder::ActiveModel {
                    funding_id: Set(funding_id),
                    state_id: Set(state_id),
                    organization_id: Set(organization_id),
                    ..Default::default()
                };
                (format!("{funding_id}:{state_id:?}:{organization_id:?}"), am)
            })
        }),
    )
    .await?;

    let person_ids = sync::<person::Entity, _>(
        txn,
        progress,
        &mut report,
        "people",
        |m| m.key.clone(),
        data.people.iter().map(|p| {
            let am = person::ActiveModel {
                key: Set(p.key.clone()),
                name: Set(p.name.clone()),
                ..Default::default()
            };
            (p.key.clone(), am)
        }),
    )
    .await?;
    cite_all(
        &mut citations,
        RecordKind::Person,
        &person_ids,
        data.people.iter().map(|p| (&p.key, &p.sources)),
    );
    sync::<person_role::Entity, _>(
        txn,
        progress,
        &mut report,
        "person_roles",
        |m| format!("{}:{}:{}", m.person_id, m.conference_id, m.role.as_str()),
        data.people.iter().flat_map(|p| {
            let person_id = id_of(&person_ids, &p.key);
            let (conference_ids, state_ids) = (&conference_ids, &state_ids);
            p.roles.iter().map(move |r| {
                let conference_id = id_of(conference_ids, &r.conference);
                let am = person_role::ActiveModel {
                    person_id: Set(person_id),
                    conference_id: Set(conference_id),
                    role: Set(r.role),
                    office: Set(r.office.clone()),
                    office_state_id: Set(r.office_state.as_ref().map(|k| id_of(state_ids, k))),
                    ..Default::default()
                };
                (
                    format!("{person_id}:{conference_id}:{}", r.role.as_str()),
                    am,
                )
            })
        }),
    )
    .await?;

    let claim_keys: Vec<String> = data.claims.iter().map(claim_key).collect();
    let claim_ids = sync::<claim::Entity, _>(
        txn,
        progress,
        &mut report,
        "claims",
        |m| m.key.clone(),
        data.claims.iter().zip(&claim_keys).map(|(c, key)| {
            let mut am = claim::ActiveModel {
                key: Set(key.clone()),
                topic: Set(c.topic),
                statement: Set(c.statement.clone()),
                value: Set(c.value.clone()),
                subject: Set(c.subject.clone()),
                ..Default::default()
            };
            set_date(&mut am, "as_of", c.as_of.as_ref());
            (key.clone(), am)
        }),
    )
    .await?;
    cite_all(
        &mut citations,
        RecordKind::Claim,
        &claim_ids,
        claim_keys
            .iter()
            .zip(data.claims.iter().map(|c| &c.sources)),
    );

    let citation_rows: Vec<(String, citation::ActiveModel)> = citations
        .into_iter()
        .flat_map(|(kind, record_id, keys)| keys.iter().map(move |k| (kind, record_id, k)))
        .filter_map(|(kind, record_id, key)| {
            let source_id = *source_ids.get(key)?;
            let am = citation::ActiveModel {
                record_kind: Set(kind),
                record_id: Set(record_id),
                source_id: Set(source_id),
                ..Default::default()
            };
            Some((format!("{}:{record_id}:{source_id}", kind.as_str()), am))
        })
        .collect();
    sync::<citation::Entity, _>(
        txn,
        progress,
        &mut report,
        "citations",
        |m| format!("{}:{}:{}", m.record_kind.as_str(), m.record_id, m.source_id),
        citation_rows,
    )
    .await?;

    progress.stage("search index", None);
    let indexed = crate::search::reindex(txn).await?;
    progress.advance(indexed);
    report.added.push(("search_entries", indexed));
    Ok(report)
}

/// Inserts the rows whose key is not in the table yet and returns every key's id.
async fn sync<E, I>(
    txn: &sea_orm::DatabaseTransaction,
    progress: &dyn Progress,
    report: &mut SeedReport,
    table: &'static str,
    key_of: impl Fn(&E::Model) -> String,
    rows: I,
) -> Result<HashMap<String, i32>, DatasetError>
where
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    E::Model: IntoActiveModel<E::ActiveModel>,
    I: IntoIterator<Item = (String, E::ActiveModel)>,
{
    let id_column = <E::Column as FromStr>::from_str("id")
        .map_err(|_| DatasetError::Parse(format!("table {table} has no id column")))?;
    let existing = |models: Vec<E::Model>| -> HashMap<String, i32> {
        models
            .iter()
            .filter_map(|m| match m.get(id_column) {
                Value::Int(Some(id)) => Some((key_of(m), id)),
                _ => None,
            })
            .collect()
    };
    let before = existing(E::find().all(txn).await?);
    let mut seen = HashSet::new();
    let new: Vec<E::ActiveModel> = rows
        .into_iter()
        .filter(|(key, _)| !before.contains_key(key) && seen.insert(key.clone()))
        .map(|(_, am)| am)
        .collect();
    let added = new.len() as u64;
    progress.stage(table, Some(added));
    // Keep each statement well under the bind-parameter limits of SQLite and PostgreSQL.
    let mut rest = new;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(200));
        let count = rest.len() as u64;
        E::insert_many(rest).exec_without_returning(txn).await?;
        progress.advance(count);
        rest = tail;
    }
    report.added.push((table, added));
    if added == 0 {
        return Ok(before);
    }
    Ok(existing(E::find().all(txn).await?))
}

/// The id of a key the validation has already checked; 0 (no row) cannot happen after it.
fn id_of(ids: &HashMap<String, i32>, key: &str) -> i32 {
    ids.get(key).copied().unwrap_or_default()
}

fn cite_all<'a>(
    citations: &mut Vec<(RecordKind, i32, &'a Vec<String>)>,
    kind: RecordKind,
    ids: &HashMap<String, i32>,
    records: impl Iterator<Item = (&'a String, &'a Vec<String>)>,
) {
    for (key, sources) in records {
        if let Some(id) = ids.get(key) {
            citations.push((kind, *id, sources));
        }
    }
}

/// Fills the six columns of an uncertain date (`<prefix>_stated`, ...) on any active model.
pub(crate) fn set_date<A: ActiveModelTrait>(am: &mut A, prefix: &str, spec: Option<&DateSpec>) {
    // The data file was validated, so resolving cannot fail here; an unresolvable date stays null.
    crate::dates::write_date(am, prefix, spec.and_then(|s| s.resolve().ok()));
}
