#!/usr/bin/env python3
"""Display-only adjudication table: joins annotator A and B by id and prints,
for each pair, the labels on which they disagree (with both annotators' notes).

It decides nothing. Usage:
    python scripts/adjudication_table.py [--start N] [--count K] [--ids ID ...] [--summary]
"""
import argparse

from labels_io import ANN, DATA, LABELS, ROOT, load_annotator, read_jsonl, show_disputes  # noqa: F401


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

    show_disputes([d for d in disputes() if d[3]], args, ("A", "B"))


if __name__ == "__main__":
    main()
