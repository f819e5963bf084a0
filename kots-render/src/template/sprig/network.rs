//! sprig's `getHostByName`: a DNS lookup, one of the addresses picked at random (as Go's
//! `net.LookupHost` and `rand.Intn` do). It is the one sprig function that needs the network;
//! the choice uses the render's random provider, but the answer depends on the resolver.

use std::collections::BTreeSet;
use std::net::ToSocketAddrs;

use super::super::funcs::{FuncError, FuncMap, Ty};
use super::{add, str_arg};

/// Registers `getHostByName`.
pub fn register(map: &mut FuncMap) {
    add(map, "getHostByName", &[Ty::String], None, |ctx, a| {
        let addrs = lookup(str_arg(a, 0));
        if addrs.is_empty() {
            // sprig ignores the lookup error and calls rand.Intn(0), which panics.
            return Err(FuncError::failed("invalid argument to Intn"));
        }
        let pick = ctx.random.below(addrs.len() as u64) as usize;
        Ok(addrs[pick].clone().into())
    });
}

/// The distinct addresses of `name`, in a stable order.
fn lookup(name: &str) -> Vec<String> {
    if name.is_empty() || name.len() > 253 {
        return Vec::new();
    }
    let found: BTreeSet<String> = match (name, 0).to_socket_addrs() {
        Ok(addrs) => addrs.map(|a| a.ip().to_string()).collect(),
        Err(_) => BTreeSet::new(),
    };
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_literal_addresses_without_dns() {
        assert_eq!(lookup("127.0.0.1"), vec!["127.0.0.1"]);
        assert!(lookup("").is_empty());
    }
}
