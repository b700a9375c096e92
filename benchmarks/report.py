"""Build the README's benchmark table from ``benchmarks/results/*.json`` (no hand-copied numbers).

The table sits in README.md between ``<!-- bench:start -->`` and ``<!-- bench:end -->``. Usage::

    .venv/bin/python benchmarks/report.py           # rewrite the table in README.md (make bench-readme)
    .venv/bin/python benchmarks/report.py --check   # exit 1 when README.md differs from the JSON files

``tests/test_benchmarks.py`` runs the check, so a new or re-run benchmark must be followed by
``make bench-readme``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["END", "START", "render", "replace_block"]

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def render(results: Path = HERE / "results", /) -> str:
    """The markdown table (with a line on where and when) from every JSON file in ``results``."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(results.glob("*.json"))]
    lines = [
        "| script | what | landkit | peers (same run) | peers agree | measured |",
        "|---|---|---|---|---|---|",
    ]
    for doc in docs:
        m = doc["machine"]
        when = f"{doc['date'][:10]}, {m['cpu_count']} cores, load {m['load_average_1min_at_start']}"
        agree = "yes" if doc["peers_agree"] else "**NO**"
        lines += [
            f"| `{doc['benchmark']}.py` | {r['what']} | {r['landkit']} | {r['peers']} | {agree} | {when} |"
            for r in doc["table"]
        ]
    return "\n".join(lines) + "\n"


def replace_block(text: str, table: str, /) -> str:
    """``text`` with the part between the bench markers replaced by ``table``."""
    head, sep, rest = text.partition(START)
    _, sep2, tail = rest.partition(END)
    if not (sep and sep2):
        raise SystemExit(f"README.md lacks the {START} … {END} markers")
    return f"{head}{START}\n{table}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that README.md is up to date")
    args = ap.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = replace_block(text, render())
    if args.check:
        if new != text:
            print("README.md's benchmark table differs from benchmarks/results/: run `make bench-readme`")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
