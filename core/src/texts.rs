//! A batch's ids and member kinds, stored without an allocation per text.
//!
//! A batch of 65,536 households has about 300,000 members; with a `Box<str>` per id and per kind,
//! building and dropping batches was mostly the allocator's work (and, in `entitle run`, freeing
//! on one thread what another allocated).

use std::collections::HashMap;

/// Whether two texts are the same. For the short texts of a registry (ids, kinds, codes) this
/// is cheaper than `==`, which calls the C library's `memcmp` every time: texts of up to 16 bytes
/// are compared as two overlapping words (or three bytes), inline.
#[inline]
pub fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let byte = |s: &[u8], at: usize| s.get(at).copied();
    let word4 = |s: &[u8], at: usize| {
        s.get(at..at + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map(u32::from_le_bytes)
    };
    let word8 = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_le_bytes)
    };
    match n {
        0 => true,
        1..=3 => {
            byte(a, 0) == byte(b, 0)
                && byte(a, n / 2) == byte(b, n / 2)
                && byte(a, n - 1) == byte(b, n - 1)
        }
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

/// Whether text with these bytes has nothing for `str::trim` to remove: it starts and ends with
/// a visible ASCII character (above the space), as nearly every registry cell does, so that
/// Unicode's white-space table need not be read. Two comparisons an end: it runs on every cell.
#[inline]
pub fn plain_ends(bytes: &[u8]) -> bool {
    let visible = |b: Option<&u8>| b.is_some_and(|b| *b > b' ' && b.is_ascii());
    visible(bytes.first()) && visible(bytes.last())
}

/// `str::trim`, without Unicode's whitespace table for the common cell (the table lookups were a
/// thirtieth of one household's `evaluate`, four cells each).
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    if plain_ends(s.as_bytes()) {
        s
    } else {
        s.trim()
    }
}

/// `YYYY-MM-DD` for a year of 0 to 9999 (as chrono displays a date), without the formatter: the
/// writers of decision files and registry readers write millions of dates. `None` for other years.
pub fn iso_date(year: i32, month: u32, day: u32) -> Option<[u8; 10]> {
    let y = u32::try_from(year).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + (n % 10) as u8;
    Some([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

/// Where entry `i` starts, given each entry's end.
fn start(ends: &[usize], i: usize) -> usize {
    i.checked_sub(1)
        .and_then(|p| ends.get(p))
        .copied()
        .unwrap_or(0)
}

/// Many short texts in one buffer: text `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Texts {
    text: String,
    ends: Vec<usize>,
}

impl Texts {
    /// Room for `n` more texts of `bytes` bytes in all.
    pub(crate) fn reserve(&mut self, n: usize, bytes: usize) {
        self.ends.reserve(n);
        self.text.reserve(bytes);
    }

    /// The bytes of all its texts.
    pub(crate) fn bytes(&self) -> usize {
        self.text.len()
    }

    pub(crate) fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn start(&self, i: usize) -> usize {
        start(&self.ends, i)
    }

    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        self.text.get(self.start(i)..end)
    }

    pub(crate) fn last(&self) -> Option<&str> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Keeps the first `n` texts.
    pub(crate) fn truncate(&mut self, n: usize) {
        if n < self.len() {
            let end = self.start(n);
            self.ends.truncate(n);
            self.text.truncate(end);
        }
    }
}

/// Distinct kinds found by a scan; past them, by the index.
const SMALL_KINDS: usize = 8;

/// Each member's kinds (usually one), as codes of the distinct kinds of the batch.
#[derive(Clone, Debug, Default)]
pub(crate) struct KindLists {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
    codes: Vec<u32>,
    /// Member `i`'s kinds are `codes[ends[i - 1]..ends[i]]`.
    ends: Vec<usize>,
}

/// One member's kinds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Kinds<'a> {
    codes: &'a [u32],
    names: &'a [Box<str>],
}

impl<'a> Kinds<'a> {
    /// The first kind given (a member's kind, when it has one).
    pub(crate) fn first(self) -> Option<&'a str> {
        self.iter().next()
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = &'a str> {
        let names = self.names;
        self.codes
            .iter()
            .filter_map(move |c| names.get(*c as usize).map(|n| &**n))
    }
}

impl KindLists {
    /// Room for `n` more members (of one kind each).
    pub(crate) fn reserve(&mut self, n: usize) {
        self.codes.reserve(n);
        self.ends.reserve(n);
    }

