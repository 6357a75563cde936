//! Progress of long work (`foc-graph generate`, `foc-graph import`). The work tells a
//! [`Progress`] its stages and the rows it writes, and knows nothing of how that is shown;
//! the commands pass a [`Report`], which shows it on standard error (a bar on a terminal,
//! a plain line per stage and every few seconds otherwise), and everything else passes
//! [`Silent`].

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{HumanCount, HumanDuration, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What long work tells whoever watches it. Every method does nothing unless implemented.
pub trait Progress: Send + Sync {
    /// The whole work will write about `rows` rows: an estimate, for the time left.
    fn expect(&self, _rows: u64) {}
    /// A stage begins, and the one before it is done: its name, and the rows it will write
    /// where the work knows.
    fn stage(&self, _name: &'static str, _rows: Option<u64>) {}
    /// `rows` more rows are written.
    fn advance(&self, _rows: u64) {}
}

/// Progress nobody watches.
pub struct Silent;

impl Progress for Silent {}

/// How often a plain report writes a line within a stage.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Shows progress on standard error: a bar on a terminal; otherwise, for logs, a line as
/// each stage ends and every few seconds within a long one. Each line starts with the
/// command's name.
pub struct Report {
    command: &'static str,
    /// The bar on a terminal; none for plain lines.
    bar: Option<ProgressBar>,
    state: Mutex<State>,
}

/// What a report has been told so far.
struct State {
    started: Instant,
    /// The rows expected in all, when the work gave an estimate.
    expected: Option<u64>,
    /// The rows written in all.
    done: u64,
    stage: Option<Stage>,
    /// When the last plain line was written.
    last_line: Instant,
}

/// The stage under way.
struct Stage {
    name: &'static str,
    rows: Option<u64>,
    done: u64,
    started: Instant,
}

impl Report {
    /// A report for `command`: a bar when standard error is a terminal, plain lines
    /// otherwise.
    pub fn new(command: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_prefix(command);
            bar.set_style(spinner_style());
            // Redrawn as time passes, so the elapsed time moves during a long statement.
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let now = Instant::now();
        Self {
            command,
            bar,
            state: Mutex::new(State {
                started: now,
                expected: None,
                done: 0,
                stage: None,
                last_line: now,
            }),
        }
    }

    /// The work ended with `result`: [`finish`](Self::finish) or [`abandon`](Self::abandon).
    pub fn end<T, E>(&self, result: &Result<T, E>) {
        match result {
            Ok(_) => self.finish(),
            Err(_) => self.abandon(),
        }
    }

    /// The work succeeded: ends the last stage (its line, or the bar cleared, since the
    /// command's summary follows on standard output).
    pub fn finish(&self) {
        let mut state = self.lock();
        if let Some(stage) = state.stage.take() {
            self.stage_done(&mut state, &stage);
        }
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// The work failed: clears the bar and writes nothing more, leaving standard error to
    /// the error.
    pub fn abandon(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves counts that are still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The line of a stage that has ended.
    fn stage_done(&self, state: &mut State, stage: &Stage) {
        if self.bar.is_some() {
            return;
        }
        // A stage that writes nothing (reading a file, say) only took its time.
        let rows = match (stage.done, stage.rows) {
            (0, None) => String::new(),
            (done, _) => format!(": {}", rows(done)),
        };
        let line = format!(
            "{}: {} done{rows} in {:.1} s; {}",
            self.command,
            stage.name,
            stage.started.elapsed().as_secs_f64(),
            overall(state, None),
        );
        write_line(&line);
        state.last_line = Instant::now();
    }

    /// Brings the bar up to date, or writes a plain line when one is due.
    fn show(&self, state: &mut State) {
        let Some(stage) = &state.stage else {
            return;
        };
        match &self.bar {
            // The whole work's rows when it gave an estimate; else the stage's.
            Some(bar) => match state.expected {
                Some(expected) => {
                    bar.set_length(expected.max(state.done));
                    bar.set_position(state.done);
                }
                None => {
                    if let Some(rows) = stage.rows {
                        bar.set_length(rows.max(stage.done));
                    }
                    bar.set_position(stage.done);
                }
            },
            None if state.last_line.elapsed() >= PLAIN_EVERY => {
                let of = match stage.rows {
                    Some(of) => format!(" of {}", rows(of)),
                    None => format!(" {}", if stage.done == 1 { "row" } else { "rows" }),
                };
                let line = format!(
                    "{}: {}: {}{of}; {}",
                    self.command,
                    stage.name,
                    HumanCount(stage.done),
                    overall(state, Some(stage)),
                );
                write_line(&line);
                state.last_line = Instant::now();
            }
            None => {}
        }
    }

    /// Sets the bar's look for what it counts: a bar with the time left when the rows to
    /// come are known, a spinner otherwise.
    fn restyle(&self, state: &State) {
        let Some(bar) = &self.bar else {
            return;
        };
        let stage = state.stage.as_ref();
        bar.set_message(stage.map_or("", |s| s.name));
        if state.expected.is_some() {
            bar.set_style(bar_style());
            return;
        }
        // A new stage's own count starts again.
        bar.set_position(0);
        bar.reset_eta();
        match stage.and_then(|s| s.rows) {
            Some(rows) => {
                bar.set_style(bar_style());
                bar.set_length(rows);
            }
            None => {
                bar.set_style(spinner_style());
                bar.unset_length();
            }
        }
    }
}

impl Progress for Report {
    fn expect(&self, rows: u64) {
        let mut state = self.lock();
        state.expected = Some(rows);
        self.restyle(&state);
        self.show(&mut state);
    }

    fn stage(&self, name: &'static str, rows: Option<u64>) {
        let mut state = self.lock();
        if let Some(stage) = state.stage.take() {
            self.stage_done(&mut state, &stage);
        }
        state.stage = Some(Stage {
            name,
            rows,
            done: 0,
            started: Instant::now(),
        });
        self.restyle(&state);
        self.show(&mut state);
    }

    fn advance(&self, rows: u64) {
        let mut state = self.lock();
        state.done += rows;
        if let Some(stage) = &mut state.stage {
            stage.done += rows;
        }
        self.show(&mut state);
    }
}

/// The whole work so far: rows written, of how many expected, time taken and time left.
/// The time left is the whole work's when it gave an estimate, else `stage`'s when it knows
/// its rows.
fn overall(state: &State, stage: Option<&Stage>) -> String {
    let elapsed = state.started.elapsed();
    let mut text = match state.expected {
        Some(expected) => format!(
            "{} of about {} in all, {:.1} s",
            HumanCount(state.done),
            rows(expected.max(state.done)),
            elapsed.as_secs_f64()
        ),
        None => format!(
            "{} in all, {:.1} s",
            rows(state.done),
            elapsed.as_secs_f64()
        ),
    };
    let left = match (state.expected, stage) {
        (Some(expected), _) => time_left(elapsed, state.done, expected),
        (None, Some(stage)) => stage
            .rows
            .and_then(|rows| time_left(stage.started.elapsed(), stage.done, rows)),
        (None, None) => None,
    };
    if let Some(left) = left {
        text.push_str(&format!(", about {} left", HumanDuration(left)));
    }
    text
}

/// `n` rows, in words.
fn rows(n: u64) -> String {
    match n {
        1 => "1 row".to_owned(),
        n => format!("{} rows", HumanCount(n)),
    }
}

/// The time `rows` rows will take at the pace `done` of them took `elapsed`; none before
/// any is done.
fn time_left(elapsed: Duration, done: u64, rows: u64) -> Option<Duration> {
    (done > 0).then(|| elapsed.mul_f64(rows.saturating_sub(done) as f64 / done as f64))
}

/// Writes one line to standard error; a reader that went away is no reason to stop the work.
fn write_line(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{prefix}: {msg:<16} [{bar:30}] {human_pos}/{human_len} rows, {elapsed}, about {eta} left",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ")
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix}: {msg:<16} {spinner} {human_pos} rows, {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_left_follows_the_pace_so_far() {
        let ten = Duration::from_secs(10);
        assert_eq!(time_left(ten, 100, 400), Some(Duration::from_secs(30)));
        assert_eq!(time_left(ten, 0, 400), None);
        assert_eq!(time_left(ten, 500, 400), Some(Duration::ZERO));
    }
}
