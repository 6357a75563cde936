//! Validation of a data file: every reference, key and date checked, every problem reported
//! with its place before anything is loaded.

use super::*;

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
    pub(super) fn validate(&self) -> Result<(), DatasetError> {
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
                format!(
                    "chairships[{i}] ({who}, from {:?})",
                    chairship_start(c.start.as_ref())
                )
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
                .map(|(at, c)| (at, c.key()))
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
                .map(|(at, c)| (at, c.key()))
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
