"""Compare weight sets on the gold labels (default: test split), side by side.

Usage: python scripts/compare_weights.py [--split test] hand=- default=replyqa/resources/weights.json research=results/weights_research.json
"hand=-" means the hand-set defaults. Prints AUC and F1 per label and fail-F1 per A.
"""
from __future__ import annotations

import argparse
import json

from sklearn.metrics import cohen_kappa_score, f1_score, roc_auc_score

from replyqa import Checker

LABELS = (("relevant", "relevance"), ("acknowledges", "acknowledgement"), ("generic", "genericness"))
AS = ("anticipate", "accessible", "acknowledge", "answer", "assure")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test")
    ap.add_argument("weights", nargs="+", help="name=path ('-' for the hand-set defaults)")
    args = ap.parse_args()
    rows = [json.loads(line) for line in open("data/gold.jsonl", encoding="utf-8")]
    rows = [r for r in rows if args.split == "all" or r["split"] == args.split]
    base = Checker()
    table: dict[str, dict[str, float]] = {}
    for spec in args.weights:
        name, path = spec.split("=", 1)
        checker = Checker(nlp=base._analyzer.nlp, encoder=base._analyzer.encoder, weights={} if path == "-" else path)
        checker._analyzer = base._analyzer  # share caches: only the weights differ
        reports = checker.check_many([(r["message"], r["reply"]) for r in rows])
        col = table.setdefault(name, {})
        for label, score in LABELS:
            y = [r[label] for r in rows]
            s = [getattr(x.scores, score) for x in reports]
            col[f"{label} AUC"] = roc_auc_score(y, s)
            col[f"{label} F1"] = f1_score(y, [v >= 0.5 for v in s])
            col[f"{label} kappa"] = cohen_kappa_score(y, [int(v >= 0.5) for v in s])
        y = [int(r["relevant"] == 1 and r["answer"] == "pass") for r in rows]
        col["overall AUC"] = roc_auc_score(y, [x.scores.overall for x in reports])
        for a in AS:
            g = [r[a] == "fail" for r in rows]
            p = [x.five_as[a].verdict == "fail" for x in reports]
            col[f"{a} fail F1"] = f1_score(g, p)
            col[f"{a} fail kappa"] = cohen_kappa_score(g, p)
    names = list(table)
    print(f"{'measure (' + args.split + ', n=' + str(len(rows)) + ')':28s}" + "".join(f"{n:>12s}" for n in names))
    for key in table[names[0]]:
        print(f"{key:28s}" + "".join(f"{table[n][key]:12.3f}" for n in names))


if __name__ == "__main__":
    main()
