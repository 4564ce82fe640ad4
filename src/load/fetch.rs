//! Reading raw bytes, with a size cap for files and URLs and a timeout for URLs.

use std::io::Read;
use std::time::Duration;

use super::Source;
use crate::error::{Error, Location, Result};

/// GitHub's REST description is 13 MB and Stripe's 6 MB; 64 MiB leaves room for growth while
/// refusing documents that could only be a mistake or an attack.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_bytes: u64,
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: DEFAULT_MAX_BYTES,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

pub(super) fn read(source: &Source, limits: &Limits) -> Result<Vec<u8>> {
    let origin = source.origin();
    match source {
        Source::File(path) => {
            let file = std::fs::File::open(path).map_err(|e| {
                Error::input(&origin, Location::Whole, format!("cannot open: {e}"))
            })?;
            let declared = file.metadata().map(|m| m.len()).unwrap_or(0);
            if declared > limits.max_bytes {
                return Err(too_large(&origin, limits.max_bytes));
            }
            // Sized up front, as `std::fs::read` does: growing the buffer by doubling copies a
            // large document several times before the parse can start.
            read_capped(file, &origin, limits.max_bytes, declared)
        }
        Source::Url(url) => fetch_url(url, limits),
        Source::Git { rev, path } => super::git::show(rev, path, &origin, limits),
    }
}

fn fetch_url(url: &str, limits: &Limits) -> Result<Vec<u8>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("rivya-codegen/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let response = agent
        .get(url)
        .header(
            "Accept",
            "application/json, application/yaml;q=0.9, */*;q=0.5",
        )
        .call()
        .map_err(|e| network_error(url, limits, e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::input(
            url,
            Location::Whole,
            format!("the server answered HTTP {status}"),
        ));
    }
    let mut body = response.into_body();
    let reader = body
        .with_config()
        .limit(limits.max_bytes.saturating_add(1))
        .reader();
    read_capped(reader, url, limits.max_bytes, 0)
}

fn network_error(url: &str, limits: &Limits, error: ureq::Error) -> Error {
    let message = match error {
        ureq::Error::Timeout(_) => format!(
            "no complete answer within {} s (timeout)",
            limits.timeout.as_secs_f64()
        ),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::Io(e) => format!("network error: {e}"),
        other => format!("request failed: {other}"),
    };
    Error::input(url, Location::Whole, message)
}

/// Reads at most `max + 1` bytes so that an oversized stream is refused without being buffered.
/// `expected` is the size the source declares (0 when unknown), reserved before reading.
pub(super) fn read_capped(
    reader: impl Read,
    origin: &str,
    max: u64,
    expected: u64,
) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(usize::try_from(expected.min(max)).unwrap_or(0));
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::TimedOut => {
                Error::input(origin, Location::Whole, "timed out while reading")
            }
            _ => Error::input(origin, Location::Whole, format!("cannot read: {e}")),
        })?;
    if bytes.len() as u64 > max {
        return Err(too_large(origin, max));
    }
    Ok(bytes)
}

fn too_large(origin: &str, max: u64) -> Error {
    Error::input(
        origin,
        Location::Whole,
        format!("larger than the {max}-byte limit (raise it with --max-bytes if this is intended)"),
    )
}
