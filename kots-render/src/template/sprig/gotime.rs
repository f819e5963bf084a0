//! Go's `time` package as sprig uses it: instants with a location, `Format`/`Parse` with Go's
//! reference-time layouts, `Duration` printing and parsing.

use std::fmt::Write as _;

use super::super::funcs::Zone;

/// Where an instant is shown: Go's `*time.Location`.
#[derive(Clone, Debug)]
pub enum Loc {
    /// `time.UTC`.
    Utc,
    /// A zone with one offset (`time.Local` from the clock provider, `time.FixedZone`).
    Fixed(Zone),
    /// A zone from the tz database (`time.LoadLocation`).
    Named(jiff::tz::TimeZone),
}

impl Loc {
    /// `time.LoadLocation`, with Go's special names.
    pub fn load(name: &str, local: &Zone) -> Option<Loc> {
        match name {
            "" | "UTC" => Some(Loc::Utc),
            "Local" => Some(Loc::Fixed(local.clone())),
            _ => jiff::tz::TimeZone::get(name).ok().map(Loc::Named),
        }
    }

    /// The zone abbreviation and offset in effect at `unix`.
    fn lookup(&self, unix: i64) -> (String, i32) {
        match self {
            Loc::Utc => ("UTC".into(), 0),
            Loc::Fixed(z) => (z.name.clone(), z.offset_seconds),
            Loc::Named(tz) => match jiff::Timestamp::from_second(unix) {
                Ok(ts) => {
                    let info = tz.to_offset_info(ts);
                    (info.abbreviation().to_string(), info.offset().seconds())
                }
                Err(_) => ("UTC".into(), 0),
            },
        }
    }
}

/// A Go `time.Time`: seconds and nanoseconds since the Unix epoch, and a location.
#[derive(Clone, Debug)]
pub struct Time {
    /// Seconds since 1970-01-01 UTC.
    pub unix: i64,
    /// Nanoseconds within the second.
    pub nsec: u32,
    /// The location it is shown in.
    pub loc: Loc,
}

/// Seconds from 0001-01-01 to 1970-01-01 (Go's zero `Time` is year 1).
pub const ZERO_UNIX: i64 = -62_135_596_800;

/// English month names, as Go's `time.Month` prints them.
pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// English day names, as Go's `time.Weekday` prints them.
pub(super) const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// The civil date of a day count since 1970-01-01 (proleptic Gregorian).
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 of a civil date; months and days may be out of range (Go's
/// `time.Date` normalises them).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let (year, month) = (
        year + (month - 1).div_euclid(12),
        (month - 1).rem_euclid(12) + 1,
    );
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + day - 1
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The broken-down local fields of an instant.
pub struct Fields {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub yday: u32,
    pub weekday: usize,
    pub hour: u32,
    pub min: u32,
    pub sec: u32,
    pub zone: String,
    pub offset: i32,
}

impl Time {
    /// Go's zero time, `0001-01-01 00:00:00 +0000 UTC`.
    pub fn zero() -> Time {
        Time {
            unix: ZERO_UNIX,
            nsec: 0,
            loc: Loc::Utc,
        }
    }

    /// The same instant in another location.
    pub fn in_loc(&self, loc: Loc) -> Time {
        Time {
            unix: self.unix,
            nsec: self.nsec,
            loc,
        }
    }

