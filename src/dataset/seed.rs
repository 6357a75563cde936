//! The idempotent seed: every record whose natural key is not in the database yet is
//! inserted, in one transaction.

use super::*;
use crate::progress::Progress;
use entity::keys::Named;

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
    let mut tables = Tables {
        txn,
        progress,
        report: SeedReport::default(),
        citations: Vec::new(),
    };

    let source_ids = tables
        .records::<source::Entity, _>("sources", None, &data.sources, |s| {
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
            am
        })
        .await?;

    let coalition = std::slice::from_ref(&data.coalition);
    tables
        .records::<coalition::Entity, _>("coalition", Some(RecordKind::Coalition), coalition, |c| {
            let mut am = coalition::ActiveModel {
                key: Set(c.key()),
                name: Set(c.name.clone()),
                purpose: Set(c.purpose.clone()),
                founding_place: Set(c.founding_place.clone()),
                membership_criteria: Set(c.membership_criteria.clone()),
                participant_regions: Set(c.participant_regions.join("\n")),
                participant_regions_text: Set(c.participant_regions_text.clone()),
                ..Default::default()
            };
            set_date(&mut am, "founded", c.founded.as_ref());
            am
        })
        .await?;

    let state_ids = tables
        .records::<state::Entity, _>("states", Some(RecordKind::State), &data.states, |s| {
            state::ActiveModel {
                code: Set(s.code.clone()),
                name: Set(s.name.clone()),
                region: Set(s.region),
                subregion: Set(s.subregion.clone()),
                ..Default::default()
            }
        })
        .await?;

    tables
        .records::<membership::Entity, _>(
            "memberships",
            Some(RecordKind::Membership),
            &data.memberships,
            |m| {
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
                am
            },
        )
        .await?;

    let conference_ids = tables
        .records::<conference::Entity, _>(
            "conferences",
            Some(RecordKind::Conference),
            &data.conferences,
            |c| conference::ActiveModel {
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
            },
        )
        .await?;

    tables
        .sync::<conference_host::Entity, _>(
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

    tables
        .records::<chairship::Entity, _>(
            "chairships",
            Some(RecordKind::Chairship),
            &data.chairships,
            |c| {
                let mut am = chairship::ActiveModel {
                    key: Set(c.key()),
                    state_id: Set(c.chair.as_ref().map(|code| id_of(&state_ids, code))),
                    interim: Set(c.interim.clone()),
                    note: Set(c.note.clone()),
                    ..Default::default()
                };
                set_date(&mut am, "start", c.start.as_ref());
                set_date(&mut am, "end", c.end.as_ref());
                am
            },
        )
        .await?;

    let document_ids = tables
        .records::<document::Entity, _>(
            "documents",
            Some(RecordKind::Document),
            &data.documents,
            |d| {
                let mut am = document::ActiveModel {
                    key: Set(d.key.clone()),
                    title: Set(d.title.clone()),
                    kind: Set(d.kind),
                    conference_id: Set(d.conference.as_ref().map(|k| id_of(&conference_ids, k))),
                    note: Set(d.note.clone()),
                    ..Default::default()
                };
                set_date(&mut am, "adopted", d.adopted.as_ref());
                am
            },
        )
        .await?;

    let commitment_ids = tables
        .records::<commitment::Entity, _>(
            "commitments",
            Some(RecordKind::Commitment),
            &data.commitments,
            |c| commitment::ActiveModel {
                key: Set(c.key.clone()),
                kind: Set(c.kind),
                title: Set(c.title.clone()),
                description: Set(c.description.clone()),
                document_id: Set(c.document.as_ref().map(|k| id_of(&document_ids, k))),
                endorsed_on_joining: Set(c.endorsed_on_joining),
                note: Set(c.note.clone()),
                ..Default::default()
            },
        )
        .await?;

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
    let endorsement_ids = tables
        .sync::<endorsement::Entity, _>(
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
            tables
                .citations
                .push((RecordKind::Endorsement, *id, sources));
        }
    }

    // Organizations refer to their parents, so insert them without parents first.
    let organization_ids = tables
        .records::<organization::Entity, _>(
            "organizations",
            Some(RecordKind::Organization),
            &data.organizations,
            |o| organization::ActiveModel {
                key: Set(o.key.clone()),
                name: Set(o.name.clone()),
                kind: Set(o.kind),
                state_id: Set(o.state.as_ref().map(|code| id_of(&state_ids, code))),
                parent_id: Set(None),
                ..Default::default()
            },
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

    let initiative_ids = tables
        .records::<initiative::Entity, _>(
            "initiatives",
            Some(RecordKind::Initiative),
            &data.initiatives,
            |i| {
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
                am
            },
        )
        .await?;

    let funding_ids = tables
        .records::<funding::Entity, _>("fundings", Some(RecordKind::Funding), &data.fundings, |f| {
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
            am
        })
        .await?;
    tables
        .sync::<funding_funder::Entity, _>(
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

    let person_ids = tables
        .records::<person::Entity, _>("people", Some(RecordKind::Person), &data.people, |p| {
            person::ActiveModel {
                key: Set(p.key.clone()),
                name: Set(p.name.clone()),
                ..Default::default()
            }
        })
        .await?;
    tables
        .sync::<person_role::Entity, _>(
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

    tables
        .records::<claim::Entity, _>("claims", Some(RecordKind::Claim), &data.claims, |c| {
            let mut am = claim::ActiveModel {
                key: Set(c.key()),
                topic: Set(c.topic),
                statement: Set(c.statement.clone()),
                value: Set(c.value.clone()),
                subject: Set(c.subject.clone()),
                ..Default::default()
            };
            set_date(&mut am, "as_of", c.as_of.as_ref());
            am
        })
        .await?;

    let citation_rows: Vec<(String, citation::ActiveModel)> = std::mem::take(&mut tables.citations)
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
    tables
        .sync::<citation::Entity, _>(
            "citations",
            |m| format!("{}:{}:{}", m.record_kind.as_str(), m.record_id, m.source_id),
            citation_rows,
        )
        .await?;

    progress.stage("search index", None);
    let indexed = crate::search::reindex(txn).await?;
    progress.advance(indexed);
    tables.report.added.push(("search_entries", indexed));
    Ok(tables.report)
}

/// The tables a load writes, in one transaction: what each added, and the citations of the
/// records added so far (written last, once every cited source is in).
struct Tables<'a> {
    txn: &'a DatabaseTransaction,
    progress: &'a dyn Progress,
    report: SeedReport,
    citations: Vec<(RecordKind, i32, &'a [String])>,
}

impl<'a> Tables<'a> {
    /// Inserts the records of the file whose key is not in `table` yet (`build` makes each
    /// one's row), files their citations as records of `kind`, and returns every key's id.
    async fn records<E, R>(
        &mut self,
        table: &'static str,
        kind: Option<RecordKind>,
        records: &'a [R],
        build: impl Fn(&R) -> E::ActiveModel,
    ) -> Result<HashMap<String, i32>, DatasetError>
    where
        E: Named,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
        E::Model: IntoActiveModel<E::ActiveModel>,
        R: FileRecord,
    {
        let rows = records.iter().map(|r| (r.key(), build(r)));
        let ids = self.sync::<E, _>(table, E::key_of, rows).await?;
        if let Some(kind) = kind {
            for record in records {
                if let Some(id) = ids.get(&record.key()) {
                    self.citations.push((kind, *id, record.sources()));
                }
            }
        }
        Ok(ids)
    }

    /// Inserts the rows whose key is not in the table yet and returns every key's id.
    async fn sync<E, I>(
        &mut self,
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
        let before = existing(E::find().all(self.txn).await?);
        let mut seen = HashSet::new();
        let new: Vec<E::ActiveModel> = rows
            .into_iter()
            .filter(|(key, _)| !before.contains_key(key) && seen.insert(key.clone()))
            .map(|(_, am)| am)
            .collect();
        let added = new.len() as u64;
        self.progress.stage(table, Some(added));
        // Keep each statement well under the bind-parameter limits of SQLite and PostgreSQL.
        let mut rest = new;
        while !rest.is_empty() {
            let tail = rest.split_off(rest.len().min(200));
            let count = rest.len() as u64;
            E::insert_many(rest)
                .exec_without_returning(self.txn)
                .await?;
            self.progress.advance(count);
            rest = tail;
        }
        self.report.added.push((table, added));
        if added == 0 {
            return Ok(before);
        }
        Ok(existing(E::find().all(self.txn).await?))
    }
}

/// The id of a key the validation has already checked; 0 (no row) cannot happen after it.
fn id_of(ids: &HashMap<String, i32>, key: &str) -> i32 {
    ids.get(key).copied().unwrap_or_default()
}

/// Fills the six columns of an uncertain date (`<prefix>_stated`, ...) on any active model.
pub(crate) fn set_date<A: ActiveModelTrait>(am: &mut A, prefix: &str, spec: Option<&DateSpec>) {
    // The data file was validated, so resolving cannot fail here; an unresolvable date stays null.
    crate::dates::write_date(am, prefix, spec.and_then(|s| s.resolve().ok()));
}
