//! sprig's date functions (date.go): `now`, `date`, `dateInZone`, `htmlDate`, `dateModify`,
//! `toDate`, `unixEpoch`, `ago`, `duration`, `durationRound`, and the `time.Time` values they
//! produce (with `.Year`, `.Format`, `.Unix`... for templates). The current time and the local
//! zone come from the render's [`Clock`](super::super::funcs::Clock) provider.

use std::sync::Arc;
use std::time::UNIX_EPOCH;

use super::super::funcs::{CallContext, FuncError, FuncMap, Ty, Zone};
use super::super::value::{Object, Value};
use super::conv::parse_decimal_lenient;
use super::gotime::{duration_string, parse, parse_duration, Loc, Time, DAYS, MONTHS};
use super::{add, str_arg};

const TIME: Ty = Ty::Object("time.Time");

/// Registers the date functions.
pub fn register(map: &mut FuncMap) {
    use Ty::{Any, String as S};
    add(map, "now", &[], None, |ctx, _| {
        Ok(time_value(now(ctx), ctx))
    });
    add(map, "date", &[S, Any], None, |ctx, a| {
        Ok(date_in_zone(ctx, str_arg(a, 0), &a[1], "Local").into())
    });
    for name in ["dateInZone", "date_in_zone"] {
        add(map, name, &[S, Any, S], None, |ctx, a| {
            Ok(date_in_zone(ctx, str_arg(a, 0), &a[1], str_arg(a, 2)).into())
        });
    }
    add(map, "htmlDate", &[Any], None, |ctx, a| {
        Ok(date_in_zone(ctx, "2006-01-02", &a[0], "Local").into())
    });
    add(map, "htmlDateInZone", &[Any, S], None, |ctx, a| {
        Ok(date_in_zone(ctx, "2006-01-02", &a[0], str_arg(a, 1)).into())
    });
    for name in ["dateModify", "date_modify"] {
        add(map, name, &[S, TIME], None, |ctx, a| {
            let t = time_arg(&a[1])?;
            Ok(time_value(
                parse_duration(str_arg(a, 0)).map_or(t.clone(), |d| t.add(d)),
                ctx,
            ))
        });
    }
    for name in ["mustDateModify", "must_date_modify"] {
        add(map, name, &[S, TIME], None, |ctx, a| {
            let t = time_arg(&a[1])?;
            let d = parse_duration(str_arg(a, 0)).map_err(FuncError::Failed)?;
            Ok(time_value(t.add(d), ctx))
        });
    }
    add(map, "toDate", &[S, S], None, |ctx, a| {
        let t =
            parse(str_arg(a, 0), str_arg(a, 1), &ctx.clock.zone()).unwrap_or_else(|_| Time::zero());
        Ok(time_value(t, ctx))
    });
    add(map, "mustToDate", &[S, S], None, |ctx, a| {
        let t =
            parse(str_arg(a, 0), str_arg(a, 1), &ctx.clock.zone()).map_err(FuncError::Failed)?;
        Ok(time_value(t, ctx))
    });
    add(map, "unixEpoch", &[TIME], None, |_, a| {
        Ok(time_arg(&a[0])?.unix.to_string().into())
    });
    add(map, "ago", &[Any], None, |ctx, a| {
        let now = now(ctx);
        let then = match &a[0] {
            Value::Int(s) | Value::Int64(s) => Time {
                unix: *s,
                nsec: 0,
                loc: Loc::Utc,
            },
            v => as_time(v).unwrap_or_else(|| now.clone()),
        };
        Ok(duration_string(round_to_second(now.sub(&then))).into())
    });
    add(map, "duration", &[Any], None, |_, a| {
        let secs = match &a[0] {
            Value::String(s) => parse_decimal_lenient(s),
            Value::Int64(n) => *n,
            _ => 0,
        };
        Ok(duration_string(secs.wrapping_mul(1_000_000_000)).into())
    });
    add(map, "durationRound", &[Any], None, |ctx, a| {
        let d = match &a[0] {
            Value::String(s) => parse_duration(s).unwrap_or(0),
            Value::Int64(n) => *n,
            v => as_time(v).map_or(0, |t| now(ctx).sub(&t)),
        };
        Ok(duration_round(d).into())
    });
}

/// `time.Now()` from the clock provider, in the local zone.
fn now(ctx: &CallContext<'_>) -> Time {
    let (unix, nsec) = match ctx.clock.now().duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let t = Time {
                unix: 0,
                nsec: 0,
                loc: Loc::Utc,
            }
            .add(-(d.as_nanos().min(i64::MAX as u128) as i64));
            (t.unix, t.nsec)
        }
    };
    Time {
        unix,
        nsec,
        loc: Loc::Fixed(ctx.clock.zone()),
    }
}

