//! sprig's `getHostByName`: a host's addresses, one picked at random (as Go's `net.LookupHost`
//! and `rand.Intn` do). It is the one sprig function that needs the network, and the SDK does no
//! network I/O here: a literal address answers itself, any other name goes to the render's
//! [`Environment::lookup_host`](super::super::funcs::Environment::lookup_host).

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::super::funcs::{FuncError, FuncMap, Ty};
use super::{add, str_arg};

/// Registers `getHostByName`.
pub fn register(map: &mut FuncMap) {
    add(map, "getHostByName", &[Ty::String], None, |ctx, a| {
        let name = str_arg(a, 0);
        let addrs = lookup(name, |n| ctx.env.lookup_host(n));
        if addrs.is_empty() {
            // sprig ignores the lookup error and calls rand.Intn(0), which panics.
            return Err(FuncError::failed("invalid argument to Intn"));
        }
        let pick = ctx.random.below(addrs.len() as u64) as usize;
        Ok(addrs[pick].clone().into())
    });
}

/// The distinct addresses of `name`, in a stable order.
fn lookup(name: &str, resolve: impl Fn(&str) -> Vec<String>) -> Vec<String> {
    if name.is_empty() || name.len() > 253 {
        return Vec::new();
    }
    if let Ok(ip) = name.parse::<IpAddr>() {
        return vec![ip.to_string()];
    }
    let found: BTreeSet<String> = resolve(name).into_iter().collect();
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_literal_addresses_without_dns() {
        let no_dns = |_: &str| -> Vec<String> { panic!("a literal address needs no resolver") };
        assert_eq!(lookup("127.0.0.1", no_dns), vec!["127.0.0.1"]);
        assert!(lookup("", no_dns).is_empty());
    }

    #[test]
    fn names_go_to_the_environment_resolver() {
        let resolver = |n: &str| vec![format!("10.0.0.2 for {n}"), "10.0.0.1".to_string()];
        assert_eq!(lookup("db", resolver), vec!["10.0.0.1", "10.0.0.2 for db"]);
        assert!(lookup("db", |_| Vec::new()).is_empty());
    }
}
