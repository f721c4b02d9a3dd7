//! Where the CLI's output goes: standard output for machines or for people, and files written whole or not at all.
//!
//! Machine output (JSON, YAML, the schema, CSV) is written raw and buffered: `anstream` strips control sequences
//! when standard output is not a terminal, and its stripping also drops bytes such as DEL (0x7f) inside a JSON
//! string, so a document piped to another program would differ from the one written with `--out`. Colour handling
//! is only for human text. Both are buffered, so a day of timeline rows is a few large writes rather than one
//! per value.

use std::io::{self, BufWriter, StdoutLock, Write};
use std::path::{Path, PathBuf};

/// Standard output for machine-readable documents: the bytes exactly as given, buffered. Call
/// [`Write::flush`] at the end, so that a failed write is reported.
pub fn machine() -> BufWriter<StdoutLock<'static>> {
    BufWriter::new(io::stdout().lock())
}

/// Standard output for people: colours pass on a terminal and are stripped otherwise (or with `NO_COLOR`),
/// buffered.
pub fn human() -> anstream::AutoStream<Box<dyn Write>> {
    let choice = anstream::AutoStream::choice(&io::stdout());
    let raw: Box<dyn Write> = Box::new(BufWriter::new(io::stdout().lock()));
    anstream::AutoStream::new(raw, choice)
}

/// Writes every file or none: each is written to a temporary file in its own directory, and only when all were
/// written are they renamed over their destinations (a rename within a directory replaces a file at once, so a
/// reader sees the old file or the new one, never a part). A failure removes the temporary files and leaves the
/// destinations as they were.
///
/// # Errors
///
/// Which file could not be written, and why.
pub fn write_files(files: &[(PathBuf, &[u8])]) -> Result<(), String> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, contents) in files {
        // A rename cannot replace a directory: found now, before any file is replaced.
        if path.is_dir() {
            return Err(format!(
                "cannot write {}: it is a directory",
                path.display()
            ));
        }
        staged.push((stage(path, contents)?, path));
    }
    for (temporary, path) in staged {
        temporary
            .persist(path)
            .map_err(|e| format!("cannot write {}: {}", path.display(), e.error))?;
    }
    Ok(())
}

/// `contents` in a temporary file beside `path`, flushed to disk.
fn stage(path: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile, String> {
    let failed = |e: io::Error| format!("cannot write {}: {e}", path.display());
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A temporary file is private (0600); the file it becomes keeps the mode of the one it replaces, or gets the
    // usual 0666 less the umask, as a file written directly would.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut file = builder.tempfile_in(dir).map_err(failed)?;
    file.write_all(contents).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    Ok(file)
}