fn time_value(t: Time, ctx: &CallContext<'_>) -> Value {
    Value::Object(Arc::new(GoTime {
        t,
        local: ctx.clock.zone(),
    }))
}

/// The instant of a `time.Time` value.
fn as_time(v: &Value) -> Option<Time> {
    match v {
        Value::Object(o) if o.type_name() == "time.Time" => match o.member(INSTANT, &[]) {
            Some(Ok(Value::String(s))) => decode(&s),
            _ => None,
        },
        _ => None,
    }
}

fn time_arg(v: &Value) -> Result<Time, FuncError> {
    as_time(v).ok_or_else(|| {
        FuncError::failed(format!(
            "wrong type for value; expected time.Time; got {}",
            v.type_name()
        ))
    })
}

/// sprig's `dateInZone`: a `time.Time` or Unix seconds (`int`, `int64`); anything else means
/// now. An unknown zone falls back to UTC.
fn date_in_zone(ctx: &CallContext<'_>, layout: &str, date: &Value, zone: &str) -> String {
    let t = match date {
        Value::Int(s) | Value::Int64(s) => Time {
            unix: *s,
            nsec: 0,
            loc: Loc::Utc,
        },
        v => as_time(v).unwrap_or_else(|| now(ctx)),
    };
    let loc = Loc::load(zone, &ctx.clock.zone()).unwrap_or(Loc::Utc);
    t.in_loc(loc).format(layout)
}

/// `Duration.Round(time.Second)`.
fn round_to_second(d: i64) -> i64 {
    const S: i64 = 1_000_000_000;
    let r = d % S;
    if d < 0 {
        let r = -r;
        if r + r < S {
            return d + r;
        }
        return d.checked_sub(S - r).unwrap_or(i64::MIN);
    }
    if r + r < S {
        return d - r;
    }
    d.checked_add(S - r).unwrap_or(i64::MAX)
}

/// sprig's `durationRound`: the largest whole unit (y, mo, d, h, m, s) of a duration.
fn duration_round(d: i64) -> String {
    let u = d.unsigned_abs();
    const H: u64 = 3_600_000_000_000;
    let units: [(u64, &str); 6] = [
        (H * 24 * 365, "y"),
        (H * 24 * 30, "mo"),
        (H * 24, "d"),
        (H, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
    ];
    units.iter().find(|(size, _)| u > *size).map_or_else(
        || "0s".to_string(),
        |(size, name)| format!("{}{name}", u / size),
    )
}

/// A `time.Time` value in a template.
#[derive(Debug)]
struct GoTime {
    t: Time,
    /// The local zone, for the `.Local` method.
    local: Zone,
}

/// The member through which a `time.Time` hands its instant to the functions here. `#` cannot
/// appear in a template field name, so templates cannot reach it.
const INSTANT: &str = "#instant";

/// Encodes an instant and its location for [`INSTANT`].
fn encode(t: &Time) -> String {
    let loc = match &t.loc {
        Loc::Utc => "U".to_string(),
        Loc::Fixed(z) => format!("F{} {}", z.offset_seconds, z.name),
        Loc::Named(tz) => format!("N{}", tz.iana_name().unwrap_or("UTC")),
    };
    format!("{} {} {loc}", t.unix, t.nsec)
}

fn decode(s: &str) -> Option<Time> {
    let mut parts = s.splitn(3, ' ');
    let unix = parts.next()?.parse().ok()?;
    let nsec = parts.next()?.parse().ok()?;
    let loc = parts.next()?;
    let loc = match loc.split_at(1) {
        ("U", _) => Loc::Utc,
        ("F", rest) => {
            let (offset, name) = rest.split_once(' ')?;
            Loc::Fixed(Zone {
                name: name.to_string(),
                offset_seconds: offset.parse().ok()?,
            })
        }
        ("N", name) => Loc::Named(jiff::tz::TimeZone::get(name).ok()?),
        _ => return None,
    };
    Some(Time { unix, nsec, loc })
}

impl Object for GoTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }
    fn format(&self, out: &mut String) {
        out.push_str(&self.t.go_string());
    }
    fn is_method(&self, name: &str) -> bool {
        name != INSTANT
    }
    fn member(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        let t = &self.t;
        let f = t.fields();
        let int = |i: i64| Some(Ok(Value::Int(i)));
        let wrap = |t: Time| {
            Some(Ok(Value::Object(Arc::new(GoTime {
                t,
                local: self.local.clone(),
            }))))
        };
        let other = || {
            args.first()
                .and_then(as_time)
                .ok_or_else(|| FuncError::failed("expected a time.Time"))
        };
        match name {
            INSTANT => Some(Ok(Value::from(encode(t)))),
            "Year" => int(f.year),
            "Month" => Some(Ok(Value::Object(Arc::new(Named {
                type_name: "time.Month",
                number: i64::from(f.month),
            })))),
            "Day" => int(i64::from(f.day)),
            "Hour" => int(i64::from(f.hour)),
            "Minute" => int(i64::from(f.min)),
            "Second" => int(i64::from(f.sec)),
            "Nanosecond" => int(i64::from(t.nsec)),
            "YearDay" => int(i64::from(f.yday)),
            "Weekday" => Some(Ok(Value::Object(Arc::new(Named {
                type_name: "time.Weekday",
                number: f.weekday as i64,
            })))),
            "Unix" => Some(Ok(Value::Int64(t.unix))),
            "UnixMilli" => Some(Ok(Value::Int64(
                t.unix * 1000 + i64::from(t.nsec / 1_000_000),
            ))),
            "UnixMicro" => Some(Ok(Value::Int64(
                t.unix * 1_000_000 + i64::from(t.nsec / 1000),
            ))),
            "UnixNano" => Some(Ok(Value::Int64(
                t.unix
                    .wrapping_mul(1_000_000_000)
                    .wrapping_add(i64::from(t.nsec)),
            ))),
            "IsZero" => Some(Ok(Value::Bool(t.is_zero()))),
            "String" => Some(Ok(Value::from(t.go_string()))),
            "Format" => Some(Ok(Value::from(
                t.format(args.first().and_then(Value::as_str).unwrap_or_default()),
            ))),
            "UTC" => wrap(t.in_loc(Loc::Utc)),
            "Local" => wrap(t.in_loc(Loc::Fixed(self.local.clone()))),
            "AddDate" => {
                let n = |i: usize| args.get(i).and_then(Value::as_i64).unwrap_or(0);
                wrap(t.add_date(n(0), n(1), n(2)))
            }
            "Before" => Some(other().map(|o| Value::Bool(t.sub(&o) < 0))),
            "After" => Some(other().map(|o| Value::Bool(t.sub(&o) > 0))),
            "Equal" => Some(other().map(|o| Value::Bool(t.sub(&o) == 0))),
            _ => None,
        }
    }
}

