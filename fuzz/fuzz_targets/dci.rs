#![no_main]
//! See `entitle_fuzz::dci` for the input format and what is checked.

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitle_fuzz::dci(data));
