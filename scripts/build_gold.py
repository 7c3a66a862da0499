#!/usr/bin/env python3
"""Merge annotator agreement + adjudication into data/gold.jsonl.

For each pair (in labelling_sample.jsonl order):
  * labels where A and B agree keep the shared value;
  * labels where they disagree take the value from data/annotations/adjudication.jsonl.
No label is decided here. The script fails loudly if a disputed label has no
adjudicated value, if values are invalid, or if `acknowledges` and `acknowledge`
disagree (1 <-> pass): such conflicts must be fixed by hand in adjudication.jsonl.
"""
import json
import sys

from labels_io import ANN, AS, BINARY, DATA, KEYS, LABELS, ROOT, load_annotator, read_jsonl, valid  # noqa: F401


def main():
    sample = read_jsonl(DATA / "labelling_sample.jsonl")
    a, b = load_annotator("a"), load_annotator("b")
    adj = {}
    for r in read_jsonl(ANN / "adjudication.jsonl"):
        if r["id"] in adj:
            sys.exit(f"duplicate adjudication line for {r['id']}")
        adj[r["id"]] = r
    sample_ids = {s["id"] for s in sample}
    unknown = set(adj) - sample_ids
    if unknown:
        sys.exit(f"adjudication ids not in sample: {sorted(unknown)}")

    errors, gold = [], []
    n_disputed_pairs = n_disputed_labels = 0
    for s in sample:
        ra, rb, rj = a[s["id"]], b[s["id"]], adj.get(s["id"], {})
        row = {k: s[k] for k in ("id", "source", "company", "split", "message", "reply")}
        disputed = [k for k in LABELS if ra[k] != rb[k]]
        if disputed:
            n_disputed_pairs += 1
            n_disputed_labels += len(disputed)
        elif rj:
            print(f"note: adjudication line for undisputed pair {s['id']}", file=sys.stderr)
        for k in LABELS:
            if k in rj:
                if k not in disputed:
                    print(f"note: {s['id']} {k}: adjudication overrides agreed "
                          f"{ra[k]!r} -> {rj[k]!r}", file=sys.stderr)
                row[k] = rj[k]
            elif k in disputed:
                errors.append(f"{s['id']}: disputed label {k} not adjudicated")
                row[k] = None
            else:
                row[k] = ra[k]
            if row[k] is not None and not valid(k, row[k]):
                errors.append(f"{s['id']}: invalid value {k}={row[k]!r}")
        if (row["acknowledges"] == 1) != (row["acknowledge"] == "pass"):
            errors.append(f"{s['id']}: acknowledges={row['acknowledges']} conflicts with "
                          f"acknowledge={row['acknowledge']}")
        row["notes"] = rj.get("notes", "") or ""
        gold.append({k: row[k] for k in KEYS})

    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(f"{len(errors)} problem(s); fix adjudication.jsonl and re-run")

    with open(DATA / "gold.jsonl", "w", encoding="utf-8") as f:
        for row in gold:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(gold)} rows to {DATA / 'gold.jsonl'} "
          f"({n_disputed_pairs} disputed pairs, {n_disputed_labels} disputed labels)")


if __name__ == "__main__":
    main()