/// `time.Month` and `time.Weekday`: integers that print as their English names.
#[derive(Debug)]
struct Named {
    type_name: &'static str,
    number: i64,
}

impl Object for Named {
    fn type_name(&self) -> &str {
        self.type_name
    }
    fn kind_name(&self) -> &str {
        "int"
    }
    fn format(&self, out: &mut String) {
        let name = if self.type_name == "time.Month" {
            MONTHS.get((self.number - 1) as usize)
        } else {
            DAYS.get(self.number as usize)
        };
        out.push_str(name.copied().unwrap_or("%!(BADNAME)"));
    }
    fn member(&self, name: &str, _args: &[Value]) -> Option<Result<Value, FuncError>> {
        (name == "String").then(|| Ok(Value::from(self.to_string_value())))
    }
    fn is_method(&self, _name: &str) -> bool {
        true
    }
}

impl Named {
    fn to_string_value(&self) -> String {
        let mut s = String::new();
        self.format(&mut s);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_round_trip_through_objects() {
        let t = Time {
            unix: 1_700_000_000,
            nsec: 5,
            loc: Loc::Fixed(Zone {
                name: "CET".into(),
                offset_seconds: 3600,
            }),
        };
        let v = Value::Object(Arc::new(GoTime {
            t: t.clone(),
            local: Zone::utc(),
        }));
        let back = as_time(&v).unwrap();
        assert_eq!((back.unix, back.nsec), (t.unix, t.nsec));
        assert_eq!(v.to_string(), "2023-11-14 23:13:20.000000005 +0100 CET");
    }

    #[test]
    fn duration_round_picks_the_largest_unit() {
        assert_eq!(duration_round(0), "0s");
        assert_eq!(duration_round(3_600_000_000_001), "1h");
        assert_eq!(duration_round(-90_000_000_000), "1m");
        assert_eq!(duration_round(400 * 24 * 3_600_000_000_000), "1y");
        assert_eq!(round_to_second(1_500_000_000), 2_000_000_000);
        assert_eq!(round_to_second(-1_400_000_000), -1_000_000_000);
    }
}
