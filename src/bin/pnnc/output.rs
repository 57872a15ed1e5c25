//! Atomic output: every file is written to a temporary name and renamed into place, so a
//! failed command leaves no partial file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use pnn::Artifact;

/// Writes artifacts into `directory` (created if missing). All contents are written to
/// temporary files first and renamed only when every write succeeded.
pub fn write_artifacts(directory: &Path, artifacts: &[Artifact]) -> anyhow::Result<()> {
    fs::create_dir_all(directory)
        .with_context(|| format!("cannot create directory `{}`", directory.display()))?;
    let mut staged: Vec<(tempfile::NamedTempFile, PathBuf)> = Vec::new();
    for artifact in artifacts {
        let target = directory.join(&artifact.path);
        let parent = target.parent().unwrap_or(directory);
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create directory `{}`", parent.display()))?;
        let temporary = stage(parent, artifact.contents.as_bytes())
            .with_context(|| format!("cannot write `{}`", target.display()))?;
        staged.push((temporary, target));
    }
    for (temporary, target) in staged {
        temporary
            .persist(&target)
            .with_context(|| format!("cannot write `{}`", target.display()))?;
        log::info!("wrote {}", target.display());
    }
    Ok(())
}

/// Writes one file atomically.
pub fn write_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temporary =
        stage(parent, contents).with_context(|| format!("cannot write `{}`", path.display()))?;
    temporary
        .persist(path)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

fn stage(directory: &Path, contents: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".pnnc-");
    // Temporary files are private (0600) by default; outputs get the usual 0644, which the
    // process umask then narrows, as for any file the user creates.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut temporary = builder.tempfile_in(directory)?;
    temporary.write_all(contents)?;
    temporary.flush()?;
    Ok(temporary)
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
