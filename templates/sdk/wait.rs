//! Polling a task until it reaches a terminal state.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// How [`wait`](crate::ops::GenerationsApi) polls: the interval grows by half after each poll
/// (from `interval` up to `max_interval`) until `timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// The longest time to wait in all (default 10 minutes).
    pub timeout: Duration,
    /// The delay before the second poll (default 1 s).
    pub interval: Duration,
    /// The longest delay between two polls (default 10 s).
    pub max_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> WaitOptions {
        WaitOptions {
            timeout: Duration::from_secs(600),
            interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
        }
    }
}

impl WaitOptions {
    /// Sets the longest time to wait in all.
    pub fn timeout(mut self, timeout: Duration) -> WaitOptions {
        self.timeout = timeout;
        self
    }

    /// Sets the first and the longest delay between polls.
    pub fn interval(
        mut self,
        interval: Duration,
        max_interval: Duration,
    ) -> WaitOptions {
        self.interval = interval;
        self.max_interval = max_interval.max(interval);
        self
    }
}

/// Calls `fetch` until `status` of its result is terminal or the time is up.
pub(crate) async fn poll<T, F, Fut>(
    id: &str,
    options: WaitOptions,
    mut fetch: F,
    status: fn(&T) -> (bool, String),
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let started = Instant::now();
    let mut interval = options.interval;
    loop {
        let current = fetch().await?;
        let (terminal, label) = status(&current);
        if terminal {
            return Ok(current);
        }
        let waited = started.elapsed();
        let remaining = options.timeout.saturating_sub(waited);
        if remaining.is_zero() {
            return Err(Error::WaitTimeout {
                id: id.to_owned(),
                last_status: label,
                waited,
            });
        }
        // The last poll happens at the deadline itself.
        tokio::time::sleep(interval.min(remaining)).await;
        interval = interval.mul_f64(1.5).min(options.max_interval);
    }
}
