//! Reading a file on its own thread.
//!
//! Splitting records and checking cells (CSV quoting, UTF-8, trimming; JSON parsing; Parquet
//! decoding) is most of the reading time of a large registry, and the thread that assembles units
//! and binds their values is the critical path of a run. [`Prefetch`] moves the splitting to a
//! second thread: it runs the file's own [`RowStream`] there and hands over blocks of rows, the
//! wanted cells already cut out, so the assembler sees the same rows, cells, problems and lines as
//! it would from the stream itself.

use super::rows::{Absent, BadCell, Cells, RowStream, Separator};
use crate::error::RegistryError;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Rows per block: large enough that the hand-over costs nothing per row, small enough that the
/// first block arrives at once.
const BLOCK_ROWS: usize = 4096;
/// Blocks read ahead of the assembler.
const AHEAD: usize = 4;
/// Files smaller than this are read on the caller's thread: a thread would only cost time.
pub(crate) const MIN_BYTES: u64 = 1 << 20;

#[derive(Clone, Copy)]
enum Cell {
    Empty,
    Text(u32, u32),
    Bad(BadCell),
}

struct Row {
    line: u64,
    /// Boxed: a problem is rare, and a row is kept small.
    problem: Option<Box<crate::reason::Reason>>,
}

/// Rows with their wanted cells, `width` cells per row, texts in one buffer.
#[derive(Default)]
struct Block {
    /// Filled as bytes, each piece already checked to be UTF-8, and checked whole once at the
    /// end ([`Block::seal`]): one pass over the block instead of a call per row.
    bytes: Vec<u8>,
    text: String,
    rows: Vec<Row>,
    cells: Vec<Cell>,
    /// The stream's position after the block's last row.
    position: (u64, Option<u64>),
}

impl Block {
    fn clear(&mut self) {
        self.bytes = std::mem::take(&mut self.text).into_bytes();
        self.bytes.clear();
        self.rows.clear();
        self.cells.clear();
    }

    /// Turns the bytes into the text the cells are read from.
    fn seal(&mut self, path: &std::path::Path) -> Result<(), RegistryError> {
        let bytes = std::mem::take(&mut self.bytes);
        self.text = String::from_utf8(bytes).map_err(|_| RegistryError::Malformed {
            path: path.to_path_buf(),
            line: self.rows.last().map_or(0, |r| r.line),
            reason: "the reading thread took bytes that are not UTF-8 for text".into(),
        })?;
        Ok(())
    }

    /// Copies the current row of `rows`; false when the block is full. `spans` is scratch space
    /// of `width` entries.
    fn push(
        &mut self,
        rows: &dyn RowStream,
        width: usize,
        spans: &mut [Option<(u32, u32)>],
    ) -> bool {
        self.rows.push(Row {
            line: rows.line(),
            problem: rows.problem().map(Box::new),
        });
        let base = self.bytes.len();
        if let (Some(text), Ok(base)) = (rows.row_text(spans), u32::try_from(base)) {
            // The whole row in one copy; the cells are ranges of it.
            if u32::try_from(base as usize + text.len()).is_ok() {
                self.bytes.extend_from_slice(text);
                for span in spans.iter() {
                    self.cells.push(match span {
                        Some((s, e)) => Cell::Text(base + s, base + e),
                        None => Cell::Empty,
                    });
                }
                return self.rows.len() < BLOCK_ROWS && self.bytes.len() < (1 << 22);
            }
        }
        for k in 0..width {
            let cell = match rows.cell(k) {
                Ok(None) => Cell::Empty,
                Ok(Some(t)) => {
                    let start = self.bytes.len();
                    self.bytes.extend_from_slice(t.as_bytes());
                    match (u32::try_from(start), u32::try_from(self.bytes.len())) {
                        (Ok(s), Ok(e)) => Cell::Text(s, e),
                        // Never with blocks of this size; kept exact rather than truncated.
                        _ => Cell::Bad(BadCell {
                            code: crate::error::codes::BAD_VALUE,
                            key: "G0101.too_long",
                        }),
                    }
                }
                Err(bad) => Cell::Bad(bad),
            };
            self.cells.push(cell);
        }
        self.rows.len() < BLOCK_ROWS && self.bytes.len() < (1 << 22)
    }
}

