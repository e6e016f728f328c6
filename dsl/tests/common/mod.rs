//! What several test files share: running a case on a bounded stack, and a check's errors in
//! English and French.
//!
//! In release builds that is 1 MiB, the stack of a WebAssembly module in a browser tab: the deepest
//! text the limits allow must be checked and formatted in it (run `cargo test --release -p
//! entitle-dsl`). Debug builds use frames several times larger, so they get 16 MiB: still far too
//! little for a recursion that grew with a megabyte of input.
// Each test file that shares this module uses part of it.
#![allow(dead_code)]

pub const STACK: usize = if cfg!(debug_assertions) {
    16 << 20
} else {
    1 << 20
};

/// Runs `f` on a thread with a [`STACK`]-sized stack; panics if it panics or overflows.
pub fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic, no overflow")
}

/// One error of a check: code, line, column, message, help, French message and help.
pub type ErrorEnFr = (&'static str, u32, u32, String, String, String, String);

/// The errors `check` finds in `src`, each in English and in French.
pub fn errors_en_fr(src: &str) -> Vec<ErrorEnFr> {
    entitle_dsl::check(src)
        .diagnostics
        .0
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let fr = d.localized(entitle_dsl::locale::catalog("fr"));
            (
                d.code,
                d.span.line,
                d.span.column,
                d.message.clone(),
                d.help.clone().unwrap_or_default(),
                fr.message,
                fr.help.unwrap_or_default(),
            )
        })
        .collect()
}
