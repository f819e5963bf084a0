//! Template functions: the [`FuncMap`] a template is parsed and executed with.
//!
//! # Adding a function
//!
//! A function is registered under its template name with its **Go signature**, because Go's
//! text/template checks and converts arguments before the call, and its error messages depend on
//! the declared parameter types:
//!
//! ```
//! use kots_render::template::{Func, FuncMap, Ty, Value};
//! let mut map = FuncMap::new();
//! // Go: func upper(s string) string
//! map.insert("upper", Func::new(&[Ty::String], None, |_ctx, args| {
//!     Ok(Value::from(args[0].as_str().unwrap_or_default().to_uppercase()))
//! }));
//! // Go: func list(v ...interface{}) []interface{}
//! map.insert("list", Func::new(&[], Some(Ty::Any), |_ctx, args| Ok(Value::list(args.to_vec()))));
//! ```
//!
//! The engine guarantees that `args` matches the signature when the function runs: the count is
//! checked (`wrong number of args for upper: want 1 got 2`), every argument has the declared type
//! (a `Ty::String` argument is always a `Value::String`, a `Ty::Int` one a `Value::Int`, a
//! `Ty::Map` one a `Value::Map`, ...), literals are converted as Go converts them (`3` into a
//! `Ty::Float64` parameter arrives as `Value::Float(3.0)`), and an untyped `nil` (or a missing
//! value) into a `Ty::List` parameter arrives as an empty list, into a `Ty::Map` parameter as Go's
//! nil map ([`MapRef::nil`](super::MapRef::nil): empty, and never to be changed). Only `Ty::Any`
//! parameters may receive any value, including `Value::Nil`.
//!
//! Maps are shared references, as in Go: a function that changes a `Ty::Map` argument in place
//! ([`MapRef::update`](super::MapRef::update)) changes it for every holder, as sprig's `set` does.
//!
//! # Reporting errors
//!
//! Return `Err(FuncError::Failed(msg))` where Go's function returns a non-nil `error` **or
//! panics**; the engine reports it as Go does:
//! `template: NAME:LINE:COL: executing "NAME" at <upper 3>: error calling upper: MSG`.
//! Return `Err(FuncError::Limit(..))` (via [`CallContext::check_len`]) when a result would exceed the
//! configured size caps. Never panic.
//!
//! A function returning Go's `interface{}` nil returns `Value::Nil` (it prints `<no value>` at
//! the end of a pipeline, as in Go). Functions returning a nil map or slice return an empty one.
//!
//! # Non-hermetic functions
//!
//! Functions that read the clock, randomness or the environment must go through the
//! [`CallContext`] providers ([`Clock`], [`Random`], [`Environment`]), so a render can be made
//! deterministic ([`Providers::deterministic`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use super::limits::Limits;
use super::value::Value;

/// A parameter type of a Go function signature, as far as the engine needs to check arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `interface{}`: any value, including nil.
    Any,
    /// `string`
    String,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `uint64`
    Uint,
    /// `float64`
    Float64,
    /// `[]interface{}`
    List,
    /// `map[string]interface{}`
    Map,
    /// A Go type implemented by [`super::Object`], by its `%T` name (e.g. `time.Time`).
    Object(&'static str),
}

impl Ty {
    /// The Go spelling of the type, as error messages print it.
    pub fn go_name(self) -> &'static str {
        match self {
            Ty::Any => "interface {}",
            Ty::String => "string",
            Ty::Bool => "bool",
            Ty::Int => "int",
            Ty::Int64 => "int64",
            Ty::Uint => "uint64",
            Ty::Float64 => "float64",
            Ty::List => "[]interface {}",
            Ty::Map => "map[string]interface {}",
            Ty::Object(name) => name,
        }
    }
}

/// The error a function returns (Go: a non-nil `error` result, or a panic).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FuncError {
    /// The function failed; reported as `error calling NAME: MSG`.
    #[error("{0}")]
    Failed(String),
    /// A configured size cap would be exceeded (not a Go error: our protection against
    /// untrusted templates).
    #[error("{0}")]
    Limit(String),
}

impl FuncError {
    /// Shorthand for [`FuncError::Failed`].
    pub fn failed(msg: impl fmt::Display) -> Self {
        FuncError::Failed(msg.to_string())
    }
}