enum Message {
    Block(Block),
    Failed(RegistryError),
    /// The end of the file, with what the stream then knows of absent columns (JSON Lines knows
    /// only then).
    End(Option<Vec<Absent>>),
}

/// A [`RowStream`] read on its own thread.
pub(crate) struct Prefetch {
    file: Arc<str>,
    /// The file's own, known before its first row.
    separator: Separator,
    /// The file's own (from its header), known before its first row.
    absent: Option<Vec<Absent>>,
    path: PathBuf,
    width: usize,
    blocks: Receiver<Message>,
    spent: SyncSender<Block>,
    thread: Option<JoinHandle<()>>,
    block: Block,
    /// The current row in `block`, from 1 (0: before the first).
    at: usize,
    done: bool,
}

/// Reads `inner` on its own thread when it is large enough and threads are available; `width` is
/// the number of wanted columns.
pub(crate) fn wrap(inner: Box<dyn RowStream>, path: PathBuf, width: usize) -> Box<dyn RowStream> {
    let large = inner.position().1.is_some_and(|size| size >= MIN_BYTES);
    if !large || cfg!(target_arch = "wasm32") {
        return inner;
    }
    match Prefetch::start(inner, path, width) {
        Ok(p) => Box::new(p),
        Err(inner) => inner,
    }
}

impl Prefetch {
    /// Starts the reading thread; gives `inner` back when no thread can be started.
    pub(crate) fn start(
        inner: Box<dyn RowStream>,
        path: PathBuf,
        width: usize,
    ) -> Result<Prefetch, Box<dyn RowStream>> {
        let file = Arc::clone(inner.file());
        let separator = inner.separator();
        let absent = inner.absent().map(<[Absent]>::to_vec);
        let (block_tx, blocks) = mpsc::sync_channel::<Message>(AHEAD);
        let (spent, spent_rx) = mpsc::sync_channel::<Block>(AHEAD + 2);
        // The stream is handed over once the thread runs, so that it stays here if none starts.
        let (stream_tx, stream_rx) = mpsc::sync_channel::<Box<dyn RowStream>>(1);
        let thread_path = path.clone();
        let spawned = std::thread::Builder::new()
            .name("entitle-read".into())
            .spawn(move || {
                if let Ok(rows) = stream_rx.recv() {
                    produce(rows, &thread_path, width, &block_tx, &spent_rx);
                }
            });
        let thread = match spawned {
            Ok(t) => t,
            Err(_) => return Err(inner),
        };
        if let Err(mpsc::SendError(inner)) = stream_tx.send(inner) {
            let _ = thread.join();
            return Err(inner);
        }
        Ok(Prefetch {
            file,
            separator,
            absent,
            path,
            width,
            blocks,
            spent,
            thread: Some(thread),
            block: Block::default(),
            at: 0,
            done: false,
        })
    }

    fn failed(&mut self) -> RegistryError {
        self.done = true;
        // The thread ended without saying so: it panicked. Nothing read may be taken for the end.
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        RegistryError::io(
            "read",
            &self.path,
            std::io::Error::other("the reading thread stopped before the end of the file"),
        )
    }

    fn current(&self) -> Option<&Row> {
        self.at.checked_sub(1).and_then(|i| self.block.rows.get(i))
    }
}

/// The reading thread: blocks of rows until the end, an error, or the reader is dropped.
fn produce(
    mut rows: Box<dyn RowStream>,
    path: &std::path::Path,
    width: usize,
    out: &SyncSender<Message>,
    spent: &Receiver<Block>,
) {
    let mut spans = vec![None; width];
    loop {
        let mut block = spent.try_recv().unwrap_or_default();
        block.clear();
        let mut end = false;
        loop {
            match rows.advance() {
                Ok(true) => {
                    if !block.push(rows.as_ref(), width, &mut spans) {
                        break;
                    }
                }
                Ok(false) => {
                    end = true;
                    break;
                }
                Err(e) => {
                    if !block.rows.is_empty() && block.seal(path).is_ok() {
                        block.position = rows.position();
                        let _ = out.send(Message::Block(block));
                    }
                    let _ = out.send(Message::Failed(e));
                    return;
                }
            }
        }
        block.position = rows.position();
        if let Err(e) = block.seal(path) {
            let _ = out.send(Message::Failed(e));
            return;
        }
        if !block.rows.is_empty() && out.send(Message::Block(block)).is_err() {
            return; // the reader was dropped
        }
        if end {
            let _ = out.send(Message::End(rows.absent().map(<[Absent]>::to_vec)));
            return;
        }
    }
}

