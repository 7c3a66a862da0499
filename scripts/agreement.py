#!/usr/bin/env python3
"""Inter-annotator agreement for the labelling sample.

Prints, for each of the 8 labels: Cohen's kappa (sklearn) A vs B, raw agreement %,
number of pairs, agreements/disagreements, per-value counts for A, B and gold, and
kappa of A vs gold and B vs gold. Writes the same numbers to data/agreement.json.
"""
import json
from collections import Counter

from labels_io import ANN, DATA, LABELS, ROOT, load_annotator, read_jsonl  # noqa: F401
from sklearn.metrics import cohen_kappa_score


def kappa(x, y):
    k = cohen_kappa_score([str(v) for v in x], [str(v) for v in y])
    return None if k != k else round(float(k), 4)  # NaN -> None


def counts(values):
    return {str(k): v for k, v in sorted(Counter(values).items(), key=lambda kv: str(kv[0]))}


def main():
    ids = [s["id"] for s in read_jsonl(DATA / "labelling_sample.jsonl")]
    a, b = load_annotator("a"), load_annotator("b")
    gold = {r["id"]: r for r in read_jsonl(DATA / "gold.jsonl")}
    assert set(ids) == set(a) == set(b) == set(gold), "id sets differ"

    out = {"n_pairs": len(ids), "labels": {}}
    disputed_pairs = {i for i in ids if any(a[i][k] != b[i][k] for k in LABELS)}
    out["n_disputed_pairs"] = len(disputed_pairs)
    out["n_disputed_labels"] = sum(a[i][k] != b[i][k] for i in ids for k in LABELS)

    hdr = (f"{'label':13s} {'kappa A-B':>9s} {'agree%':>7s} {'agree':>5s} {'disagr':>6s} "
           f"{'kappa A-gold':>12s} {'kappa B-gold':>12s}")
    print(f"pairs: {len(ids)}  disputed pairs: {len(disputed_pairs)}  "
          f"disputed labels: {out['n_disputed_labels']}\n")
    print(hdr)
    print("-" * len(hdr))
    for k in LABELS:
        va = [a[i][k] for i in ids]
        vb = [b[i][k] for i in ids]
        vg = [gold[i][k] for i in ids]
        agree = sum(x == y for x, y in zip(va, vb))
        rec = {
            "kappa_a_b": kappa(va, vb),
            "raw_agreement_pct": round(100.0 * agree / len(ids), 2),
            "n": len(ids),
            "n_agree": agree,
            "n_disagree": len(ids) - agree,
            "kappa_a_gold": kappa(va, vg),
            "kappa_b_gold": kappa(vb, vg),
            "counts_a": counts(va),
            "counts_b": counts(vb),
            "counts_gold": counts(vg),
        }
        out["labels"][k] = rec
        print(f"{k:13s} {rec['kappa_a_b']:9.3f} {rec['raw_agreement_pct']:7.1f} {agree:5d} "
              f"{len(ids) - agree:6d} {rec['kappa_a_gold']:12.3f} {rec['kappa_b_gold']:12.3f}")

    print("\ncounts (A | B | gold):")
    for k in LABELS:
        r = out["labels"][k]
        print(f"  {k:13s} A={r['counts_a']}  B={r['counts_b']}  gold={r['counts_gold']}")

    with open(DATA / "agreement.json", "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(f"\nwrote {DATA / 'agreement.json'}")


if __name__ == "__main__":
    main()
