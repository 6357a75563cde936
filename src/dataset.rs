//! The sourced dataset: the data file's format (`data/README.md` documents it), its
//! validation, and the idempotent seed that loads it into the database.
//!
//! Seeding inserts every record whose natural key (a state's code, a conference's key, ...)
//! is not in the database yet, in one transaction. Running it again finds every key present
//! and changes nothing.
//!
//! The way back: [`export`] reads the whole database into the same model and
//! [`Dataset::to_toml`] writes it as a data file; [`import`] replaces the database's data with a
//! file's. Export, import and export again give the same bytes.

mod export;
mod import;
mod render;

pub use export::{export, export_snapshot};
pub use import::{ImportReport, import};

use std::collections::{BTreeSet, HashMap, HashSet};
use std::str::FromStr;

use chrono::NaiveDate;
use entity::enums::*;
use entity::*;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, ModelTrait, TransactionTrait, Value,
};
use serde::{Deserialize, Serialize};

use crate::dates::UncertainDate;

/// The dataset the binary ships with.
pub const DEFAULT_DATASET: &str = include_str!("../data/foc.toml");

/// Why a dataset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The file is not valid TOML or does not follow the format.
    #[error("the data file is malformed: {0}")]
    Parse(String),
    /// The file parses but its records are inconsistent.
    #[error("the data file is inconsistent:\n  {}", .0.join("\n  "))]
    Invalid(Vec<String>),
    /// The database refused the data.
    #[error("the database refused the data: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The dataset could not be written as a data file.
    #[error("cannot write the data file: {0}")]
    Write(String),
}

