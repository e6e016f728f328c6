//! Entitle's engine.
pub mod error;
pub mod explain;
pub mod model;
pub mod parse;
pub mod result;
