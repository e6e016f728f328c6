#![no_main]
//! See `entitle_fuzz::evaluate` for the input format and what is checked.

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitle_fuzz::evaluate(data));
