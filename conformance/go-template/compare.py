#!/usr/bin/env python3
"""Differential test: runs every corpus case through the Go oracle and through `kots template`
and compares the results byte for byte (outputs, and full error messages; both must fail where Go
fails).

Usage: compare.py ORACLE KOTS [CORPUS_FILES...] [--verbose] [--allow-known]

Cases may carry `"expect": {"output": …}` or `{"error": …}`: the expected result under the Go
release KOTS is built with, for features newer than the oracle's Go (range over an integer is Go
1.22, `else with` Go 1.23; Debian's Go is 1.19). Those are compared with `expect` instead.
Cases with `"deviation": REASON` are deliberate differences (limits) checked against `expect`.
Exits non-zero on any mismatch.
"""
import json
import pathlib
import subprocess
import sys


def run(cmd, cases):
    lines = "".join(json.dumps(c) + "\n" for c in cases)
    res = subprocess.run(cmd, input=lines.encode(), capture_output=True, timeout=600)
    if res.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {res.stderr.decode(errors='replace')}")
    out = [json.loads(l) for l in res.stdout.decode().splitlines() if l.strip()]
    if len(out) != len(cases):
        sys.exit(f"{cmd[0]}: {len(out)} results for {len(cases)} cases")
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    verbose = "--verbose" in sys.argv
    oracle, kots = args[0], args[1]
    here = pathlib.Path(__file__).parent
    files = [pathlib.Path(f) for f in args[2:]] or sorted((here / "corpus").glob("*.jsonl"))
    total = failed = modern = 0
    deviations = []
    for f in files:
        cases = [json.loads(l) for l in f.read_text().splitlines() if l.strip()]
        go = run([oracle], cases)
        rs = run([kots, "template", "--seed", "1"] if "kots" in pathlib.Path(kots).name else [kots], cases)
        bad = 0
        for i, (c, g, r) in enumerate(zip(cases, go, rs)):
            want = c.get("expect", g)
            total += 1
            if "deviation" in c:
                deviations.append(f"{f.name}:{i + 1}: {c['deviation']}")
            elif "expect" in c:
                modern += 1
            if want != r:
                bad += 1
                failed += 1
                if verbose or bad <= 5:
                    print(f"{f.name}:{i + 1}: {json.dumps(c['template'])} data={json.dumps(c.get('data'))[:80]}")
                    print(f"   go:   {json.dumps(want, ensure_ascii=False)}")
                    print(f"   kots: {json.dumps(r, ensure_ascii=False)}")
        print(f"{f.name}: {len(cases) - bad}/{len(cases)} identical")
    print(f"TOTAL: {total - failed}/{total} identical "
          f"({modern} checked against Go >= 1.22 expectations, {len(deviations)} documented deviations)")
    for d in deviations:
        print(f"  deviation {d}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
