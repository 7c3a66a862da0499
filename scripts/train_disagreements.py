#!/usr/bin/env python3
"""Display-only disagreement table for the IBM training set.

Joins annotator C and D (data/annotations/train/annotator_{c,d}.jsonl) by id and prints,
for each pair with at least one disagreement (in train_ibm_sample.jsonl order), the id,
message, reply, and C's and D's values for the disputed labels only, plus both notes.

It decides nothing. Usage:
    python scripts/train_disagreements.py [--start N] [--count K] [--ids ID ...] [--summary]
"""
import argparse
import json
from collections import Counter
from pathlib import Path

from labels_io import DATA, LABELS, ROOT, TRAIN_ANN, read_jsonl  # noqa: F401

def load_annotator(letter):
    rows = {}
    for r in read_jsonl(TRAIN_ANN / f"annotator_{letter}.jsonl"):
        if r["id"] in rows:
            raise SystemExit(f"duplicate id {r['id']} for annotator {letter.upper()}")
        rows[r["id"]] = r
    return rows


def disputes():
    """Yield (sample_row, c_row, d_row, [disagreeing labels]) in sample order."""
    sample = read_jsonl(DATA / "train_ibm_sample.jsonl")
    c, d = load_annotator("c"), load_annotator("d")
    ids = {s["id"] for s in sample}
    for name, rows in (("C", c), ("D", d)):
        missing, extra = ids - rows.keys(), rows.keys() - ids
        if missing or extra:
            raise SystemExit(f"annotator {name}: {len(missing)} missing, {len(extra)} extra ids")
    for s in sample:
        rc, rd = c[s["id"]], d[s["id"]]
        diff = [k for k in LABELS if rc.get(k) != rd.get(k)]
        yield s, rc, rd, diff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--start", type=int, default=0, help="index into the list of disputed pairs")
    ap.add_argument("--count", type=int, default=None, help="how many disputed pairs to show")
    ap.add_argument("--ids", nargs="*", help="only these ids")
    ap.add_argument("--summary", action="store_true", help="only print counts")
    args = ap.parse_args()

    rows = [x for x in disputes() if x[3]]
    if args.ids:
        wanted = set(args.ids)
        rows = [x for x in rows if x[0]["id"] in wanted]
    n_labels = sum(len(x[3]) for x in rows)
    print(f"# disputed pairs: {len(rows)}  disputed labels: {n_labels}")
    if args.summary:
        cnt = Counter(k for x in rows for k in x[3])
        for k in LABELS:
            print(f"  {k:13s} {cnt[k]}")
        return
    end = None if args.count is None else args.start + args.count
    for i, (s, rc, rd, diff) in enumerate(rows[args.start:end], start=args.start):
        print("=" * 100)
        print(f"[{i}] {s['id']}  ({s['source']}, {s['company']})")
        print(f"MESSAGE: {s['message']}")
        print(f"REPLY:   {s['reply']}")
        for k in diff:
            print(f"  {k:13s} C={rc.get(k)!s:5s} D={rd.get(k)!s:5s}")
        print(f"  C notes: {rc.get('notes', '')}")
        print(f"  D notes: {rd.get('notes', '')}")


if __name__ == "__main__":
    main()