    /// The local calendar fields.
    pub fn fields(&self) -> Fields {
        let (zone, offset) = self.loc.lookup(self.unix);
        let local = self.unix + i64::from(offset);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400) as u32;
        let (year, month, day) = civil(days);
        let yday = (days - days_from_civil(year, 1, 1)) as u32 + 1;
        Fields {
            year,
            month,
            day,
            yday,
            weekday: (days + 4).rem_euclid(7) as usize,
            hour: secs / 3600,
            min: secs / 60 % 60,
            sec: secs % 60,
            zone,
            offset,
        }
    }

    /// Go's `Time.String()`.
    pub fn go_string(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }

    /// `Time.IsZero`.
    pub fn is_zero(&self) -> bool {
        self.unix == ZERO_UNIX && self.nsec == 0
    }

    /// `Time.Add(d)`.
    pub fn add(&self, nanos: i64) -> Time {
        let total =
            i128::from(self.unix) * 1_000_000_000 + i128::from(self.nsec) + i128::from(nanos);
        Time {
            unix: total.div_euclid(1_000_000_000) as i64,
            nsec: total.rem_euclid(1_000_000_000) as u32,
            loc: self.loc.clone(),
        }
    }

    /// Nanoseconds from `other` to `self` (`Time.Sub`), saturating like Go.
    pub fn sub(&self, other: &Time) -> i64 {
        let a = i128::from(self.unix) * 1_000_000_000 + i128::from(self.nsec);
        let b = i128::from(other.unix) * 1_000_000_000 + i128::from(other.nsec);
        (a - b).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// `Time.AddDate(years, months, days)`: calendar arithmetic in the time's location.
    pub fn add_date(&self, years: i64, months: i64, days: i64) -> Time {
        let f = self.fields();
        date(
            f.year + years,
            i64::from(f.month) + months,
            i64::from(f.day) + days,
            i64::from(f.hour) * 3600 + i64::from(f.min) * 60 + i64::from(f.sec),
            self.nsec,
            self.loc.clone(),
        )
    }

    /// `Time.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        let f = self.fields();
        let mut out = String::with_capacity(layout.len() + 10);
        let mut rest = layout;
        loop {
            let (prefix, std, suffix) = next_chunk(rest);
            out.push_str(prefix);
            let Some(std) = std else { break };
            rest = suffix;
            self.format_chunk(&mut out, std, &f);
        }
        out
    }

    fn format_chunk(&self, out: &mut String, std: Std, f: &Fields) {
        let hour12 = if f.hour.is_multiple_of(12) {
            12
        } else {
            f.hour % 12
        };
        match std {
            Std::Year => pad(out, f.year.abs() % 100, 2),
            Std::LongYear => pad(out, f.year, 4),
            Std::Month => out.push_str(&MONTHS[f.month as usize - 1][..3]),
            Std::LongMonth => out.push_str(MONTHS[f.month as usize - 1]),
            Std::NumMonth => pad(out, i64::from(f.month), 0),
            Std::ZeroMonth => pad(out, i64::from(f.month), 2),
            Std::WeekDay => out.push_str(&DAYS[f.weekday][..3]),
            Std::LongWeekDay => out.push_str(DAYS[f.weekday]),
            Std::Day => pad(out, i64::from(f.day), 0),
            Std::UnderDay => {
                if f.day < 10 {
                    out.push(' ');
                }
                pad(out, i64::from(f.day), 0);
            }
            Std::ZeroDay => pad(out, i64::from(f.day), 2),
            Std::UnderYearDay => {
                if f.yday < 100 {
                    out.push(' ');
                    if f.yday < 10 {
                        out.push(' ');
                    }
                }
                pad(out, i64::from(f.yday), 0);
            }
            Std::ZeroYearDay => pad(out, i64::from(f.yday), 3),
            Std::Hour => pad(out, i64::from(f.hour), 2),
            Std::Hour12 => pad(out, i64::from(hour12), 0),
            Std::ZeroHour12 => pad(out, i64::from(hour12), 2),
            Std::Minute => pad(out, i64::from(f.min), 0),
            Std::ZeroMinute => pad(out, i64::from(f.min), 2),
            Std::Second => pad(out, i64::from(f.sec), 0),
            Std::ZeroSecond => pad(out, i64::from(f.sec), 2),
            Std::PM => out.push_str(if f.hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if f.hour >= 12 { "pm" } else { "am" }),
            Std::Tz(kind) => format_offset(out, kind, f.offset),
            Std::TzName => {
                if f.zone.is_empty() {
                    let zone = f.offset / 60;
                    out.push(if zone < 0 { '-' } else { '+' });
                    pad(out, i64::from(zone.abs() / 60), 2);
                    pad(out, i64::from(zone.abs() % 60), 2);
                } else {
                    out.push_str(&f.zone);
                }
            }
            Std::Frac { digits, trim, sep } => {
                let all = format!("{:09}", self.nsec);
                let mut n = digits.min(9);
                if trim {
                    while n > 0 && all.as_bytes()[n - 1] == b'0' {
                        n -= 1;
                    }
                    if n == 0 {
                        return;
                    }
                }
                out.push(sep);
                out.push_str(&all[..n]);
            }
        }
    }
}

