#!/usr/bin/env python3
"""Writes corpus.jsonl for the kots-diff oracle: deterministic (seeded) pairs of texts that
exercise go-diff's line diff (edits, block moves that trigger the half-match speedup, repeated
lines, missing final newlines, CRLF, empty texts, a line over bufio.Scanner's 64 KiB limit)."""
import json
import random

rng = random.Random(20261201)

WORDS = ["name", "image", "value", "port", "replicas", "labels", "app", "env", "data", "spec"]


def line():
    indent = "  " * rng.randint(0, 4)
    kind = rng.random()
    if kind < 0.15:
        return indent + "- name: " + rng.choice(WORDS)
    if kind < 0.25:
        return ""
    return indent + rng.choice(WORDS) + ": " + rng.choice(WORDS) + str(rng.randint(0, 20))


def doc(n):
    return [line() for _ in range(n)]


def edit(lines):
    out = list(lines)
    for _ in range(rng.randint(0, 8)):
        op = rng.random()
        if not out or op < 0.3:
            out.insert(rng.randint(0, len(out)), line())
        elif op < 0.55:
            del out[rng.randrange(len(out))]
        elif op < 0.8:
            out[rng.randrange(len(out))] = line()
        else:
            # Move a block: diff-match-patch's half-match cuts at long common runs.
            i = rng.randrange(len(out))
            j = min(len(out), i + rng.randint(1, 10))
            block = out[i:j]
            del out[i:j]
            k = rng.randint(0, len(out))
            out[k:k] = block
    return out


def text(lines, final_newline=True, crlf=False):
    sep = "\r\n" if crlf else "\n"
    body = sep.join(lines)
    return body + sep if final_newline and lines else body


# Pairs where diff-match-patch's half-match speedup gives a non-minimal diff (found by searching
# small-alphabet block moves against the oracle): a minimal diff such as Myers' counts differently.
NON_MINIMAL = [
    ('l0\nl0\nl1\nl0\nl0\nl1\nl1\n', 'l1\nl0\nl1\nl1\nl0\nl0\nl1\nl0\n'),
    ('l6\nl7\nl3\nl1\nl0\nl7\nl0\nl7\nl7\n', 'l6\nl7\nl3\nl0\nl7\nl7\nl7\nl1\n'),
    ('l1\nl1\nl1\nl0\nl0\nl0\nl0\nl1\nl1\n', 'l1\nl1\nl1\nl1\nl0\nl1\nl0\nl0\nl0\n'),
    ('l1\nl2\nl0\nl1\nl0\nl2\nl0\nl1\nl1\nl2\n', 'l1\nl0\nl2\nl0\nl1\nl2\nl0\nl1\nl2\n'),
    ('l0\nl0\nl1\nl1\nl1\nl1\nl1\nl0\nl1\nl0\n', 'l0\nl1\nl1\nl0\nl1\nl1\nl1\nl0\nl1\nl1\nl0\n'),
    ('l3\nl3\nl2\nl0\nl2\nl0\nl3\nl0\nl2\nl1\nl1\nl2\nl2\n', 'l3\nl3\nl2\nl3\nl0\nl2\nl0\nl2\nl0\nl1\nl1\nl2\nl2\n'),
    ('l0\nl0\nl2\nl1\nl0\nl0\nl1\nl0\nl1\nl3\nl2\nl0\nl0\n', 'l0\nl0\nl0\nl1\nl3\nl2\nl0\nl0\nl0\nl3\nl2\nl1\nl0\nl1\n'),
    ('l1\nl0\nl1\nl1\nl0\nl0\nl1\nl0\nl0\nl0\nl0\nl0\nl0\n', 'l1\nl0\nl1\nl1\nl1\nl0\nl0\nl0\nl0\nl1\nl0\nl0\nl0\nl0\nl1\n'),
    ('l1\nl0\nl1\nl1\nl0\nl1\nl0\nl0\nl1\nl0\nl0\nl0\nl1\nl0\n', 'l1\nl1\nl0\nl0\nl1\nl1\nl0\nl0\nl1\nl1\nl0\nl1\nl0\nl0\nl0\n'),
    ('l1\nl2\nl1\nl0\nl2\nl1\nl0\nl0\nl2\nl2\nl1\nl0\nl0\nl1\nl0\nl1\n', 'l1\nl2\nl2\nl1\nl1\nl0\nl1\nl0\nl2\nl1\nl0\nl0\nl2\nl1\n'),
    ('l0\nl1\nl1\nl1\nl1\nl0\nl0\nl0\nl0\nl1\nl1\nl0\nl1\nl0\nl1\nl1\n', 'l0\nl1\nl1\nl1\nl0\nl1\nl0\nl1\nl0\nl1\nl1\nl1\nl0\nl0\nl1\nl0\n'),
    ('l1\nl2\nl0\nl0\nl3\nl0\nl3\nl3\nl3\nl0\nl3\nl1\nl0\nl3\nl3\nl0\n', 'l1\nl2\nl0\nl0\nl3\nl3\nl0\nl3\nl3\nl0\nl3\nl3\nl3\nl0\nl1\nl0\n'),
]

cases = [
    ("kots-identical", "env:\n  - name: MINIO_ACCESS_KEY\n    value: abc123\n  - name: MINIO_SECRET_KEY\n    value: abc234",
     "env:\n  - name: MINIO_ACCESS_KEY\n    value: abc123\n  - name: MINIO_SECRET_KEY\n    value: abc234"),
    ("kots-single-line-edit", "env:\n  - name: MINIO_ACCESS_KEY\n    value: abc123\n  - name: MINIO_SECRET_KEY\n    value: abc235",
     "env:\n  - name: MINIO_ACCESS_KEY\n    value: abc123\n  - name: MINIO_SECRET_KEY\n    value: abc234"),
    ("kots-file-changed", "this is my file\nit has\nthree lines", "this is my file\nit has two lines"),
    ("empty-both", "", ""),
    ("empty-base", "", "a\nb\n"),
    ("empty-updated", "a\nb", ""),
    ("final-newline-only", "a\nb", "a\nb\n"),
    ("long-line", "a\n" + "x" * 66000 + "\nb\nc\n", "a\nz\nb\nc\n"),
    ("long-line-fits", "a\n" + "y" * 65535 + "\nb\n", "a\nb\n"),
]
for i, (base, updated) in enumerate(NON_MINIMAL):
    cases.append((f"non-minimal-{i}", base, updated))
for i in range(120):
    n = rng.choice([3, 10, 30, 60])
    base = doc(n)
    updated = edit(base)
    if rng.random() < 0.3:
        updated = edit(updated)
    cases.append((
        f"random-{i}",
        text(base, rng.random() < 0.85, crlf=i % 17 == 0),
        text(updated, rng.random() < 0.85, crlf=i % 17 == 0),
    ))

with open("corpus.jsonl", "w") as f:
    for name, base, updated in cases:
        f.write(json.dumps({"name": name, "base": base, "updated": updated}) + "\n")
