//! Curation of document records: their input, checks and mutations.

use super::*;
use crate::graphql::curation::{crud, record_input};
use crate::graphql::dates::DateInput;
use entity::enums::DocumentKind;

record_input! {
/// A document as curators write it.
DocumentInput -> Document in document, cited {
    /// Short stable key, unique, e.g. `hague-declaration`.
    key: String [key],
    /// Its title.
    title: String [text],
    /// What kind of document it is.
    kind: DocumentKind [set],
    /// When it was adopted.
    adopted: Option<DateInput> [date adopted],
    /// Key of the conference that adopted it.
    conference: Option<String> [refers conference => conference_id],
    /// What else the sources say about it.
    note: Option<String> [set],
    /// Keys of the sources that give these facts; at least one.
    sources: Vec<String> [sources],
}
}

crud! {
/// Curation of documents: each mutation needs the admin token and runs in one transaction.
DocumentMutation {
    Document(DocumentInput), id "The document's global id." {
        /// Adds a document.
        create_document;
        /// Replaces a document's facts and sources with the input.
        update_document;
        /// Deletes a document that no commitment refers to; returns its id.
        delete_document;
    }
}
}
