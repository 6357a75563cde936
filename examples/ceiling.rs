//! The benchmark's ceiling: axum serving one response body from memory, as fast as this
//! machine answers HTTP at all. `bench/run.sh` compares cached GraphQL GETs with it.
//!
//!     cargo run --release --example ceiling -- BODY_FILE 127.0.0.1:18302

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = args.next().ok_or("usage: ceiling BODY_FILE ADDRESS")?;
    let address = args.next().unwrap_or_else(|| "127.0.0.1:18302".to_owned());
    let body = Bytes::from(std::fs::read(&file)?);
    let app = Router::new().route(
        "/graphql",
        get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(&address).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
