//! Progress of a batch of runs on stderr: a bar on a terminal, plain lines where
//! stderr is a file (a SLURM output file, a CI log), where a bar's carriage
//! returns would be noise, and nothing with `--quiet`.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Counts finished runs and shows them.
pub struct Progress {
    display: Display,
    start: Instant,
}

enum Display {
    Silent,
    Bar(ProgressBar),
    Lines(Mutex<Lines>),
}

impl Progress {
    /// Progress of `total` runs: a bar if stderr is a terminal, plain lines if not,
    /// nothing if `quiet`.
    pub fn new(total: usize, quiet: bool) -> Progress {
        let display = if quiet {
            Display::Silent
        } else if std::io::stderr().is_terminal() {
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} runs, ETA {eta}",
            )
            .expect("a valid template")
            .progress_chars("=> ");
            let bar = ProgressBar::new(total as u64).with_style(style);
            bar.enable_steady_tick(Duration::from_millis(250));
            Display::Bar(bar)
        } else {
            Display::Lines(Mutex::new(Lines::new(total)))
        };
        Progress {
            display,
            start: Instant::now(),
        }
    }

    /// One more run finished.
    pub fn inc(&self) {
        match &self.display {
            Display::Silent => {}
            Display::Bar(bar) => bar.inc(1),
            Display::Lines(lines) => {
                let line = lines
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .finished(self.start.elapsed());
                if let Some(line) = line {
                    eprintln!("{line}");
                }
            }
        }
    }

    /// Every run finished: clears the bar, or prints the closing line.
    pub fn finish(&self) {
        match &self.display {
            Display::Silent => {}
            Display::Bar(bar) => bar.finish_and_clear(),
            Display::Lines(lines) => {
                let lines = lines.lock().unwrap_or_else(|e| e.into_inner());
                if lines.total > 0 {
                    eprintln!("{}", lines.closing(self.start.elapsed()));
                }
            }
        }
    }
}

/// Plain progress lines, spaced so that a log stays short: at most one line
/// every 5 s, then every tenth of the time elapsed so far, at most a minute
/// apart (about 40 lines in the first hour, one a minute after that).
#[derive(Debug)]
struct Lines {
    total: usize,
    done: usize,
    /// When the last line was printed (the start counts as one).
    last: Duration,
}

impl Lines {
    const MIN_GAP: Duration = Duration::from_secs(5);
    const MAX_GAP: Duration = Duration::from_secs(60);

    fn new(total: usize) -> Lines {
        Lines {
            total,
            done: 0,
            last: Duration::ZERO,
        }
    }

    /// Counts a finished run `elapsed` after the start; the line to print, if it is time.
    fn finished(&mut self, elapsed: Duration) -> Option<String> {
        self.done += 1;
        let gap = (elapsed / 10).clamp(Self::MIN_GAP, Self::MAX_GAP);
        if self.done >= self.total || elapsed < self.last + gap {
            return None;
        }
        self.last = elapsed;
        let left = elapsed.mul_f64((self.total - self.done) as f64 / self.done as f64);
        Some(format!(
            "progress: {}/{} runs ({:.0}%), {} elapsed, about {} left",
            self.done,
            self.total,
            100.0 * self.done as f64 / self.total as f64,
            clock(elapsed),
            clock(left)
        ))
    }

    fn closing(&self, elapsed: Duration) -> String {
        format!(
            "progress: {}/{} runs in {}",
            self.done,
            self.total,
            clock(elapsed)
        )
    }
}

/// A duration as H:MM:SS.
fn clock(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn lines_are_spaced_and_say_what_is_left() {
        let mut lines = Lines::new(100);
        // Before 5 s nothing is printed, however many runs finish.
        for t in 0..4 {
            assert_eq!(lines.finished(secs(t)), None);
        }
        assert_eq!(
            lines.finished(secs(5)).as_deref(),
            Some("progress: 5/100 runs (5%), 0:00:05 elapsed, about 0:01:35 left")
        );
        // The next one at least 5 s later.
        assert_eq!(lines.finished(secs(9)), None);
        assert!(lines.finished(secs(10)).is_some());
        // After 200 s, a tenth of the elapsed time apart (about 22 s here).
        assert!(lines.finished(secs(200)).is_some());
        assert_eq!(lines.finished(secs(221)), None);
        assert!(lines.finished(secs(223)).is_some());
        // After an hour, a minute apart at most.
        assert!(lines.finished(secs(4000)).is_some());
        assert_eq!(lines.finished(secs(4059)), None);
        assert!(lines.finished(secs(4060)).is_some());
    }

    #[test]
    fn the_last_run_leaves_the_closing_line_alone() {
        let mut lines = Lines::new(2);
        assert_eq!(
            lines.finished(secs(30)).as_deref(),
            Some("progress: 1/2 runs (50%), 0:00:30 elapsed, about 0:00:30 left")
        );
        // The last run prints nothing itself: the closing line says it.
        assert_eq!(lines.finished(secs(3700)), None);
        assert_eq!(lines.closing(secs(3723)), "progress: 2/2 runs in 1:02:03");
    }
}
