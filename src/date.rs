//! Calendar dates (`YYYY-MM-DD`) and instants (RFC 3339, for schedules), and the clock that
//! `FLAGS_TODAY` / `FLAGS_NOW` override.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A proleptic Gregorian date, stored as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// Parses exactly `YYYY-MM-DD` with a real month and day.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date(days_from_civil(y, m, d)))
    }

    pub fn from_days(days: i64) -> Date {
        Date(days)
    }

    pub fn days(self) -> i64 {
        self.0
    }

    /// The UTC date of a Unix timestamp in seconds.
    pub fn from_unix(secs: i64) -> Date {
        Date(secs.div_euclid(86_400))
    }

    /// Today in UTC, or `FLAGS_TODAY` when set (reproducible CI runs and tests), or the date
    /// of `FLAGS_NOW`.
    pub fn today() -> Date {
        if let Some(d) = std::env::var("FLAGS_TODAY")
            .ok()
            .and_then(|s| Date::parse(&s))
        {
            return d;
        }
        if let Some(t) = env_now() {
            return t.date();
        }
        Date::from_unix(system_secs())
    }

    pub fn add_days(self, n: i64) -> Date {
        Date(self.0 + n)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.0 - self.0
    }
}

fn system_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn env_now() -> Option<Timestamp> {
    std::env::var("FLAGS_NOW")
        .ok()
        .and_then(|s| Timestamp::parse(&s).ok())
}

/// An instant in whole seconds since 1970-01-01T00:00:00Z: what flagd's `$flagd.timestamp`
/// counts, so a schedule compiles to exact comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// An example for messages about timestamps.
pub const TIMESTAMP_EXAMPLE: &str = "2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00";

impl Timestamp {
    /// Parses an RFC 3339 timestamp with `Z` or an offset (`2026-12-01T09:00:00+01:00`), in
    /// exactly the shape files may hold ([`is_timestamp_shaped`]: `T` between date and time,
    /// whole seconds), so that a value accepted on the command line (`--at`, `FLAGS_NOW`) is
    /// one a file accepts too. The error says what is wrong, without the example (callers add
    /// it).
    pub fn parse(s: &str) -> Result<Timestamp, String> {
        use time::format_description::well_known::Rfc3339;
        if !is_timestamp_shaped(s) {
            return Err(why_not_shaped(s));
        }
        if s.get(17..19) == Some("60") {
            return Err(
                "it is a leap second (`:60`), which flagd's clock does not have; use `:59`"
                    .to_string(),
            );
        }
        let t = time::OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
            "that date or time does not exist (a day past the end of its month, an hour past 23, a minute or second past 59)".to_string()
        })?;
        if t.nanosecond() != 0 {
            return Err("it has a fraction of a second; use whole seconds".to_string());
        }
        // Dates are written as YYYY-MM-DD: the instant must fall in years 0000 to 9999 in UTC
        // too (`0000-01-01T00:00:00+01:00` is in year -1).
        const FIRST: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
        const LAST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
        if !(FIRST..=LAST).contains(&t.unix_timestamp()) {
            return Err("in UTC it falls outside the years 0000 to 9999".to_string());
        }
        Ok(Timestamp(t.unix_timestamp()))
    }

    pub fn from_unix(secs: i64) -> Timestamp {
        Timestamp(secs)
    }

    pub fn unix(self) -> i64 {
        self.0
    }

    /// Now, or `FLAGS_NOW` when set, or the start (00:00:00Z) of `FLAGS_TODAY` when only that
    /// is set, so that a run pinned to a day is pinned to one instant too.
    pub fn now() -> Timestamp {
        if let Some(t) = env_now() {
            return t;
        }
        if let Some(d) = std::env::var("FLAGS_TODAY")
            .ok()
            .and_then(|s| Date::parse(&s))
        {
            return Timestamp::start_of(d);
        }
        Timestamp(system_secs())
    }

    /// 00:00:00Z of a date.
    pub fn start_of(d: Date) -> Timestamp {
        Timestamp(d.days().saturating_mul(86_400))
    }

    /// The last second (23:59:59Z) of a date.
    pub fn end_of(d: Date) -> Timestamp {
        Timestamp(d.days().saturating_add(1).saturating_mul(86_400) - 1)
    }

    /// The UTC date of this instant.
    pub fn date(self) -> Date {
        Date::from_unix(self.0)
    }
}

/// The shape of a timestamp in a file and on the command line (the schema's pattern for a
/// schedule entry's `at`): RFC 3339 with `T`, whole seconds (`.000` allowed) and `Z` or an
/// offset. Whether the date and time exist is [`Timestamp::parse`]'s to say.
pub const TIMESTAMP_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.0+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";

/// Whether `s` matches [`TIMESTAMP_PATTERN`].
pub fn is_timestamp_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let at = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if !(digits(0..4) && at(4, b"-") && digits(5..7) && at(7, b"-") && digits(8..10))
        || !(at(10, b"Tt") && digits(11..13) && at(13, b":") && digits(14..16))
        || !(at(16, b":") && digits(17..19))
    {
        return false;
    }
    let mut i = 19;
    if at(i, b".") {
        let zeros = b[i + 1..].iter().take_while(|&&c| c == b'0').count();
        if zeros == 0 {
            return false;
        }
        i += 1 + zeros;
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            digits(i + 1..i + 3) && at(i + 3, b":") && digits(i + 4..i + 6) && i + 6 == b.len()
        }
        _ => false,
    }
}

