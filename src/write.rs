//! The last stage: a tree of generated files, written atomically or compared with what is on
//! disk (`--check`).
//!
//! Backends never touch the file system; they fill an [`OutputTree`]. Each top-level folder of
//! the tree (`rivya-sdk/`, `docs/`) is built in a temporary folder beside its destination and
//! renamed into place, so a failure never leaves a half-written crate behind, and files the
//! contract no longer produces disappear with the old folder. A folder already on disk exactly
//! as the tree has it is left alone: most contract changes touch one of them or none, and an
//! untouched crate keeps its timestamps (and its `target/`), so nothing downstream rebuilds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path};

use crate::error::{Error, Result};

/// Generated files by relative path (always `/`-separated, never leaving the tree).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OutputTree {
    files: BTreeMap<String, Vec<u8>>,
}

impl OutputTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file. Paths are built from contract names, so they are checked here: a name such
    /// as `../../etc/passwd` must never escape the output folder.
    pub fn add(&mut self, path: &str, contents: impl Into<Vec<u8>>) -> Result<()> {
        check_relative(path)?;
        if self
            .files
            .insert(path.to_owned(), contents.into())
            .is_some()
        {
            return Err(Error::Usage(format!(
                "two generated files share the path {path}"
            )));
        }
        Ok(())
    }

    /// Adds a file, or replaces the one a backend put at `path`.
    pub fn replace(&mut self, path: &str, contents: impl Into<Vec<u8>>) -> Result<()> {
        check_relative(path)?;
        self.files.insert(path.to_owned(), contents.into());
        Ok(())
    }

    /// Adds every file of another tree under `prefix`.
    pub fn nest(&mut self, prefix: &str, other: OutputTree) -> Result<()> {
        for (path, contents) in other.files {
            self.add(&format!("{prefix}/{path}"), contents)?;
        }
        Ok(())
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, c)| (p.as_str(), c.as_slice()))
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The top-level folders (or files) of the tree; each is replaced as a whole.
    fn roots(&self) -> BTreeSet<&str> {
        self.files.keys().map(|p| root_of(p)).collect()
    }
}

fn check_relative(path: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::Usage(format!(
            "refusing to write generated file {path:?}: {why}"
        )))
    };
    if path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.contains('\0')
    {
        return bad("not a plain relative path");
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return bad("empty, `.` or `..` component");
        }
    }
    if Path::new(path)
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return bad("not a plain relative path");
    }
    Ok(())
}

/// Writes the tree under `out`, replacing each of its top-level folders that changed
/// atomically; returns how many files were written.
pub fn write(tree: &OutputTree, out: &Path) -> Result<usize> {
    write_all(&[(tree, out)])
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.display().to_string();
    move |source| Error::Output { path, source }
}

