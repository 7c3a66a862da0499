"""Learn the weights of replyqa's scores from labelled pairs, and write them as plain JSON.

Usage:
    python scripts/train.py                 # shipped default: Apache-2.0 text only
    python scripts/train.py --research      # also the gold dev split (CC BY-NC-SA text): not shipped

Each score (relevance, genericness, acknowledgement, overall) is a logistic regression over the
named features that replyqa.judgements computes (see ``ScoredPair.inputs``); logistic
regression on held-in human labels is Platt scaling by construction, so its outputs are
probabilities. Relevance is first learned as a ranker from the swap test on IBM pairs (true reply vs replies
the same company sent to other customers: weak labels, Apache-2.0), then Platt-calibrated to the
human labels. Training data:
  default:    data/train_ibm.jsonl (IBM customer-care pairs, Apache-2.0, labelled twice and
              adjudicated) plus gold rows from ibm_cdp in the dev split.
  --research: the above plus every gold dev row (twcs, tweetsumm: CC BY-NC-SA; stc3), and for
              ``overall`` the STC-3 usefulness votes of the training half of its dialogues, for
              ``genericness`` TWCS template counts of American Airlines and British Airways (not Delta).
Gold test rows (companies never used here) are never read.

    --cross-encoder DIR: weights for a checker with that cross-encoder (scripts/train_cross_encoder.py):
              relevance also reads its logit (feature ``cross``) and ranks on the cross-encoder's own
              validation groups (never trained on); written to DIR/weights.json.

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


def weak_relevance_pairs(shared: Path, exclude_companies: set[str], per_message: int = 5, seed: int = 0) -> tuple[list, list]:
    """The swap test as training data: each IBM customer message with its true reply (1) and
    replies the same company sent to other customers (0). Apache-2.0 text only."""
    import random

    rng = random.Random(seed)
    path = shared / "ibm_cdp" / "ibm_cdp_pairs.jsonl"
    if not path.exists():
        return [], []
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    rows = [r for r in rows if r["company"] not in exclude_companies]
    by_company: dict[str, list[str]] = {}
    for r in rows:
        by_company.setdefault(r["company"], []).append(r["agent_reply"])
    pairs, labels = [], []
    for r in rows:
        others = sorted({t for t in by_company[r["company"]] if t != r["agent_reply"]})
        if len(others) < per_message:
            continue
        pairs.append((r["customer_message"], r["agent_reply"]))
        labels.append(1)
        for t in rng.sample(others, per_message):
            pairs.append((r["customer_message"], t))
            labels.append(0)
    return pairs, labels


def usefulness_rows(shared: Path) -> tuple[list, list]:
    """STC-3 replies of the training half of the dialogues, labelled useful when at least half the
    annotators found them so (the evaluation's ``usefulness`` definition; ``stc3/held_out`` is the
    other half). Research only: the STC-3 text licence is unstated."""
    from replyqa.evaluate import USEFUL_SHARE_THRESHOLD, stc3_held_out

    path = shared / "stc3" / "stc3_helpdesk_pairs.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")] if path.exists() else []
    rows = [r for r in rows if r.get("reply_frac_HNaN") is not None and not stc3_held_out(r.get("dialog_id", r["id"]))]
    return ([(r["customer_message"], r["agent_reply"]) for r in rows],
            [int(1.0 - float(r["reply_frac_HNaN"]) >= USEFUL_SHARE_THRESHOLD) for r in rows])


BOILERPLATE_HELD_OUT = "Delta"  # the airline whose replies research genericness never sees


def template_rows(shared: Path, n_one_off: int = 400, seed: int = 0) -> tuple[list, list]:
    """TWCS airline replies other than Delta's: generic (1) when agents sent the same reply to two or
    more customers, specific (0) a sample of replies sent once. Research only (CC BY-NC-SA)."""
    path = shared / "twcs_airlines" / "twcs_airlines_pairs.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")] if path.exists() else []
    first: dict[str, dict] = {}
    for r in rows:
        if r.get("company") and r["company"] != BOILERPLATE_HELD_OUT:
            first.setdefault(r["agent_reply"], r)
    repeated = [r for r in first.values() if r["reply_template_count"] >= 2]
    once = [r for r in first.values() if r["reply_template_count"] == 1]
    once = [once[int(i)] for i in np.random.default_rng(seed).choice(len(once), size=min(n_one_off, len(once)), replace=False)]
    return ([(r["customer_message"], r["agent_reply"]) for r in repeated + once], [1] * len(repeated) + [0] * len(once))


# Research weights learn these scores also from weakly labelled real data (non-commercial text):
# genericness from replies airline agents sent word for word to several customers (Delta left out,
# so boilerplate is measured at a company never trained on); overall ("useful and ready to send")
# from STC-3 annotators' votes on the training half of the dialogues.
RESEARCH_EXTRA = {"genericness": template_rows, "overall": usefulness_rows}


def cross_validation_pairs(cross_dir: Path, shared: Path) -> tuple[list, list, dict]:
    """The swap-test pairs of the cross-encoder's validation groups, rebuilt from its record."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from train_cross_encoder import make_groups

    record = json.loads((cross_dir / "head.json").read_text(encoding="utf-8"))["training"]
    _, val = make_groups(shared, corpora=record["corpora"], negatives=record["negatives"],
                         max_per_corpus=record.get("max_per_corpus", 3000), val_share=record.get("val_share", 0.08),
                         seed=record["seed"])
    pairs, labels = [], []
    for message, true, others in val:
        pairs += [(message, true)] + [(message, o) for o in others]
        labels += [1] + [0] * len(others)
    return pairs, labels, record