/// The signature of a function implementation.
pub type FuncImpl =
    dyn Fn(&mut CallContext<'_>, &[Value]) -> Result<Value, FuncError> + Send + Sync;

/// A template function: its Go signature and its implementation.
#[derive(Clone)]
pub struct Func {
    params: Arc<[Ty]>,
    variadic: Option<Ty>,
    imp: Arc<FuncImpl>,
}

impl Func {
    /// A function with fixed parameters `params`, then (if `variadic` is set) any number of
    /// arguments of that type (Go's `...T`).
    pub fn new(
        params: &[Ty],
        variadic: Option<Ty>,
        imp: impl Fn(&mut CallContext<'_>, &[Value]) -> Result<Value, FuncError> + Send + Sync + 'static,
    ) -> Self {
        Func {
            params: params.into(),
            variadic,
            imp: Arc::new(imp),
        }
    }

    /// The fixed parameter types.
    pub fn params(&self) -> &[Ty] {
        &self.params
    }

    /// The type of the variadic tail, if any.
    pub fn variadic(&self) -> Option<Ty> {
        self.variadic
    }

    /// Runs the function on already-checked arguments.
    pub fn call(&self, ctx: &mut CallContext<'_>, args: &[Value]) -> Result<Value, FuncError> {
        (self.imp)(ctx, args)
    }
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Func")
            .field("params", &self.params)
            .field("variadic", &self.variadic)
            .finish()
    }
}

/// Functions by name. Names here take precedence over Go's built-ins (as Go's `Funcs` does).
#[derive(Clone, Debug, Default)]
pub struct FuncMap {
    funcs: HashMap<String, Func>,
}

impl FuncMap {
    /// An empty map (Go's built-ins are always available besides).
    pub fn new() -> Self {
        Self::default()
    }

    /// The default map: every sprig function (KOTS's `TxtFuncMap`).
    pub fn with_sprig() -> Self {
        let mut map = Self::new();
        super::sprig::register(&mut map);
        map
    }

    /// Adds or replaces `name`.
    pub fn insert(&mut self, name: impl Into<String>, func: Func) {
        self.funcs.insert(name.into(), func);
    }

    /// The function called `name`.
    pub fn get(&self, name: &str) -> Option<&Func> {
        self.funcs.get(name)
    }

    /// Whether `name` is defined.
    pub fn contains(&self, name: &str) -> bool {
        self.funcs.contains_key(name)
    }

    /// The number of functions.
    pub fn len(&self) -> usize {
        self.funcs.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.funcs.is_empty()
    }

    /// The defined names, unordered.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.funcs.keys().map(String::as_str)
    }
}

/// What a function can reach while it runs: the providers and the limits of this render.
pub struct CallContext<'a> {
    /// The clock (`now`, `date`, `ago`, ...).
    pub clock: &'a dyn Clock,
    /// The environment (`env`, `expandenv`).
    pub env: &'a dyn Environment,
    /// Randomness (`rand*`, `uuidv4`, `shuffle`, key generation, salts).
    pub random: &'a mut dyn Random,
    /// The limits of this render.
    pub limits: &'a Limits,
    /// Maps stored into in place (`set`, `merge`), whose cycles are freed when the render ends.
    pub(crate) stored_maps: &'a mut super::cycles::StoredMaps,
}

impl CallContext<'_> {
    /// Fails with [`FuncError::Limit`] if a collection of `len` items (or a string of `len`
    /// bytes) would exceed [`Limits::max_collection_len`]. Call it **before** allocating.
    pub fn check_len(&self, what: &str, len: u64) -> Result<(), FuncError> {
        let max = self.limits.max_collection_len as u64;
        if len > max {
            return Err(FuncError::Limit(format!(
                "{what}: size {len} exceeds the limit of {max}"
            )));
        }
        Ok(())
    }
}

