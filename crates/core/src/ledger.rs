//! 台账 exports: a meeting's attendance list, a year's attendance, a year's
//! 学时 and a training class's attendance, as
//! tables (header + rows of text) that the CSV and XLSX writers share. The
//! words are the official Chinese ones whatever the UI language, because the
//! ledger is filed with the Party committee.

use crate::attendance::AttendanceStatus;
use crate::hours::{self, YearHours};
use crate::meetings::{Meeting, MeetingKind};
use crate::sheet::{self, Sheet, Source};
use crate::state::State;
use crate::training::ClassReport;
use crate::zone::Zone;

/// A table to export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Columns that hold numbers (written as numbers in XLSX).
    pub numeric: Vec<usize>,
}

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// 签到 / 迟到 / 早退 / 请假 / 缺席.
pub fn status_zh(status: AttendanceStatus) -> &'static str {
    match status {
        AttendanceStatus::Present => "签到",
        AttendanceStatus::Late => "迟到",
        AttendanceStatus::LeftEarly => "早退",
        AttendanceStatus::Leave => "请假",
        AttendanceStatus::Absent => "缺席",
    }
}

/// How a row's state was recorded, in Chinese.
pub fn source_zh(source: Source) -> &'static str {
    match source {
        Source::Organizer => "组织者登记",
        Source::Verified => "本人签到（已核验）",
        Source::Unverified => "本人签到（待核验）",
        Source::Rejected => "本人签到（核验未通过）",
        Source::Derived => "",
        Source::LateEntry => "补录",
    }
}

/// 支部党员大会 …
pub fn kind_zh(kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::General => "支部党员大会",
        MeetingKind::Committee => "支委会",
        MeetingKind::Group => "党小组会",
        MeetingKind::Lecture => "党课",
        MeetingKind::ThemeDay => "主题党日",
        MeetingKind::LifeMeeting => "组织生活会",
        MeetingKind::Appraisal => "民主评议党员",
        MeetingKind::Study => "其他学习",
        MeetingKind::Training => "培训",
    }
}

fn date_time(zone: Zone, unix: i64) -> String {
    let l = zone.local(unix);
    format!("{:04}-{:02}-{:02} {:02}:{:02}", l.year, l.month, l.day, l.hour, l.minute)
}

fn row_cells(sheet: &Sheet, zone: Zone) -> impl Iterator<Item = Vec<String>> + '_ {
    sheet.rows.iter().map(move |r| {
        vec![
            r.name.clone(),
            r.group.clone(),
            r.status.map_or("未签到", status_zh).to_owned(),
            r.source.map_or("", source_zh).to_owned(),
            r.at.map(|at| date_time(zone, at)).unwrap_or_default(),
            r.leave.as_ref().map(|(q, _)| q.reason.clone()).unwrap_or_default(),
            r.make_up.as_ref().map(|m| format!("{} {}（{}确认）", m.date, m.what, m.confirmed_by)).unwrap_or_default(),
        ]
    })
}

const MEMBER_COLUMNS: [&str; 7] = ["姓名", "党小组", "出勤", "记录方式", "签到时间", "请假事由", "补课"];

/// One meeting's attendance list, in sheet order.
pub fn meeting_table(sheet: &Sheet, zone: Zone) -> Table {
    Table { header: header(&MEMBER_COLUMNS), rows: row_cells(sheet, zone).collect(), numeric: Vec::new() }
}

/// Every held meeting of a year, one row per expected member.
pub fn year_table(state: &State, year: i32) -> Table {
    let settings = state.settings();
    let zone = settings.zone;
    let mut header = header(&["会议时间", "会议类型", "主题"]);
    header.extend(MEMBER_COLUMNS.map(str::to_owned));
    let mut rows = Vec::new();
    for meeting in held_in(state, year, zone) {
        let sheet = sheet::sheet(state, &meeting, &settings, None);
        for cells in row_cells(&sheet, zone) {
            let mut row = vec![date_time(zone, meeting.start), kind_zh(meeting.kind).to_owned(), meeting.topic.clone()];
            row.extend(cells);
            rows.push(row);
        }
    }
    Table { header, rows, numeric: Vec::new() }
}

/// Held meetings starting in a local year, by start.
pub fn held_in(state: &State, year: i32, zone: Zone) -> Vec<Meeting> {
    crate::alerts::held(state, Some(year), zone)
}