/// Go's `appendInt`: zero-padded to `width`.
fn pad(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    let _ = write!(out, "{:0width$}", x.unsigned_abs(), width = width);
}

/// Numeric zone styles: `-0700`, `Z07:00`...
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TzKind {
    /// `Z` variants print `Z` for UTC.
    iso: bool,
    colon: bool,
    /// Hours only (`-07`).
    short: bool,
    seconds: bool,
}

fn format_offset(out: &mut String, k: TzKind, offset: i32) {
    if offset == 0 && k.iso {
        out.push('Z');
        return;
    }
    let zone = offset / 60;
    out.push(if zone < 0 { '-' } else { '+' });
    let (zone, abs) = (zone.abs(), offset.abs());
    pad(out, i64::from(zone / 60), 2);
    if k.colon {
        out.push(':');
    }
    if !k.short {
        pad(out, i64::from(zone % 60), 2);
    }
    if k.seconds {
        if k.colon {
            out.push(':');
        }
        pad(out, i64::from(abs % 60), 2);
    }
}

/// A layout element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    Year,
    LongYear,
    Month,
    LongMonth,
    NumMonth,
    ZeroMonth,
    WeekDay,
    LongWeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    PM,
    Pm,
    Tz(TzKind),
    TzName,
    Frac {
        digits: usize,
        trim: bool,
        sep: char,
    },
}

const fn tz(iso: bool, colon: bool, short: bool, seconds: bool) -> Std {
    Std::Tz(TzKind {
        iso,
        colon,
        short,
        seconds,
    })
}

