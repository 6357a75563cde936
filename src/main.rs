//! The foc-graph command: parse the command line, run, map failures to one line and exit 1.

use clap::Parser;
use foc_graph::config::Cli;

// A server allocates and frees many small objects per request, which this allocator does
// with less contention and copying than the system's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    foc_graph::telemetry::init();
    let cli = Cli::parse();
    let result = foc_graph::runtime()
        .map_err(foc_graph::RunError::Runtime)
        .and_then(|runtime| runtime.block_on(foc_graph::run(cli)));
    if let Err(error) = result {
        eprintln!("foc-graph: {error}");
        std::process::exit(1);
    }
}
