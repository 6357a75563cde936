//! The dashboard at `GET /dashboard`: charts of the membership over time, the members on a
//! chosen day, the conferences by year and host region, and the funding by currency, each
//! drawn from a query to the public GraphQL API with the query shown beside it. Served from
//! the binary, so it works without internet access: the page and its script are ours, the
//! charting library (uPlot) a pinned copy from the npm registry (`assets/dashboard/VERSIONS`;
//! `scripts/refresh-dashboard.sh` refreshes it).

use axum::extract::Path;
use axum::response::{Html, Response};

use super::graphiql::embedded;

/// The page's script, the charting library and its stylesheet.
const ASSETS: &[(&str, &[u8], &str)] = &[
    (
        "dashboard.js",
        include_bytes!("../../assets/dashboard/dashboard.js"),
        "text/javascript",
    ),
    (
        "uPlot.iife.min.js",
        include_bytes!("../../assets/dashboard/uPlot.iife.min.js"),
        "text/javascript",
    ),
    (
        "uPlot.min.css",
        include_bytes!("../../assets/dashboard/uPlot.min.css"),
        "text/css",
    ),
];

/// `GET /dashboard`.
pub async fn page() -> Html<&'static str> {
    Html(include_str!("../../assets/dashboard/index.html"))
}

/// `GET /dashboard/{file}`.
pub async fn asset(Path(file): Path<String>) -> Response {
    embedded(ASSETS, &file)
}
