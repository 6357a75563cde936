//! The schema's relationships, each declared once, typed by the entities and columns it
//! joins: a foreign key ([`ForeignKey`]: rows of a child table whose column holds a parent's
//! id), a pair of them in a link table ([`Link`]), or the citations every sourced record has
//! ([`CITATIONS`]). Each entity declares its keys beside its columns with [`foreign_keys!`],
//! saying what deleting the parent does ([`OnDelete`]); [`crate::foreign_keys`] lists them
//! all. The GraphQL layer's lists, filters, aggregates and deletion checks read these
//! declarations, so a column name is written nowhere else, and a wrong one does not compile.
//! Each entity's SeaORM `Relation` enum declares the same keys for the database, and a test
//! holds the two equal.

use std::marker::PhantomData;

use crate::citation;
use crate::enums::RecordKind;
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

/// Declares an entity's foreign keys, in its module: `NAME: Column -> parent, OnDelete;`,
/// as constants, and lists them in the module's `foreign_keys()`.
macro_rules! foreign_keys {
    ($( $(#[$doc:meta])* $name:ident: $column:ident -> $parent:ident, $on_delete:ident $(($noun:literal))?; )*) => {
        $(
            $(#[$doc])*
            pub const $name: $crate::keys::ForeignKey<Entity, super::$parent::Entity> =
                $crate::keys::ForeignKey::new(
                    Column::$column,
                    $crate::keys::OnDelete::$on_delete $(($noun))?,
                );
        )*

        /// This entity's foreign keys.
        pub fn foreign_keys() -> Vec<$crate::keys::KeyInfo> {
            vec![$($name.describe()),*]
        }
    };
}

/// A table whose records are named by a key (curation inputs and the data file refer to them
/// by it): the key's column, and what one record is called in messages.
pub trait Named: EntityTrait {
    /// The column holding the key.
    const KEY: Self::Column;
    /// What one record is called.
    const NOUN: &'static str;

    /// The key of a row.
    fn key_of(row: &Self::Model) -> String {
        match row.get(Self::KEY) {
            Value::String(Some(key)) => key.to_string(),
            _ => String::new(),
        }
    }
}

/// Declares, in an entity's module, the column that names its records and what one record
/// is called: `named!(Key, "conference");`.
macro_rules! named {
    ($column:ident, $noun:literal) => {
        impl $crate::keys::Named for Entity {
            const KEY: Self::Column = Column::$column;
            const NOUN: &'static str = $noun;
        }
    };
}