impl Cells for Prefetch {
    fn line(&self) -> u64 {
        self.current().map_or(0, |r| r.line)
    }

    fn problem(&self) -> Option<crate::reason::Reason> {
        self.current().and_then(|r| r.problem.as_deref()).cloned()
    }

    fn cell(&self, k: usize) -> Result<Option<&str>, BadCell> {
        if k >= self.width {
            return Ok(None);
        }
        let cell = self
            .at
            .checked_sub(1)
            .and_then(|i| self.block.cells.get(i * self.width + k));
        match cell {
            Some(Cell::Text(s, e)) => Ok(self.block.text.get(*s as usize..*e as usize)),
            Some(Cell::Bad(b)) => Err(*b),
            Some(Cell::Empty) | None => Ok(None),
        }
    }
}

impl RowStream for Prefetch {
    fn absent(&self) -> Option<&[Absent]> {
        self.absent.as_deref()
    }

    fn file(&self) -> &Arc<str> {
        &self.file
    }

    fn advance(&mut self) -> Result<bool, RegistryError> {
        if self.at < self.block.rows.len() {
            self.at += 1;
            return Ok(true);
        }
        if self.done {
            return Ok(false);
        }
        match self.blocks.recv() {
            Ok(Message::Block(block)) => {
                let old = std::mem::replace(&mut self.block, block);
                let _ = self.spent.try_send(old);
                self.at = 1;
                Ok(true)
            }
            Ok(Message::End(absent)) => {
                self.done = true;
                if absent.is_some() {
                    self.absent = absent;
                }
                Ok(false)
            }
            Ok(Message::Failed(e)) => {
                self.done = true;
                Err(e)
            }
            Err(_) => Err(self.failed()),
        }
    }

    fn position(&self) -> (u64, Option<u64>) {
        self.block.position
    }

    fn separator(&self) -> Separator {
        self.separator
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        // Closing the channel stops the thread at its next block; it holds the file until then.
        let (_, closed) = mpsc::sync_channel(0);
        drop(std::mem::replace(&mut self.blocks, closed));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(all(test, feature = "csv"))] // the tests read CSV files
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::files::csv::CsvRows;
    use crate::files::rows::Wanted;

    type Seen = (u64, Option<String>, Vec<Result<Option<String>, BadCell>>);

    fn drain(rows: &mut dyn RowStream, width: usize) -> Vec<Seen> {
        let mut seen = Vec::new();
        while rows.advance().unwrap() {
            let cells = (0..width + 1)
                .map(|k| rows.cell(k).map(|c| c.map(str::to_string)))
                .collect();
            seen.push((rows.line(), rows.problem().map(|p| p.english()), cells));
        }
        seen
    }

