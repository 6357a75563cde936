//! GraphiQL, served entirely from the binary so it works without internet access. The
//! assets are pinned copies from the npm registry (see `assets/graphiql/VERSIONS`;
//! `scripts/refresh-graphiql.sh` refreshes them).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The query GraphiQL opens with: a nested question an analyst would ask.
pub const EXAMPLE_QUERY: &str = r#"# Who hosted each Freedom Online Conference,
# and which documents came out of it?
# Run it with the play button or Ctrl-Enter;
# the Docs panel explains every field.
query ConferencesAndHosts {
  conferences(kind: FREEDOM_ONLINE_CONFERENCE, first: 10) {
    totalCount
    nodes {
      ordinal
      name
      city
      startDate
      theme
      hosts {
        edges {
          role
          node { name code region }
        }
      }
      documents { nodes { title kind } }
      sources { nodes { key title } }
    }
  }
}
"#;

const PAGE: &str = include_str!("../../assets/graphiql/index.html");

/// The GraphiQL page with the example query filled in.
pub async fn page() -> Html<String> {
    // The query lands inside a <script>: as a JSON string, with `<` escaped so no text can
    // close the script element.
    let query = serde_json::to_string(EXAMPLE_QUERY)
        .unwrap_or_else(|_| "\"\"".to_owned())
        .replace('<', "\\u003c");
    Html(PAGE.replace("__FOC_DEFAULT_QUERY__", &query))
}

/// The page's scripts and stylesheets: file name, bytes, media type.
const ASSETS: &[(&str, &[u8], &str)] = &[
    (
        "graphiql.min.js",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
        "text/javascript",
    ),
    (
        "graphiql.min.css",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
        "text/css",
    ),
    (
        "react.production.min.js",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
        "text/javascript",
    ),
    (
        "react-dom.production.min.js",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
        "text/javascript",
    ),
];

/// One of the page's scripts or stylesheets.
pub async fn asset(Path(file): Path<String>) -> Response {
    embedded(ASSETS, &file)
}

/// A file embedded in the binary, by name, from `assets`.
pub(super) fn embedded(assets: &[(&str, &'static [u8], &'static str)], file: &str) -> Response {
    let Some((_, body, content_type)) = assets.iter().find(|(name, _, _)| *name == file) else {
        return (StatusCode::NOT_FOUND, "no such asset\n").into_response();
    };
    (
        [
            (header::CONTENT_TYPE, *content_type),
            // Pinned assets never change under the same binary.
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        *body,
    )
        .into_response()
}
