//! License expiry (kots-internals §1.7, KOTS's `LicenseIsExpired`) and the RFC 3339 timestamps it
//! needs, parsed as Go's `time.Parse(time.RFC3339, …)` parses them.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use super::model::{EntitlementValue, License};
use super::LicenseError;

/// An instant with nanosecond precision, as seconds and nanoseconds since the Unix epoch (UTC).
///
/// ```
/// use kots_core::license::Timestamp;
///
/// let t = Timestamp::parse_rfc3339("2030-07-27T02:00:00.5+02:00").unwrap();
/// assert_eq!(t.to_string(), "2030-07-27T00:00:00.5Z");
/// assert!(t < Timestamp::parse_rfc3339("2030-07-27T00:00:01Z").unwrap());
/// assert!(Timestamp::parse_rfc3339("2030-07-27").is_err()); // a time and zone are required
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    pub unix_seconds: i64,
    /// 0..1_000_000_000.
    pub nanos: u32,
}

impl Timestamp {
    /// The current time of the system clock.
    pub fn now() -> Timestamp {
        Timestamp::from(SystemTime::now())
    }

    /// Parses RFC 3339 as Go's `time.RFC3339` layout does: `YYYY-MM-DDTHH:MM:SS`, optional
    /// fractional seconds (`.` or `,`, any number of digits), then `Z` or `±HH:MM`.
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, LicenseError> {
        parse(text).map_err(|reason| LicenseError::InvalidTimestamp {
            value: text.to_string(),
            reason: reason.to_string(),
        })
    }
}

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Timestamp {
        match time.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp {
                unix_seconds: d.as_secs() as i64,
                nanos: d.subsec_nanos(),
            },
            Err(e) => {
                let d = e.duration();
                let (secs, nanos) = (d.as_secs() as i64, d.subsec_nanos());
                if nanos == 0 {
                    Timestamp {
                        unix_seconds: -secs,
                        nanos: 0,
                    }
                } else {
                    Timestamp {
                        unix_seconds: -secs - 1,
                        nanos: 1_000_000_000 - nanos,
                    }
                }
            }
        }
    }
}

/// RFC 3339 in UTC, fractional seconds without trailing zeros.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.unix_seconds.div_euclid(86_400);
        let secs = self.unix_seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

fn parse(text: &str) -> Result<Timestamp, &'static str> {
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err("expected YYYY-MM-DDTHH:MM:SS followed by Z or an offset");
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, &'static str> {
        let part = &b[range];
        if part.iter().all(u8::is_ascii_digit) {
            Ok(part
                .iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
        } else {
            Err("expected digits")
        }
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) {
        return Err("month out of range");
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err("day out of range");
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err("time of day out of range");
    }
    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let [b'.' | b',', tail @ ..] = rest {
        let digits = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err("expected digits after the decimal separator");
        }
        // Go keeps nanoseconds: the first nine digits.
        for i in 0..9 {
            nanos = nanos * 10
                + tail
                    .get(i)
                    .filter(|_| i < digits)
                    .map_or(0, |d| u32::from(d - b'0'));
        }
        rest = &tail[digits..];
    }
    let offset = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err("bad zone offset");
            }
            let (h, m) = (
                i64::from((h1 - b'0') * 10 + (h2 - b'0')),
                i64::from((m1 - b'0') * 10 + (m2 - b'0')),
            );
            if h > 23 || m > 59 {
                return Err("zone offset out of range");
            }
            let seconds = h * 3600 + m * 60;
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return Err("expected Z or a ±HH:MM zone offset after the time"),
    };
    let days = days_from_civil(year, month, day);
    Ok(Timestamp {
        unix_seconds: days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        nanos,
    })
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl License {
    /// The `expires_at` entitlement as KOTS reads it: `None` when absent or empty, an error when
    /// its `valueType` is set and not `String`, its value is not a string, or not RFC 3339.
    pub fn expires_at(&self) -> Result<Option<Timestamp>, LicenseError> {
        let Some(entitlement) = self.entitlement("expires_at") else {
            return Ok(None);
        };
        let reason = |reason: String| LicenseError::ExpiresAt { reason };
        if !entitlement.value_type.is_empty() && entitlement.value_type != "String" {
            return Err(reason(format!(
                "expires_at must be type String: {}",
                entitlement.value_type
            )));
        }
        match entitlement.effective_value(self.version) {
            Some(EntitlementValue::String(s)) if s.is_empty() => Ok(None),
            Some(EntitlementValue::String(s)) => Timestamp::parse_rfc3339(&s)
                .map(Some)
                .map_err(|e| reason(format!("failed to parse expiration time: {e}"))),
            _ => Err(reason("expires_at value is not a string".into())),
        }
    }

    /// Whether the license has expired at `now` (the injectable clock): `expires_at < now`.
    pub fn is_expired_at(&self, now: Timestamp) -> Result<bool, LicenseError> {
        Ok(self.expires_at()?.is_some_and(|at| at < now))
    }

    /// [`License::is_expired_at`] with the system clock.
    pub fn is_expired(&self) -> Result<bool, LicenseError> {
        self.is_expired_at(Timestamp::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_go_rfc3339() {
        let t = |s: &str| Timestamp::parse_rfc3339(s).map(|t| (t.unix_seconds, t.nanos));
        assert_eq!(t("1970-01-01T00:00:00Z").unwrap(), (0, 0));
        assert_eq!(t("2025-12-31T23:59:59Z").unwrap(), (1_767_225_599, 0));
        assert_eq!(t("1969-12-31T23:59:59.25Z").unwrap(), (-1, 250_000_000));
        assert_eq!(t("2000-01-01T01:00:00+01:00").unwrap(), (946_684_800, 0));
        assert_eq!(
            t("2000-01-01T00:00:00,123456789999Z").unwrap(),
            (946_684_800, 123_456_789)
        );
        assert_eq!(t("2024-02-29T00:00:00-00:30").unwrap().0, 1_709_166_600);
        for bad in [
            "2023-02-29T00:00:00Z",
            "2030-07-27t00:00:00Z",
            "2030-07-27T00:00:00",
            "2030-07-27T00:00:00z",
            "2030-07-27T24:00:00Z",
            "2030-07-27T00:00:60Z",
            "2030-07-27T00:00:00.Z",
            "2030-07-27T00:00:00+0200",
            "2030-07-27T00:00:00+24:00",
            "2030-13-01T00:00:00Z",
            "2030-07-27",
            "",
            "２０３０-07-27T00:00:00Z",
        ] {
            assert!(t(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn displays_utc_and_converts_system_time() {
        let t = Timestamp::parse_rfc3339("1969-07-20T20:17:40.000000001-05:00").unwrap();
        assert_eq!(t.to_string(), "1969-07-21T01:17:40.000000001Z");
        let before_epoch = UNIX_EPOCH - std::time::Duration::from_millis(1500);
        assert_eq!(
            Timestamp::from(before_epoch),
            Timestamp {
                unix_seconds: -2,
                nanos: 500_000_000
            }
        );
    }
}
