//! Pieces shared by pages.

pub mod lang_switch;
pub mod member_form;
pub mod notices;
