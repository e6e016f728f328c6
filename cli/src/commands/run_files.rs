//! The decision files of `entitle run`, written on their own thread.
//!
//! A million decisions are about 700 MB of text, and copying them into the page cache took the
//! main thread a fifth of the run or more, during which it evaluated nothing. Here the main thread
//! hands each finished buffer over and goes on with the next chunk; the files are written in the
//! order the buffers were handed over.

use anyhow::{anyhow, Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

/// One of the files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Out {
    Csv,
    Jsonl,
    Errors,
}

impl Out {
    fn name(self) -> &'static str {
        match self {
            Out::Csv => "decisions.csv",
            Out::Jsonl => "decisions.jsonl",
            Out::Errors => "errors.csv",
        }
    }
}

/// Buffers waiting to be written, at most: enough to keep the writer busy while a chunk is
/// evaluated, few enough to keep memory flat (a buffer is a part of a chunk, about 1 MB).
const QUEUE: usize = 32;

/// The writing thread and the way to it.
pub(super) struct Files {
    tx: Option<SyncSender<(Out, Vec<u8>)>>,
    thread: Option<JoinHandle<Result<()>>>,
}

impl Files {
    /// Starts writing to the three files (already created, under their temporary names).
    pub(super) fn start(
        csv: BufWriter<File>,
        jsonl: BufWriter<File>,
        errors: BufWriter<File>,
        dir: PathBuf,
    ) -> Result<Files> {
        let (tx, rx) = sync_channel::<(Out, Vec<u8>)>(QUEUE);
        let thread = std::thread::Builder::new()
            .name("entitle-write".into())
            .spawn(move || -> Result<()> {
                let (mut csv, mut jsonl, mut errors) = (csv, jsonl, errors);
                let mut write = |out: Out, bytes: &[u8]| -> Result<()> {
                    let w = match out {
                        Out::Csv => &mut csv,
                        Out::Jsonl => &mut jsonl,
                        Out::Errors => &mut errors,
                    };
                    w.write_all(bytes)
                        .with_context(|| format!("cannot write {}", dir.join(out.name()).display()))
                };
                for (out, bytes) in rx {
                    write(out, &bytes)?;
                }
                for out in [Out::Csv, Out::Jsonl, Out::Errors] {
                    let w = match out {
                        Out::Csv => &mut csv,
                        Out::Jsonl => &mut jsonl,
                        Out::Errors => &mut errors,
                    };
                    w.flush().with_context(|| {
                        format!("cannot write {}", dir.join(out.name()).display())
                    })?;
                }
                Ok(())
            })
            .context("cannot start the thread that writes the decisions")?;
        Ok(Files {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    /// Queues `bytes` for `out`; the writer's error, if it has stopped on one.
    pub(super) fn put(&mut self, out: Out, bytes: Vec<u8>) -> Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        let sent = self.tx.as_ref().map(|tx| tx.send((out, bytes)).is_ok());
        if sent == Some(true) {
            return Ok(());
        }
        // The writer has stopped: its error says why.
        self.finish()
            .and_then(|()| Err(anyhow!("the decisions could not all be written")))
    }

    /// Waits until everything queued is written and the files are flushed.
    pub(super) fn finish(&mut self) -> Result<()> {
        drop(self.tx.take());
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| anyhow!("the thread writing the decisions failed"))?,
            None => Ok(()),
        }
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        // A run that failed elsewhere still waits for the writer, so no thread outlives it.
        let _ = self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &std::path::Path, name: &str) -> BufWriter<File> {
        BufWriter::new(File::create(dir.join(name)).unwrap())
    }

    #[test]
    fn buffers_are_written_in_order_and_flushed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut files =
            Files::start(open(d, "c"), open(d, "j"), open(d, "e"), d.to_path_buf()).unwrap();
        for i in 0..1000 {
            files.put(Out::Csv, format!("{i},").into_bytes()).unwrap();
            files
                .put(Out::Jsonl, format!("{i}\n").into_bytes())
                .unwrap();
        }
        files.put(Out::Errors, b"none".to_vec()).unwrap();
        files.put(Out::Errors, Vec::new()).unwrap();
        files.finish().unwrap();
        let want: String = (0..1000).map(|i| format!("{i},")).collect();
        assert_eq!(std::fs::read_to_string(d.join("c")).unwrap(), want);
        let want: String = (0..1000).map(|i| format!("{i}\n")).collect();
        assert_eq!(std::fs::read_to_string(d.join("j")).unwrap(), want);
        assert_eq!(std::fs::read_to_string(d.join("e")).unwrap(), "none");
        // Finishing twice is harmless.
        files.finish().unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_write_error_reaches_the_caller_with_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Every write to /dev/full fails with "no space left on device".
        let full = || BufWriter::new(File::options().write(true).open("/dev/full").unwrap());
        let mut files = Files::start(full(), open(d, "j"), open(d, "e"), d.to_path_buf()).unwrap();
        let mut err = None;
        for _ in 0..100 {
            if let Err(e) = files.put(Out::Csv, vec![b'x'; 1 << 16]) {
                err = Some(e);
                break;
            }
        }
        let err = match err {
            Some(e) => e,
            None => files.finish().unwrap_err(),
        };
        let text = format!("{err:#}");
        assert!(
            text.contains("cannot write") && text.contains("decisions.csv"),
            "{text}"
        );
    }
}