def fit_one(X: np.ndarray, y: np.ndarray, names: list[str], C: float) -> tuple[dict, float]:
    """Standardised logistic regression, folded back into weights on the raw features."""
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def model() -> object:
        return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))

    fitted = model().fit(X, y)
    oof = cross_val_predict(model(), X, y, cv=5, method="predict_proba")[:, 1]
    auc = float(roc_auc_score(y, oof)) if len(set(y)) == 2 else float("nan")
    scaler, lr = fitted[0], fitted[1]
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    coef = lr.coef_[0] / scale
    bias = float(lr.intercept_[0] - np.dot(coef, scaler.mean_))
    weights = {"bias": bias, "w": {n: float(c) for n, c in zip(names, coef)}}
    return weights, auc


def fit_relevance(checker: Checker, weak_pairs: list, weak_labels: list, scored: list, rows: list, C: float) -> tuple[dict, dict]:
    """Rank with the swap test (true vs other customers' replies), then calibrate the ranking
    score to the human ``relevant`` labels with a one-feature logistic fit (Platt scaling)."""
    from sklearn.metrics import roc_auc_score

    weak = checker.score_pairs(weak_pairs, weights={})
    keep = [i for i, s in enumerate(weak) if s is not None]
    names = sorted(weak[keep[0]].inputs["relevance"])
    X = np.array([[weak[i].inputs["relevance"][n] for n in names] for i in keep])
    y = np.array([weak_labels[i] for i in keep])
    ranker, weak_auc = fit_one(X, y, names, C)
    w = np.array([ranker["w"][n] for n in names])
    human = [i for i, s in enumerate(scored) if s is not None]
    z = np.array([[float(np.dot(w, [scored[i].inputs["relevance"][n] for n in names]) + ranker["bias"])] for i in human])
    t = np.array([rows[i]["relevant"] for i in human])
    platt = LogisticRegression(C=100.0, max_iter=1000).fit(z, t)
    a, c = float(platt.coef_[0][0]), float(platt.intercept_[0])
    human_auc = float(roc_auc_score(t, z[:, 0])) if len(set(t)) == 2 else float("nan")
    weights = {"bias": a * ranker["bias"] + c, "w": {n: a * ranker["w"][n] for n in names}}
    info = {"weak_pairs": len(y), "weak_cv_auc": round(weak_auc, 4), "human_n": len(t),
            "human_positives": int(t.sum()), "human_auc_of_ranker": round(human_auc, 4), "platt": [a, c]}
    return weights, info