/// Writes several trees, each under its own folder, as one step; returns how many files were
/// written. Every changed top-level entry of every tree is written to a staging folder first,
/// so a failure there changes nothing; then each is renamed into place, and if one rename fails
/// the entries already swapped are put back. `update` needs this: the snapshot, the crate and
/// the docs must move together. An entry already on disk as the tree has it is not written.
pub fn write_all(targets: &[(&OutputTree, &Path)]) -> Result<usize> {
    let mut staged = Vec::with_capacity(targets.len());
    let mut written = 0;
    for (tree, out) in targets {
        std::fs::create_dir_all(out).map_err(io_error(out))?;
        let changed = changed_roots(tree, out);
        if changed.is_empty() {
            continue;
        }
        let staging = tempfile::Builder::new()
            .prefix(".rivya-codegen-")
            .tempdir_in(out)
            .map_err(io_error(out))?;
        for (path, contents) in tree.files() {
            if !changed.contains(root_of(path)) {
                continue;
            }
            let target = staging.path().join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            std::fs::write(&target, contents).map_err(io_error(&target))?;
            written += 1;
        }
        staged.push((*out, changed, staging));
    }
    // Each swapped destination with where its previous entry waits (None: there was none).
    let mut swapped: Vec<(std::path::PathBuf, Option<std::path::PathBuf>)> = Vec::new();
    let mut failure = None;
    'swap: for (out, changed, staging) in &staged {
        for &root in changed {
            let destination = out.join(root);
            let fresh = staging.path().join(root);
            let retired = staging.path().join(format!(".old-{root}"));
            let had_previous = destination.exists();
            if had_previous {
                if let Err(source) = std::fs::rename(&destination, &retired) {
                    failure = Some(io_error(&destination)(source));
                    break 'swap;
                }
            }
            if let Err(source) = std::fs::rename(&fresh, &destination) {
                if had_previous {
                    let _ = std::fs::rename(&retired, &destination);
                }
                failure = Some(io_error(&destination)(source));
                break 'swap;
            }
            swapped.push((destination, had_previous.then_some(retired)));
        }
    }
    if let Some(error) = failure {
        // Undo in reverse, so the disk is as it was; the staging folders take the new entries.
        for (destination, retired) in swapped.into_iter().rev() {
            let parked = destination.with_file_name(format!(
                ".rivya-codegen-undo-{}",
                destination
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
            let _ = std::fs::rename(&destination, &parked);
            if let Some(retired) = retired {
                let _ = std::fs::rename(&retired, &destination);
            }
            let _ = std::fs::remove_dir_all(&parked)
                .or_else(|_| std::fs::remove_file(&parked));
        }
        return Err(error);
    }
    // Dropping the staging folders removes the retired entries.
    Ok(written)
}

/// The top-level entries of the tree that differ from what stands under `out` (build output
/// such as `target/` aside): all of them when the disk cannot be read.
fn changed_roots<'t>(tree: &'t OutputTree, out: &Path) -> BTreeSet<&'t str> {
    let roots = tree.roots();
    match check(tree, out) {
        Ok(drift) => roots
            .into_iter()
            .filter(|root| drift.iter().any(|d| root_of(drift_path(d)) == *root))
            .collect(),
        Err(_) => roots,
    }
}

/// The top-level entry a tree path belongs to.
fn root_of(path: &str) -> &str {
    path.split('/').next().unwrap_or(path)
}

/// How the files on disk differ from the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    Missing(String),
    Changed(String),
    /// On disk under one of the tree's folders, but no longer generated.
    Extra(String),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p) => write!(f, "missing: {p}"),
            Drift::Changed(p) => write!(f, "changed: {p}"),
            Drift::Extra(p) => write!(f, "not generated any more: {p}"),
        }
    }
}

