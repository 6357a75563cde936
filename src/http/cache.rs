//! What makes a polling dashboard cheap: automatic persisted queries (a client sends the
//! query's SHA-256 and only falls back to the text when the server does not know it yet),
//! an in-process cache of read-only responses that every committed mutation invalidates,
//! the entity tag that lets a client revalidate with `If-None-Match`, and parsed documents,
//! so a query a dashboard repeats is parsed once.

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::Mutex;

use async_graphql::parser::types::ExecutableDocument;
use axum::body::Bytes;
use lru::LruCache;
use sha2::{Digest, Sha256};

/// How many queries and responses are remembered; the least recently used go first.
const ENTRIES: usize = 1024;

/// How many parsed documents are remembered.
const DOCUMENTS: usize = 256;

/// The longest query text whose parsed document is remembered: dashboards send short
/// queries, and a bound keeps the cache small whatever clients send.
pub(super) const LONGEST_CACHED_QUERY: usize = 16 * 1024;

/// The hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Query texts by their SHA-256, as clients announce them.
pub struct PersistedQueries(Mutex<LruCache<String, Arc<str>>>);

impl Default for PersistedQueries {
    fn default() -> Self {
        Self(Mutex::new(LruCache::new(capacity(ENTRIES))))
    }
}

/// Why a persisted query could not be used.
pub enum PersistedQueryError {
    /// The server does not know the hash: the client sends the text with it.
    NotFound,
    /// The text sent does not have the hash sent.
    Mismatch,
}

impl PersistedQueries {
    /// The query text for a hash: `query` when given (remembered when its hash matches),
    /// else the text remembered for the hash.
    pub fn resolve(&self, hash: &str, query: &str) -> Result<Arc<str>, PersistedQueryError> {
        let mut known = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if query.is_empty() {
            return known
                .get(hash)
                .cloned()
                .ok_or(PersistedQueryError::NotFound);
        }
        if !sha256_hex(query.as_bytes()).eq_ignore_ascii_case(hash) {
            return Err(PersistedQueryError::Mismatch);
        }
        let text: Arc<str> = Arc::from(query);
        known.put(hash.to_ascii_lowercase(), text.clone());
        Ok(text)
    }
}

/// Parsed documents by query text. A parsed document is cheaper to copy than to parse
/// again; validation still runs on every request, against the request's variables.
pub struct Documents(Mutex<LruCache<String, Arc<ExecutableDocument>>>);

impl Default for Documents {
    fn default() -> Self {
        Self(Mutex::new(LruCache::new(capacity(DOCUMENTS))))
    }
}

impl Documents {
    /// The parsed document of `query`, parsed now unless it was parsed before.
    pub fn parse(
        &self,
        query: &str,
    ) -> Result<Arc<ExecutableDocument>, async_graphql::parser::Error> {
        if let Some(document) = self.lock().get(query) {
            return Ok(document.clone());
        }
        // Parsed outside the lock, so a long parse holds up no other request.
        let document = Arc::new(async_graphql::parser::parse_query(query)?);
        if query.len() <= LONGEST_CACHED_QUERY {
            self.lock().put(query.to_owned(), document.clone());
        }
        Ok(document)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Arc<ExecutableDocument>>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A cached response body with its entity tag.
#[derive(Clone)]
pub struct Cached {
    /// The data version it was computed at.
    version: i64,
    /// When it was computed.
    stored: std::time::Instant,
    /// The JSON body, reporting no SQL statements (a hit runs none).
    pub body: Bytes,
    /// The same body compressed with brotli once, for clients that accept it: a hit then
    /// costs no compression.
    pub brotli: Option<Bytes>,
    /// Its entity tag, quoted.
    pub etag: String,
}

/// Read-only responses by request. Mutations invalidate them at once; writes that bypass
/// the server (an import, say) show once an entry's lifetime is over.
pub struct ResponseCache {
    entries: Mutex<LruCache<String, Cached>>,
    lifetime: std::time::Duration,
}

impl ResponseCache {
    /// A cache whose entries live at most `lifetime`.
    pub fn new(lifetime: std::time::Duration) -> Self {
        Self {
            entries: Mutex::new(LruCache::new(capacity(ENTRIES))),
            lifetime,
        }
    }

    /// The key of a request: everything that decides its response, verbatim, each part
    /// after its length so no two requests share a key (a digest would cost more than the
    /// map's own hashing).
    pub fn key(query: &str, variables: &str, operation: Option<&str>, media: &str) -> String {
        let operation = operation.unwrap_or("");
        let mut key = String::with_capacity(
            query.len() + variables.len() + operation.len() + media.len() + 32,
        );
        for part in [query, variables, operation, media] {
            key.push_str(&part.len().to_string());
            key.push(':');
            key.push_str(part);
        }
        key
    }

    /// The response cached for `key`, unless a write came after it.
    pub fn get(&self, key: &str, version: i64) -> Option<Cached> {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match entries.get(key) {
            Some(hit) if hit.version == version && hit.stored.elapsed() < self.lifetime => {
                Some(hit.clone())
            }
            Some(_) => {
                entries.pop(key);
                None
            }
            None => None,
        }
    }

    /// Remembers a response computed at `version`; returns its entity tag.
    pub fn put(&self, key: String, version: i64, body: Bytes) -> String {
        let etag = entity_tag(&body);
        // With no lifetime nothing is kept, so there is nothing to compress ahead either.
        if self.lifetime.is_zero() {
            return etag;
        }
        let brotli = compress(&body);
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.put(
            key,
            Cached {
                version,
                stored: std::time::Instant::now(),
                body,
                brotli,
                etag: etag.clone(),
            },
        );
        etag
    }
}

/// A weak entity tag for a body: weak, because the same answer goes out compressed or not.
pub fn entity_tag(body: &[u8]) -> String {
    format!("W/\"{}\"", &sha256_hex(body)[..32])
}

/// The body compressed with brotli, when that makes it smaller.
fn compress(body: &[u8]) -> Option<Bytes> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 5,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(body.len() / 3 + 64);
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
    (out.len() < body.len()).then(|| Bytes::from(out))
}

fn capacity(entries: usize) -> NonZeroUsize {
    NonZeroUsize::new(entries).unwrap_or(NonZeroUsize::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_remembered_when_short_and_never_when_invalid() {
        let documents = Documents::default();
        let query = "query Q { states(first: 2) { nodes { code } } }";
        let first = documents.parse(query).expect("parses");
        let again = documents.parse(query).expect("parses again");
        assert_eq!(documents.lock().len(), 1);
        assert_eq!(
            format!("{:?}", first.operations),
            format!("{:?}", again.operations)
        );

        assert!(documents.parse("{ states { ").is_err());
        assert_eq!(documents.lock().len(), 1, "an invalid text is not kept");

        let long = format!("{{ {} }}", "__typename ".repeat(LONGEST_CACHED_QUERY / 10));
        assert!(documents.parse(&long).is_ok());
        assert_eq!(documents.lock().len(), 1, "a long text is parsed, not kept");
    }
}
