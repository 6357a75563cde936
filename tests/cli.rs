//! The command line: seeding twice, and failures that end with one readable line.

use std::process::{Command, Output};

fn foc_graph(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_foc-graph"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("FOC_LISTEN")
        .output()
        .expect("run foc-graph")
}

/// Asserts a failure: exit code 1 and a single line on stderr, no panic or backtrace.
fn assert_one_line_failure(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected, got:\n{stderr}");
    assert!(
        lines[0].starts_with("foc-graph: ") && lines[0].contains(expected),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn an_unsupported_database_url_is_one_line() {
    let output = foc_graph(&[
        "--database-url",
        "mysql://user:secret@localhost/foc",
        "migrate",
    ]);
    assert_one_line_failure(&output, "unsupported database URL");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("secret"),
        "the password is not shown"
    );
}

#[test]
fn an_unreachable_database_is_one_line() {
    // Port 1 on the loopback interface: nothing listens there.
    let output = foc_graph(&[
        "--database-url",
        "postgres://foc@127.0.0.1:1/foc",
        "migrate",
    ]);
    assert_one_line_failure(&output, "cannot connect to the database");
}

#[test]
fn a_port_in_use_is_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let addr = taken.local_addr().expect("address").to_string();
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("foc.sqlite").display()
    );
    let output = foc_graph(&["--database-url", &url, "serve", "--listen", &addr]);
    assert_one_line_failure(&output, "cannot listen on");
}

#[test]
fn a_malformed_data_file_is_refused_with_every_problem() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("foc.sqlite").display()
    );
    let data = dir.path().join("broken.toml");
    let text = foc_graph::dataset::DEFAULT_DATASET
        .replacen("state = \"KE\"", "state = \"XX\"", 1)
        .replacen("sources = [\"FS2014\"", "sources = [\"NOPE\"", 1);
    std::fs::write(&data, text).expect("write the data file");
    let output = foc_graph(&[
        "--database-url",
        &url,
        "seed",
        "--data",
        &data.display().to_string(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("unknown state `XX`") && stderr.contains("unknown source `NOPE`"),
        "{stderr}"
    );
    // Nothing was loaded.
    let output = foc_graph(&["--database-url", &url, "seed"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("states: 37 added"));
}

#[test]
fn seeding_twice_adds_nothing_the_second_time() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("foc.sqlite").display()
    );
    let first = foc_graph(&["--database-url", &url, "seed"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(first.contains("states: 37 added"), "{first}");
    let second = foc_graph(&["--database-url", &url, "seed"]);
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("\n0 records added"),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("foc.sqlite").display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_foc-graph"))
        .args(["--database-url", &url, "serve", "--listen", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    // Wait until it serves: the port is bound before the database is prepared, so a
    // connection alone does not mean requests are answered yet.
    let start = Instant::now();
    loop {
        let healthy = TcpStream::connect(&addr).and_then(|mut probe| {
            probe.set_read_timeout(Some(Duration::from_secs(5)))?;
            write!(
                probe,
                "GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            )?;
            let mut answer = String::new();
            probe.read_to_string(&mut answer)?;
            Ok(answer.starts_with("HTTP/1.1 200"))
        });
        match healthy {
            Ok(true) => break,
            _ if start.elapsed() < Duration::from_secs(30) => {
                std::thread::sleep(Duration::from_millis(100))
            }
            other => panic!("the server did not start: {other:?}"),
        }
    }
    let mut stream = TcpStream::connect(&addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    // A request whose body is still arriving when SIGTERM comes.
    let body = r#"{"query":"{ conference(ordinal: 2) { city } }"}"#;
    let (head, tail) = body.split_at(10);
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{head}",
        body.len()
    )
    .expect("send the start of the request");
    stream.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    stream
        .write_all(tail.as_bytes())
        .expect("send the rest after SIGTERM");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the response");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("Nairobi"), "{response}");
    // Then it stops, cleanly, and accepts no more.
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    assert!(TcpStream::connect(&addr).is_err(), "no longer accepting");
}

/// `import` tells its stages on standard error (plain lines, as it is not a terminal here):
/// validating the file, removing the records, loading each table and indexing; standard
/// output keeps the summary alone.
#[test]
fn import_shows_its_stages_on_standard_error() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("foc.sqlite").display()
    );
    let file = dir.path().join("export.toml");
    let file = file.to_str().expect("a UTF-8 path");
    for args in [vec!["seed"], vec!["export", "--output", file]] {
        let output = foc_graph(&[&["--database-url", &url][..], &args].concat());
        assert!(output.status.success());
    }
    let output = foc_graph(&["--database-url", &url, "import", file]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("states: 37\n") && stdout.contains(" records imported, replacing "),
        "{stdout}"
    );
    assert!(!stdout.contains("import: "), "{stdout}");
    let stages: Vec<&str> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("import: ")?.split_once(" done"))
        .map(|(stage, _)| stage)
        .collect();
    assert_eq!(stages.first(), Some(&"validating"), "{stderr}");
    assert_eq!(stages.get(1), Some(&"removing"), "{stderr}");
    assert_eq!(stages.last(), Some(&"search index"), "{stderr}");
    for table in ["sources", "states", "memberships", "citations"] {
        assert!(stages.contains(&table), "{table} in {stderr}");
    }
    assert!(
        stderr.contains("import: states done: 37 rows in "),
        "{stderr}"
    );
}
