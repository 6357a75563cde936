//! The data file's format: its tables as Rust types, read and written with serde
//! (`data/README.md` documents it).

use super::*;

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
        stated: Option<String>,
        not_before: Option<NaiveDate>,
        not_after: Option<NaiveDate>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        narrowed_by: Vec<String>,
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
    pub publisher: Option<String>,
    pub date: Option<DateSpec>,
    pub url: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CoalitionRow {
    pub name: String,
    pub purpose: String,
    pub founded: Option<DateSpec>,
    pub founding_place: Option<String>,
    pub membership_criteria: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participant_regions: Vec<String>,
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
    pub joined: Option<DateSpec>,
    #[serde(default)]
    pub founding: bool,
    pub ordinal: Option<i32>,
    pub left: Option<DateSpec>,
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
    pub ordinal: Option<i32>,
    pub name: String,
    pub city: Option<String>,
    pub venue: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub theme: Option<String>,
    pub format: Option<ConferenceFormat>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<HostRow>,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChairshipRow {
    pub chair: Option<String>,
    pub interim: Option<String>,
    pub start: Option<DateSpec>,
    pub end: Option<DateSpec>,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRow {
    pub key: String,
    pub title: String,
    pub kind: DocumentKind,
    pub adopted: Option<DateSpec>,
    pub conference: Option<String>,
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
    pub document: Option<String>,
    #[serde(default)]
    pub endorsed_on_joining: bool,
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
    #[serde(default)]
    pub endorsed: Option<DateSpec>,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationRow {
    pub key: String,
    pub name: String,
    pub kind: OrganizationKind,
    pub state: Option<String>,
    pub parent: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InitiativeRow {
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub launched_at: Option<String>,
    pub launched: Option<DateSpec>,
    pub manager: Option<String>,
    pub operating_since: Option<DateSpec>,
    pub url: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FunderRow {
    pub state: Option<String>,
    pub organization: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FundingRow {
    pub key: String,
    pub description: String,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub qualifier: Option<FundingQualifier>,
    pub period_start: Option<DateSpec>,
    pub period_end: Option<DateSpec>,
    pub recipient_initiative: Option<String>,
    pub recipient_programme: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funders: Vec<FunderRow>,
    #[serde(default)]
    pub funders_complete: bool,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRoleRow {
    pub conference: String,
    pub role: PersonRoleKind,
    pub office: Option<String>,
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
    pub value: Option<String>,
    pub as_of: Option<DateSpec>,
    pub subject: Option<String>,
    pub sources: Vec<String>,
}

/// The start a chairship's key is made of: its stated start, or the earliest day it can be.
pub fn chairship_start(start: Option<&DateSpec>) -> String {
    match start {
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

/// A chairship's natural key: the file gives it none, so it is its start and who chaired.
/// The seed and the curation mutations identify chairships by it.
pub fn chairship_key(
    chair: Option<&str>,
    interim: Option<&str>,
    start: Option<&DateSpec>,
) -> String {
    format!(
        "{}:{}",
        chairship_start(start),
        chair.or(interim).unwrap_or("none")
    )
}

/// A record of the data file: the natural key the database knows it by, and the keys of the
/// sources it cites.
pub trait FileRecord {
    /// Its natural key.
    fn key(&self) -> String;
    /// The keys of its sources.
    fn sources(&self) -> &[String];
}

/// Implements [`FileRecord`] for rows with a `sources` list: `Row => |row| key`.
macro_rules! file_records {
    ($($row:ty => |$r:ident| $key:expr),* $(,)?) => {
        $(impl FileRecord for $row {
            fn key(&self) -> String {
                let $r = self;
                $key
            }
            fn sources(&self) -> &[String] {
                &self.sources
            }
        })*
    };
}

file_records! {
    CoalitionRow => |_c| "foc".to_owned(),
    StateRow => |s| s.code.clone(),
    MembershipRow => |m| m.state.clone(),
    ConferenceRow => |c| c.key.clone(),
    ChairshipRow => |c| chairship_key(c.chair.as_deref(), c.interim.as_deref(), c.start.as_ref()),
    DocumentRow => |d| d.key.clone(),
    CommitmentRow => |c| c.key.clone(),
    OrganizationRow => |o| o.key.clone(),
    InitiativeRow => |i| i.key.clone(),
    FundingRow => |f| f.key.clone(),
    PersonRow => |p| p.key.clone(),
    // The file gives a claim no key, so it is what the claim says and who says it.
    ClaimRow => |c| format!(
        "{}:{}:{}:{}",
        c.topic.as_str(),
        c.subject.as_deref().unwrap_or(""),
        c.sources.join("+"),
        c.value.as_deref().unwrap_or(&c.statement)
    ),
}

/// Sources cite nothing.
impl FileRecord for SourceRow {
    fn key(&self) -> String {
        self.key.clone()
    }
    fn sources(&self) -> &[String] {
        &[]
    }
}
