//! Progress of long steps, reported only to a caller that asks for it.
//!
//! The library never draws anything. A caller that wants to show progress implements
//! [`Progress`] and passes it in [`crate::driver::Options::progress`] (decomposition and
//! synthesis) or to [`crate::simulate::run_observed`] (photonic simulation). `pnnc` draws a
//! progress bar on stderr from these reports.

use std::fmt;
use std::sync::Arc;

/// Receives the progress of one step at a time.
///
/// Calls come in the order `begin`, any number of `advance`, `end`, from the thread that runs
/// the step.
pub trait Progress: Send + Sync {
    /// Starts a step of `total` units of work, such as MZIs to place or samples to run.
    /// `step` is its name for a person, for example `"decomposing"`.
    fn begin(&self, step: &str, total: u64);
    /// Records that `units` more units of the current step are done.
    fn advance(&self, units: u64);
    /// Ends the current step.
    fn end(&self);
}

/// An observer that ignores every report, for callers that want no progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn begin(&self, _step: &str, _total: u64) {}
    fn advance(&self, _units: u64) {}
    fn end(&self) {}
}

/// A shared [`Progress`] observer, as held by [`crate::driver::Options`].
#[derive(Clone)]
pub struct ProgressHandle(pub Arc<dyn Progress>);

impl ProgressHandle {
    pub fn new(progress: impl Progress + 'static) -> Self {
        ProgressHandle(Arc::new(progress))
    }
}

impl fmt::Debug for ProgressHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressHandle(..)")
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use std::sync::Mutex;

    use super::Progress;

    /// Records every report as text, to check the order and the totals.
    #[derive(Debug, Default)]
    pub(crate) struct Recorder {
        pub(crate) events: Mutex<Vec<String>>,
    }

    impl Recorder {
        pub(crate) fn events(&self) -> Vec<String> {
            self.events.lock().expect("recorder lock").clone()
        }

        /// Sum of the units advanced during the step named `step`.
        pub(crate) fn advanced_in(&self, step: &str) -> u64 {
            let mut current = None;
            let mut sum = 0;
            for event in self.events() {
                if let Some(name) = event.strip_prefix("begin ") {
                    current = name.split(' ').next().map(str::to_string);
                } else if let Some(units) = event.strip_prefix("advance ")
                    && current.as_deref() == Some(step)
                {
                    sum += units.parse::<u64>().expect("a count");
                }
            }
            sum
        }
    }

    impl Progress for Recorder {
        fn begin(&self, step: &str, total: u64) {
            self.events
                .lock()
                .expect("recorder lock")
                .push(format!("begin {step} {total}"));
        }
        fn advance(&self, units: u64) {
            self.events
                .lock()
                .expect("recorder lock")
                .push(format!("advance {units}"));
        }
        fn end(&self) {
            self.events
                .lock()
                .expect("recorder lock")
                .push("end".into());
        }
    }
}
