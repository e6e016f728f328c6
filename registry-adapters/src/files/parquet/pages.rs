//! The page headers of the column chunks a read will decode, checked before the `parquet` crate
//! decodes any of them.
//!
//! The crate trusts each page header's uncompressed size: it makes room for that many bytes before
//! decompressing, and its Snappy codec fills them with zeros, so a 4 KB file whose page declares
//! 2 GB makes it fill 2 GB of memory, and then read on as if nothing were wrong (the real values
//! lie at the front; apache/arrow-rs#10734, `parquet` 60.2). The crate keeps its page headers to
//! itself, so they are read here with a minimal reader of the Thrift compact protocol. It reads
//! them as the crate does (the same fields read as the same integers whatever type they declare,
//! the same skips, the same chunk start): both must find the same pages at the same places, or a
//! crafted header could show this reader a small page and the crate a large one. Only headers are
//! read: a seek and a few bytes per page.

use super::{guarded, malformed};
use crate::error::RegistryError;
use parquet::file::metadata::ParquetMetaData;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Any page may declare this many bytes uncompressed. Writers make pages of about 1 MiB by default
/// (arrow-rs, parquet-java and pyarrow alike, dictionary pages too), so every file they write
/// passes whatever its compression.
const PAGE_BYTES_ALWAYS_READ: i64 = 16 * 1024 * 1024;

/// Beyond that floor, a page may declare this many times its compressed size. No codec built in
/// expands more on real data: Snappy at most about 21 times, gzip at most about 1032, and
/// Zstandard's larger ratios need long runs of one byte, which Parquet's encodings (dictionary,
/// run lengths) have already taken out of a page before it is compressed.
const MAX_EXPANSION: i64 = 1024;

/// A page header longer than this is refused: a header holds sizes, counts and perhaps short
/// statistics, so this is far above any writer's, and it bounds the reading of a broken one.
const MAX_HEADER_BYTES: u64 = 16 * 1024 * 1024;

/// How deep skipped values may nest: the crate's own limit.
const SKIP_DEPTH: u8 = 64;

// The compact protocol's type codes.
const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const BYTE: u8 = 3;
const I16: u8 = 4;
const I32: u8 = 5;
const I64: u8 = 6;
const DOUBLE: u8 = 7;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const SET: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;
const UUID: u8 = 13;

/// Why a page header cannot be read.
#[derive(Debug)]
enum Bad {
    /// It goes on past the bytes it may take: its chunk's end, `MAX_HEADER_BYTES`, or the file's.
    Long,
    /// Its values nest deeper than `SKIP_DEPTH`.
    Deep,
    /// A type code the compact protocol does not have.
    Type(u8),
    /// A field id past Thrift's 16 bits.
    FieldId,
    /// A length or count past 2^31 - 1 or past the bytes left.
    Length,
    /// A field the crate reads as a boolean declares another type.
    NotBool,
    /// The header lacks a page size.
    NoSizes,
    /// The file cannot be read.
    Io(io::Error),
}

impl Bad {
    fn io(e: io::Error) -> Bad {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Bad::Long
        } else {
            Bad::Io(e)
        }
    }

    fn describe(&self) -> String {
        match self {
            Bad::Long => {
                format!("it runs past its column chunk's end or past {MAX_HEADER_BYTES} bytes")
            }
            Bad::Deep => format!("its values nest deeper than {SKIP_DEPTH}"),
            Bad::Type(t) => format!("it holds a value of unknown type {t}"),
            Bad::FieldId => "a field id is out of range".into(),
            Bad::Length => "a length or count is larger than the bytes left".into(),
            Bad::NotBool => "a field that must be a boolean is not".into(),
            Bad::NoSizes => "it lacks the page's sizes".into(),
            Bad::Io(e) => e.to_string(),
        }
    }
}

/// Why a column chunk's pages are not read.
#[derive(Debug)]
enum Refused {
    /// What is wrong, in numbers only: a file's bytes are never quoted.
    Malformed(String),
    /// The file cannot be read.
    Io(io::Error),
}

/// A page header's sizes.
#[derive(Debug, PartialEq, Eq)]
struct Header {
    uncompressed: i32,
    compressed: i32,
}

/// The structs of a page header that the crate reads field by field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Page,
    Data,
    Index,
    Dictionary,
    DataV2,
}

/// How the crate reads a field.
enum How {
    /// As a zigzag varint, whatever type the field declares (i32s and enums).
    Int,
    /// From the field's type, which must be a boolean's.
    Bool,
    /// As this struct, whatever type the field declares.
    Struct(Shape),
    /// Skipped by its declared type (statistics, and fields the crate does not know).
    Skip,
}

