//! Progress bars on stderr for compilation and simulation steps that take more than about a
//! second.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use console::Term;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pnn::progress::Progress;

/// How long a step runs before its bar appears, so that quick steps draw nothing.
const DELAY: Duration = Duration::from_secs(1);

/// The destination of the bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawing {
    /// Stderr when it is a terminal. indicatif draws nothing otherwise.
    Terminal,
    /// Stderr whatever it is, for logs and pipes that should keep the bars.
    Always,
}

/// A [`Progress`] observer that draws one bar per step on stderr, once the step has run for
/// [`DELAY`].
#[derive(Debug)]
pub struct Bar {
    step: Mutex<Option<Step>>,
    drawing: Drawing,
}

#[derive(Debug)]
struct Step {
    bar: ProgressBar,
    started: Instant,
    visible: bool,
}

impl Bar {
    pub fn new(drawing: Drawing) -> Bar {
        Bar {
            step: Mutex::new(None),
            drawing,
        }
    }

    fn draw_target(&self) -> ProgressDrawTarget {
        match self.drawing {
            Drawing::Terminal => ProgressDrawTarget::stderr(),
            Drawing::Always => ProgressDrawTarget::term_like(Box::new(Term::stderr())),
        }
    }

    fn step(&self) -> MutexGuard<'_, Option<Step>> {
        // A panic while the lock is held leaves only a progress bar behind, never bad data.
        self.step
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Progress for Bar {
    fn begin(&self, step: &str, total: u64) {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(
            "{msg:>12} [{bar:30}] {human_pos}/{human_len} ({percent}%)  {elapsed}, about {eta} left",
        )
        .expect("the template is valid")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(step.to_string());
        *self.step() = Some(Step {
            bar,
            started: Instant::now(),
            visible: false,
        });
    }

    fn advance(&self, units: u64) {
        if let Some(step) = self.step().as_mut() {
            step.bar.inc(units);
            if !step.visible && step.started.elapsed() >= DELAY {
                step.bar.set_draw_target(self.draw_target());
                step.visible = true;
            }
        }
    }

    fn end(&self) {
        if let Some(step) = self.step().take() {
            step.bar.finish_and_clear();
        }
    }
}
