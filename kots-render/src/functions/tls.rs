//! KOTS's certificate helpers (`TLSCert`, `TLSKey`, `TLSCACert`, `TLSCertFromCA`,
//! `TLSKeyFromCA`) on top of sprig's `genCA`, `genSelfSignedCert` and `genSignedCert`. KOTS caches
//! the pairs per process; the SDK caches them per render, shared by every template of it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::template::{CallContext, Func, FuncError, FuncMap, Ty, Value};

/// Generated pairs, by KOTS's cache keys.
#[derive(Debug, Default)]
pub struct TlsCache {
    pairs: HashMap<String, Pair>,
    cas: HashMap<String, Pair>,
}

#[derive(Debug, Clone, Default)]
struct Pair {
    cert: String,
    key: String,
}

/// The sprig functions the helpers call.
#[derive(Clone)]
struct Sprig {
    gen_ca: Func,
    self_signed: Func,
    signed: Func,
    custom: Func,
}

fn member(value: &Value, name: &str) -> String {
    match value {
        Value::Object(o) => o
            .member(name, &[])
            .and_then(Result::ok)
            .map(|v| v.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn pair(result: Result<Value, FuncError>) -> Pair {
    // KOTS prints generation failures and goes on with an empty pair.
    result
        .map(|v| Pair {
            cert: member(&v, "Cert"),
            key: member(&v, "Key"),
        })
        .unwrap_or_default()
}

fn lock(cache: &Mutex<TlsCache>) -> std::sync::MutexGuard<'_, TlsCache> {
    cache.lock().unwrap_or_else(|e| e.into_inner())
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

impl Sprig {
    fn ca(
        &self,
        ctx: &mut CallContext<'_>,
        cache: &Mutex<TlsCache>,
        name: &str,
        days: &Value,
    ) -> Pair {
        if let Some(p) = lock(cache).cas.get(name) {
            return p.clone();
        }
        let p = pair(self.gen_ca.call(ctx, &[name.into(), days.clone()]));
        lock(cache).cas.insert(name.to_string(), p.clone());
        p
    }

    /// `genSignedCert`: a pair signed by the cached (or new) CA `ca`.
    fn signed_pair(
        &self,
        ctx: &mut CallContext<'_>,
        cache: &Mutex<TlsCache>,
        ca: &str,
        args: &[Value],
    ) -> Pair {
        let ca = self.ca(ctx, cache, ca, &args[3]);
        let custom = self.custom.call(
            ctx,
            &[
                STANDARD.encode(&ca.cert).into(),
                STANDARD.encode(&ca.key).into(),
            ],
        );
        let Ok(ca_cert) = custom else {
            return Pair::default();
        };
        let mut call_args = args.to_vec();
        call_args.push(ca_cert);
        pair(self.signed.call(ctx, &call_args))
    }
}

pub(super) fn register(map: &mut FuncMap, cache: Arc<Mutex<TlsCache>>) {
    let (Some(gen_ca), Some(self_signed), Some(signed), Some(custom)) = (
        map.get("genCA").cloned(),
        map.get("genSelfSignedCert").cloned(),
        map.get("genSignedCert").cloned(),
        map.get("buildCustomCert").cloned(),
    ) else {
        return;
    };
    let sprig = Sprig {
        gen_ca,
        self_signed,
        signed,
        custom,
    };

    let (s, c) = (sprig.clone(), cache.clone());
    map.insert(
        "TLSCert",
        Func::new(
            &[Ty::String, Ty::String, Ty::List, Ty::List, Ty::Int],
            None,
            move |ctx, a| {
                let (name, cn) = (text(&a[0]), text(&a[1]));
                let key = format!("{name}:{cn}");
                if let Some(p) = lock(&c).pairs.get(&key) {
                    return Ok(p.cert.as_str().into());
                }
                let p = pair(s.self_signed.call(ctx, &a[1..]));
                let mut cache = lock(&c);
                cache.pairs.insert(key, p.clone());
                cache.pairs.insert(name.to_string(), p.clone());
                Ok(p.cert.into())
            },
        ),
    );
    let (s, c) = (sprig.clone(), cache.clone());
    map.insert(
        "TLSKey",
        Func::new(&[Ty::String], Some(Ty::Any), move |ctx, a| {
            let name = text(&a[0]);
            if a.len() != 5 {
                return Ok(lock(&c)
                    .pairs
                    .get(name)
                    .map(|p| p.key.clone())
                    .unwrap_or_default()
                    .into());
            }
            let list_or_nil = |v: &Value| matches!(v, Value::List(_) | Value::Nil);
            let (Some(cn), true, true, Value::Int(_)) =
                (a[1].as_str(), list_or_nil(&a[2]), list_or_nil(&a[3]), &a[4])
            else {
                return Ok("".into());
            };
            let key = format!("{name}:{cn}");
            if let Some(p) = lock(&c).pairs.get(&key) {
                return Ok(p.key.as_str().into());
            }
            let args: Vec<Value> = a[1..]
                .iter()
                .map(|v| {
                    if matches!(v, Value::Nil) {
                        Value::list(Vec::new())
                    } else {
                        v.clone()
                    }
                })
                .collect();
            let p = pair(s.self_signed.call(ctx, &args));
            lock(&c).pairs.insert(key, p.clone());
            Ok(p.key.into())
        }),
    );
    let (s, c) = (sprig.clone(), cache.clone());
    map.insert(
        "TLSCACert",
        Func::new(&[Ty::String, Ty::Int], None, move |ctx, a| {
            Ok(s.ca(ctx, &c, text(&a[0]), &a[1]).cert.into())
        }),
    );
    for (name, want_cert) in [("TLSCertFromCA", true), ("TLSKeyFromCA", false)] {
        let (s, c) = (sprig.clone(), cache.clone());
        let params = [
            Ty::String,
            Ty::String,
            Ty::String,
            Ty::List,
            Ty::List,
            Ty::Int,
        ];
        map.insert(
            name,
            Func::new(&params, None, move |ctx, a| {
                let key = format!("{}:{}:{}", text(&a[0]), text(&a[1]), text(&a[2]));
                let cached = lock(&c).pairs.get(&key).cloned();
                let p = match cached {
                    Some(p) => p,
                    None => {
                        let p = s.signed_pair(ctx, &c, text(&a[0]), &a[2..]);
                        lock(&c).pairs.insert(key, p.clone());
                        p
                    }
                };
                Ok(if want_cert { p.cert } else { p.key }.into())
            }),
        );
    }
}
