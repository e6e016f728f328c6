//! Helpers shared by several integration test files. Each file includes this module with
//! `mod common;` and uses the submodule it needs.

pub mod run_model;
