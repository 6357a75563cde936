//! The schema's relationships, each declared once, typed by its SeaORM entities and columns.
//!
//! A relationship is a foreign key ([`ForeignKey`]: rows of a child table whose column holds a
//! parent's id), a pair of them in a link table ([`Link`]), or the citations every sourced
//! record has ([`CITATIONS`]). A concept's list fields, its filter's `some`/`every`/`none`,
//! its aggregates and the deletion checks of curation all read these declarations, so a
//! column name is written nowhere else, and a wrong one does not compile.
//!
//! Each foreign key also says what deleting its parent does ([`OnDelete`]); the entities'
//! SeaORM `Relation` enums declare the same keys for the database, and a test holds the
//! two equal.

use std::marker::PhantomData;

use entity::enums::RecordKind;
use entity::*;
use sea_orm::IdenStatic;
use sea_orm::{EntityName, EntityTrait, ModelTrait, Value};

/// What deleting a parent row does to the rows whose foreign key names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDelete {
    /// The parent cannot be deleted while any refers to it; the refusal counts them under
    /// this name.
    Refuse(&'static str),
    /// The rows are facts of the parent and are deleted with it.
    Cascade,
    /// The parent's curation removes them itself (they have citations of their own).
    Curated,
}

/// A foreign key: rows of `C` whose `column` holds the id of a row of `P`.
pub struct ForeignKey<C: EntityTrait, P> {
    /// The child's column.
    pub column: C::Column,
    /// What deleting the parent does to the children.
    pub on_delete: OnDelete,
    parent: PhantomData<fn() -> P>,
}

impl<C: EntityTrait, P> Clone for ForeignKey<C, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: EntityTrait, P> Copy for ForeignKey<C, P> {}

impl<C: EntityTrait, P: EntityTrait> ForeignKey<C, P> {
    /// The key held in `column` of `C`.
    pub const fn new(column: C::Column, on_delete: OnDelete) -> Self {
        Self {
            column,
            on_delete,
            parent: PhantomData,
        }
    }

    /// The id a child row points to, if any.
    pub fn value(&self, child: &C::Model) -> Option<i32> {
        match child.get(self.column) {
            Value::Int(id) => id,
            _ => None,
        }
    }

    /// The key without its types, for code that reads the model as data.
    pub fn describe(&self) -> KeyInfo {
        KeyInfo {
            child: C::default().table_name(),
            column: self.column.as_str(),
            parent: P::default().table_name(),
            on_delete: self.on_delete,
        }
    }

    /// The rows of `T` that the rows of `C` whose key names a row of `P` point to with `to`:
    /// the link table `C` read from `P`'s side.
    pub const fn to<T: EntityTrait>(self, to: ForeignKey<C, T>) -> Link<P, C, T> {
        Link::new(self, to)
    }

    /// From a parent row to its children.
    pub fn children(&self) -> Path {
        Path::Children {
            table: C::default().table_name(),
            foreign_key: self.column.as_str(),
        }
    }

    /// From a child row to its parent.
    pub fn parent(&self) -> Path {
        Path::Parent {
            table: P::default().table_name(),
            foreign_key: self.column.as_str(),
        }
    }
}

/// Rows of `T` reached from a row of `P` through the link table `L`.
pub struct Link<P, L: EntityTrait, T> {
    /// The link's key to the row the list starts from.
    pub from: ForeignKey<L, P>,
    /// The link's key to the rows listed.
    pub to: ForeignKey<L, T>,
}

impl<P, L: EntityTrait, T> Clone for Link<P, L, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, L: EntityTrait, T> Copy for Link<P, L, T> {}

impl<P: EntityTrait, L: EntityTrait, T: EntityTrait> Link<P, L, T> {
    /// The rows of `T` whose ids `to` holds in the links whose `from` holds the start's.
    pub const fn new(from: ForeignKey<L, P>, to: ForeignKey<L, T>) -> Self {
        Self { from, to }
    }

    /// From a row of `P` to the rows it is linked to.
    pub fn path(&self) -> Path {
        Path::Link {
            link: L::default().table_name(),
            from: self.from.column.as_str(),
            to: self.to.column.as_str(),
            table: T::default().table_name(),
        }
    }
}

/// The citations table's columns: which record (`kind`, `record`) cites which `source`.
pub struct CitationColumns {
    /// The cited source's id.
    pub source: citation::Column,
    /// The citing record's kind.
    pub kind: citation::Column,
    /// The citing record's id.
    pub record: citation::Column,
}

/// How records cite their sources.
pub const CITATIONS: CitationColumns = CitationColumns {
    source: citation::Column::SourceId,
    kind: citation::Column::RecordKind,
    record: citation::Column::RecordId,
};

impl CitationColumns {
    /// From a record of `kind` to the sources it cites.
    pub fn path(&self, kind: RecordKind) -> Path {
        Path::Citations { kind }
    }

    /// The citations table and its columns, as SQL names.
    pub fn names(&self) -> (&'static str, &'static str, &'static str, &'static str) {
        (
            citation::Entity.table_name(),
            self.source.as_str(),
            self.kind.as_str(),
            self.record.as_str(),
        )
    }
}

/// How a relationship reaches its rows from a row of `table`, as SQL names: what filters
/// and aggregates build their subqueries from. Made only from the declarations above.
#[derive(Clone, Copy, Debug)]
pub enum Path {
    /// Rows of `table` whose `foreign_key` holds the current row's id.
    Children {
        table: &'static str,
        foreign_key: &'static str,
    },
    /// The row of `table` whose id the current row's `foreign_key` holds.
    Parent {
        table: &'static str,
        foreign_key: &'static str,
    },
    /// Rows of `table` linked through `link`: `link.from` holds the current row's id and
    /// `link.to` the target's.
    Link {
        link: &'static str,
        from: &'static str,
        to: &'static str,
        table: &'static str,
    },
    /// The sources a record of `kind` cites.
    Citations { kind: RecordKind },
}

