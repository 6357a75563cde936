//! The foc-graph command: parse the command line, run, map failures to one line and exit 1.

use clap::Parser;
use foc_graph::config::Cli;

// A server allocates and frees many small objects per request, which this allocator does
// with less contention and copying than the system's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    foc_graph::telemetry::init();
    if let Err(error) = foc_graph::run(Cli::parse()).await {
        eprintln!("foc-graph: {error}");
        std::process::exit(1);
    }
}
