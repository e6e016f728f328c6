//! Writing the decision files back to disk while the run goes on.
//!
//! A run's outputs are made durable (`fsync`) before they are moved into place. Left to the end,
//! that waits for every dirty page of the decisions (0.7 GB per million households) to reach the
//! disk: a third of a second per million, with nothing else to do. A thread here asks the kernel
//! to write them back after each chunk instead, so the final `fsync` finds little left. Its errors
//! are ignored: the final `fsync` reports any that matter.

use std::fs::File;
use std::sync::mpsc::{self, SyncSender};
use std::thread::JoinHandle;

pub(crate) struct Writeback {
    nudge: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Writeback {
    /// Starts the thread for these files (without one when it cannot start: nothing is lost).
    pub(crate) fn start(files: Vec<File>) -> Writeback {
        let (tx, rx) = mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("entitle-writeback".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    for f in &files {
                        let _ = f.sync_data();
                    }
                }
            })
            .ok();
        Writeback {
            nudge: thread.is_some().then_some(tx),
            thread,
        }
    }

    /// Asks for a write-back of what was written so far; never waits (one pending request is
    /// enough: it covers everything written before it runs).
    pub(crate) fn nudge(&self) {
        if let Some(tx) = &self.nudge {
            let _ = tx.try_send(());
        }
    }

    /// Stops the thread, after the write-back in progress.
    pub(crate) fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.nudge = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Writeback {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn nudges_never_block_and_finish_stops_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        let mut f = File::create(&path).unwrap();
        let w = Writeback::start(vec![f.try_clone().unwrap()]);
        for i in 0..1000 {
            writeln!(f, "line {i}").unwrap();
            w.nudge();
        }
        w.finish();
        f.sync_all().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap().lines().count(),
            1000
        );
    }
}
