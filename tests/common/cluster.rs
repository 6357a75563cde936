//! Throwaway PostgreSQL servers of a test's own: `initdb` into a temporary directory, a
//! free port on 127.0.0.1, and streaming standbys of them (`pg_basebackup -R`).
//!
//! The binaries come from `pg_config --bindir`, else `/usr/lib/postgresql/*/bin`. As root,
//! PostgreSQL runs as the `postgres` user through `runuser`, since `initdb` refuses root.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The directory of `initdb` and `pg_ctl`, if this machine has them.
pub fn postgres_bindir() -> Option<PathBuf> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if has_tools(&dir) {
            return Some(dir);
        }
    }
    // The newest version installed under /usr/lib/postgresql.
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, dir)| has_tools(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

/// Whether this process runs as root (`id -u` is 0).
pub fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Whether root can run PostgreSQL as the `postgres` user.
pub fn can_run_as_postgres() -> bool {
    let user = Command::new("id")
        .args(["-u", "postgres"])
        .output()
        .is_ok_and(|output| output.status.success());
    let runuser = Command::new("runuser")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    user && runuser
}

/// Text of a command's output, for failure messages.
pub fn describe(output: &Output) -> String {
    format!(
        "{}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A throwaway PostgreSQL server; dropping it stops the server, then removes its files.
pub struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    port: u16,
    /// Run the tools as `postgres` through `runuser` (the test runs as root).
    as_postgres: bool,
    /// Last, so it is removed after `drop` has stopped the server.
    dir: tempfile::TempDir,
}

impl Postgres {
    /// Creates a cluster in a temporary directory and starts it on a free port.
    pub fn start_new(bin: PathBuf, as_postgres: bool) -> Postgres {
        let server = Postgres::unstarted(bin, as_postgres);
        let initdb = server
            .tool("initdb")
            .args(["-A", "trust", "-U", "postgres", "--no-locale", "-E", "UTF8"])
            .arg("--no-sync")
            .arg("-D")
            .arg(&server.data)
            .output()
            .expect("run initdb");
        assert!(initdb.status.success(), "initdb: {}", describe(&initdb));
        server.configure();
        server.start();
        server
    }

    /// A streaming standby of `primary`, started: a base backup of it that follows its
    /// WAL (`pg_basebackup -R` writes `standby.signal` and the connection to the primary)
    /// through a replication slot of its own, so the primary keeps the WAL it has not
    /// received yet. initdb's `-A trust` already lets local replication connections in.
    pub fn standby_of(primary: &Postgres) -> Postgres {
        let server = Postgres::unstarted(primary.bin.clone(), primary.as_postgres);
        let slot = format!("standby_{}", server.port);
        let backup = server
            .tool("pg_basebackup")
            .args(["-h", "127.0.0.1", "-p", &primary.port.to_string()])
            .args(["-U", "postgres", "-X", "stream", "-R", "-C", "-S", &slot])
            // A fast checkpoint: a spread one would make the backup wait for nothing.
            .args(["-c", "fast", "--no-sync"])
            .arg("-D")
            .arg(&server.data)
            .output()
            .expect("run pg_basebackup");
        assert!(
            backup.status.success(),
            "pg_basebackup: {}",
            describe(&backup)
        );
        // The copied postgresql.conf names the primary's port and socket directory; the
        // settings appended after them win.
        server.configure();
        server.start();
        server
    }

    /// A server with a directory, a free port and no cluster yet.
    fn unstarted(bin: PathBuf, as_postgres: bool) -> Postgres {
        let dir = tempfile::tempdir().expect("a temporary directory for PostgreSQL");
        if as_postgres {
            let chown = Command::new("chown")
                .arg("postgres")
                .arg(dir.path())
                .output()
                .expect("run chown");
            assert!(
                chown.status.success(),
                "chown the directory to postgres: {}",
                describe(&chown)
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        Postgres {
            data: dir.path().join("data"),
            log: dir.path().join("postgres.log"),
            bin,
            port,
            as_postgres,
            dir,
        }
    }

    /// Appends the server's own settings to its cluster's postgresql.conf. They live in the
    /// cluster, so a restart keeps the same port and socket.
    fn configure(&self) {
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(self.data.join("postgresql.conf"))
            .expect("open postgresql.conf");
        write!(
            conf,
            "\nlisten_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n",
            self.port,
            self.dir.path().display()
        )
        .expect("write postgresql.conf");
    }

    /// A command running one of the PostgreSQL tools, as `postgres` when the test is root.
    pub fn tool(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        // A working directory the postgres user can enter.
        command.current_dir(self.dir.path()).stdin(Stdio::null());
        command
    }

    /// `pg_ctl ARGS`, waiting for it to finish.
    pub fn pg_ctl(&self, args: &[&str]) -> Output {
        self.tool("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(args)
            .output()
            .expect("run pg_ctl")
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) {
        let log = self.log.display().to_string();
        let output = self.pg_ctl(&["-l", &log, "-w", "-t", "60", "start"]);
        assert!(
            output.status.success(),
            "pg_ctl start: {}\nlog:\n{}",
            describe(&output),
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    /// Stops the server (fast shutdown: sessions are ended, open transactions rolled back).
    pub fn stop(&self) {
        let output = self.pg_ctl(&["-m", "fast", "-w", "-t", "60", "stop"]);
        assert!(
            output.status.success(),
            "pg_ctl stop: {}",
            describe(&output)
        );
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Already stopped when the test got that far; then this fails, harmlessly.
        let _ = self.pg_ctl(&["-m", "immediate", "stop"]);
    }
}

/// The PostgreSQL binaries and whether to run them as `postgres`, when a throwaway cluster
/// can run here; None (with the reason printed) when it cannot, which `test` may not accept
/// under CI (`CI=true`).
pub fn available(test: &str) -> Option<(PathBuf, bool)> {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let Some(bin) = postgres_bindir() else {
        assert!(
            !ci,
            "the PostgreSQL binaries (initdb, pg_ctl) are missing: the {test} test may not be \
             skipped under CI"
        );
        eprintln!("skipping: no PostgreSQL binaries (pg_config --bindir, /usr/lib/postgresql)");
        return None;
    };
    let as_postgres = running_as_root();
    if as_postgres && !can_run_as_postgres() {
        assert!(
            !ci,
            "running as root without a `postgres` user or `runuser`: the {test} test may not \
             be skipped under CI"
        );
        eprintln!("skipping: as root, PostgreSQL needs the `postgres` user and `runuser`");
        return None;
    }
    Some((bin, as_postgres))
}