/// 学时 per member for a year: where the hours came from, the target and
/// what is left.
pub fn hours_table(hours: &YearHours) -> Table {
    let rows = hours
        .lines
        .iter()
        .map(|l| {
            let f = &l.member.fields;
            let state = if l.exempt() {
                "免于考核"
            } else if l.behind() {
                "未达标"
            } else {
                "已达标"
            };
            vec![
                f.name.clone(),
                f.group.clone(),
                f.role.zh().to_owned(),
                hours::format(l.target),
                hours::format(l.training),
                hours::format(l.meetings),
                hours::format(l.self_study),
                hours::format(l.total()),
                hours::format(l.left()),
                hours::format(l.pending),
                state.to_owned(),
            ]
        })
        .collect();
    Table {
        header: header(&[
            "姓名",
            "党小组",
            "职务",
            "目标学时",
            "培训学时",
            "会议学时",
            "自学学时",
            "合计",
            "尚差",
            "待确认自学",
            "状态",
        ]),
        rows,
        numeric: (3..10).collect(),
    }
}

/// A class's attendance: one row per member, one column per session
/// (✓ attended), then 学时 earned and completion.
pub fn class_table(state: &State, report: &ClassReport, zone: Zone) -> Table {
    let mut head = header(&["姓名", "党小组"]);
    for (session, credit) in report.sessions.iter().zip(&report.credits) {
        head.push(format!("{} {}（{}学时）", date_time(zone, session.start), session.topic, hours::format(*credit)));
    }
    let n = head.len();
    head.extend(header(&["所得学时", "应得学时", "是否结业", "培训对象"]));
    let rows = report
        .lines
        .iter()
        .map(|l| {
            let member = state.member(&l.member);
            let mut row = vec![
                member.as_ref().map_or_else(|| l.member.to_string(), |m| m.fields.name.clone()),
                member.as_ref().map(|m| m.fields.group.clone()).unwrap_or_default(),
            ];
            row.extend(l.attended.iter().map(|a| if *a { "✓" } else { "" }.to_owned()));
            row.push(hours::format(l.earned));
            row.push(hours::format(report.total));
            row.push(if l.completed { "是" } else { "否" }.to_owned());
            row.push(if l.targeted { "是" } else { "否" }.to_owned());
            row
        })
        .collect();
    Table { header: head, rows, numeric: vec![n, n + 1] }
}

/// A table as CSV: UTF-8 with BOM and CRLF (Excel opens it right); cells a
/// spreadsheet would run as formulas get a leading `'`.
pub fn csv(table: &Table) -> Vec<u8> {
    let guard = |cell: &String| {
        if crate::roster_csv::looks_like_formula(cell) { format!("'{cell}") } else { cell.clone() }
    };
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(b"\xEF\xBB\xBF".to_vec());
    let result = (|| -> csv::Result<Vec<u8>> {
        writer.write_record(&table.header)?;
        for row in &table.rows {
            writer.write_record(row.iter().map(guard))?;
        }
        writer.into_inner().map_err(|e| e.into_error().into())
    })();
    result.expect("writing CSV to memory cannot fail")
}

/// A table as an XLSX workbook (one sheet, bold frozen header row).
pub fn xlsx(table: &Table, sheet_name: &str) -> Vec<u8> {
    crate::xlsx::workbook(sheet_name, &table.header, &table.rows, &table.numeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn table() -> Table {
        Table {
            header: header(&["姓名", "出勤"]),
            rows: vec![vec!["张三".into(), "签到".into()], vec!["=cmd()".into(), "缺席".into()]],
            numeric: Vec::new(),
        }
    }

    #[test]
    fn csv_has_bom_crlf_and_defused_formulas() {
        let text = String::from_utf8(csv(&table())).unwrap();
        assert_eq!(text, "\u{feff}姓名,出勤\r\n张三,签到\r\n'=cmd(),缺席\r\n");
    }

    #[test]
    fn xlsx_opens_as_a_workbook_with_the_rows_as_text() {
        let bytes = xlsx(&table(), "签到表");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut s = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
            s
        };
        let workbook = read("xl/workbook.xml");
        assert!(workbook.contains(r#"name="签到表""#), "{workbook}");
        let sheet = read("xl/worksheets/sheet1.xml");
        for (at, cell) in
            [("A1", "姓名"), ("B1", "出勤"), ("A2", "张三"), ("B2", "签到"), ("A3", "=cmd()"), ("B3", "缺席")]
        {
            let expected = format!(r#"<c r="{at}" t="inlineStr""#);
            let start = sheet.find(&expected).unwrap_or_else(|| panic!("{at} missing from {sheet}"));
            assert!(sheet[start..].split("</c>").next().unwrap().contains(&format!(">{cell}</t>")), "{at}");
        }
        // Text, not a formula: no <f> element anywhere in the sheet.
        assert!(!sheet.contains("<f>"));
        // Every part the package names is there.
        for part in ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/styles.xml"] {
            assert!(!read(part).is_empty(), "{part}");
        }
    }
}
