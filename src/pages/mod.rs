//! One screen per file, or per folder for a screen of many parts
//! (`round/`, `study/`).

pub mod appraisal;
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
pub mod rounds;
pub mod settings;
pub mod study;
pub mod year;