/// Runs `f` with a system clock, an empty environment, randomness seeded by `seed` and `limits`:
/// the call context of unit tests of single functions.
#[cfg(test)]
pub(crate) fn with_test_context<T>(
    seed: u64,
    limits: &Limits,
    f: impl FnOnce(&mut CallContext<'_>) -> T,
) -> T {
    let mut random = SeededRandom::new(seed);
    let env = MapEnvironment::default();
    f(&mut CallContext {
        clock: &SystemClock,
        env: &env,
        random: &mut random,
        limits,
        stored_maps: &mut Default::default(),
    })
}

/// The source of the current time.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> SystemTime;
    /// The local time zone Go's `time.Local` would use (KOTS runs in UTC).
    fn zone(&self) -> Zone {
        Zone::utc()
    }
}

/// A fixed-offset time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    /// The abbreviation Go prints (`UTC`, `CET`).
    pub name: String,
    /// Seconds east of UTC.
    pub offset_seconds: i32,
}

impl Zone {
    /// UTC.
    pub fn utc() -> Self {
        Zone {
            name: "UTC".into(),
            offset_seconds: 0,
        }
    }
}

/// The system clock, in UTC.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at one instant (deterministic renders).
#[derive(Clone, Debug)]
pub struct FixedClock {
    /// The instant `now` returns.
    pub at: SystemTime,
    /// The local zone.
    pub zone: Zone,
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.at
    }
    fn zone(&self) -> Zone {
        self.zone.clone()
    }
}

/// Environment variables.
pub trait Environment: Send + Sync {
    /// The value of `name`, if set.
    fn var(&self, name: &str) -> Option<String>;

    /// The addresses of host `name`, for sprig's `getHostByName`. The SDK does no network I/O
    /// outside kots-registry, so the default resolves nothing; a caller that wants DNS answers
    /// implements this.
    fn lookup_host(&self, _name: &str) -> Vec<String> {
        Vec::new()
    }
}

/// The process environment.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemEnvironment;

impl Environment for SystemEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// A fixed set of variables (deterministic renders; empty by default).
#[derive(Clone, Debug, Default)]
pub struct MapEnvironment(pub HashMap<String, String>);

impl Environment for MapEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

/// A source of random bytes.
pub trait Random: Send {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]);

    /// A uniformly random `u64`.
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill(&mut b);
        u64::from_le_bytes(b)
    }

    /// A uniformly random integer in `0..n` (`n > 0`), without modulo bias.
    fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// The operating system's cryptographic random source.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemRandom;

impl Random for SystemRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        if getrandom::fill(buf).is_err() {
            // No OS entropy (practically impossible): fall back to a time-seeded generator
            // rather than panicking.
            let nanos = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
            SeededRandom::new(nanos).fill(buf);
        }
    }
}

/// A deterministic generator (SplitMix64) for reproducible renders. Not for secrets.
#[derive(Clone, Debug)]
pub struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SeededRandom { state: seed }
    }
}

impl Random for SeededRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// The providers a render uses. The default reads the real clock, environment and OS randomness,
/// as KOTS does.
///
/// ```
/// use kots_render::template::Providers;
/// let p = Providers::deterministic(42); // fixed clock at the Unix epoch, empty env, seeded rng
/// # let _ = p;
/// ```
#[derive(Clone)]
pub struct Providers {
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The environment.
    pub env: Arc<dyn Environment>,
    /// `None`: OS randomness; `Some(seed)`: a [`SeededRandom`] restarted from `seed` on every render.
    pub seed: Option<u64>,
}

impl Default for Providers {
    fn default() -> Self {
        Providers {
            clock: Arc::new(SystemClock),
            env: Arc::new(SystemEnvironment),
            seed: None,
        }
    }
}

impl Providers {
    /// A clock fixed at the Unix epoch (UTC), an empty environment and randomness seeded by `seed`.
    pub fn deterministic(seed: u64) -> Self {
        Providers {
            clock: Arc::new(FixedClock {
                at: SystemTime::UNIX_EPOCH,
                zone: Zone::utc(),
            }),
            env: Arc::new(MapEnvironment::default()),
            seed: Some(seed),
        }
    }

    /// The random source for one render.
    pub(crate) fn random(&self) -> Box<dyn Random> {
        match self.seed {
            Some(seed) => Box::new(SeededRandom::new(seed)),
            None => Box::new(SystemRandom),
        }
    }
}

impl fmt::Debug for Providers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Providers")
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}