/// How the crate (`PageHeader::read_thrift_without_stats` and the structs it reads) reads field
/// `id` of a struct of `shape`.
fn how(shape: Shape, id: i16) -> How {
    match (shape, id) {
        (Shape::Page | Shape::Data, 1..=4)
        | (Shape::Dictionary, 1 | 2)
        | (Shape::DataV2, 1..=6) => How::Int,
        (Shape::Page, 5) => How::Struct(Shape::Data),
        (Shape::Page, 6) => How::Struct(Shape::Index),
        (Shape::Page, 7) => How::Struct(Shape::Dictionary),
        (Shape::Page, 8) => How::Struct(Shape::DataV2),
        (Shape::Dictionary, 3) | (Shape::DataV2, 7) => How::Bool,
        _ => How::Skip,
    }
}

/// A list's, set's or map's element type (1 and 2 are both booleans, a byte each).
fn element(t: u8) -> Result<u8, Bad> {
    if (BOOL_TRUE..=UUID).contains(&t) {
        Ok(t)
    } else {
        Err(Bad::Type(t))
    }
}

/// A file read from a position up to a limit, without ever reading past it.
struct Input<R> {
    reader: BufReader<R>,
    /// Where the next byte is in the file.
    pos: u64,
    /// Where the bytes that may be read end.
    limit: u64,
}

impl<R: Read + Seek> Input<R> {
    fn new(inner: R) -> Input<R> {
        Input {
            reader: BufReader::new(inner),
            pos: 0,
            limit: 0,
        }
    }

    fn seek_to(&mut self, pos: u64) -> Result<(), Bad> {
        self.reader.seek(SeekFrom::Start(pos)).map_err(Bad::io)?;
        self.pos = pos;
        Ok(())
    }

    fn left(&self) -> u64 {
        self.limit.saturating_sub(self.pos)
    }

    fn byte(&mut self) -> Result<u8, Bad> {
        if self.pos >= self.limit {
            return Err(Bad::Long);
        }
        let mut buf = [0_u8];
        self.reader.read_exact(&mut buf).map_err(Bad::io)?;
        self.pos += 1;
        let [b] = buf;
        Ok(b)
    }

    /// Passes over `n` bytes by seeking (within the buffer when it can): declared lengths are
    /// never allocated.
    fn skip_bytes(&mut self, n: u64) -> Result<(), Bad> {
        if n > self.left() {
            return Err(Bad::Long);
        }
        let by = i64::try_from(n).map_err(|_| Bad::Long)?;
        self.reader.seek_relative(by).map_err(Bad::io)?;
        self.pos += n;
        Ok(())
    }

