//! The `shopspring/decimal` v1.4.0 arithmetic behind sprig's `addf`, `subf`, `mulf`, `divf`
//! and `add1f`: each float becomes the decimal of its shortest representation, sums and products
//! are exact, quotients are rounded half away from zero to 16 decimal places, and the result is
//! the float nearest to the decimal.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};

/// A decimal `value × 10^exp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    value: BigInt,
    exp: i32,
}

/// `decimal.DivisionPrecision`.
const DIVISION_PRECISION: i32 = 16;

impl Decimal {
    /// `decimal.NewFromFloat`, which panics on NaN and infinities (the error carries Go's
    /// panic message).
    pub fn from_f64(f: f64) -> Result<Decimal, String> {
        if !f.is_finite() {
            let shown = if f.is_nan() {
                "NaN"
            } else if f > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            };
            return Err(format!("Cannot create a Decimal from {shown}"));
        }
        // `{:e}` prints the shortest digits that round-trip, as Go's roundShortest finds them.
        let sci = format!("{f:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let frac_digits = mantissa
            .split_once('.')
            .map_or(0, |(_, frac)| frac.len() as i32);
        let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
        let value: BigInt = digits.parse().unwrap_or_default();
        Ok(Decimal {
            value,
            exp: exp - frac_digits,
        })
    }

    fn rescaled(&self, exp: i32) -> BigInt {
        debug_assert!(exp <= self.exp);
        &self.value * pow10((self.exp - exp) as u32)
    }

    /// `d.Add(d2)`.
    pub fn add(&self, other: &Decimal) -> Decimal {
        let exp = self.exp.min(other.exp);
        Decimal {
            value: self.rescaled(exp) + other.rescaled(exp),
            exp,
        }
    }

    /// `d.Sub(d2)`.
    pub fn sub(&self, other: &Decimal) -> Decimal {
        let exp = self.exp.min(other.exp);
        Decimal {
            value: self.rescaled(exp) - other.rescaled(exp),
            exp,
        }
    }

    /// `d.Mul(d2)`.
    pub fn mul(&self, other: &Decimal) -> Decimal {
        Decimal {
            value: &self.value * &other.value,
            exp: self.exp.saturating_add(other.exp),
        }
    }

    /// `d.Div(d2)`: 16 decimal places, half away from zero; fails on a zero divisor with Go's
    /// panic message.
    pub fn div(&self, other: &Decimal) -> Result<Decimal, String> {
        if other.value.is_zero() {
            return Err("decimal division by 0".into());
        }
        // self/other × 10^p = (a × 10^e) / b with e = ea - eb + p.
        let e = i64::from(self.exp) - i64::from(other.exp) + i64::from(DIVISION_PRECISION);
        if e.abs() > 100_000 {
            return Err("overflow in decimal QuoRem".into());
        }
        let (num, den) = if e >= 0 {
            (&self.value * pow10(e as u32), other.value.clone())
        } else {
            (self.value.clone(), &other.value * pow10((-e) as u32))
        };
        let (mut q, r) = num.div_rem(&den);
        if r.abs() * 2 >= den.abs() {
            if num.is_negative() != den.is_negative() {
                q -= 1;
            } else {
                q += 1;
            }
        }
        Ok(Decimal {
            value: q,
            exp: -DIVISION_PRECISION,
        })
    }

    /// `d.Float64()`: the nearest float.
    pub fn to_f64(&self) -> f64 {
        format!("{}e{}", self.value, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }
}

fn pow10(n: u32) -> BigInt {
    num_traits::pow(BigInt::from(10u8), n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(f: f64) -> Decimal {
        Decimal::from_f64(f).unwrap()
    }

    #[test]
    fn decimal_arithmetic_avoids_binary_rounding() {
        assert_eq!(d(0.1).add(&d(0.2)).to_f64(), 0.3);
        assert_eq!(d(1.1).mul(&d(3.0)).to_f64(), 3.3);
        assert_eq!(
            d(10.0).div(&d(3.0)).unwrap().to_f64(),
            3.333_333_333_333_333_5
        );
        assert_eq!(
            d(2.0).div(&d(3.0)).unwrap().to_f64(),
            0.666_666_666_666_666_7
        );
        assert_eq!(
            d(-2.0).div(&d(3.0)).unwrap().to_f64(),
            -0.666_666_666_666_666_7
        );
        assert_eq!(d(5.0).sub(&d(7.5)).to_f64(), -2.5);
        assert_eq!(d(1e300).mul(&d(1e300)).to_f64(), f64::INFINITY);
    }

    #[test]
    fn errors_carry_go_panic_messages() {
        assert_eq!(d(1.0).div(&d(0.0)).unwrap_err(), "decimal division by 0");
        assert_eq!(
            Decimal::from_f64(f64::NAN).unwrap_err(),
            "Cannot create a Decimal from NaN"
        );
    }
}
