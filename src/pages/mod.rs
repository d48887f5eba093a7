//! One screen per file.

pub mod class;
pub mod hours;
pub mod import;
pub mod invite;
pub mod kiosk;
pub mod me;
pub mod meeting;
pub mod meetings;
pub mod roster;
pub mod round;
pub mod round_codes;
pub mod round_results;
pub mod round_vote;
pub mod rounds;
pub mod settings;
pub mod study;
pub mod year;
