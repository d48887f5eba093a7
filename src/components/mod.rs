//! Pieces shared by pages.

pub mod attendance_sheet;
pub mod audience_picker;
pub mod ballot_form;
pub mod branch_settings;
pub mod checkin_panel;
pub mod draft_field;
pub mod first_run;
pub mod hold_panel;
pub mod hours_settings;
pub mod import_report;
pub mod lang_switch;
pub mod makeup_form;
pub mod meeting_form;
pub mod meeting_summary;
pub mod member_form;
pub mod minutes;
pub mod notices;
pub mod qr;
pub mod receipt_intake;
pub mod scanner;
pub mod sheet_row;
pub mod sync_devices;
pub mod sync_settings;
pub mod sync_status;
pub mod text_size;