    /// An unsigned varint read as the crate reads it: of any length, bits past 64 wrapping round.
    /// Every byte read is taken from what is left, so this ends by the limit.
    fn varint(&mut self) -> Result<u64, Bad> {
        let mut value = 0_u64;
        let mut shift = 0_u32;
        loop {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f).wrapping_shl(shift);
            if b & 0x80 == 0 {
                return Ok(value);
            }
            shift = shift.wrapping_add(7);
        }
    }

    fn zigzag(&mut self) -> Result<i64, Bad> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// A binary's length or a collection's size: at most 2^31 - 1, as in the crate.
    fn length(&mut self) -> Result<u64, Bad> {
        let n = self.varint()?;
        if n > i32::MAX as u64 {
            return Err(Bad::Length);
        }
        Ok(n)
    }

    /// A struct field's header: `None` at the struct's end (any byte of type 0, as in the crate),
    /// else the field's type and id (a delta from `last`, or in the long form an i16 after it).
    fn field(&mut self, last: i16) -> Result<Option<(u8, i16)>, Bad> {
        let b = self.byte()?;
        let t = b & 0x0f;
        if t == 0 {
            return Ok(None);
        }
        if t > UUID {
            return Err(Bad::Type(t));
        }
        let id = match b >> 4 {
            0 => self.zigzag()? as i16,
            delta => last.checked_add(i16::from(delta)).ok_or(Bad::FieldId)?,
        };
        Ok(Some((t, id)))
    }

    /// Passes over a value of type `t`, as the crate skips a field it does not read. Every value
    /// but an inline boolean takes a byte at least, and a collection's size is checked against
    /// the bytes left before its elements are skipped.
    fn skip(&mut self, t: u8, depth: u8) -> Result<(), Bad> {
        let depth = depth.checked_sub(1).ok_or(Bad::Deep)?;
        match t {
            BOOL_TRUE | BOOL_FALSE => Ok(()),
            BYTE => self.skip_bytes(1),
            I16 | I32 | I64 => self.varint().map(drop),
            DOUBLE => self.skip_bytes(8),
            BINARY => {
                let n = self.length()?;
                self.skip_bytes(n)
            }
            LIST | SET => self.skip_list(depth),
            MAP => self.skip_map(depth),
            STRUCT => {
                while let Some((t, _)) = self.field(0)? {
                    self.skip(t, depth)?;
                }
                Ok(())
            }
            UUID => self.skip_bytes(16),
            _ => Err(Bad::Type(t)),
        }
    }

    fn skip_list(&mut self, depth: u8) -> Result<(), Bad> {
        let head = self.byte()?;
        // Some writers give an empty list no element type.
        if head == 0 {
            return Ok(());
        }
        let t = element(head & 0x0f)?;
        let size = match head >> 4 {
            15 => self.length()?,
            n => u64::from(n),
        };
        if t == BOOL_TRUE || t == BOOL_FALSE {
            if size > 0 && depth == 0 {
                return Err(Bad::Deep);
            }
            return self.skip_bytes(size);
        }
        if size > self.left() {
            return Err(Bad::Length);
        }
        for _ in 0..size {
            self.skip(t, depth)?;
        }
        Ok(())
    }

    fn skip_map(&mut self, depth: u8) -> Result<(), Bad> {
        // An empty map is the single byte 0, without key and value types.
        let size = self.length()?;
        if size == 0 {
            return Ok(());
        }
        let types = self.byte()?;
        let (k, v) = (element(types >> 4)?, element(types & 0x0f)?);
        if size > self.left() / 2 {
            return Err(Bad::Length);
        }
        for _ in 0..size {
            self.skip_element(k, depth)?;
            self.skip_element(v, depth)?;
        }
        Ok(())
    }

    /// A collection's boolean takes a byte, unlike a struct's.
    fn skip_element(&mut self, t: u8, depth: u8) -> Result<(), Bad> {
        if depth == 0 {
            return Err(Bad::Deep);
        }
        if t == BOOL_TRUE || t == BOOL_FALSE {
            self.skip_bytes(1)
        } else {
            self.skip(t, depth)
        }
    }

    /// Reads a struct as the crate does: the fields it knows as the type it expects, whatever
    /// type they declare; the others skipped by their type. The duplicate of a field wins.
    fn read_struct(
        &mut self,
        shape: Shape,
        sizes: &mut (Option<i32>, Option<i32>),
    ) -> Result<(), Bad> {
        let mut last = 0;
        while let Some((t, id)) = self.field(last)? {
            match how(shape, id) {
                How::Int => {
                    // Cut to 32 bits, as the crate does.
                    let v = self.zigzag()? as i32;
                    match (shape, id) {
                        (Shape::Page, 2) => sizes.0 = Some(v),
                        (Shape::Page, 3) => sizes.1 = Some(v),
                        _ => {}
                    }
                }
                How::Bool if t == BOOL_TRUE || t == BOOL_FALSE => {}
                How::Bool => return Err(Bad::NotBool),
                How::Struct(inner) => self.read_struct(inner, &mut (None, None))?,
                How::Skip => self.skip(t, SKIP_DEPTH)?,
            }
            last = id;
        }
        Ok(())
    }

    /// The page header at the current position, which must end by the limit.
    fn header(&mut self) -> Result<Header, Bad> {
        let mut sizes = (None, None);
        self.read_struct(Shape::Page, &mut sizes)?;
        match sizes {
            (Some(uncompressed), Some(compressed)) => Ok(Header {
                uncompressed,
                compressed,
            }),
            _ => Err(Bad::NoSizes),
        }
    }
}

