//! Calendar dates as branch records write them (ISO `2026-11-26`, or the
//! `2026/11/26` and `2026.11.26` that Excel and people type).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::Month;

/// A valid calendar date, stored as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

impl Date {
    /// Parses `YYYY-MM-DD`, `YYYY/M/D`, `YYYY.M.D` or `YYYY年M月D日`.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim().trim_end_matches('日');
        let parts: Vec<&str> = text.split(['-', '/', '.', '年', '月']).collect();
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || !all_digits(y) || m.len() > 2 || !all_digits(m) || d.len() > 2 || !all_digits(d) {
            return None;
        }
        let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
        time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok().map(Date)
    }

    /// A date from its parts, if it exists.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Date> {
        time::Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok().map(Date)
    }

    /// The day after.
    pub fn next_day(self) -> Option<Date> {
        self.0.next_day().map(Date)
    }

    /// Day of the week, Monday = 1 … Sunday = 7.
    pub fn weekday(self) -> u8 {
        self.0.weekday().number_from_monday()
    }

    /// Year, month (1–12) and day.
    pub fn ymd(self) -> (i32, u8, u8) {
        (self.0.year(), self.0.month() as u8, self.0.day())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not a date: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(Date::parse(input).map(|d| d.to_string()).as_deref(), expected, "{input}");
    }

    #[test]
    fn parses_the_forms_people_type() {
        check("1998-07-01", Some("1998-07-01"));
        check("1998/7/1", Some("1998-07-01"));
        check(" 2003.6.18 ", Some("2003-06-18"));
        check("2026年11月26日", Some("2026-11-26"));
        check("2024-02-29", Some("2024-02-29"));
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        check("2023-02-29", None);
        check("98-07-01", None);
        check("2026-13-01", None);
        check("2026-1-1-1", None);
        check("", None);
        check("abcd-ef-gh", None);
    }
}
