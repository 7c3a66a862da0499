#!/usr/bin/env python3
"""Display-only disagreement table for the IBM training set.

Joins annotator C and D (data/annotations/train/annotator_{c,d}.jsonl) by id and prints,
for each pair with at least one disagreement (in train_ibm_sample.jsonl order), the id,
message, reply, and C's and D's values for the disputed labels only, plus both notes.

It decides nothing. Usage:
    python scripts/train_disagreements.py [--start N] [--count K] [--ids ID ...] [--summary]
"""
import argparse

from labels_io import DATA, LABELS, ROOT, TRAIN_ANN, read_jsonl, show_disputes  # noqa: F401


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

    show_disputes([x for x in disputes() if x[3]], args, ("C", "D"))


if __name__ == "__main__":
    main()