/// Compares the tree with `out` without writing anything.
pub fn check(tree: &OutputTree, out: &Path) -> Result<Vec<Drift>> {
    let mut drift = Vec::new();
    for (path, contents) in tree.files() {
        match std::fs::read(out.join(path)) {
            Ok(on_disk) if on_disk == contents => {}
            Ok(_) => drift.push(Drift::Changed(path.to_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                drift.push(Drift::Missing(path.to_owned()))
            }
            Err(source) => {
                return Err(Error::Output {
                    path: out.join(path).display().to_string(),
                    source,
                })
            }
        }
    }
    for root in tree.roots() {
        for path in files_under(&out.join(root), root)? {
            if tree.get(&path).is_none() {
                drift.push(Drift::Extra(path));
            }
        }
    }
    drift.sort_by(|a, b| drift_path(a).cmp(drift_path(b)));
    Ok(drift)
}

fn drift_path(d: &Drift) -> &str {
    match d {
        Drift::Missing(p) | Drift::Changed(p) | Drift::Extra(p) => p,
    }
}

/// Relative paths of the files under `dir` (skipping build output such as `target/`).
fn files_under(dir: &Path, prefix: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                || e.kind() == std::io::ErrorKind::NotADirectory =>
        {
            return Ok(out)
        }
        Err(source) => {
            return Err(Error::Output {
                path: dir.display().to_string(),
                source,
            })
        }
    };
    for entry in entries {
        let entry = entry.map_err(|source| Error::Output {
            path: dir.display().to_string(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "target" {
            continue;
        }
        let path = format!("{prefix}/{name}");
        if entry.path().is_dir() {
            out.extend(files_under(&entry.path(), &path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

/// Writes `bytes` to standard output. A closed pipe (`| head`) is the reader's choice, not an
/// error.
pub fn to_stdout(bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Output {
            path: "<stdout>".into(),
            source,
        }),
        Ok(()) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_escape() {
        let mut tree = OutputTree::new();
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "a\\b",
            "",
            "./a",
        ] {
            assert!(tree.add(bad, "x").is_err(), "{bad} was accepted");
        }
        assert!(tree.add("rivya-sdk/src/lib.rs", "x").is_ok());
    }

    #[test]
    fn writes_replaces_and_checks() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = OutputTree::new();
        first.add("sdk/a.rs", "one").unwrap();
        first.add("sdk/old.rs", "gone soon").unwrap();
        write(&first, dir.path()).unwrap();
        assert!(check(&first, dir.path()).unwrap().is_empty());

        let mut second = OutputTree::new();
        second.add("sdk/a.rs", "two").unwrap();
        second.add("sdk/nested/b.rs", "new").unwrap();
        let drift = check(&second, dir.path()).unwrap();
        assert_eq!(
            drift,
            vec![
                Drift::Changed("sdk/a.rs".into()),
                Drift::Missing("sdk/nested/b.rs".into()),
                Drift::Extra("sdk/old.rs".into()),
            ]
        );
        write(&second, dir.path()).unwrap();
        assert!(check(&second, dir.path()).unwrap().is_empty());
        assert!(!dir.path().join("sdk/old.rs").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(leftovers, ["sdk"], "staging folders must not remain");
    }

    #[test]
    fn folders_already_as_generated_are_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut tree = OutputTree::new();
        tree.add("sdk/src/lib.rs", "pub mod a;").unwrap();
        tree.add("docs/models.md", "# Models").unwrap();
        tree.add("openapi.json", "{}").unwrap();
        assert_eq!(write(&tree, dir.path()).unwrap(), 3);
        // An old timestamp on each file shows whether it was written again.
        let long_ago =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30);
        let stamp = |path: &str| {
            std::fs::File::options()
                .write(true)
                .open(dir.path().join(path))
                .unwrap()
                .set_modified(long_ago)
                .unwrap()
        };
        let untouched = |path: &str| {
            std::fs::metadata(dir.path().join(path))
                .unwrap()
                .modified()
                .unwrap()
                == long_ago
        };
        let all = ["sdk/src/lib.rs", "docs/models.md", "openapi.json"];
        all.iter().for_each(|path| stamp(path));
        // Build output beside the sources is neither a difference nor lost.
        std::fs::create_dir_all(dir.path().join("sdk/target")).unwrap();
        std::fs::write(dir.path().join("sdk/target/cache"), "built").unwrap();
        assert_eq!(write(&tree, dir.path()).unwrap(), 0);
        assert!(all.iter().all(|path| untouched(path)));
        assert!(dir.path().join("sdk/target/cache").exists());

        // One folder changes: only it is written.
        let mut changed = tree.clone();
        changed
            .replace("docs/models.md", "# Models\n\nnew")
            .unwrap();
        assert_eq!(write(&changed, dir.path()).unwrap(), 1);
        assert!(untouched("sdk/src/lib.rs") && untouched("openapi.json"));
        assert!(!untouched("docs/models.md"));
        assert!(check(&changed, dir.path()).unwrap().is_empty());

        // A file the tree no longer has makes its folder a change, and it goes.
        stamp("docs/models.md");
        std::fs::write(dir.path().join("docs/stale.md"), "old").unwrap();
        assert_eq!(write(&changed, dir.path()).unwrap(), 1);
        assert!(!dir.path().join("docs/stale.md").exists());
        assert!(untouched("sdk/src/lib.rs"));

        // So does a missing one, and a top-level file with other bytes.
        std::fs::remove_file(dir.path().join("sdk/src/lib.rs")).unwrap();
        std::fs::write(dir.path().join("openapi.json"), "[]").unwrap();
        assert_eq!(write(&changed, dir.path()).unwrap(), 2);
        assert!(check(&changed, dir.path()).unwrap().is_empty());
    }

    #[test]
    fn write_all_changes_nothing_when_one_target_cannot_be_staged() {
        let dir = tempfile::tempdir().unwrap();
        let mut before = OutputTree::new();
        before.add("sdk/a.rs", "old").unwrap();
        write(&before, dir.path()).unwrap();
        let mut after = OutputTree::new();
        after.add("sdk/a.rs", "new").unwrap();
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, "a file, not a folder").unwrap();
        assert!(write_all(&[(&after, dir.path()), (&after, &blocked)]).is_err());
        assert_eq!(std::fs::read(dir.path().join("sdk/a.rs")).unwrap(), b"old");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["blocked", "sdk"], "staging folders must not remain");
    }
}