    #[test]
    fn gives_the_rows_the_file_gives() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("members.csv");
        let mut text = b"id,group_id,note,birthdate\n".to_vec();
        for i in 0..10_000u32 {
            match i % 997 {
                5 => text.extend_from_slice(b"M,short\n"),
                6 => text
                    .extend_from_slice(format!("M{i},H{i},\"two\nlines\",2001-01-01\n").as_bytes()),
                7 => {
                    text.extend_from_slice(format!("M{i},H{i},").as_bytes());
                    text.extend_from_slice(b"\xff\xfe,2001-01-01\n");
                }
                8 => text.extend_from_slice(b"\n"),
                // White space of every kind around cells, and cells of white space only.
                9 => text.extend_from_slice(
                    format!("M{i},\u{a0}H{i}\t,\u{3000}, 2001-01-01\u{a0}\n").as_bytes(),
                ),
                10 => text.extend_from_slice(format!("\tM{i} , \u{a0} ,Île,\n").as_bytes()),
                _ => text.extend_from_slice(
                    format!("M{i}, H{} ,,2001-02-{:02}\n", i / 3, i % 28 + 1).as_bytes(),
                ),
            }
        }
        std::fs::write(&path, &text).unwrap();
        let wanted = [
            Wanted::required(&["id"]),
            Wanted::required(&["group_id"]),
            Wanted::optional(&["birthdate"]),
            Wanted::optional(&["note"]),
        ];
        let open = || Box::new(CsvRows::open(&path, "members.csv".into(), &wanted).unwrap());
        let direct = drain(open().as_mut(), wanted.len());
        let mut threaded = Prefetch::start(open(), path.clone(), wanted.len())
            .ok()
            .unwrap();
        assert_eq!(threaded.file().as_ref(), "members.csv");
        let seen = drain(&mut threaded, wanted.len());
        assert_eq!(seen.len(), direct.len());
        assert_eq!(seen, direct);
        // The rows a file can hold: problems, bad cells, quoted newlines (line numbers move on).
        assert!(seen.iter().any(|r| r.1.is_some()));
        assert!(seen.iter().any(|r| r.2[3].is_err()));
        // A plain line with text beyond ASCII in a wanted cell, trimmed of every kind of space.
        let ile = seen
            .iter()
            .find(|r| r.2[0] == Ok(Some("M10".into())))
            .unwrap();
        assert_eq!(ile.2[1], Ok(None));
        assert_eq!(ile.2[3], Ok(Some("Île".into())));
        // The header, 10,000 rows (some blank) and a second line in each of the 11 quoted cells.
        assert_eq!(seen.last().unwrap().0, 1 + 10_000 + 11);
        assert_eq!(threaded.position().0, text.len() as u64);
        // Past the end it stays at the end.
        assert!(!threaded.advance().unwrap());
    }

    /// A stream of `rows` numbered rows, then an error or a panic.
    struct Failing {
        file: Arc<str>,
        line: u64,
        rows: u64,
        panics: bool,
    }

    impl Cells for Failing {
        fn line(&self) -> u64 {
            self.line
        }
        fn problem(&self) -> Option<crate::reason::Reason> {
            None
        }
        fn cell(&self, _: usize) -> Result<Option<&str>, BadCell> {
            Ok(Some("x"))
        }
    }

    impl RowStream for Failing {
        fn file(&self) -> &Arc<str> {
            &self.file
        }
        fn advance(&mut self) -> Result<bool, RegistryError> {
            if self.line == self.rows {
                if self.panics {
                    panic!("a bug in a reader");
                }
                return Err(RegistryError::Malformed {
                    path: PathBuf::from("f.csv"),
                    line: self.line + 1,
                    reason: "broken".into(),
                });
            }
            self.line += 1;
            Ok(true)
        }
        fn position(&self) -> (u64, Option<u64>) {
            (self.line, None)
        }
    }

    fn failing(rows: u64, panics: bool) -> Prefetch {
        let inner = Failing {
            file: "f.csv".into(),
            line: 0,
            rows,
            panics,
        };
        Prefetch::start(Box::new(inner), PathBuf::from("f.csv"), 1)
            .ok()
            .unwrap()
    }

    #[test]
    fn an_error_comes_after_the_rows_before_it() {
        let mut p = failing(5000, false);
        for line in 1..=5000 {
            assert!(p.advance().unwrap());
            assert_eq!(p.line(), line);
        }
        let e = p.advance().unwrap_err();
        assert_eq!(
            (e.code(), e.to_string().contains(":5001:")),
            ("G0006", true)
        );
        assert!(!p.advance().unwrap());
    }

    #[test]
    fn a_panicking_reader_is_an_error_not_the_end_of_the_file() {
        let mut p = failing(10, true);
        // The rows of the unfinished block are lost with the thread: an error, never the end.
        let e = loop {
            match p.advance() {
                Ok(true) => {}
                Ok(false) => panic!("the end of the file was reported"),
                Err(e) => break e,
            }
        };
        assert_eq!(e.code(), "G0001");
        assert!(e.to_string().contains("reading thread stopped"), "{e}");
    }

    #[test]
    fn dropping_it_early_stops_the_thread() {
        let mut p = failing(u64::MAX, false);
        assert!(p.advance().unwrap());
        drop(p); // returns: the thread saw the closed channel
    }

    #[test]
    fn small_files_stay_on_the_callers_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("groups.csv");
        std::fs::write(&path, "id\nH1\n").unwrap();
        let wanted = [Wanted::required(&["id"])];
        let rows = Box::new(CsvRows::open(&path, "groups.csv".into(), &wanted).unwrap());
        let mut rows = wrap(rows, path, 1);
        assert!(rows.advance().unwrap());
        assert_eq!(rows.cell(0), Ok(Some("H1")));
    }
}
