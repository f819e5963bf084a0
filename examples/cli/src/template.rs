//! `kots template`: the conformance runner. Reads JSON lines
//! `{"template": T, "data": D, "delims": [L, R], "name": N}` on stdin (`data`, `delims` and `name`
//! optional; `name` defaults to `template`) and writes one line per input, in order:
//! `{"output": O}` or `{"error": E}`. Data numbers are float64, as Go's encoding/json decodes them.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::Instant;

use kots_render::template::{Options, Providers, Template, Value};
use serde::{Deserialize, Serialize};

use crate::output::CliError;

#[derive(clap::Args)]
pub struct Args {
    /// Make clock, environment and randomness deterministic (fixed epoch clock, empty
    /// environment, randomness seeded with this value).
    #[arg(long)]
    seed: Option<u64>,
    /// Render every case this many times (benchmarking); only the last result is printed.
    #[arg(long, default_value_t = 1)]
    repeat: u32,
    /// With --repeat: parse once and execute `repeat` times (pre-parsed benchmark).
    #[arg(long)]
    preparsed: bool,
    /// Print the total rendering time in nanoseconds on stderr (`time_ns=N`).
    #[arg(long)]
    timing: bool,
}

#[derive(Deserialize)]
struct Case {
    template: String,
    #[serde(default)]
    data: serde_json::Value,
    #[serde(default)]
    delims: Option<(String, String)>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Outcome {
    Output { output: String },
    Error { error: String },
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let mut base = Options::default();
    if let Some(seed) = args.seed {
        base.providers = Providers::deterministic(seed);
    }
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut total = std::time::Duration::ZERO;
    for (n, line) in stdin.lines().enumerate() {
        let line = line.map_err(|e| CliError::new(format!("stdin: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let outcome = match serde_json::from_str::<Case>(&line) {
            Err(e) => Outcome::Error {
                error: format!("input line {}: {e}", n + 1),
            },
            Ok(case) => {
                let start = Instant::now();
                let o = render_case(&case, &base, args.repeat.max(1), args.preparsed);
                total += start.elapsed();
                o
            }
        };
        let json = serde_json::to_string(&outcome).map_err(CliError::new)?;
        writeln!(stdout, "{json}").map_err(|e| CliError::new(format!("stdout: {e}")))?;
    }
    stdout
        .flush()
        .map_err(|e| CliError::new(format!("stdout: {e}")))?;
    if args.timing {
        eprintln!("time_ns={}", total.as_nanos());
    }
    Ok(ExitCode::SUCCESS)
}

fn render_case(case: &Case, base: &Options, repeat: u32, preparsed: bool) -> Outcome {
    let mut opts = base.clone();
    if let Some((l, r)) = &case.delims {
        opts.delims = (l.clone(), r.clone());
    }
    let name = case.name.as_deref().unwrap_or("template");
    let data = Value::from_json(&case.data);
    let mut result = Err(String::new());
    if preparsed {
        match Template::parse_with(name, &case.template, &opts) {
            Err(e) => result = Err(e.to_string()),
            Ok(t) => {
                for _ in 0..repeat {
                    result = t.render(&data).map_err(|e| e.to_string());
                }
            }
        }
    } else {
        for _ in 0..repeat {
            result = Template::parse_with(name, &case.template, &opts)
                .and_then(|t| t.render(&data))
                .map_err(|e| e.to_string());
        }
    }
    match result {
        Ok(output) => Outcome::Output { output },
        Err(error) => Outcome::Error { error },
    }
}
