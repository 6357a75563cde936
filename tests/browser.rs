//! GraphiQL in headless Chromium: the page loads with no request leaving the server, runs
//! its example query, and shows the answer. The driver is `tests/browser/graphiql.mjs`
//! (playwright-core); `.ci/run` installs Chromium and the driver's npm package.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The drivers' directory, once `npm ci` has installed their packages there (and, when
/// `chromium` is asked for, Chromium is installed); None, with the reason printed, when
/// not, which CI (`CI=true`) does not accept.
fn drivers(chromium: bool) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let packages = dir.join("node_modules/playwright-core").exists()
        && dir.join("node_modules/graphql-ws").exists();
    let browser = !chromium
        || Path::new(&std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()))
            .exists();
    if packages && browser {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the browser tests may not be skipped under CI: install chromium and run `npm ci` in tests/browser"
    );
    eprintln!("skipping: install chromium and run `npm ci` in tests/browser");
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_runs_the_example_query_offline() {
    let Some(driver_dir) = drivers(true) else {
        return;
    };
    let app = common::spawn_app(common::Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let url = format!("{}/", app.url);
    // The example query lists the conferences; Ulaanbaatar appears only in its answer.
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("graphiql.mjs")
            .arg(&url)
            .arg("Ulaanbaatar")
            .current_dir(driver_dir)
            .output()
    })
    .await
    .expect("join")
    .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("browser: ok"), "{stdout}");
}

/// The real clients a dashboard would use, unchanged, on both databases: the `graphql-ws`
/// npm client over WebSocket and `graphql-sse` over Server-Sent Events receive a mutation
/// (driver: `tests/browser/clients.mjs`).
mod subscription_clients {
    use super::*;

    async fn check(backend: common::Backend) {
        let Some(driver_dir) = drivers(false) else {
            return;
        };
        let Some(app) = common::spawn_app_with(backend, common::curator_settings()).await else {
            return;
        };
        // On PostgreSQL the server hears writes once its listener has connected.
        for _ in 0..200 {
            let ready = app.get("/ready").await.text().await.unwrap_or_default();
            if !ready.contains("not hearing") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        let url = app.url.clone();
        let output = tokio::task::spawn_blocking(move || {
            Command::new("node")
                .arg("clients.mjs")
                .arg(&url)
                .arg(common::ADMIN_TOKEN)
                .current_dir(driver_dir)
                .output()
        })
        .await
        .expect("join")
        .expect("run node");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "the clients failed:\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains("clients: ok"), "{stdout}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        check(common::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        check(common::Backend::Postgres).await;
    }
}

/// The dashboard in headless Chromium: it loads with no request leaving the server, the
/// numbers it draws match the API's for two dates chosen with its date control, its CSV and
/// GraphiQL links answer the section's query, and a screenshot shows a drawn chart (driver:
/// `tests/browser/dashboard.mjs`; the screenshot is kept in the test's temporary directory).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_draws_what_the_api_answers() {
    let Some(driver_dir) = drivers(true) else {
        return;
    };
    let app = common::spawn_app(common::Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
    let _ = std::fs::remove_file(&screenshot);
    let (url, shot) = (app.url.clone(), screenshot.clone());
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("dashboard.mjs")
            .arg(&url)
            .arg(&shot)
            .current_dir(driver_dir)
            .output()
    })
    .await
    .expect("join")
    .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the dashboard check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("dashboard: ok"), "{stdout}");
    let png = std::fs::read(&screenshot).expect("the screenshot was saved");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "a PNG of the page"
    );
}
