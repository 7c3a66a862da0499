#!/usr/bin/env python3
"""Merge annotator C/D agreement + adjudication into data/train_ibm.jsonl.

For each pair (in data/train_ibm_sample.jsonl order):
  * labels where C and D agree keep the shared value;
  * labels where they disagree take the value from
    data/annotations/train/adjudication.jsonl.
No label is decided here. The script fails loudly (non-zero exit, nothing written) if a
disputed label has no adjudicated value, if an adjudication line overrides an agreed label,
names an unknown id or label, if values are invalid, or if `acknowledges` and `acknowledge`
disagree (1 <-> pass): such problems must be fixed by hand in adjudication.jsonl.
"""
import json
import sys

from labels_io import AS, BINARY, DATA, KEYS, LABELS, ROOT, TRAIN_ANN, read_jsonl, valid  # noqa: F401

OUT = DATA / "train_ibm.jsonl"


def load_by_id(path, what):
    rows = {}
    for r in read_jsonl(path):
        if r["id"] in rows:
            sys.exit(f"duplicate id {r['id']} in {what}")
        rows[r["id"]] = r
    return rows


def main():
    sample = read_jsonl(DATA / "train_ibm_sample.jsonl")
    c = load_by_id(TRAIN_ANN / "annotator_c.jsonl", "annotator C")
    d = load_by_id(TRAIN_ANN / "annotator_d.jsonl", "annotator D")
    adj = load_by_id(TRAIN_ANN / "adjudication.jsonl", "adjudication")

    errors = []
    sample_ids = [s["id"] for s in sample]
    if len(set(sample_ids)) != len(sample_ids):
        errors.append("duplicate ids in train_ibm_sample.jsonl")
    for name, rows in (("C", c), ("D", d)):
        missing, extra = set(sample_ids) - rows.keys(), rows.keys() - set(sample_ids)
        if missing or extra:
            errors.append(f"annotator {name}: {len(missing)} missing, {len(extra)} extra ids")
    unknown = adj.keys() - set(sample_ids)
    if unknown:
        errors.append(f"adjudication ids not in sample: {sorted(unknown)}")
    if errors:
        sys.exit("\n".join(errors))

    out = []
    n_disputed_pairs = n_disputed_labels = 0
    for s in sample:
        i = s["id"]
        rc, rd, rj = c[i], d[i], adj.get(i, {})
        for k in rj:
            if k not in LABELS and k not in ("id", "notes"):
                errors.append(f"{i}: adjudication has unknown key {k!r}")
        row = {k: s[k] for k in ("id", "source", "company", "split", "message", "reply")}
        disputed = [k for k in LABELS if rc.get(k) != rd.get(k)]
        if disputed:
            n_disputed_pairs += 1
            n_disputed_labels += len(disputed)
        elif rj:
            errors.append(f"{i}: adjudication line for a pair without disagreement")
        for k in LABELS:
            if k in disputed:
                if k not in rj:
                    errors.append(f"{i}: disputed label {k} (C={rc.get(k)!r}, D={rd.get(k)!r}) "
                                  f"has no adjudicated value")
                    row[k] = None
                    continue
                row[k] = rj[k]
            else:
                if k in rj:
                    errors.append(f"{i}: adjudication sets {k}={rj[k]!r} but C and D agree "
                                  f"on {rc.get(k)!r}")
                row[k] = rc.get(k)
            if not valid(k, row[k]):
                errors.append(f"{i}: invalid value {k}={row[k]!r}")
        if row["acknowledges"] is not None and row["acknowledge"] is not None and \
                (row["acknowledges"] == 1) != (row["acknowledge"] == "pass"):
            errors.append(f"{i}: acknowledges={row['acknowledges']} conflicts with "
                          f"acknowledge={row['acknowledge']!r}")
        row["notes"] = rj.get("notes", "") or ""
        out.append({k: row[k] for k in KEYS})

    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(f"{len(errors)} problem(s); fix data/annotations/train/adjudication.jsonl "
                 f"and re-run (nothing written)")

    with open(OUT, "w", encoding="utf-8") as f:
        for row in out:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(out)} rows to {OUT} "
          f"({n_disputed_pairs} disputed pairs, {n_disputed_labels} disputed labels adjudicated)")


if __name__ == "__main__":
    main()
