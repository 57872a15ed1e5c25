//! Output files: written to a temporary name and renamed into place, so a failed command
//! leaves no partial file.
//!
//! A path that is a symlink is followed, so the file it points to is replaced and the link
//! stays. A path that exists but is not a regular file (`/dev/stdout`, a FIFO, a device) is
//! written directly, since renaming over it would replace the special file itself.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pnn::Artifact;

/// Where and how one output is written.
enum Destination {
    /// Written to a temporary file in the same directory, then renamed to this path.
    Replace(PathBuf),
    /// Written directly to an existing special file.
    Direct(PathBuf),
}

/// Resolves an output path: follows symlinks and rejects directories.
fn destination(path: &Path) -> anyhow::Result<Destination> {
    let resolved = match fs::canonicalize(path) {
        Ok(resolved) => resolved,
        // A path that does not exist yet is created by the rename, in an existing directory.
        Err(_) => {
            let parent = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            if !parent.is_dir() {
                bail!(
                    "cannot write `{}`: the directory `{}` does not exist",
                    path.display(),
                    parent.display()
                );
            }
            return Ok(Destination::Replace(path.to_path_buf()));
        }
    };
    let metadata =
        fs::metadata(&resolved).with_context(|| format!("cannot write `{}`", path.display()))?;
    if metadata.is_dir() {
        bail!("cannot write `{}`: it is a directory", path.display());
    }
    if metadata.is_file() {
        Ok(Destination::Replace(resolved))
    } else {
        Ok(Destination::Direct(resolved))
    }
}

/// Writes artifacts into `directory` (created if missing). Every target is checked and every
/// content staged in a temporary file before the first rename, so that an unwritable target
/// or a full disk stops the command before any output file changes.
pub fn write_artifacts(directory: &Path, artifacts: &[Artifact]) -> anyhow::Result<()> {
    let mut seen = std::collections::HashSet::new();
    for artifact in artifacts {
        if !seen.insert(&artifact.path) {
            bail!(
                "two outputs would be written to `{}`; rename one of the networks",
                artifact.path
            );
        }
    }
    if directory.exists() && !directory.is_dir() {
        bail!(
            "`{}` is not a directory; pass a directory to -o",
            directory.display()
        );
    }
    fs::create_dir_all(directory)
        .with_context(|| format!("cannot create directory `{}`", directory.display()))?;
    let mut staged = Vec::new();
    for artifact in artifacts {
        let target = directory.join(&artifact.path);
        let parent = target.parent().unwrap_or(directory);
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create directory `{}`", parent.display()))?;
        let destination = destination(&target)?;
        let temporary = match &destination {
            Destination::Replace(path) => Some(
                stage(path, artifact.contents.as_bytes())
                    .with_context(|| format!("cannot write `{}`", target.display()))?,
            ),
            Destination::Direct(_) => None,
        };
        staged.push((destination, temporary, artifact, target));
    }
    for (destination, temporary, artifact, target) in staged {
        finish(destination, temporary, artifact.contents.as_bytes())
            .with_context(|| format!("cannot write `{}`", target.display()))?;
        log::info!("wrote {}", target.display());
    }
    Ok(())
}

/// Writes one file, atomically where the path is a regular file or does not exist yet.
pub fn write_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let destination = destination(path)?;
    let temporary = match &destination {
        Destination::Replace(resolved) => Some(
            stage(resolved, contents)
                .with_context(|| format!("cannot write `{}`", path.display()))?,
        ),
        Destination::Direct(_) => None,
    };
    finish(destination, temporary, contents)
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// Writes `contents` to a new temporary file next to `target`.
fn stage(target: &Path, contents: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".pnnc-");
    // Temporary files are private (0600) by default; outputs get the usual 0644, which the
    // process umask then narrows, as for any file the user creates.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut temporary = builder.tempfile_in(directory).map_err(without_path)?;
    temporary.write_all(contents)?;
    temporary.flush()?;
    Ok(temporary)
}

/// Renames a staged file into place, or writes a special file directly.
fn finish(
    destination: Destination,
    temporary: Option<tempfile::NamedTempFile>,
    contents: &[u8],
) -> std::io::Result<()> {
    match (destination, temporary) {
        (Destination::Replace(path), Some(temporary)) => {
            temporary.persist(&path).map_err(|error| error.error)?;
            Ok(())
        }
        (Destination::Direct(path), _) | (Destination::Replace(path), None) => {
            let mut file = fs::OpenOptions::new().write(true).open(path)?;
            file.write_all(contents)?;
            file.flush()
        }
    }
}

/// Drops the temporary file's name from an error: the user named another path.
fn without_path(error: std::io::Error) -> std::io::Error {
    match error.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::from(error.kind()),
    }
}

/// Writes text to stdout. A closed pipe (`pnnc run … | head`) ends the output quietly instead
/// of failing, as command-line filters do.
pub fn stdout(text: &str) -> anyhow::Result<()> {
    let mut handle = std::io::stdout().lock();
    match handle
        .write_all(text.as_bytes())
        .and_then(|()| handle.flush())
    {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.context("cannot write to stdout"),
    }
}
