//! `git:REV:PATH` sources: the bytes of a file in a revision of the repository the command runs
//! in, as `git show REV:PATH` prints them.

use std::process::{Command, Stdio};

use super::fetch::{read_capped, Limits};
use crate::error::{Error, Location, Result};

pub(super) fn show(
    rev: &str,
    path: &str,
    origin: &str,
    limits: &Limits,
) -> Result<Vec<u8>> {
    let refuse = |message: String| Error::input(origin, Location::Whole, message);
    if rev.is_empty() || path.is_empty() {
        return Err(refuse("write a git source as git:REV:PATH".into()));
    }
    // A revision starting with `-` would reach git as an option, not as a revision.
    if rev.starts_with('-') {
        return Err(refuse(format!("`{rev}` is not a revision")));
    }
    // `cat-file blob` prints exactly what `git show` prints for a file, and refuses a directory
    // instead of printing a tree listing that would then fail to parse.
    let mut child = Command::new("git")
        .args(["cat-file", "blob", &format!("{rev}:{path}")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| refuse(format!("cannot run git: {e}")))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let bytes = read_capped(stdout, origin, limits.max_bytes, 0);
    if bytes.is_err() {
        // Over the limit: git may still be writing; it must not outlive us.
        let _ = child.kill();
    }
    let output = child
        .wait_with_output()
        .map_err(|e| refuse(format!("git failed: {e}")))?;
    let bytes = bytes?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr
            .lines()
            .map(|l| l.trim().trim_start_matches("fatal: "))
            .find(|l| !l.is_empty())
            .unwrap_or("git could not read it");
        return Err(refuse(format!("not readable from git: {reason}")));
    }
    Ok(bytes)
}
