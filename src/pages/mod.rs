//! One screen per file.

pub mod import;
pub mod roster;
pub mod settings;
