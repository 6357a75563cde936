//! The GraphQL-over-HTTP audits of the npm package `graphql-http` (`serverAudits`) against
//! the real server: no error and no warning. `.ci/run` installs the package.

mod common;

use std::path::Path;
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_over_http_audits_pass() {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !tools.join("node_modules/graphql-http").exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the audits may not be skipped under CI: run `npm ci` in tests/browser"
        );
        eprintln!("skipping: run `npm ci` in tests/browser");
        return;
    }
    let app = common::spawn_app(common::Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let url = format!("{}/graphql", app.url);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("audit.mjs")
            .arg(&url)
            .current_dir(tools)
            .output()
    })
    .await
    .expect("join")
    .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "audits failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("audits: 0 errors, 0 warnings"), "{stdout}");
}