def calibrated_hand(checker: Checker, name: str, rows: list, target) -> dict:
    """The hand-set weights of one score with an isotonic calibration map fitted to human
    labels (monotone, so the hand model's ranking is kept while its outputs become rates)."""
    from sklearn.isotonic import IsotonicRegression

    from replyqa.judgements.scores import DEFAULT_WEIGHTS, combine

    hand = DEFAULT_WEIGHTS[name]
    scored = checker.score_pairs([(r["message"], r["reply"]) for r in rows], weights={})
    keep = [i for i, s in enumerate(scored) if s is not None]
    p = np.array([combine(name, scored[i].inputs[name], {name: hand}) for i in keep])
    y = np.array([target(rows[i]) for i in keep])
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y)
    return {**hand, "calibration": {"x": [float(v) for v in iso.X_thresholds_], "y": [float(v) for v in iso.y_thresholds_]},
            "note": "hand-set weights, isotonic calibration to human labels"}


def select_on_dev(checker: Checker, learned: dict, train_rows: list, keep: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """Model selection on gold dev rows never used for training (twcs, tweetsumm, stc3 dev):
    for each score keep the learned model or the isotonic-calibrated hand-set one, whichever ranks
    the human labels better (ROC AUC); for each A keep the learned verdict models or the hand
    rules, whichever detects failures better (F1). Gold test is never read."""
    from sklearn.metrics import f1_score, roc_auc_score

    dev = [json.loads(line) for line in (ROOT / "data" / "gold.jsonl").open(encoding="utf-8")]
    dev = [r for r in dev if r["split"] == "dev" and not r["source"].startswith("ibm_cdp")]
    pairs = [(r["message"], r["reply"]) for r in dev]
    hand = {name: calibrated_hand(checker, name, train_rows, TARGETS[name]) for name in ORDER}
    chosen, decisions = dict(learned), {}
    for name in ORDER:
        y = [TARGETS[name](r) for r in dev]
        aucs = {}
        for label, cand in (("learned", {**chosen, name: learned[name]}), ("hand", {**chosen, name: hand[name]})):
            reports = checker.score_pairs(pairs, weights=cand)
            aucs[label] = roc_auc_score(y, [getattr(x.scores, name) if x else 0.0 for x in reports])
        pick = "learned" if aucs["learned"] >= aucs["hand"] or name in keep else "hand"
        chosen[name] = learned[name] if pick == "learned" else hand[name]
        decisions[name] = {"pick": pick, **{k: round(v, 4) for k, v in aucs.items()}}
        print(f"select {name:16s} dev AUC learned={aucs['learned']:.3f} hand={aucs['hand']:.3f} -> {pick}")
    for a in ("anticipate", "accessible", "acknowledge", "answer", "assure"):
        keys = [k for k in (f"{a}.applicable", f"{a}.pass") if k in learned]
        without = {k: v for k, v in chosen.items() if k not in keys}
        g = [r[a] == "fail" for r in dev]
        f1 = {}
        for label, cand in (("learned", chosen), ("hand", without)):
            reports = checker.score_pairs(pairs, weights=cand)
            f1[label] = f1_score(g, [bool(x) and x.five_as[a].verdict == "fail" for x in reports])
        pick = "learned" if f1["learned"] >= f1["hand"] else "hand"
        if pick == "hand":
            chosen = without
        decisions[a] = {"pick": pick, **{k: round(v, 4) for k, v in f1.items()}}
        print(f"select {a:16s} dev fail-F1 learned={f1['learned']:.3f} hand={f1['hand']:.3f} -> {pick}")
    return chosen, decisions


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--research", action="store_true", help="also train on the non-commercial gold dev rows")
    ap.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--out", help="where to write the weights")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"), help="the shared corpora (IBM pairs for the swap test)")
    ap.add_argument("--cross-encoder", help="a folder written by scripts/train_cross_encoder.py; writes DIR/weights.json")
    args = ap.parse_args()
    rows = load_rows(args.research)
    if not rows:
        raise SystemExit("no training rows found (data/train_ibm.jsonl, data/gold.jsonl)")
    cross_record = None
    if args.cross_encoder:
        # a placeholder the checker accepts; every score_pairs call below passes its own weights
        checker = Checker(cross_encoder=args.cross_encoder, weights={"relevance": {"bias": 0.0, "w": {"cross": 1.0}}})
    else:
        checker = Checker()
    pairs = [(r["message"], r["reply"]) for r in rows]
    weights: dict = {}
    report: dict = {}
    gold_test_companies = {json.loads(line)["company"] for line in (ROOT / "data" / "gold.jsonl").open(encoding="utf-8")
                           if json.loads(line)["split"] == "test"}
    if args.cross_encoder:
        weak_pairs, weak_labels, cross_record = cross_validation_pairs(Path(args.cross_encoder), Path(args.shared))
    else:
        weak_pairs, weak_labels = weak_relevance_pairs(Path(args.shared), gold_test_companies)
    for name in ORDER:
        # re-score with the weights learned so far: overall's inputs are the other scores
        scored = checker.score_pairs(pairs, weights=weights or {})
        if name == "relevance" and weak_pairs:
            weights[name], report[name] = fit_relevance(checker, weak_pairs, weak_labels, scored, rows, args.C)
            print(f"relevance        {report[name]}")
            continue
        keep = [i for i, s in enumerate(scored) if s is not None]
        names = sorted(scored[keep[0]].inputs[name])
        X = np.array([[scored[i].inputs[name][n] for n in names] for i in keep], dtype=np.float64)
        y = np.array([TARGETS[name](rows[i]) for i in keep])
        if args.research and name in RESEARCH_EXTRA:
            extra_pairs, extra_y = RESEARCH_EXTRA[name](Path(args.shared))
            extra = checker.score_pairs(extra_pairs, weights=weights)
            kept = [i for i, s in enumerate(extra) if s is not None]
            X = np.vstack([X, [[extra[i].inputs[name][n] for n in names] for i in kept]])
            y = np.concatenate([y, [extra_y[i] for i in kept]])
        weights[name], auc = fit_one(X, y, names, args.C)
        report[name] = {"n": len(y), "positives": int(y.sum()), "cv_auc": round(auc, 4)}
        print(f"{name:16s} n={len(y):4d} positives={int(y.sum()):4d} 5-fold AUC={auc:.3f}")
    # the 5 As: per A, is it applicable (message cues), and does the draft pass (draft cues)
    scored = checker.score_pairs(pairs, weights=weights)
    keep = [i for i, s in enumerate(scored) if s is not None]
    for a in ("anticipate", "accessible", "acknowledge", "answer", "assure"):
        names = sorted(scored[keep[0]].inputs[f"a.{a}"]) + ["hand_score"]

        def row(i: int) -> list[float]:
            x = scored[i].inputs[f"a.{a}"]
            return [x[n] for n in names[:-1]] + [scored[i].five_as[a].score]

        if any(rows[i][a] == "na" for i in keep):
            X = np.array([row(i) for i in keep])
            y = np.array([int(rows[i][a] != "na") for i in keep])
            weights[f"{a}.applicable"], auc = fit_one(X, y, names, args.C)
            report[f"{a}.applicable"] = {"n": len(y), "positives": int(y.sum()), "cv_auc": round(auc, 4)}
            print(f"{a + '.applicable':22s} n={len(y):4d} positives={int(y.sum()):4d} 5-fold AUC={auc:.3f}")
        app = [i for i in keep if rows[i][a] != "na"]
        X = np.array([row(i) for i in app])
        y = np.array([int(rows[i][a] == "pass") for i in app])
        weights[f"{a}.pass"], auc = fit_one(X, y, names, args.C)
        report[f"{a}.pass"] = {"n": len(y), "positives": int(y.sum()), "cv_auc": round(auc, 4)}
        print(f"{a + '.pass':22s} n={len(y):4d} positives={int(y.sum()):4d} 5-fold AUC={auc:.3f}")
    if not args.research:
        # with a cross-encoder the learned relevance is kept (the hand one cannot read it); both
        # dev AUCs are still recorded
        weights, report["selection"] = select_on_dev(checker, weights, rows,
                                                     keep=("relevance",) if args.cross_encoder else ())
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
    if cross_record is not None:
        weights["_meta"]["command"] += f" --cross-encoder {args.cross_encoder}"
        weights["_meta"]["cross_encoder"] = cross_record
        weights["_meta"]["relevance_ranked_on"] = "the cross-encoder's validation groups (true vs same-company replies)"
    if args.out:
        out = Path(args.out)
    elif args.cross_encoder:
        out = Path(args.cross_encoder) / "weights.json"
    else:
        out = ROOT / ("results/weights_research.json" if args.research else "replyqa/resources/weights.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(weights, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
