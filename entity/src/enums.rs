//! The closed vocabularies the records use. Each is stored as a short string, read from the
//! data file in snake_case and, with the `graphql` feature, exposed as a GraphQL enum.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Declares a stored enum: one place for its values, data-file spelling and descriptions.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* #[sea_orm(string_value = $value)] $variant),+
        }

        impl $name {
            /// The value as stored and as written in the data file.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $value),+ }
            }
        }
    };
}

stored_enum! {
    /// A UN M49 region.
    Region {
        /// Africa (UN M49 002).
        Africa = "africa",
        /// The Americas (UN M49 019).
        Americas = "americas",
        /// Asia (UN M49 142).
        Asia = "asia",
        /// Europe (UN M49 150).
        Europe = "europe",
        /// Oceania (UN M49 009).
        Oceania = "oceania",
    }
}

stored_enum! {
    /// How precisely a source gave a date.
    Precision {
        /// Only the year is known.
        Year = "year",
        /// The year and month are known.
        Month = "month",
        /// The exact day is known.
        Day = "day",
    }
}

stored_enum! {
    /// What kind of Coalition meeting a conference was.
    ConferenceKind {
        /// An annual Freedom Online Conference.
        FreedomOnlineConference = "freedom_online_conference",
        /// A Strategy and Coordination Meeting of the members.
        StrategyMeeting = "strategy_meeting",
        /// A reception, such as a chair handover.
        Reception = "reception",
    }
}

stored_enum! {
    /// Whether a meeting was held in person or online.
    ConferenceFormat {
        /// Held in person at a venue.
        InPerson = "in_person",
        /// Held online.
        Virtual = "virtual",
    }
}

stored_enum! {
    /// A state's part in hosting a conference.
    HostRole {
        /// The (sole or main) host.
        Host = "host",
        /// One of several hosts.
        CoHost = "co_host",
    }
}

stored_enum! {
    /// The kind of a Coalition document.
    DocumentKind {
        /// A declaration endorsed by the members.
        Declaration = "declaration",
        /// Terms of reference: how the Coalition works.
        TermsOfReference = "terms_of_reference",
        /// An agenda of recommendations.
        Agenda = "agenda",
        /// A statement issued at or after a conference.
        Statement = "statement",
        /// A chair's summary of a conference.
        ChairsSummary = "chairs_summary",
    }
}

stored_enum! {
    /// What a commitment is.
    CommitmentKind {
        /// A principle members endorse.
        Principle = "principle",
        /// An area of concrete action members dedicate themselves to.
        AreaOfAction = "area_of_action",
    }
}

stored_enum! {
    /// The kind of an organization.
    OrganizationKind {
        /// A non-governmental organization.
        Ngo = "ngo",
        /// A government ministry or department.
        GovernmentDepartment = "government_department",
        /// A bureau within a government department.
        GovernmentBureau = "government_bureau",
        /// An office within a government bureau or department.
        GovernmentOffice = "government_office",
        /// A government agency.
        GovernmentAgency = "government_agency",
    }
}

stored_enum! {
    /// How an amount is qualified by its source.
    FundingQualifier {
        /// The source says "more than" the amount.
        MoreThan = "more_than",
        /// The source gives the exact amount.
        Exactly = "exactly",
        /// The source says "about" the amount.
        About = "about",
    }
}

stored_enum! {
    /// What a person did at a conference.
    PersonRoleKind {
        /// Launched the Coalition.
        LaunchedCoalition = "launched_coalition",
        /// Gave the keynote remarks.
        Keynote = "keynote",
    }
}

stored_enum! {
    /// What a recorded claim is about.
    ClaimTopic {
        /// How many states founded the Coalition.
        FoundersCount = "founders_count",
        /// How many members the Coalition had at a time.
        MemberCount = "member_count",
        /// The dates of a conference.
        ConferenceDates = "conference_dates",
        /// Who chaired the Coalition in a period.
        Chair = "chair",
        /// Which states a list of members names.
        MembershipList = "membership_list",
        /// The amount of a funding.
        FundingAmount = "funding_amount",
    }
}

stored_enum! {
    /// The kind of record a citation belongs to.
    RecordKind {
        /// The Coalition itself.
        Coalition = "coalition",
        /// A state.
        State = "state",
        /// A membership.
        Membership = "membership",
        /// A conference.
        Conference = "conference",
        /// A chairship.
        Chairship = "chairship",
        /// A document.
        Document = "document",
        /// A commitment.
        Commitment = "commitment",
        /// An endorsement.
        Endorsement = "endorsement",
        /// An organization.
        Organization = "organization",
        /// An initiative.
        Initiative = "initiative",
        /// A funding.
        Funding = "funding",
        /// A person.
        Person = "person",
        /// A claim.
        Claim = "claim",
    }
}
