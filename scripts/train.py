"""Learn the weights of replyqa's scores from labelled pairs, and write them as plain JSON.

Usage:
    python scripts/train.py                 # shipped default: Apache-2.0 text only
    python scripts/train.py --research      # also the gold dev split (CC BY-NC-SA text): not shipped

Each score (relevance, genericness, acknowledgement, overall) is a logistic regression over the
named features that replyqa.judgements computes (see ``ScoredPair.inputs``); logistic
regression on held-in human labels is Platt scaling by construction, so its outputs are
probabilities. Training data:
  default:    data/train_ibm.jsonl (IBM customer-care pairs, Apache-2.0, labelled twice and
              adjudicated) plus gold rows from ibm_cdp in the dev split.
  --research: the above plus every gold dev row (twcs, tweetsumm: CC BY-NC-SA; stc3).
Gold test rows (companies never used here) are never read.

Writes replyqa/resources/weights.json (default) or results/weights_research.json, with the
training data recorded beside the weights.
"""
from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict

from replyqa import Checker

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    "relevance": lambda r: r["relevant"],
    "genericness": lambda r: r["generic"],
    "acknowledgement": lambda r: r["acknowledges"],
    # "useful and ready to send": responds to this message and answers what was asked
    "overall": lambda r: int(r["relevant"] == 1 and r["answer"] == "pass"),
}
ORDER = ("relevance", "genericness", "acknowledgement", "overall")  # overall reads the other three


def load_rows(research: bool) -> list[dict]:
    rows = []
    train = ROOT / "data" / "train_ibm.jsonl"
    if train.exists():
        rows += [json.loads(line) for line in train.open(encoding="utf-8")]
    for line in (ROOT / "data" / "gold.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["split"] != "dev":
            continue
        if research or row["source"].startswith("ibm_cdp"):
            rows.append(row)
    return rows


def fit_one(X: np.ndarray, y: np.ndarray, names: list[str], C: float) -> tuple[dict, float]:
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(X, y)
    oof = cross_val_predict(LogisticRegression(C=C, max_iter=2000), X, y, cv=5, method="predict_proba")[:, 1]
    from sklearn.metrics import roc_auc_score

    auc = float(roc_auc_score(y, oof)) if len(set(y)) == 2 else float("nan")
    weights = {"bias": float(model.intercept_[0]), "w": {n: float(c) for n, c in zip(names, model.coef_[0])}}
    return weights, auc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--research", action="store_true", help="also train on the non-commercial gold dev rows")
    ap.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--out", help="where to write the weights")
    args = ap.parse_args()
    rows = load_rows(args.research)
    if not rows:
        raise SystemExit("no training rows found (data/train_ibm.jsonl, data/gold.jsonl)")
    checker = Checker()
    pairs = [(r["message"], r["reply"]) for r in rows]
    weights: dict = {}
    report: dict = {}
    for name in ORDER:
        # re-score with the weights learned so far: overall's inputs are the other scores
        scored = checker.score_pairs(pairs, weights=weights or {})
        keep = [i for i, s in enumerate(scored) if s is not None]
        names = sorted(scored[keep[0]].inputs[name])
        X = np.array([[scored[i].inputs[name][n] for n in names] for i in keep], dtype=np.float64)
        y = np.array([TARGETS[name](rows[i]) for i in keep])
        weights[name], auc = fit_one(X, y, names, args.C)
        report[name] = {"n": int(len(y)), "positives": int(y.sum()), "cv_auc": round(auc, 4)}
        print(f"{name:16s} n={len(y):4d} positives={int(y.sum()):4d} 5-fold AUC={auc:.3f}")
    sources = sorted({r["source"] for r in rows})
    weights["sentence_genericness"] = {"bias": 0.5, "w": {"canned": 3.0, "margin": -8.0, "takes_up": -1.5, "generic_cue": 1.0, "short": 0.5},
                                       "note": "hand-set: no sentence-level labels; reply-level genericness is learned"}
    weights["_meta"] = {
        "trained": str(date.today()),
        "command": "python scripts/train.py" + (" --research" if args.research else ""),
        "training_sources": sources,
        "n_pairs": len(rows),
        "licence_of_training_text": "Apache-2.0 (ibm_cdp)" if not args.research else "mixed, includes CC BY-NC-SA: do not ship",
        "cross_validated": report,
    }
    out = Path(args.out) if args.out else (ROOT / ("results/weights_research.json" if args.research else "replyqa/resources/weights.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(weights, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
