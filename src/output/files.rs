//! Writing files that survive a kill or a power loss (see `docs/RELIABILITY.md`).
//!
//! Every file is written under a temporary name in its final directory, synced to
//! the disk, renamed over its final name, and then the directory itself is synced
//! so the rename is on the disk too. A reader therefore finds under a final name
//! either the old whole file or the new whole file, never a part of one, and a file
//! reported written stays written after a power loss.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result};

/// The temporary name `path` is written under: hidden, beside it, so the rename
/// stays within one file system.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// Syncs a directory, so that the renames and removals made in it are on disk.
pub fn sync_dir(dir: &Path) -> Result<()> {
    // An empty parent is the current directory (`Path::new("a").parent()`).
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync {}", dir.display()))
}

/// A file being written under its temporary name; [`Pending::commit`] makes it
/// final. Dropped without a commit, it removes its temporary file.
pub struct Pending {
    path: PathBuf,
    temp: PathBuf,
    out: Option<BufWriter<File>>,
}

impl Pending {
    pub fn create(path: &Path) -> Result<Pending> {
        let temp = temp_path(path);
        let file =
            File::create(&temp).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Pending {
            path: path.to_path_buf(),
            temp,
            out: Some(BufWriter::new(file)),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.out.as_mut().expect("not yet committed")
    }

    /// Flushes and syncs the file, then renames it to its final name. The
    /// directory is not synced: call [`sync_dir`] once after the last commit.
    pub fn commit(mut self) -> Result<()> {
        let out = self.out.take().expect("committed once");
        // `into_inner` reports a failed flush (a full disk), which dropping a
        // `BufWriter` would swallow.
        let result = out
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|file| file.sync_all())
            .and_then(|()| std::fs::rename(&self.temp, &self.path));
        if result.is_err() {
            let _ = std::fs::remove_file(&self.temp);
        }
        result.with_context(|| format!("cannot write {}", self.path.display()))
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.out.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Writes `path` atomically and durably: temporary file, sync, rename, sync of
/// the directory.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    write_renamed(path, write)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Writes `path` as [`write_atomic`] does but leaves the directory unsynced,
/// for writers of many files in one directory: they call [`sync_dir`] once
/// after the last.
pub fn write_renamed(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let mut pending = Pending::create(path)?;
    write(pending.writer()).with_context(|| format!("cannot write {}", path.display()))?;
    pending.commit()
}

/// The first I/O error a [`Recorder`] passed on, readable once the writer is gone.
#[derive(Clone, Debug, Default)]
pub struct IoError(Arc<OnceLock<String>>);

impl IoError {
    pub fn get(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

/// A writer that notes the first I/O error it passes on. Libraries that wrap
/// write errors in their own lose the reason a person can act on: polars reports
/// a full disk as "Invalid thrift: transport error".
pub struct Recorder<W> {
    inner: W,
    seen: IoError,
}

impl<W: Write> Recorder<W> {
    pub fn new(inner: W, seen: &IoError) -> Self {
        Recorder {
            inner,
            seen: seen.clone(),
        }
    }

    fn note<T>(&self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result {
            let _ = self.seen.0.set(e.to_string());
        }
        result
    }
}

impl<W: Write> Write for Recorder<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.note(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.note(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("regimes-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_no_temporary() {
        let dir = fresh_dir("failed");
        let path = dir.join("table.csv");
        write_atomic(&path, |f| Ok(f.write_all(b"old")?)).unwrap();
        let e = write_atomic(&path, |f| {
            f.write_all(b"half")?;
            anyhow::bail!("the disk is full")
        })
        .unwrap_err();
        assert!(format!("{e:#}").contains("table.csv"), "{e:#}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["table.csv"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `/dev/full` fails every write with "no space left": the error must reach
    /// the caller, not vanish in a dropped buffer.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_reported_not_swallowed() {
        let dir = fresh_dir("full");
        let path = dir.join("runs.parquet");
        std::os::unix::fs::symlink("/dev/full", temp_path(&path)).unwrap();
        let e = write_atomic(&path, |f| Ok(f.write_all(b"rows")?)).unwrap_err();
        let text = format!("{e:#}");
        assert!(text.contains("No space left"), "{text}");
        assert!(!path.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
