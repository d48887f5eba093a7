//! Local time in the branch's zone. China Standard Time (UTC+8) is the
//! default; every date rule (a quarter's meetings, a year's hours) asks the
//! zone, never the device, because a phone's zone setting may be anything.

use crate::date::Date;
use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, UtcOffset};

/// A fixed offset from UTC, in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Zone(pub i32);

impl Default for Zone {
    fn default() -> Self {
        Zone::CST
    }
}

/// A moment as read on the branch's wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Local {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute.
    pub minute: u8,
    /// Day of the week, Monday = 1 … Sunday = 7.
    pub weekday: u8,
}

impl Local {
    /// Quarter, 1–4.
    pub fn quarter(self) -> u8 {
        (self.month - 1) / 3 + 1
    }

    /// The calendar date.
    pub fn date(self) -> Date {
        Date::from_ymd(self.year, self.month, self.day).expect("a local time has a valid date")
    }
}

impl Zone {
    /// China Standard Time.
    pub const CST: Zone = Zone(8 * 60);

    fn offset(self) -> UtcOffset {
        UtcOffset::from_whole_seconds(self.0.clamp(-18 * 60 + 1, 18 * 60 - 1) * 60).expect("clamped to range")
    }

    /// The wall-clock reading of a Unix time (seconds).
    pub fn local(self, unix: i64) -> Local {
        let at =
            OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH).to_offset(self.offset());
        Local {
            year: at.year(),
            month: at.month() as u8,
            day: at.day(),
            hour: at.hour(),
            minute: at.minute(),
            weekday: at.weekday().number_from_monday(),
        }
    }

    /// The Unix time of a wall-clock reading.
    pub fn unix(self, date: Date, hour: u8, minute: u8) -> Option<i64> {
        let (y, m, d) = date.ymd();
        let month = time::Month::try_from(m).ok()?;
        let date = time::Date::from_calendar_date(y, month, d).ok()?;
        let time = time::Time::from_hms(hour, minute, 0).ok()?;
        Some(time::PrimitiveDateTime::new(date, time).assume_offset(self.offset()).unix_timestamp())
    }

    /// Start of a month (local midnight on the 1st), as Unix time.
    pub fn month_start(self, year: i32, month: u8) -> i64 {
        let (year, month) = if month > 12 { (year + 1, 1) } else { (year, month) };
        Date::from_ymd(year, month, 1).and_then(|d| self.unix(d, 0, 0)).unwrap_or(0)
    }
}

/// Parses `HH:MM` (24-hour).
pub fn parse_hm(text: &str) -> Option<(u8, u8)> {
    let (h, m) = text.trim().split_once([':', '：'])?;
    let (h, m): (u8, u8) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_year_in_beijing_is_still_the_old_year_in_utc() {
        // 2026-12-31 23:00 CST is 15:00 UTC: it belongs to 2026 in CST, and
        // 2027-01-01 00:30 CST (16:30 UTC on 31 Dec) belongs to 2027.
        let late = Zone::CST.unix(Date::parse("2026-12-31").unwrap(), 23, 0).unwrap();
        assert_eq!(Zone::CST.local(late).year, 2026);
        let early = Zone::CST.unix(Date::parse("2027-01-01").unwrap(), 0, 30).unwrap();
        assert_eq!(Zone::CST.local(early).year, 2027);
        assert_eq!(Zone(0).local(early).year, 2026);
        assert_eq!(early - late, 90 * 60);
    }

    #[test]
    fn quarters_and_weekdays() {
        let t = Zone::CST.unix(Date::parse("2026-10-01").unwrap(), 9, 0).unwrap();
        let local = Zone::CST.local(t);
        assert_eq!((local.quarter(), local.weekday), (4, 4));
        assert_eq!(Zone::CST.month_start(2026, 13), Zone::CST.month_start(2027, 1));
    }

    #[test]
    fn hour_minute() {
        assert_eq!(parse_hm("14:30"), Some((14, 30)));
        assert_eq!(parse_hm("9：05"), Some((9, 5)));
        assert_eq!(parse_hm("24:00"), None);
        assert_eq!(parse_hm("1430"), None);
    }
}