/// A date as the data file writes it: a plain stated date, or a table that narrows it.
#[derive(Debug, Deserialize, Serialize, Clone, PartialEq, Eq)]
#[serde(untagged)]
pub enum DateSpec {
    /// `"2014-01"`.
    Stated(String),
    /// `{ stated = "2014-01", not_after = "2014-01-16", narrowed_by = ["FS2014"] }`. An empty
    /// table `{}` is a date no source gives.
    Narrowed {
        #[serde(skip_serializing_if = "Option::is_none")]
        stated: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        not_before: Option<NaiveDate>,
        #[serde(skip_serializing_if = "Option::is_none")]
        not_after: Option<NaiveDate>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        narrowed_by: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

impl DateSpec {
    /// The interval the date stands for, or why it stands for none.
    pub fn resolve(&self) -> Result<UncertainDate, String> {
        match self {
            DateSpec::Stated(stated) => UncertainDate::from_stated(stated),
            DateSpec::Narrowed {
                stated,
                not_before,
                not_after,
                narrowed_by,
                note,
            } => {
                let base = match stated {
                    Some(s) => UncertainDate::from_stated(s)?,
                    None => UncertainDate::default(),
                };
                let mut date = base.narrow(*not_before, *not_after)?;
                date.narrowed_by = narrowed_by.clone();
                date.narrowing_note = note.clone();
                Ok(date)
            }
        }
    }

    /// Why the date's narrowing is not sourced, if it is not: a bound must name the sources
    /// whose facts set it, and sources named as narrowing the date must set a bound.
    pub fn narrowing_problem(&self) -> Option<&'static str> {
        let DateSpec::Narrowed {
            not_before,
            not_after,
            narrowed_by,
            ..
        } = self
        else {
            return None;
        };
        let bounded = not_before.is_some() || not_after.is_some();
        match (bounded, narrowed_by.is_empty()) {
            (true, true) => Some("a bound names no source whose facts set it"),
            (false, false) => Some("sources are named as narrowing the date, but no bound is set"),
            _ => None,
        }
    }

    /// The keys of the sources that narrowed the date.
    pub fn sources(&self) -> &[String] {
        match self {
            DateSpec::Stated(_) => &[],
            DateSpec::Narrowed { narrowed_by, .. } => narrowed_by,
        }
    }
}

/// Whether a flag is off, so that the data file leaves it out.
fn is_false(flag: &bool) -> bool {
    !flag
}

/// The whole data file.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub sources: Vec<SourceRow>,
    pub coalition: CoalitionRow,
    pub states: Vec<StateRow>,
    pub memberships: Vec<MembershipRow>,
    pub conferences: Vec<ConferenceRow>,
    pub chairships: Vec<ChairshipRow>,
    pub documents: Vec<DocumentRow>,
    pub commitments: Vec<CommitmentRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endorsements: Vec<EndorsementRow>,
    pub organizations: Vec<OrganizationRow>,
    pub initiatives: Vec<InitiativeRow>,
    pub fundings: Vec<FundingRow>,
    pub people: Vec<PersonRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimRow>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRow {
    pub key: String,
    pub title: String,
    /// `title` is the dataset's description of the publication, not the title it gives
    /// itself (no source the dataset holds gives that).
    #[serde(default, skip_serializing_if = "is_false")]
    pub title_is_description: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CoalitionRow {
    pub name: String,
    pub purpose: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub founded: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub founding_place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership_criteria: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participant_regions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant_regions_text: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateRow {
    pub code: String,
    pub name: String,
    pub region: Region,
    pub subregion: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MembershipRow {
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joined: Option<DateSpec>,
    #[serde(default)]
    pub founding: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinal: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HostRow {
    pub state: String,
    pub role: HostRole,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConferenceRow {
    pub key: String,
    pub kind: ConferenceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinal: Option<i32>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<ConferenceFormat>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<HostRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChairshipRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chair: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interim: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRow {
    pub key: String,
    pub title: String,
    pub kind: DocumentKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adopted: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentRow {
    pub key: String,
    pub kind: CommitmentKind,
    pub title: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    #[serde(default)]
    pub endorsed_on_joining: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EndorsementRow {
    pub state: String,
    pub commitment: String,
    /// When the state endorsed it; a commitment endorsed on joining takes the joining date
    /// when this is left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endorsed: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationRow {
    pub key: String,
    pub name: String,
    pub kind: OrganizationKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InitiativeRow {
    pub key: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launched_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launched: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating_since: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FunderRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FundingRow {
    pub key: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<FundingQualifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_start: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_end: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_initiative: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_programme: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funders: Vec<FunderRow>,
    #[serde(default)]
    pub funders_complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRoleRow {
    pub conference: String,
    pub role: PersonRoleKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_state: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRow {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<PersonRoleRow>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRow {
    pub topic: ClaimTopic,
    pub statement: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub sources: Vec<String>,
}

impl Dataset {
    /// Parses and validates a data file.
    pub fn parse(text: &str) -> Result<Self, DatasetError> {
        let dataset: Dataset =
            toml::from_str(text).map_err(|e| DatasetError::Parse(e.to_string()))?;
        dataset.validate()?;
        Ok(dataset)
    }

    /// Checks every reference, key and date, collecting all problems rather than the first.
    /// Each problem starts with where it is: the table, the record's index in it (counted from
    /// 0, in file order) and its key, e.g. `states[3] (code "XX"): ...`.
    fn validate(&self) -> Result<(), DatasetError> {
        let mut problems = Vec::new();
        let sources: HashSet<&str> = self.sources.iter().map(|s| s.key.as_str()).collect();
        let states: HashSet<&str> = self.states.iter().map(|s| s.code.as_str()).collect();
        let conferences: HashSet<&str> = self.conferences.iter().map(|c| c.key.as_str()).collect();
        let documents: HashSet<&str> = self.documents.iter().map(|d| d.key.as_str()).collect();
        let commitments: HashSet<&str> = self.commitments.iter().map(|c| c.key.as_str()).collect();
        let organizations: HashSet<&str> =
            self.organizations.iter().map(|o| o.key.as_str()).collect();
        let initiatives: HashSet<&str> = self.initiatives.iter().map(|i| i.key.as_str()).collect();

        let source_at: Vec<String> = labels("sources", "key", self.sources.iter().map(|s| &s.key));
        let state_at = labels("states", "code", self.states.iter().map(|s| &s.code));
        let membership_at = labels(
            "memberships",
            "state",
            self.memberships.iter().map(|m| &m.state),
        );
        let conference_at = labels(
            "conferences",
            "key",
            self.conferences.iter().map(|c| &c.key),
        );
        let chairship_at: Vec<String> = self
            .chairships
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let who = match (&c.chair, &c.interim) {
                    (Some(chair), _) => format!("chair {chair:?}"),
                    (None, Some(interim)) => format!("interim {interim:?}"),
                    (None, None) => "no chair".to_owned(),
                };
                format!("chairships[{i}] ({who}, from {:?})", chair_start(c))
            })
            .collect();
        let document_at = labels("documents", "key", self.documents.iter().map(|d| &d.key));
        let commitment_at = labels(
            "commitments",
            "key",
            self.commitments.iter().map(|c| &c.key),
        );
        let endorsement_at: Vec<String> = self
            .endorsements
            .iter()
            .enumerate()
            .map(|(i, e)| {
                format!(
                    "endorsements[{i}] (state {:?}, commitment {:?})",
                    e.state, e.commitment
                )
            })
            .collect();
        let organization_at = labels(
            "organizations",
            "key",
            self.organizations.iter().map(|o| &o.key),
        );
        let initiative_at = labels(
            "initiatives",
            "key",
            self.initiatives.iter().map(|i| &i.key),
        );
        let funding_at = labels("fundings", "key", self.fundings.iter().map(|f| &f.key));
        let person_at = labels("people", "key", self.people.iter().map(|p| &p.key));
        let claim_at: Vec<String> = self
            .claims
            .iter()
            .enumerate()
            .map(|(i, c)| match &c.subject {
                Some(subject) => format!(
                    "claims[{i}] (topic {:?}, subject {subject:?})",
                    c.topic.as_str()
                ),
                None => format!("claims[{i}] (topic {:?})", c.topic.as_str()),
            })
            .collect();

        // A second record with the key of an earlier one would be skipped by the loader, which
        // inserts by key; refuse it instead of dropping it silently.
        let mut unique = |what: &str, records: Vec<(&String, String)>| {
            let mut first: HashMap<String, &String> = HashMap::new();
            for (at, key) in records {
                match first.get(&key) {
                    Some(earlier) => problems.push(format!(
                        "{at}: {what} `{key}` is defined twice (first at {earlier})"
                    )),
                    None => {
                        first.insert(key, at);
                    }
                }
            }
        };
        unique(
            "source",
            source_at
                .iter()
                .zip(&self.sources)
                .map(|(at, s)| (at, s.key.clone()))
                .collect(),
        );
        unique(
            "state",
            state_at
                .iter()
                .zip(&self.states)
                .map(|(at, s)| (at, s.code.clone()))
                .collect(),
        );
        unique(
            "membership of",
            membership_at
                .iter()
                .zip(&self.memberships)
                .map(|(at, m)| (at, m.state.clone()))
                .collect(),
        );
        unique(
            "conference",
            conference_at
                .iter()
                .zip(&self.conferences)
                .map(|(at, c)| (at, c.key.clone()))
                .collect(),
        );
        unique(
            "conference ordinal",
            conference_at
                .iter()
                .zip(&self.conferences)
                .filter_map(|(at, c)| c.ordinal.map(|o| (at, o.to_string())))
                .collect(),
        );
        unique(
            "chairship with this start and chair",
            chairship_at
                .iter()
                .zip(&self.chairships)
                .map(|(at, c)| (at, chair_key(c)))
                .collect(),
        );
        unique(
            "document",
            document_at
                .iter()
                .zip(&self.documents)
                .map(|(at, d)| (at, d.key.clone()))
                .collect(),
        );
        unique(
            "commitment",
            commitment_at
                .iter()
                .zip(&self.commitments)
                .map(|(at, c)| (at, c.key.clone()))
                .collect(),
        );
        unique(
            "endorsement",
            endorsement_at
                .iter()
                .zip(&self.endorsements)
                .map(|(at, e)| (at, format!("{}:{}", e.state, e.commitment)))
                .collect(),
        );
        unique(
            "organization",
            organization_at
                .iter()
                .zip(&self.organizations)
                .map(|(at, o)| (at, o.key.clone()))
                .collect(),
        );
        unique(
            "initiative",
            initiative_at
                .iter()
                .zip(&self.initiatives)
                .map(|(at, i)| (at, i.key.clone()))
                .collect(),
        );
        unique(
            "funding",
            funding_at
                .iter()
                .zip(&self.fundings)
                .map(|(at, f)| (at, f.key.clone()))
                .collect(),
        );
        unique(
            "person",
            person_at
                .iter()
                .zip(&self.people)
                .map(|(at, p)| (at, p.key.clone()))
                .collect(),
        );
        unique(
            "claim with this topic, subject, sources and value",
            claim_at
                .iter()
                .zip(&self.claims)
                .map(|(at, c)| (at, claim_key(c)))
                .collect(),
        );

        let refer = |at: &str, what: &str, set: &HashSet<&str>, key: Option<&String>| {
            key.filter(|k| !set.contains(k.as_str()))
                .map(|key| format!("{at}: unknown {what} `{key}`"))
        };
        // Items of a record's own list: each once, or the loader would keep only the first.
        let mut twice = |at: &str, list: &str, keys: Vec<String>| {
            let mut seen = HashSet::new();
            for (j, key) in keys.into_iter().enumerate() {
                if !seen.insert(key.clone()) {
                    problems.push(format!("{at}, {list}[{j}]: {key} is listed twice"));
                }
            }
        };
        for (at, c) in conference_at.iter().zip(&self.conferences) {
            twice(
                at,
                "hosts",
                c.hosts
                    .iter()
                    .map(|h| format!("state `{}`", h.state))
                    .collect(),
            );
        }
        for (at, f) in funding_at.iter().zip(&self.fundings) {
            twice(
                at,
                "funders",
                f.funders
                    .iter()
                    .map(|funder| match (&funder.state, &funder.organization) {
                        (Some(state), _) => format!("state `{state}`"),
                        (None, Some(organization)) => format!("organization `{organization}`"),
                        (None, None) => "a funder with neither state nor organization".to_owned(),
                    })
                    .collect(),
            );
        }
        for (at, p) in person_at.iter().zip(&self.people) {
            twice(
                at,
                "roles",
                p.roles
                    .iter()
                    .map(|r| format!("role `{}` at `{}`", r.role.as_str(), r.conference))
                    .collect(),
            );
        }

        let mut cite: Vec<(&str, &Vec<String>)> = Vec::new();
        let mut dates: Vec<(String, &DateSpec)> = Vec::new();
        for (at, s) in source_at.iter().zip(&self.sources) {
            add_date(&mut dates, at, "date", s.date.as_ref());
        }
        cite.push(("coalition", &self.coalition.sources));
        add_date(
            &mut dates,
            "coalition",
            "founded",
            self.coalition.founded.as_ref(),
        );
        for (at, s) in state_at.iter().zip(&self.states) {
            if s.code.len() != 2 || !s.code.chars().all(|c| c.is_ascii_uppercase()) {
                problems.push(format!("{at}: not an ISO 3166-1 alpha-2 code"));
            }
            cite.push((at, &s.sources));
        }
        for (at, m) in membership_at.iter().zip(&self.memberships) {
            problems.extend(refer(at, "state", &states, Some(&m.state)));
            add_date(&mut dates, at, "joined", m.joined.as_ref());
            add_date(&mut dates, at, "left", m.left.as_ref());
            cite.push((at, &m.sources));
        }
        for (at, c) in conference_at.iter().zip(&self.conferences) {
            for (j, h) in c.hosts.iter().enumerate() {
                problems.extend(refer(
                    &format!("{at}, hosts[{j}]"),
                    "state",
                    &states,
                    Some(&h.state),
                ));
            }
            if let (Some(s), Some(e)) = (c.start, c.end)
                && s > e
            {
                problems.push(format!("{at}: ends before it starts"));
            }
            cite.push((at, &c.sources));
        }
        for (at, c) in chairship_at.iter().zip(&self.chairships) {
            problems.extend(refer(at, "state", &states, c.chair.as_ref()));
            add_date(&mut dates, at, "start", c.start.as_ref());
            add_date(&mut dates, at, "end", c.end.as_ref());
            cite.push((at, &c.sources));
        }
        for (at, d) in document_at.iter().zip(&self.documents) {
            problems.extend(refer(at, "conference", &conferences, d.conference.as_ref()));
            add_date(&mut dates, at, "adopted", d.adopted.as_ref());
            cite.push((at, &d.sources));
        }
        for (at, c) in commitment_at.iter().zip(&self.commitments) {
            problems.extend(refer(at, "document", &documents, c.document.as_ref()));
            cite.push((at, &c.sources));
        }
        for (at, e) in endorsement_at.iter().zip(&self.endorsements) {
            problems.extend(refer(at, "state", &states, Some(&e.state)));
            problems.extend(refer(at, "commitment", &commitments, Some(&e.commitment)));
            add_date(&mut dates, at, "endorsed", e.endorsed.as_ref());
            cite.push((at, &e.sources));
        }
        for (at, o) in organization_at.iter().zip(&self.organizations) {
            problems.extend(refer(at, "state", &states, o.state.as_ref()));
            problems.extend(refer(at, "organization", &organizations, o.parent.as_ref()));
            cite.push((at, &o.sources));
        }
        for (at, i) in initiative_at.iter().zip(&self.initiatives) {
            problems.extend(refer(
                at,
                "conference",
                &conferences,
                i.launched_at.as_ref(),
            ));
            problems.extend(refer(
                at,
                "organization",
                &organizations,
                i.manager.as_ref(),
            ));
            add_date(&mut dates, at, "launched", i.launched.as_ref());
            add_date(
                &mut dates,
                at,
                "operating_since",
                i.operating_since.as_ref(),
            );
            cite.push((at, &i.sources));
        }
        for (at, f) in funding_at.iter().zip(&self.fundings) {
            problems.extend(refer(
                at,
                "initiative",
                &initiatives,
                f.recipient_initiative.as_ref(),
            ));
            for (j, funder) in f.funders.iter().enumerate() {
                let at = format!("{at}, funders[{j}]");
                if funder.state.is_some() == funder.organization.is_some() {
                    problems.push(format!("{at}: a funder is a state or an organization"));
                }
                problems.extend(refer(&at, "state", &states, funder.state.as_ref()));
                problems.extend(refer(
                    &at,
                    "organization",
                    &organizations,
                    funder.organization.as_ref(),
                ));
            }
            add_date(&mut dates, at, "period_start", f.period_start.as_ref());
            add_date(&mut dates, at, "period_end", f.period_end.as_ref());
            cite.push((at, &f.sources));
        }
        for (at, p) in person_at.iter().zip(&self.people) {
            for (j, r) in p.roles.iter().enumerate() {
                let at = format!("{at}, roles[{j}]");
                problems.extend(refer(&at, "conference", &conferences, Some(&r.conference)));
                problems.extend(refer(&at, "state", &states, r.office_state.as_ref()));
            }
            cite.push((at, &p.sources));
        }
        for (at, c) in claim_at.iter().zip(&self.claims) {
            add_date(&mut dates, at, "as_of", c.as_of.as_ref());
            cite.push((at, &c.sources));
        }
        for (at, date) in &dates {
            if let Err(e) = date.resolve() {
                problems.push(format!("{at}: {e}"));
            }
            if let Some(problem) = date.narrowing_problem() {
                problems.push(format!("{at}: {problem}"));
            }
            for key in date.sources() {
                if !sources.contains(key.as_str()) {
                    problems.push(format!("{at}: date narrowed by unknown source `{key}`"));
                }
            }
        }
        for (at, keys) in cite {
            if keys.is_empty() {
                problems.push(format!("{at}: cites no source"));
            }
            for key in keys {
                if !sources.contains(key.as_str()) {
                    problems.push(format!("{at}: unknown source `{key}`"));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DatasetError::Invalid(problems))
        }
    }
}

/// Queues a record's date for checking, labelled with the field it is in.
fn add_date<'a>(
    dates: &mut Vec<(String, &'a DateSpec)>,
    at: &str,
    field: &str,
    spec: Option<&'a DateSpec>,
) {
    if let Some(spec) = spec {
        dates.push((format!("{at}, {field}"), spec));
    }
}

/// `table[i] (field "key")` for each record, the label its problems start with.
fn labels<'a>(table: &str, field: &str, keys: impl Iterator<Item = &'a String>) -> Vec<String> {
    keys.enumerate()
        .map(|(i, key)| format!("{table}[{i}] ({field} {key:?})"))
        .collect()
}

/// The start a chairship's key is made of: its stated start, or the earliest day it can be.
fn chair_start(c: &ChairshipRow) -> String {
    match &c.start {
        Some(DateSpec::Stated(s)) => s.clone(),
        Some(DateSpec::Narrowed {
            stated, not_before, ..
        }) => stated
            .clone()
            .or_else(|| not_before.map(|d| d.to_string()))
            .unwrap_or_default(),
        None => String::new(),
    }
}

/// A chairship's natural key: the file gives it none, so it is its start and its chair.
fn chair_key(c: &ChairshipRow) -> String {
    format!(
        "{}:{}",
        chair_start(c),
        c.chair
            .as_deref()
            .or(c.interim.as_deref())
            .unwrap_or("none")
    )
}

/// A claim's natural key: the file gives it none, so it is what the claim says and who says it.
fn claim_key(c: &ClaimRow) -> String {
    format!(
        "{}:{}:{}:{}",
        c.topic.as_str(),
        c.subject.as_deref().unwrap_or(""),
        c.sources.join("+"),
        c.value.as_deref().unwrap_or(&c.statement)
    )
}

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
    let report = load(&txn, data).await?;
    txn.commit().await?;
    Ok(report)
}

/// Adds every record of a validated dataset whose key is missing, inside the caller's
/// transaction, and brings the search index up to date. [`seed`] and [`import`] both load
/// through here, so a file means the same records whichever of them loads it.
pub async fn load(txn: &DatabaseTransaction, data: &Dataset) -> Result<SeedReport, DatasetError> {
    let mut report = SeedReport::default();
    let mut citations: Vec<(RecordKind, i32, &Vec<String>)> = Vec::new();

    let source_ids = sync::<source::Entity, _>(
        txn,
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
        &mut report,
        "citations",
        |m| format!("{}:{}:{}", m.record_kind.as_str(), m.record_id, m.source_id),
        citation_rows,
    )
    .await?;

    let indexed = crate::search::reindex(txn).await?;
    report.added.push(("search_entries", indexed));
    Ok(report)
}

/// Inserts the rows whose key is not in the table yet and returns every key's id.
async fn sync<E, I>(
    txn: &sea_orm::DatabaseTransaction,
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
    // Keep each statement well under the bind-parameter limits of SQLite and PostgreSQL.
    let mut rest = new;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(200));
        E::insert_many(rest).exec_without_returning(txn).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_dataset_is_valid() {
        let data = Dataset::parse(DEFAULT_DATASET).expect("the shipped dataset is valid");
        assert!(data.states.len() >= 22);
    }

    #[test]
    fn unknown_references_are_all_reported() {
        let text = DEFAULT_DATASET.replacen("state = \"KE\"", "state = \"XX\"", 1);
        match Dataset::parse(&text) {
            Err(DatasetError::Invalid(problems)) => {
                assert!(
                    problems.iter().any(|p| p.contains("unknown state `XX`")),
                    "{problems:?}"
                )
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_bound_names_its_sources_and_named_sources_set_a_bound() {
        let date = |text: &str| -> DateSpec {
            toml::from_str::<HashMap<String, DateSpec>>(&format!("d = {text}"))
                .ok()
                .and_then(|mut d| d.remove("d"))
                .unwrap_or_else(|| panic!("a date: {text}"))
        };
        for sourced in [
            r#""2014-01""#,
            "{}",
            r#"{ stated = "2014", note = "as the source gives it" }"#,
            r#"{ stated = "2014-01", not_after = "2014-01-16", narrowed_by = ["FS2014"] }"#,
            r#"{ not_before = "2019-11-01", narrowed_by = ["SWISSPEACE"] }"#,
        ] {
            assert_eq!(date(sourced).narrowing_problem(), None, "{sourced}");
        }
        for (unsourced, problem) in [
            (
                r#"{ stated = "2014-01", not_after = "2014-01-16" }"#,
                "a bound names no source",
            ),
            (
                r#"{ not_before = "2019-11-01", narrowed_by = [] }"#,
                "a bound names no source",
            ),
            (
                r#"{ stated = "2011", narrowed_by = ["LV-MFA"] }"#,
                "no bound is set",
            ),
        ] {
            assert!(
                date(unsourced)
                    .narrowing_problem()
                    .is_some_and(|p| p.contains(problem)),
                "{unsourced}"
            );
        }
    }

    #[test]
    fn a_file_with_an_unsourced_bound_is_refused_where_it_is() {
        let text = DEFAULT_DATASET.replacen(
            r#"narrowed_by = ["FS2014"], note = "listed by the fact sheet"#,
            r#"note = "listed by the fact sheet"#,
            1,
        );
        assert_ne!(
            text, DEFAULT_DATASET,
            "Moldova's narrowed date is in the file"
        );
        let data: Dataset = toml::from_str(&text).expect("valid TOML");
        let at = data
            .memberships
            .iter()
            .position(|m| m.state == "MD")
            .expect("Moldova's membership");
        match data.validate() {
            Err(DatasetError::Invalid(problems)) => assert_eq!(
                problems,
                [format!(
                    "memberships[{at}] (state \"MD\"), joined: a bound names no source whose \
                     facts set it"
                )]
            ),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    /// The first `[[table]]` block of the shipped file, up to the blank line after it.
    fn first_block(table: &str) -> &'static str {
        let header = format!("[[{table}]]\n");
        let start = DEFAULT_DATASET.find(&header).expect("the table");
        let end = DEFAULT_DATASET[start..]
            .find("\n\n")
            .map_or(DEFAULT_DATASET.len(), |n| start + n + 2);
        &DEFAULT_DATASET[start..end]
    }

    #[test]
    fn records_the_loader_would_drop_are_refused_where_they_are() {
        // A second chairship and a second claim with the same derived keys, and a second
        // state with a code already used: the loader inserts by key and would skip them.
        let mut text = DEFAULT_DATASET.to_owned();
        for table in ["chairships", "claims", "states"] {
            let block = first_block(table);
            text = text.replacen(block, &format!("{block}{block}"), 1);
        }
        let data: Dataset = toml::from_str(&text).expect("valid TOML");
        match data.validate() {
            Err(DatasetError::Invalid(problems)) => {
                let code = &data.states[1].code;
                let expected = [
                    format!(
                        "states[1] (code {code:?}): state `{code}` is defined twice \
                         (first at states[0] (code {code:?}))"
                    ),
                    "chairships[1] (".to_owned(),
                    "claims[1] (topic ".to_owned(),
                ];
                for start in expected {
                    assert!(
                        problems.iter().any(|p| p.starts_with(&start)),
                        "{start} in {problems:#?}"
                    );
                }
                assert_eq!(problems.len(), 3, "{problems:#?}");
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
}
