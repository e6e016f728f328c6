//! The page-header reader on hand-encoded headers, and the checks of a column chunk's pages.

use super::*;
use std::io::Cursor;

fn varint(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out
}

fn zz(n: i64) -> Vec<u8> {
    varint(((n << 1) ^ (n >> 63)) as u64)
}

/// An i32 field in the short form: its id's delta and type, then its value.
fn int(delta: u8, v: i64) -> Vec<u8> {
    [vec![delta << 4 | I32], zz(v)].concat()
}

/// A page header: type, sizes, then `fields` (from id 3 on) and the end.
fn page(uncompressed: i64, compressed: i64, fields: &[u8]) -> Vec<u8> {
    let sizes = [int(1, 0), int(1, uncompressed), int(1, compressed)];
    [sizes.concat(), fields.to_vec(), vec![0]].concat()
}

fn input(bytes: &[u8]) -> Input<Cursor<Vec<u8>>> {
    let mut input = Input::new(Cursor::new(bytes.to_vec()));
    input.limit = bytes.len() as u64;
    input
}

/// The sizes of the header at the start of `bytes` and where it ends, or why not.
fn read(bytes: &[u8]) -> Result<(i32, i32, u64), String> {
    let mut input = input(bytes);
    let h = input.header().map_err(|bad| format!("{bad:?}"))?;
    Ok((h.uncompressed, h.compressed, input.pos))
}

/// A header as writers write it: a data page header (field 5) with statistics, whose min and
/// max are 300 bytes long.
fn written() -> Vec<u8> {
    let long = [varint(300), vec![0xAB; 300]].concat();
    let stats = [
        vec![0x18],
        long.clone(),
        vec![0x18],
        long,
        vec![0x16],
        zz(2),
        vec![0x41, 0],
    ];
    let data = [int(1, 13), int(1, 0), int(1, 3), int(1, 3), vec![0x1C]];
    page(
        1000,
        400,
        &[vec![0x2C], data.concat(), stats.concat(), vec![0]].concat(),
    )
}

#[test]
fn a_written_header_is_read_to_its_end_and_no_further() {
    let h = written();
    let n = h.len() as u64;
    assert_eq!(
        read(&[h.clone(), vec![0x15; 400]].concat()),
        Ok((1000, 400, n))
    );
    // Cut short anywhere, it is an error, not a panic.
    for cut in 0..h.len() {
        assert_eq!(read(&h[..cut]), Err("Long".into()), "{cut}");
    }
    // Any byte changed: sizes or an error, never a panic or a read past the limit.
    for at in 0..h.len() {
        let mut bad = h.clone();
        bad[at] ^= 0xFF;
        let r = read(&bad);
        assert!(r.as_ref().map_or(true, |r| r.2 <= n), "{at}: {r:?}");
    }
}

#[test]
fn long_form_field_headers_and_repeated_fields_are_read_as_the_crate_reads_them() {
    // Fields 3, 2 and 1 in the long form (type, then the id as a zigzag i16), an unknown
    // field 300 of 4 bytes, then field 2 again: the last one counts.
    let long = |id: i64, t: u8| [vec![t], zz(id)].concat();
    let h = [
        long(3, I32),
        zz(77),
        long(2, I32),
        zz(5),
        long(1, I32),
        zz(0),
    ]
    .concat();
    let h = [
        h,
        long(300, BINARY),
        varint(4),
        b"abcd".to_vec(),
        long(2, I32),
        zz(6),
        vec![0],
    ];
    assert_eq!(read(&h.concat()), Ok((6, 77, h.concat().len() as u64)));
    // Known fields are read as integers whatever type they declare, as the crate does: this
    // size, declared binary, is 2,000,000,000, not the length of bytes to skip.
    let h = [int(1, 0), vec![0x18], zz(2_000_000_000), int(1, 9), vec![0]].concat();
    assert_eq!(read(&h), Ok((2_000_000_000, 9, h.len() as u64)));
    // Sizes past 32 bits are cut to 32, as the crate does.
    assert_eq!(read(&page((1 << 32) + 7, 1, &[])).map(|r| r.0), Ok(7));
    assert_eq!(read(&[0x15, 0, 0]), Err("NoSizes".into()));
}

#[test]
fn unknown_fields_of_every_type_are_skipped() {
    let pair = [varint(2), b"xy".to_vec()].concat();
    let fields = [
        vec![0x63, 0x7F],                                         // 9: byte
        [vec![0x14], zz(-300)].concat(),                          // 10: i16
        [vec![0x16], zz(1 << 40)].concat(),                       // 11: i64
        [vec![0x17], 1.5_f64.to_le_bytes().to_vec()].concat(),    // 12: double
        [vec![0x1D], vec![7; 16]].concat(),                       // 13: uuid
        [vec![0x19, 0xF8], varint(20), pair.repeat(20)].concat(), // 14: 20 binaries
        [vec![0x1A, 0x36], zz(1), zz(2), zz(3)].concat(),         // 15: a set of 3 i64
        // 16: a map of binary to list<i32>, of one entry.
        [
            vec![0x1B],
            varint(1),
            vec![0x89],
            pair,
            vec![0x25],
            zz(1),
            zz(2),
        ]
        .concat(),
        vec![0x1B, 0x00],                                         // 17: an empty map
        vec![0x19, 0x31, 1, 2, 1],                                // 18: 3 booleans, a byte each
        [vec![0x1B], varint(2), vec![0x12, 1, 2, 2, 1]].concat(), // 19: map<bool, bool>
        [vec![0x1C], int(1, 5), vec![0x11, 0]].concat(),          // 20: a struct
        vec![0x11],                                               // 21: an inline boolean
        vec![0x19, 0x00],                                         // 22: an empty list, untyped
    ];
    let h = page(10, 10, &fields.concat());
    assert_eq!(
        read(&[h.clone(), vec![0; 10]].concat()),
        Ok((10, 10, h.len() as u64))
    );
}