/// Go's `nextStdChunk`: the literal prefix, the next layout element, and the rest.
fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout[i..].starts_with(s);
    let lower_after = |i: usize| b.get(i).is_some_and(u8::is_ascii_lowercase);
    for i in 0..b.len() {
        let hit: Option<(Std, usize)> = match b[i] {
            b'J' if at(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if at(i, "Jan") && !lower_after(i + 3) => Some((Std::Month, 3)),
            b'M' if at(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if at(i, "Mon") && !lower_after(i + 3) => Some((Std::WeekDay, 3)),
            b'M' if at(i, "MST") => Some((Std::TzName, 3)),
            b'0' if b.get(i + 1).is_some_and(|c| (b'1'..=b'6').contains(c)) => {
                let std = [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][usize::from(b[i + 1] - b'1')];
                Some((std, 2))
            }
            b'0' if at(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if at(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if at(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if at(i, "_2006") => {
                return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..])
            }
            b'_' if at(i, "_2") => Some((Std::UnderDay, 2)),
            b'_' if at(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if at(i, "PM") => Some((Std::PM, 2)),
            b'p' if at(i, "pm") => Some((Std::Pm, 2)),
            b'-' if at(i, "-070000") => Some((tz(false, false, false, true), 7)),
            b'-' if at(i, "-07:00:00") => Some((tz(false, true, false, true), 9)),
            b'-' if at(i, "-0700") => Some((tz(false, false, false, false), 5)),
            b'-' if at(i, "-07:00") => Some((tz(false, true, false, false), 6)),
            b'-' if at(i, "-07") => Some((tz(false, false, true, false), 3)),
            b'Z' if at(i, "Z070000") => Some((tz(true, false, false, true), 7)),
            b'Z' if at(i, "Z07:00:00") => Some((tz(true, true, false, true), 9)),
            b'Z' if at(i, "Z0700") => Some((tz(true, false, false, false), 5)),
            b'Z' if at(i, "Z07:00") => Some((tz(true, true, false, false), 6)),
            b'Z' if at(i, "Z07") => Some((tz(true, false, true, false), 3)),
            b'.' | b',' if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while b.get(j) == Some(&ch) {
                    j += 1;
                }
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    let std = Std::Frac {
                        digits: j - i - 1,
                        trim: ch == b'9',
                        sep: char::from(b[i]),
                    };
                    Some((std, j - i))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = hit {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
    }
    (layout, None, "")
}

/// Go's `time.Date`, normalising out-of-range fields, in `loc` (for a tz-database zone the
/// offset is looked up at the UTC reading first, as Go does).
pub fn date(year: i64, month: i64, day: i64, secs_of_day: i64, nsec: u32, loc: Loc) -> Time {
    let local = days_from_civil(year, month, day) * 86_400 + secs_of_day;
    let (_, offset) = loc.lookup(local);
    let mut unix = local - i64::from(offset);
    let (_, offset2) = loc.lookup(unix);
    if offset2 != offset {
        unix = local - i64::from(offset2);
    }
    Time { unix, nsec, loc }
}

/// Go's time-layout quoting in error messages.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if (c as u32) >= 0x80 || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\x{b:02x}");
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

fn parse_error(layout: &str, value: &str, layout_elem: &str, value_elem: &str) -> String {
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        quote(value),
        quote(layout),
        quote(value_elem),
        quote(layout_elem)
    )
}

/// The number at the start of `s`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if !b.get(1).is_some_and(u8::is_ascii_digit) {
        if fixed {
            return None;
        }
        return Some((i64::from(b[0] - b'0'), &s[1..]));
    }
    Some((
        i64::from(b[0] - b'0') * 10 + i64::from(b[1] - b'0'),
        &s[2..],
    ))
}

/// Case-insensitive prefix lookup in a name table.
fn lookup<'a>(table: &[&str], value: &'a str, len: Option<usize>) -> Option<(usize, &'a str)> {
    table.iter().enumerate().find_map(|(i, name)| {
        let name = len.map_or(*name, |n| &name[..n]);
        let head = value.get(..name.len())?;
        head.eq_ignore_ascii_case(name)
            .then(|| (i, &value[name.len()..]))
    })
}

/// Go's `skip`: matches the literal `prefix`, where runs of spaces match runs of spaces.
fn skip<'a>(mut value: &'a str, mut prefix: &str) -> Option<&'a str> {
    while let Some(&p) = prefix.as_bytes().first() {
        if p == b' ' {
            if value.as_bytes().first().is_some_and(|&c| c != b' ') {
                return None;
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        // Compare whole runes so non-ASCII literals never split a character.
        let c = prefix.chars().next()?;
        value = value.strip_prefix(c)?;
        prefix = &prefix[c.len_utf8()..];
    }
    Some(value)
}

/// Go's `atoi` of the time package: optional sign and digits only.
fn small_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 18 {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    Some(if s.starts_with('-') { -v } else { v })
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at the start of `value`.
fn zone_name_len(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if value.starts_with("ChST") || value.starts_with("MeST") {
        return Some(4);
    }
    if let Some(rest) = value.strip_prefix("GMT") {
        return Some(3 + signed_offset_len(rest));
    }
    if b[0] == b'+' || b[0] == b'-' {
        return Some(signed_offset_len(value)).filter(|&n| n > 0);
    }
    let upper = b
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        5 if b[4] == b'T' => Some(5),
        4 if b[3] == b'T' || value.starts_with("WITA") => Some(4),
        3 => Some(3),
        _ => None,
    }
}

fn signed_offset_len(value: &str) -> usize {
    let b = value.as_bytes();
    if !matches!(b.first(), Some(b'+' | b'-')) {
        return 0;
    }
    let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || value[1..1 + digits].parse::<u64>().map_or(true, |x| x > 23) {
        return 0;
    }
    1 + digits
}

/// Fractional seconds `.ddd` (with its separator) as nanoseconds.
fn nanos(value: &str, nbytes: usize) -> Result<i64, ()> {
    if !matches!(value.as_bytes().first(), Some(b'.' | b',')) {
        return Err(());
    }
    let nbytes = nbytes.min(10);
    let ns = small_atoi(value.get(1..nbytes).ok_or(())?).ok_or(())?;
    Ok(ns * 10i64.pow((10 - nbytes) as u32))
}

/// `time.ParseInLocation(layout, value, local)` with `local` as both default and local zone.
pub fn parse(layout: &str, value: &str, local: &Zone) -> Result<Time, String> {
    let (alayout, avalue) = (layout, value);
    let (mut layout, mut value) = (layout, value);
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let (mut am, mut pm) = (false, false);
    let mut utc = false;
    let mut zone_offset: Option<i32> = None;
    let mut zone_name = String::new();
    loop {
        let (prefix, std, suffix) = next_chunk(layout);
        let std_str = &layout[prefix.len()..layout.len() - suffix.len()];
        value = skip(value, prefix).ok_or_else(|| parse_error(alayout, avalue, prefix, value))?;
        let Some(std) = std else {
            if !value.is_empty() {
                return Err(format!(
                    "parsing time {}: extra text: {}",
                    quote(avalue),
                    quote(value)
                ));
            }
            break;
        };
        layout = suffix;
        let before = value;
        let mut range_err = "";
        let ok: Option<&str> = (|| -> Option<&str> {
            match std {
                Std::Year => {
                    let p = value.get(..2)?;
                    let y = small_atoi(p).filter(|_| p.bytes().all(|b| b.is_ascii_digit()))?;
                    year = if y >= 69 { y + 1900 } else { y + 2000 };
                    Some(&value[2..])
                }
                Std::LongYear => {
                    let p = value.get(..4)?;
                    if !p.as_bytes()[0].is_ascii_digit() {
                        return None;
                    }
                    year = small_atoi(p)?;
                    Some(&value[4..])
                }
                Std::Month | Std::LongMonth => {
                    let (i, rest) = lookup(&MONTHS, value, (std == Std::Month).then_some(3))?;
                    month = i as i64 + 1;
                    Some(rest)
                }
                Std::NumMonth | Std::ZeroMonth => {
                    let (m, rest) = getnum(value, std == Std::ZeroMonth)?;
                    month = m;
                    if !(1..=12).contains(&m) {
                        range_err = "month";
                    }
                    Some(rest)
                }
                Std::WeekDay | Std::LongWeekDay => {
                    lookup(&DAYS, value, (std == Std::WeekDay).then_some(3)).map(|(_, rest)| rest)
                }
                Std::Day | Std::UnderDay | Std::ZeroDay => {
                    let v = if std == Std::UnderDay {
                        value.strip_prefix(' ').unwrap_or(value)
                    } else {
                        value
                    };
                    let (d, rest) = getnum(v, std == Std::ZeroDay)?;
                    day = d;
                    Some(rest)
                }
                Std::UnderYearDay | Std::ZeroYearDay => {
                    let mut v = value;
                    if std == Std::UnderYearDay {
                        for _ in 0..2 {
                            v = v.strip_prefix(' ').unwrap_or(v);
                        }
                    }
                    let n = v.bytes().take(3).take_while(u8::is_ascii_digit).count();
                    if n == 0 || (std == Std::ZeroYearDay && n != 3) {
                        return None;
                    }
                    yday = v[..n].parse().ok()?;
                    Some(&v[n..])
                }
                Std::Hour => {
                    let (h, rest) = getnum(value, false)?;
                    hour = h;
                    if !(0..24).contains(&h) {
                        range_err = "hour";
                    }
                    Some(rest)
                }
                Std::Hour12 | Std::ZeroHour12 => {
                    let (h, rest) = getnum(value, std == Std::ZeroHour12)?;
                    hour = h;
                    if !(0..=12).contains(&h) {
                        range_err = "hour";
                    }
                    Some(rest)
                }
                Std::Minute | Std::ZeroMinute => {
                    let (m, rest) = getnum(value, std == Std::ZeroMinute)?;
                    min = m;
                    if !(0..60).contains(&m) {
                        range_err = "minute";
                    }
                    Some(rest)
                }
                Std::Second | Std::ZeroSecond => {
                    let (s, mut rest) = getnum(value, std == Std::ZeroSecond)?;
                    sec = s;
                    if !(0..60).contains(&s) {
                        range_err = "second";
                        return Some(rest);
                    }
                    // A fractional second in the value but not in the layout.
                    let rb = rest.as_bytes();
                    if rb.len() >= 2 && matches!(rb[0], b'.' | b',') && rb[1].is_ascii_digit() {
                        let (_, next, _) = next_chunk(layout);
                        if !matches!(next, Some(Std::Frac { .. })) {
                            let n = 2 + rb[2..].iter().take_while(|c| c.is_ascii_digit()).count();
                            nsec = nanos(rest, n).ok()?;
                            rest = &rest[n..];
                        }
                    }
                    Some(rest)
                }
                Std::PM | Std::Pm => {
                    let p = value.get(..2)?;
                    let (upper_am, upper_pm) = if std == Std::PM {
                        ("AM", "PM")
                    } else {
                        ("am", "pm")
                    };
                    if p == upper_pm {
                        pm = true;
                    } else if p == upper_am {
                        am = true;
                    } else {
                        return None;
                    }
                    Some(&value[2..])
                }
                Std::Tz(k) => {
                    if k.iso && !k.seconds && value.starts_with('Z') {
                        utc = true;
                        return Some(&value[1..]);
                    }
                    let vb = value.as_bytes();
                    let (hh, mm, ss, rest) = if k.colon && !k.seconds {
                        if vb.len() < 6 || vb[3] != b':' {
                            return None;
                        }
                        (value.get(1..3)?, value.get(4..6)?, "00", value.get(6..)?)
                    } else if k.short {
                        (value.get(1..3)?, "00", "00", value.get(3..)?)
                    } else if k.colon {
                        if vb.len() < 9 || vb[3] != b':' || vb[6] != b':' {
                            return None;
                        }
                        (
                            value.get(1..3)?,
                            value.get(4..6)?,
                            value.get(7..9)?,
                            value.get(9..)?,
                        )
                    } else if k.seconds {
                        (
                            value.get(1..3)?,
                            value.get(3..5)?,
                            value.get(5..7)?,
                            value.get(7..)?,
                        )
                    } else {
                        (value.get(1..3)?, value.get(3..5)?, "00", value.get(5..)?)
                    };
                    let off = (small_atoi(hh)? * 60 + small_atoi(mm)?) * 60 + small_atoi(ss)?;
                    let off = match vb[0] {
                        b'+' => off,
                        b'-' => -off,
                        _ => return None,
                    };
                    zone_offset = Some(off as i32);
                    Some(rest)
                }
                Std::TzName => {
                    if let Some(rest) = value.strip_prefix("UTC") {
                        utc = true;
                        return Some(rest);
                    }
                    let n = zone_name_len(value)?;
                    zone_name = value[..n].to_string();
                    Some(&value[n..])
                }
                Std::Frac {
                    digits,
                    trim: false,
                    ..
                } => {
                    let n = 1 + digits;
                    if value.len() < n {
                        return None;
                    }
                    nsec = nanos(value, n).ok()?;
                    Some(&value[n..])
                }
                Std::Frac { trim: true, .. } => {
                    let vb = value.as_bytes();
                    if vb.len() < 2 || !matches!(vb[0], b'.' | b',') || !vb[1].is_ascii_digit() {
                        return Some(value);
                    }
                    let i = vb[1..]
                        .iter()
                        .take(9)
                        .take_while(|c| c.is_ascii_digit())
                        .count();
                    nsec = nanos(value, 1 + i).ok()?;
                    Some(&value[1 + i..])
                }
            }
        })();
        if !range_err.is_empty() {
            return Err(format!(
                "parsing time {}: {range_err} out of range",
                quote(avalue)
            ));
        }
        value = ok.ok_or_else(|| parse_error(alayout, avalue, std_str, before))?;
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let (m, d) = yday_to_date(year, yday)
            .ok_or_else(|| format!("parsing time {}: day-of-year out of range", quote(avalue)))?;
        if month >= 0 && month != m {
            return Err(format!(
                "parsing time {}: day-of-year does not match month",
                quote(avalue)
            ));
        }
        if day >= 0 && day != d {
            return Err(format!(
                "parsing time {}: day-of-year does not match day",
                quote(avalue)
            ));
        }
        (month, day) = (m, d);
    } else {
        month = month.max(1);
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(format!("parsing time {}: day out of range", quote(avalue)));
    }
    let secs = hour * 3600 + min * 60 + sec;
    let nsec = nsec as u32;
    if utc {
        return Ok(date(year, month, day, secs, nsec, Loc::Utc));
    }
    let local_loc = Loc::Fixed(local.clone());
    if let Some(off) = zone_offset {
        let t = date(year, month, day, secs, nsec, Loc::Utc);
        let unix = t.unix - i64::from(off);
        if off == local.offset_seconds && (zone_name.is_empty() || zone_name == local.name) {
            return Ok(Time {
                unix,
                nsec,
                loc: local_loc,
            });
        }
        return Ok(Time {
            unix,
            nsec,
            loc: Loc::Fixed(Zone {
                name: zone_name,
                offset_seconds: off,
            }),
        });
    }
    if !zone_name.is_empty() {
        let t = date(year, month, day, secs, nsec, Loc::Utc);
        if zone_name == local.name {
            return Ok(Time {
                unix: t.unix - i64::from(local.offset_seconds),
                nsec,
                loc: local_loc,
            });
        }
        let offset = match zone_name.strip_prefix("GMT") {
            Some(h) if !h.is_empty() => small_atoi(h).unwrap_or(0) as i32 * 3600,
            _ => 0,
        };
        return Ok(Time {
            unix: t.unix,
            nsec,
            loc: Loc::Fixed(Zone {
                name: zone_name,
                offset_seconds: offset,
            }),
        });
    }
    Ok(date(year, month, day, secs, nsec, local_loc))
}

/// Month and day of a day of the year, as Go's parser computes them.
fn yday_to_date(year: i64, mut yday: i64) -> Option<(i64, i64)> {
    if is_leap(year) {
        if yday == 31 + 29 {
            return Some((2, 29));
        } else if yday > 31 + 29 {
            yday -= 1;
        }
    }
    if !(1..=365).contains(&yday) {
        return None;
    }
    const BEFORE: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
    let mut m = (yday - 1) / 31 + 1;
    if BEFORE[m as usize] < yday {
        m += 1;
    }
    Some((m, yday - BEFORE[m as usize - 1]))
}

/// Go's `Duration.String`.
pub fn duration_string(d: i64) -> String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (unit, prec) = if u < 1_000 {
            ("ns", 0)
        } else if u < 1_000_000 {
            ("µs", 3)
        } else {
            ("ms", 6)
        };
        let frac = frac_digits(&mut u, prec);
        out = format!("{u}{frac}{unit}");
    } else {
        let frac = frac_digits(&mut u, 9);
        let secs = u % 60;
        u /= 60;
        let s = format!("{secs}{frac}s");
        if u > 0 {
            let mins = u % 60;
            u /= 60;
            let m = format!("{mins}m{s}");
            out = if u > 0 { format!("{u}h{m}") } else { m };
        } else {
            out.push_str(&s);
        }
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Go's `fmtFrac`: the `prec` low digits of `v` as a trimmed fraction, removed from `v`.
fn frac_digits(v: &mut u64, prec: u32) -> String {
    let p = 10u64.pow(prec);
    let frac = *v % p;
    *v /= p;
    if frac == 0 {
        return String::new();
    }
    let digits = format!("{frac:0width$}", width = prec as usize);
    format!(".{}", digits.trim_end_matches('0'))
}

/// Go's `time.ParseDuration`, with its error messages.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let invalid = || format!("time: invalid duration {}", quote(orig));
    let (neg, mut s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let v: u128 = if int_len == 0 {
            0
        } else {
            s[..int_len].parse().map_err(|_| invalid())?
        };
        if v > 1 << 63 {
            return Err(invalid());
        }
        s = &s[int_len..];
        let (mut frac, mut scale, mut post) = (0u128, 1f64, false);
        if let Some(rest) = s.strip_prefix('.') {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            post = n > 0;
            for c in rest[..n].bytes() {
                if frac > ((1u128 << 63) - 1) / 10 {
                    continue;
                }
                frac = frac * 10 + u128::from(c - b'0');
                scale *= 10.0;
            }
            s = &rest[n..];
        }
        if int_len == 0 && !post {
            return Err(invalid());
        }
        let unit_len = s
            .bytes()
            .take_while(|c| *c != b'.' && !c.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", quote(orig)));
        }
        let unit_name = &s[..unit_len];
        s = &s[unit_len..];
        let unit: u128 = match unit_name {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    quote(unit_name),
                    quote(orig)
                ))
            }
        };
        if v > (1u128 << 63) / unit {
            return Err(invalid());
        }
        let mut part = v * unit;
        if frac > 0 {
            part += (frac as f64 * (unit as f64 / scale)) as u128;
            if part > 1 << 63 {
                return Err(invalid());
            }
        }
        total += part;
        if total > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((total as i128).wrapping_neg() as i64);
    }
    i64::try_from(total).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(unix: i64) -> Time {
        Time {
            unix,
            nsec: 0,
            loc: Loc::Utc,
        }
    }

    #[test]
    fn formats_reference_layouts() {
        let t = Time {
            unix: 1_136_239_445,
            nsec: 123_456_000,
            loc: Loc::Utc,
        };
        assert_eq!(
            t.format("2006-01-02T15:04:05Z07:00"),
            "2006-01-02T22:04:05Z"
        );
        assert_eq!(
            t.format("Mon Jan _2 3:04:05.000 PM MST 2006"),
            "Mon Jan  2 10:04:05.123 PM UTC 2006"
        );
        assert_eq!(
            t.format("Monday January 02 06 .999999999 002 __2"),
            "Monday January 02 06 .123456 002   2"
        );
        assert_eq!(t.go_string(), "2006-01-02 22:04:05.123456 +0000 UTC");
        assert_eq!(Time::zero().go_string(), "0001-01-01 00:00:00 +0000 UTC");
        let fixed = t.in_loc(Loc::Fixed(Zone {
            name: String::new(),
            offset_seconds: -7 * 3600 - 1800,
        }));
        assert_eq!(
            fixed.format("15:04 -07:00 MST Z0700"),
            "14:34 -07:30 -0730 -0730"
        );
    }

    #[test]
    fn parses_like_go() {
        let z = Zone::utc();
        assert_eq!(
            parse("2006-01-02", "2024-02-29", &z).unwrap().unix,
            1_709_164_800
        );
        let t = parse(time_rfc3339(), "2024-05-06T07:08:09+02:00", &z).unwrap();
        assert_eq!(t.go_string(), "2024-05-06 07:08:09 +0200 +0200");
        assert_eq!(
            parse("2006-01-02", "2024-13-01", &z).unwrap_err(),
            "parsing time \"2024-13-01\": month out of range"
        );
        assert_eq!(
            parse("2006-01-02", "x", &z).unwrap_err(),
            "parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\""
        );
        assert_eq!(
            parse("2006-01-02", "2024-02-30", &z).unwrap_err(),
            "parsing time \"2024-02-30\": day out of range"
        );
        assert_eq!(
            parse("2006", "2024x", &z).unwrap_err(),
            "parsing time \"2024x\": extra text: \"x\""
        );
        assert_eq!(
            parse("15:04:05", "10:11:12.5", &z).unwrap().nsec,
            500_000_000
        );
        assert_eq!(
            parse("Jan 2 2006 3PM", "feb 3 2020 4PM", &z)
                .unwrap()
                .format("2006-01-02 15"),
            "2020-02-03 16"
        );
    }

    fn time_rfc3339() -> &'static str {
        "2006-01-02T15:04:05Z07:00"
    }

    #[test]
    fn durations_like_go() {
        assert_eq!(duration_string(0), "0s");
        assert_eq!(duration_string(1_500), "1.5µs");
        assert_eq!(duration_string(90_000_000_000), "1m30s");
        assert_eq!(duration_string(-3_723_000_000_000), "-1h2m3s");
        assert_eq!(duration_string(2_000_000), "2ms");
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration("-1.5s").unwrap(), -1_500_000_000);
        assert_eq!(
            parse_duration("x").unwrap_err(),
            "time: invalid duration \"x\""
        );
        assert_eq!(
            parse_duration("1").unwrap_err(),
            "time: missing unit in duration \"1\""
        );
        assert_eq!(
            parse_duration("1d").unwrap_err(),
            "time: unknown unit \"d\" in duration \"1d\""
        );
        assert_eq!(utc(0).add_date(0, 1, 31).format("2006-01-02"), "1970-03-04");
    }
}
