//! One writer per output directory: an advisory lock on `DIR/.regimes.lock`.
//!
//! Two runs into one directory used to mix their runs in the tables (issue 19).
//! Every command that writes a directory (`run`, `merge`, `plot`) holds its
//! exclusive lock from before it touches anything until it exits; `merge` holds
//! shared locks on the shard directories it reads, so no run writes them
//! meanwhile. The lock belongs to the open file, so the operating system releases
//! it when the process ends, however it ends: a killed run never leaves a
//! directory locked. The file is left in place (removing it would let a third
//! process lock a new file while a second still holds the old one); it holds the
//! holder's process id and command line, for the message of the refused process.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use anyhow::{Context, Result};

use crate::experiment::InputError;

/// The lock file in an output directory.
pub const LOCK: &str = ".regimes.lock";

/// A held lock, released when dropped or when the process ends.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// This process and its command line, as written into the lock file.
pub fn holder_text() -> String {
    let args: Vec<String> = std::env::args().collect();
    format!("pid {}: {}\n", std::process::id(), args.join(" "))
}

/// Locks `dir` (an existing directory) for writing. A directory another process
/// holds is refused as bad input naming that process.
pub fn exclusive(dir: &Path) -> Result<DirLock> {
    let path = dir.join(LOCK);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Err(held(dir, &mut file).into()),
        Err(TryLockError::Error(e)) => {
            return Err(e).context(format!("cannot lock {}", path.display()));
        }
    }
    // Only the holder rewrites the file, so a refused process never clears it.
    let text = holder_text();
    file.set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(text.as_bytes()))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(DirLock { _file: file })
}

/// Locks `dir` for reading: refused while a process writes it, shared with other
/// readers. A directory no regimes command ever locked has no lock file, and
/// nothing writing it; it is read without a lock (it may be read-only).
pub fn shared(dir: &Path) -> Result<Option<DirLock>> {
    let path = dir.join(LOCK);
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).context(format!("cannot open the lock file {}", path.display())),
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(DirLock { _file: file })),
        Err(TryLockError::WouldBlock) => Err(held(dir, &mut file).into()),
        Err(TryLockError::Error(e)) => Err(e).context(format!("cannot lock {}", path.display())),
    }
}

/// Whether another process holds a lock on `dir` now.
pub fn is_held(dir: &Path) -> bool {
    File::open(dir.join(LOCK))
        .is_ok_and(|f| matches!(f.try_lock_shared(), Err(TryLockError::WouldBlock)))
}

/// The refusal: which process holds the directory.
fn held(dir: &Path, file: &mut File) -> InputError {
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    let who = match text.trim() {
        // The holder locks first and writes its name just after.
        "" => "another regimes process".to_string(),
        t => format!("another regimes process ({t})"),
    };
    InputError::new(format!(
        "{} is in use by {who}: wait until it ends, or choose another directory",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_naming_the_holder_until_the_first_is_dropped() {
        let dir = std::env::temp_dir().join(format!("regimes-lock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        assert!(shared(&dir).unwrap().is_none(), "no lock file yet");
        let first = exclusive(&dir).unwrap();
        assert!(is_held(&dir));
        // A lock belongs to an open file: a second open in one process conflicts too.
        let e = exclusive(&dir).unwrap_err();
        let input = e.downcast_ref::<InputError>().expect("bad input");
        let text = input.to_string();
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        assert!(text.contains(&dir.display().to_string()), "{text}");
        assert!(shared(&dir).is_err());
        drop(first);
        assert!(!is_held(&dir));
        let a = shared(&dir).unwrap().expect("a lock file");
        let b = shared(&dir).unwrap();
        assert!(b.is_some(), "readers share");
        assert!(exclusive(&dir).is_err(), "no writer while reading");
        drop((a, b));
        let _again = exclusive(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