/// Walks the pages of the column `column`'s chunk declared `len` bytes long from byte `start`, in
/// a file of `file` bytes, from its first page to its end as the crate reads it, and checks each
/// page's sizes. Each page takes a byte at least (its header's end), so this reads at most `len`
/// headers.
fn check_chunk<R: Read + Seek>(
    input: &mut Input<R>,
    column: &str,
    (start, len): (i64, i64),
    file: u64,
) -> Result<(), Refused> {
    let header_bad = |at: u64, bad: Bad| match bad {
        Bad::Io(e) => Refused::Io(e),
        bad => Refused::Malformed(format!(
            "the page header at byte {at} of the column `{column}` cannot be read: {}",
            bad.describe()
        )),
    };
    let (begin, end) = match (u64::try_from(start), u64::try_from(len)) {
        (Ok(b), Ok(n)) if b.checked_add(n).is_some_and(|end| end <= file) => (b, b + n),
        _ => return Err(Refused::Malformed(format!(
            "the column `{column}` declares {len} bytes from byte {start}, which are not inside the file ({file} bytes)"
        ))),
    };
    input.seek_to(begin).map_err(|bad| header_bad(begin, bad))?;
    while input.pos < end {
        let at = input.pos;
        input.limit = end.min(at.saturating_add(MAX_HEADER_BYTES));
        let h = input.header().map_err(|bad| header_bad(at, bad))?;
        let (uncompressed, compressed) = (h.uncompressed, h.compressed);
        if uncompressed < 0 || compressed < 0 {
            return Err(Refused::Malformed(format!(
                "a page of the column `{column}` declares a negative size ({uncompressed} bytes uncompressed from {compressed} compressed)"
            )));
        }
        let size = u64::from(compressed.unsigned_abs());
        let left = end - input.pos;
        if size > left {
            return Err(Refused::Malformed(format!(
                "a page of the column `{column}` declares {compressed} bytes where its column chunk has {left} left"
            )));
        }
        if i64::from(uncompressed)
            > PAGE_BYTES_ALWAYS_READ.max(MAX_EXPANSION * i64::from(compressed))
        {
            return Err(Refused::Malformed(format!(
                "a page of the column `{column}` declares {uncompressed} bytes uncompressed from {compressed} compressed (at most {PAGE_BYTES_ALWAYS_READ} or {MAX_EXPANSION} times its compressed size are read)"
            )));
        }
        input.limit = end;
        input.skip_bytes(size).map_err(|bad| header_bad(at, bad))?;
    }
    Ok(())
}

/// Walks the pages of every column chunk of the top-level columns `roots` (sorted) in every row
/// group of the file, before the crate decodes any: the reader is built without the page index,
/// so the crate reads each chunk's pages in turn from its start, as [`check_chunk`] does.
///
/// # Errors
/// G0006 naming the column and the row group's first row (a page with sizes that are negative,
/// past its chunk or too large; a header that cannot be read; a chunk outside the file; chunks
/// that declare more bytes than the file holds); G0001 when the file cannot be read.
pub(super) fn check_pages(
    path: &Path,
    file: &File,
    size: Option<u64>,
    metadata: &ParquetMetaData,
    roots: &[usize],
    names: &[String],
) -> Result<(), RegistryError> {
    let file_len = match size {
        Some(n) => n,
        None => file
            .metadata()
            .map_err(|e| RegistryError::io("read", path, e))?
            .len(),
    };
    let descr = metadata.file_metadata().schema_descr();
    let mut input = Input::new(file);
    let mut rows_before = 0_u64;
    let mut walked = 0_u64;
    for rg in metadata.row_groups() {
        let line = rows_before.saturating_add(1);
        guarded(path, line, || {
            for (leaf, chunk) in rg.columns().iter().enumerate() {
                if leaf >= descr.num_columns() {
                    break;
                }
                let root = descr.get_column_root_idx(leaf);
                if roots.binary_search(&root).is_err() {
                    continue;
                }
                // The crate's start (`ColumnChunkMetaData::byte_range`): a dictionary page's
                // offset when there is one, else the first data page's.
                let start = chunk
                    .dictionary_page_offset()
                    .unwrap_or_else(|| chunk.data_page_offset());
                let name = names.get(root).map_or("?", String::as_str);
                let range = (start, chunk.compressed_size());
                let why = match check_chunk(&mut input, name, range, file_len) {
                    Ok(()) => {
                        // Column chunks do not overlap, so the chunks read hold the file's bytes
                        // at most: past that, walking chunks that overlap could take time
                        // quadratic in the file's size.
                        walked = walked.saturating_add(chunk.compressed_size().unsigned_abs());
                        if walked <= file_len {
                            continue;
                        }
                        format!("the column chunks read declare {walked} bytes up to the column `{name}`, more than the file holds ({file_len} bytes)")
                    }
                    Err(Refused::Io(e)) => return Err(RegistryError::io("read", path, e)),
                    Err(Refused::Malformed(why)) => why,
                };
                return Err(malformed(path, line, "G0006.parquet.data", why));
            }
            Ok(())
        })?;
        rows_before = rows_before.saturating_add(u64::try_from(rg.num_rows()).unwrap_or(0));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
