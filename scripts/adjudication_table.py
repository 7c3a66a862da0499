#!/usr/bin/env python3
"""Display-only adjudication table: joins annotator A and B by id and prints,
for each pair, the labels on which they disagree (with both annotators' notes).

It decides nothing. Usage:
    python scripts/adjudication_table.py [--start N] [--count K] [--ids ID ...] [--summary]
"""
import argparse
import json
from pathlib import Path

from labels_io import ANN, DATA, LABELS, ROOT, load_annotator, read_jsonl  # noqa: F401

def disputes():
    """Yield (sample_row, a_row, b_row, [disagreeing labels]) in sample order."""
    sample = read_jsonl(DATA / "labelling_sample.jsonl")
    a, b = load_annotator("a"), load_annotator("b")
    ids = {s["id"] for s in sample}
    for name, rows in (("A", a), ("B", b)):
        missing, extra = ids - rows.keys(), rows.keys() - ids
        if missing or extra:
            raise SystemExit(f"annotator {name}: {len(missing)} missing, {len(extra)} extra ids")
    for s in sample:
        ra, rb = a[s["id"]], b[s["id"]]
        diff = [k for k in LABELS if ra[k] != rb[k]]
        yield s, ra, rb, diff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--start", type=int, default=0, help="index into the list of disputed pairs")
    ap.add_argument("--count", type=int, default=None, help="how many disputed pairs to show")
    ap.add_argument("--ids", nargs="*", help="only these ids")
    ap.add_argument("--summary", action="store_true", help="only print counts")
    args = ap.parse_args()

    rows = [d for d in disputes() if d[3]]
    if args.ids:
        rows = [d for d in rows if d[0]["id"] in set(args.ids)]
    n_labels = sum(len(d[3]) for d in rows)
    print(f"# disputed pairs: {len(rows)}  disputed labels: {n_labels}")
    if args.summary:
        from collections import Counter
        c = Counter(k for d in rows for k in d[3])
        for k in LABELS:
            print(f"  {k:13s} {c[k]}")
        return
    end = None if args.count is None else args.start + args.count
    for i, (s, ra, rb, diff) in enumerate(rows[args.start:end], start=args.start):
        print("=" * 100)
        print(f"[{i}] {s['id']}  ({s['source']}, {s['company']}, {s['split']})")
        print(f"MESSAGE: {s['message']}")
        print(f"REPLY:   {s['reply']}")
        for k in diff:
            print(f"  {k:13s} A={ra[k]!s:5s} B={rb[k]!s:5s}")
        print(f"  A notes: {ra.get('notes', '')}")
        print(f"  B notes: {rb.get('notes', '')}")


if __name__ == "__main__":
    main()