    /// Adds a member with these kinds (already trimmed, none empty).
    pub(crate) fn push<'k>(&mut self, kinds: impl Iterator<Item = &'k str>) {
        for k in kinds {
            // Few distinct kinds in practice (head, spouse, child...): a short scan finds them,
            // and the index exists only past that many (building it cost a one-household
            // evaluation more than the rest of binding its members).
            let code = match self
                .names
                .iter()
                .take(SMALL_KINDS)
                .position(|n| same_text(n, k))
            {
                Some(c) => c as u32,
                None if self.names.len() <= SMALL_KINDS => self.add(k),
                None => match self.index.get(k) {
                    Some(c) => *c,
                    None => self.add(k),
                },
            };
            self.codes.push(code);
        }
        self.ends.push(self.codes.len());
    }

    /// A new distinct kind; its code.
    fn add(&mut self, k: &str) -> u32 {
        let c = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(k.into());
        if self.names.len() > SMALL_KINDS {
            if self.index.is_empty() {
                for (i, n) in self.names.iter().enumerate() {
                    self.index
                        .insert(n.clone(), u32::try_from(i).unwrap_or(u32::MAX));
                }
            } else {
                self.index.insert(k.into(), c);
            }
        }
        c
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The kinds of member `i`.
    pub(crate) fn get(&self, i: usize) -> Option<Kinds<'_>> {
        let end = *self.ends.get(i)?;
        Some(Kinds {
            codes: self.codes.get(start(&self.ends, i)..end)?,
            names: &self.names,
        })
    }

    /// Empties the lists for another batch. The distinct kinds stay known while they are few
    /// (a reused batch then finds "head" and "child" without allocating them again); past that,
    /// they go too, so that a long-lived batch does not collect every kind it ever saw.
    pub(crate) fn clear(&mut self) {
        self.codes.clear();
        self.ends.clear();
        if self.names.len() > SMALL_KINDS {
            self.names = Vec::new();
            self.index = HashMap::new();
        }
    }

    /// Keeps the first `n` members (the distinct kinds stay known).
    pub(crate) fn truncate(&mut self, n: usize) {
        if n < self.len() {
            let start = start(&self.ends, n);
            self.ends.truncate(n);
            self.codes.truncate(start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_agrees_with_str_trim() {
        let ends = [
            "", "a", "é", " ", "\u{0b}", "\u{0c}", "\t", "\r\n", "\u{a0}", "\u{2003}", "\u{85}",
            "\u{1c}", "\u{0}", "x y",
        ];
        for a in ends {
            for mid in ["", "KES 5000", "\u{a0}Nord ", "1990-01-01"] {
                for b in ends {
                    let s = format!("{a}{mid}{b}");
                    assert_eq!(trim(&s), s.trim(), "{s:?}");
                }
            }
        }
        // The common cell is itself, not a copy.
        let cell = "North";
        assert_eq!(trim(cell).as_ptr(), cell.as_ptr());
    }

    #[test]
    fn same_text_agrees_with_equality_at_every_length() {
        let base: String = ('a'..='z').chain('A'..='Z').collect();
        for n in 0..=40 {
            let a = &base[..n];
            assert!(same_text(a, a), "{n}");
            assert!(!same_text(a, &base[..n.saturating_sub(1)]) || n == 0);
            // One byte changed at each position.
            for i in 0..n {
                let mut b = a.as_bytes().to_vec();
                b[i] = b'#';
                let b = String::from_utf8(b).unwrap();
                assert!(!same_text(a, &b), "{n} {i}");
            }
        }
    }

    #[test]
    fn texts_keep_each_text_and_truncate() {
        let mut t = Texts::default();
        for s in ["H1", "", "Hé2", "H3"] {
            t.push(s);
        }
        assert_eq!(
            (0..5).map(|i| t.get(i)).collect::<Vec<_>>(),
            [Some("H1"), Some(""), Some("Hé2"), Some("H3"), None]
        );
        assert_eq!(t.last(), Some("H3"));
        t.truncate(2);
        assert_eq!((t.len(), t.last(), t.get(2)), (2, Some(""), None));
        t.push("X");
        assert_eq!(t.get(2), Some("X"));
        t.truncate(0);
        assert!(t.is_empty());
        assert_eq!(t.last(), None);
    }

    #[test]
    fn kinds_are_shared_and_kept_in_order() {
        let mut k = KindLists::default();
        k.push(["head", "farmer"].into_iter());
        k.push(std::iter::empty());
        k.push(["child"].into_iter());
        // More distinct kinds than the short scan covers.
        for i in 0..20 {
            k.push([format!("k{i}").as_str(), "head"].into_iter());
        }
        fn all(k: &KindLists, i: usize) -> Option<Vec<&str>> {
            k.get(i).map(|x| x.iter().collect())
        }
        assert_eq!(all(&k, 0), Some(vec!["head", "farmer"]));
        assert_eq!(all(&k, 1), Some(vec![]));
        assert_eq!(k.get(1).and_then(Kinds::first), None);
        assert_eq!(k.get(2).and_then(Kinds::first), Some("child"));
        assert_eq!(all(&k, 22), Some(vec!["k19", "head"]));
        assert_eq!(all(&k, 23), None);
        k.push(["k19"].into_iter());
        assert_eq!(all(&k, 23), Some(vec!["k19"]));
        // Every kind keeps its one code: those in the short scan, those found by the index
        // (including the ones added before it was built), and a new one after.
        let before = k.names.len();
        k.push(["farmer", "k4", "k5", "k6", "k18", "new"].into_iter());
        assert_eq!(
            all(&k, 24),
            Some(vec!["farmer", "k4", "k5", "k6", "k18", "new"])
        );
        assert_eq!(k.names.len(), before + 1);
        let codes = &k.codes[k.codes.len() - 6..];
        assert_eq!(codes, [1, 7, 8, 9, 21, 23]);
        k.truncate(1);
        assert_eq!((k.len(), all(&k, 1)), (1, None));
        k.push(["child"].into_iter());
        assert_eq!(all(&k, 1), Some(vec!["child"]));
    }

    #[test]
    fn cleared_kind_lists_keep_a_few_kinds_and_forget_many() {
        let mut k = KindLists::default();
        k.push(["head"].into_iter());
        k.push(["child"].into_iter());
        k.clear();
        assert_eq!((k.len(), k.names.len()), (0, 2));
        k.push(["child"].into_iter());
        assert_eq!(k.get(0).and_then(Kinds::first), Some("child"));
        assert_eq!(k.names.len(), 2);
        for i in 0..20 {
            k.push([format!("kind{i}").as_str()].into_iter());
        }
        k.clear();
        assert_eq!((k.len(), k.names.len(), k.index.len()), (0, 0, 0));
    }
}