#[test]
fn a_boolean_the_crate_reads_must_be_declared_boolean() {
    // Field 7, a dictionary page header, whose field 3 (is_sorted) is a boolean.
    let dict = |t: u8| {
        page(
            10,
            10,
            &[vec![0x4C], int(1, 5), int(1, 0), vec![0x10 | t, 0]].concat(),
        )
    };
    assert_eq!(read(&dict(BOOL_FALSE)).map(|r| r.0), Ok(10));
    assert_eq!(read(&dict(BYTE)), Err("NotBool".into()));
}

#[test]
fn nesting_deeper_than_the_crate_skips_is_refused() {
    // Field 9: structs nested `n` deep, the innermost empty.
    let nested = |n: usize| page(1, 1, &[vec![0x6C], vec![0x1C; n - 1], vec![0; n]].concat());
    assert_eq!(read(&nested(64)).map(|r| r.0), Ok(1));
    assert_eq!(read(&nested(65)), Err("Deep".into()));
    let lists = page(1, 1, &[vec![0x69], vec![0x19; 1000], vec![0]].concat());
    assert_eq!(read(&lists), Err("Deep".into()));
}

#[test]
fn unknown_types_and_field_ids_out_of_range_are_refused() {
    assert_eq!(read(&page(1, 1, &[0x6E, 0])), Err("Type(14)".into()));
    assert_eq!(read(&page(1, 1, &[0x69, 0x10])), Err("Type(0)".into()));
    assert_eq!(read(&page(1, 1, &[0x69, 0x1F])), Err("Type(15)".into()));
    assert_eq!(read(&page(1, 1, &[0x6B, 1, 0xF5])), Err("Type(15)".into()));
    // A delta of 0 is the long form; a delta past id 32767 is out of range.
    let past = [vec![0x08], zz(32767), varint(0), vec![0x11]].concat();
    assert_eq!(read(&page(1, 1, &past)), Err("FieldId".into()));
}

#[test]
fn lengths_past_the_bytes_left_stop_at_once() {
    let max = varint(i32::MAX as u64);
    for (field, bad) in [
        ([vec![0x68], varint(1 << 31)].concat(), "Length"),
        ([vec![0x68], varint(1000), vec![0; 9]].concat(), "Long"),
        ([vec![0x69, 0xF5], max.clone()].concat(), "Length"),
        ([vec![0x69, 0xF1], max.clone()].concat(), "Long"),
        ([vec![0x6B], max, vec![0x55]].concat(), "Length"),
    ] {
        assert_eq!(read(&page(1, 1, &field)), Err(bad.into()), "{field:?}");
    }
}

/// A column chunk of pages of these sizes, each with its body.
fn chunk(pages: &[(i64, i64)]) -> Vec<u8> {
    let page = |&(u, c): &(i64, i64)| [page(u, c, &[]), vec![0x33; c.max(0) as usize]].concat();
    pages.iter().flat_map(page).collect()
}

fn check(bytes: &[u8], start: i64, len: i64) -> Result<(), String> {
    let file = bytes.len() as u64;
    check_chunk(&mut input(bytes), "birthdate", (start, len), file).map_err(|r| match r {
        Refused::Malformed(why) => why,
        Refused::Io(e) => e.to_string(),
    })
}

#[test]
fn every_page_is_held_to_the_floor_and_the_ratio() {
    let floor = PAGE_BYTES_ALWAYS_READ;
    let ok = chunk(&[(100, 10), (floor, 1), (1024 * 20_000, 20_000), (0, 0)]);
    let file = [b"PAR1".to_vec(), ok].concat();
    assert_eq!(check(&file, 4, file.len() as i64 - 4), Ok(()));
    for (u, c) in [
        (floor + 1, 1),
        (1024 * 20_000 + 1, 20_000),
        (2_000_000_000, 3000),
    ] {
        let bytes = chunk(&[(100, 10), (u, c), (-1, -1)]);
        assert_eq!(
            check(&bytes, 0, bytes.len() as i64),
            Err(format!("a page of the column `birthdate` declares {u} bytes uncompressed from {c} compressed (at most 16777216 or 1024 times its compressed size are read)"))
        );
    }
}

#[test]
fn pages_lie_inside_their_chunk_and_chunks_inside_the_file() {
    let bytes = chunk(&[(10, 10), (10, 10)]);
    let n = bytes.len() as i64;
    assert_eq!(
        check(&bytes, 0, n - 5),
        Err(
            "a page of the column `birthdate` declares 10 bytes where its column chunk has 5 left"
                .into()
        )
    );
    let second = n / 2;
    assert_eq!(
        check(&bytes, 0, second + 2),
        Err(format!("the page header at byte {second} of the column `birthdate` cannot be read: it runs past its column chunk's end or past 16777216 bytes"))
    );
    for (start, len) in [(0, n + 1), (-1, 5), (2, -1), (i64::MAX, i64::MAX)] {
        assert_eq!(
            check(&bytes, start, len),
            Err(format!("the column `birthdate` declares {len} bytes from byte {start}, which are not inside the file ({n} bytes)"))
        );
    }
    let negative = chunk(&[(-1, 0)]);
    assert_eq!(
        check(&negative, 0, negative.len() as i64),
        Err("a page of the column `birthdate` declares a negative size (-1 bytes uncompressed from 0 compressed)".into())
    );
    assert_eq!(check(&bytes, 3, 0), Ok(()));
}
