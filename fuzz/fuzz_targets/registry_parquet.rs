#![no_main]
//! See `entitle_fuzz::registry_parquet` for the input format and what is checked.

libfuzzer_sys::fuzz_target!(|data: &[u8]| entitle_fuzz::registry_parquet(data));