/// Why `s` is not [`is_timestamp_shaped`], as precisely as can be told.
fn why_not_shaped(s: &str) -> String {
    let b = s.as_bytes();
    let has_offset = s.len() > 10
        && (s.ends_with(['Z', 'z'])
            || s.get(s.len().saturating_sub(6)..)
                .is_some_and(|t| t.starts_with(['+', '-']) && t.as_bytes().get(3) == Some(&b':')));
    if Date::parse(s).is_some() {
        "it is a date without a time".to_string()
    } else if b.get(10) == Some(&b' ') {
        "it separates the date and the time with a space; write `T`".to_string()
    } else if looks_like_date_time(s) && b.get(19) == Some(&b'.') {
        "it has a fraction of a second; use whole seconds".to_string()
    } else if looks_like_date_time(s) && !has_offset {
        "it has no offset (add `Z` for UTC, or `+01:00` and the like)".to_string()
    } else {
        "it is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS and `Z` or an offset)".to_string()
    }
}

/// Whether `s` starts like `YYYY-MM-DDTHH:MM:SS` (for a precise message when it does not
/// parse).
fn looks_like_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't')
        && b[13] == b':'
        && b[16] == b':'
}

/// Checks `FLAGS_NOW` when it is set: a clock override that does not parse must stop the
/// command rather than be ignored.
pub fn check_env_now() -> Result<(), String> {
    match std::env::var("FLAGS_NOW") {
        Ok(s) => Timestamp::parse(&s).map(|_| ()).map_err(|why| {
            format!(
                "`FLAGS_NOW` is `{}`, which is not a valid timestamp: {why}; e.g. {TIMESTAMP_EXAMPLE}",
                crate::escape::escape(&s)
            )
        }),
        Err(_) => Ok(()),
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC: `2026-12-01T08:00:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(86_400);
        write!(
            f,
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms (public domain), exact for every Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects() {
        for s in [
            "1970-01-01",
            "2024-02-29",
            "2026-11-25",
            "1999-12-31",
            "2100-03-01",
        ] {
            assert_eq!(Date::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().days(), 1);
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01",
            "2026-01-32",
            "2026/01/01",
            "+026-01-01",
            "",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        let a = Date::parse("2026-10-01").unwrap();
        assert_eq!(a.days_until(Date::parse("2026-11-25").unwrap()), 55);
        assert_eq!(Date::from_unix(1_764_028_800).to_string(), "2025-11-25");
    }

    #[test]
    fn timestamps_need_an_offset_and_whole_seconds() {
        let t = |s: &str| Timestamp::parse(s).map(|t| t.to_string());
        assert_eq!(t("2026-12-01T09:00:00Z").unwrap(), "2026-12-01T09:00:00Z");
        assert_eq!(
            t("2026-12-01T10:00:00+01:00").unwrap(),
            "2026-12-01T09:00:00Z"
        );
        assert_eq!(
            t("2026-12-01T00:30:00+02:00").unwrap(),
            "2026-11-30T22:30:00Z"
        );
        assert_eq!(t("1969-12-31T23:59:59Z").unwrap(), "1969-12-31T23:59:59Z");
        assert_eq!(
            Timestamp::parse("2026-12-01T09:00:00Z").unwrap().unix(),
            1_796_115_600
        );
        assert_eq!(t("2026-12-01").unwrap_err(), "it is a date without a time");
        assert_eq!(
            t("2026-12-01T09:00:00").unwrap_err(),
            "it has no offset (add `Z` for UTC, or `+01:00` and the like)"
        );
        assert_eq!(
            t("2026-12-01T09:00:00.5Z").unwrap_err(),
            "it has a fraction of a second; use whole seconds"
        );
        assert!(t("2026-12-01T09:00:00.000Z").is_ok());
        assert_eq!(
            t("2026-12-01 09:00:00Z").unwrap_err(),
            "it separates the date and the time with a space; write `T`"
        );
        for bad in ["", "tomorrow", "2026-12-01T09:00Z", "2026-12-01T09:00:00 Z"] {
            assert!(
                t(bad).unwrap_err().starts_with("it is not an RFC 3339"),
                "{bad}"
            );
        }
        for missing in [
            "2026-13-01T09:00:00Z",
            "2026-12-01T25:00:00Z",
            "2026-02-29T09:00:00Z",
        ] {
            assert!(
                t(missing)
                    .unwrap_err()
                    .starts_with("that date or time does not exist"),
                "{missing}"
            );
        }
        assert!(
            t("2026-12-31T23:59:60Z")
                .unwrap_err()
                .starts_with("it is a leap second")
        );
        for outside in ["0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"] {
            assert_eq!(
                t(outside).unwrap_err(),
                "in UTC it falls outside the years 0000 to 9999",
                "{outside}"
            );
        }
        assert!(t("0000-01-01T00:00:00Z").is_ok() && t("9999-12-31T23:59:59Z").is_ok());
        // Every shape the parser takes is one a file takes (the schema's pattern).
        for ok in ["2026-12-01t09:00:00z", "2026-12-01T09:00:00.00-05:30"] {
            assert!(t(ok).is_ok() && is_timestamp_shaped(ok), "{ok}");
        }
        let d = Date::parse("2026-12-01").unwrap();
        assert_eq!(Timestamp::start_of(d).to_string(), "2026-12-01T00:00:00Z");
        assert_eq!(Timestamp::end_of(d).to_string(), "2026-12-01T23:59:59Z");
        assert_eq!(Timestamp::end_of(d).date(), d);
    }
}
