//! What several test files share: running a case on a bounded stack.
//!
//! In release builds that is 1 MiB, the stack of a WebAssembly module in a browser tab: the deepest
//! text the limits allow must be checked and formatted in it (run `cargo test --release -p
//! entitle-dsl`). Debug builds use frames several times larger, so they get 16 MiB: still far too
//! little for a recursion that grew with a megabyte of input.

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