/// A foreign key as SQL names, and what deleting its parent does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// The table holding the key.
    pub child: &'static str,
    /// The key's column.
    pub column: &'static str,
    /// The table it points to.
    pub parent: &'static str,
    /// What deleting a parent row does.
    pub on_delete: OnDelete,
}

use OnDelete::{Cascade, Curated, Refuse};

/// Declares the model's foreign keys, and lists them all in [`foreign_keys`].
macro_rules! foreign_keys {
    ($( $(#[$doc:meta])* $name:ident: $child:ident . $column:ident -> $parent:ident, $on_delete:expr; )*) => {
        $(
            $(#[$doc])*
            pub const $name: ForeignKey<$child::Entity, $parent::Entity> =
                ForeignKey::new($child::Column::$column, $on_delete);
        )*

        /// Every foreign key of the model, in the order deletion refusals name them.
        pub fn foreign_keys() -> Vec<KeyInfo> {
            vec![$($name.describe()),*]
        }
    };
}

foreign_keys! {
    /// A membership's state.
    MEMBERSHIP_STATE: membership.StateId -> state, Refuse("memberships");
    /// A hosting's state.
    HOSTING_STATE: conference_host.StateId -> state, Refuse("conference hostings");
    /// A hosting's conference: the hosts are facts of the conference.
    HOSTING_CONFERENCE: conference_host.ConferenceId -> conference, Cascade;
    /// A chairship's state.
    CHAIRSHIP_STATE: chairship.StateId -> state, Refuse("chairships");
    /// An endorsement's state.
    ENDORSEMENT_STATE: endorsement.StateId -> state, Refuse("endorsements");
    /// An endorsement's commitment: endorsements go with it, with their citations.
    ENDORSEMENT_COMMITMENT: endorsement.CommitmentId -> commitment, Curated;
    /// An organization's home state.
    ORGANIZATION_STATE: organization.StateId -> state, Refuse("organizations");
    /// An organization's parent organization.
    ORGANIZATION_PARENT: organization.ParentId -> organization, Refuse("organizations within it");
    /// A funder that is a state.
    FUNDER_STATE: funding_funder.StateId -> state, Refuse("fundings");
    /// A funder that is an organization.
    FUNDER_ORGANIZATION: funding_funder.OrganizationId -> organization, Refuse("fundings");
    /// A funder's funding: the funders are facts of the funding.
    FUNDER_FUNDING: funding_funder.FundingId -> funding, Cascade;
    /// The conference a document was adopted at.
    DOCUMENT_CONFERENCE: document.ConferenceId -> conference, Refuse("documents");
    /// The conference an initiative was launched at.
    INITIATIVE_CONFERENCE: initiative.LaunchedAtId -> conference, Refuse("initiatives");
    /// The state whose office a person held at a conference.
    ROLE_OFFICE_STATE: person_role.OfficeStateId -> state, Refuse("conference roles");
    /// The conference of a person's part.
    ROLE_CONFERENCE: person_role.ConferenceId -> conference, Refuse("people's parts");
    /// The person of a part: a person's parts are facts about the person.
    ROLE_PERSON: person_role.PersonId -> person, Cascade;
    /// The organization that manages an initiative.
    INITIATIVE_MANAGER: initiative.ManagerId -> organization, Refuse("initiatives");
    /// The document a commitment belongs to.
    COMMITMENT_DOCUMENT: commitment.DocumentId -> document, Refuse("commitments");
    /// The initiative a funding went to.
    FUNDING_RECIPIENT: funding.RecipientInitiativeId -> initiative, Refuse("fundings");
    /// The source a citation names.
    CITATION_SOURCE: citation.SourceId -> source, Refuse("citations");
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use sea_orm::{Identity, Iterable, RelationTrait, RelationType};

    use super::*;

    /// The keys the entities' SeaORM `Relation` enums declare, as (child, column, parent).
    fn declared_by_entities() -> BTreeSet<(String, String, String)> {
        let mut keys = BTreeSet::new();
        macro_rules! relations_of {
            ($($entity:ident),*) => {$(
                for relation in $entity::Relation::iter() {
                    let def = relation.def();
                    if let (RelationType::HasOne, Identity::Unary(column)) = (def.rel_type, &def.from_col) {
                        keys.insert((
                            def.from_tbl.sea_orm_table().to_string(),
                            column.to_string(),
                            def.to_tbl.sea_orm_table().to_string(),
                        ));
                    }
                }
            )*};
        }
        relations_of!(
            chairship,
            citation,
            claim,
            coalition,
            commitment,
            conference,
            conference_host,
            document,
            endorsement,
            funding,
            funding_funder,
            initiative,
            membership,
            organization,
            person,
            person_role,
            search_entry,
            source,
            state
        );
        keys
    }

    #[test]
    fn the_model_declares_the_foreign_keys_the_entities_do() {
        let model: BTreeSet<(String, String, String)> = foreign_keys()
            .into_iter()
            .map(|k| (k.child.to_owned(), k.column.to_owned(), k.parent.to_owned()))
            .collect();
        assert_eq!(model, declared_by_entities());
    }

    #[test]
    fn every_foreign_key_is_declared_once() {
        let keys = foreign_keys();
        let distinct: BTreeSet<(&str, &str)> = keys.iter().map(|k| (k.child, k.column)).collect();
        assert_eq!(distinct.len(), keys.len());
    }
}
