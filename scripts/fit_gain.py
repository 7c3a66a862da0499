"""What ``Checker.fit(history)`` gains: genericness AUC on a company's later replies, before and after
fitting to its earlier ones.

Usage::

    python scripts/fit_gain.py                      # Delta and AmericanAir, 3,000 history replies each
    python scripts/fit_gain.py --history 1000 --per-class 100 --json results/fit_gain.json

For each airline of ``twcs_airlines`` (none of them was used to train the shipped weights, which
come from IBM's corpus), its distinct replies are put in time order (``first_tweet_id``): the
replies sent in the earlier 60% of the time are the "sent history" given to ``fit()`` (at most ``--history`` of the latest of
them, repeats included), the distinct replies sent later are the test. Test labels are the corpus's own: canned = the reply text was
used >= 5 times (``reply_template_count``), one-off = used once. Reported: ROC AUC of
``genericness`` for canned vs one-off, with the shipped checker and with the fitted one, on all
test replies and on the canned replies whose exact text never occurs in the history (templates
filled in with other names or numbers, or first used after the cut). Without the shared data the
script prints ``skipped: ...`` and exits with status 0.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from replyqa.evaluate import CANNED_MIN_COUNT, resolve_data_dir, roc_auc

CORPUS = "twcs_airlines/twcs_airlines_pairs.jsonl"
SEED = 7


def company_split(rows: list[dict], company: str, history_share: float = 0.6) -> tuple[list[dict], list[dict]]:
    """The company's replies in time order, cut into (history: every reply sent before the cut,
    repeats included; test: the distinct replies sent after it)."""
    ordered = sorted((r for r in rows if r["company"] == company), key=lambda r: int(r["first_tweet_id"]))
    cut = int(len(ordered) * history_share)
    test: dict[str, dict] = {}
    for row in ordered[cut:]:
        test.setdefault(row["agent_reply"], row)
    return ordered[:cut], list(test.values())


def sample_test(test: list[dict], per_class: int, rng: np.random.Generator) -> list[tuple[int, dict]]:
    out = []
    for label, pool in ((1, [r for r in test if int(r["reply_template_count"]) >= CANNED_MIN_COUNT]),
                        (0, [r for r in test if int(r["reply_template_count"]) == 1])):
        picked = rng.choice(len(pool), size=min(per_class, len(pool)), replace=False) if pool else []
        out += [(label, pool[int(i)]) for i in sorted(picked)]
    return out


def measure(rows: list[dict], company: str, n_history: int, per_class: int, threads: int | None,
            weights: str | None = None) -> dict:
    from replyqa import Checker

    history, test = company_split(rows, company)
    history_texts = [r["agent_reply"] for r in history][-n_history:]
    sample = sample_test(test, per_class, np.random.default_rng(SEED))
    labels = np.array([label for label, _ in sample])
    pairs = [(r["customer_message"], r["agent_reply"]) for _, r in sample]
    seen = set(history_texts)
    unseen = np.array([label == 0 or r["agent_reply"] not in seen for label, r in sample])
    shipped = Checker(num_threads=threads, weights=weights)
    before = np.array([r.scores.genericness for r in shipped.check_many(pairs)])
    fitted = Checker(num_threads=threads, weights=weights).fit(history_texts)
    after = np.array([r.scores.genericness for r in fitted.check_many(pairs)])
    return {
        "company": company, "history_replies": len(history_texts), "templates_learned": len(fitted.templates_),
        "test_canned": int(labels.sum()), "test_one_off": int((labels == 0).sum()),
        "test_canned_unseen": int((labels[unseen] == 1).sum()),
        "auc_shipped": roc_auc(labels, before), "auc_fitted": roc_auc(labels, after),
        "auc_shipped_unseen": roc_auc(labels[unseen], before[unseen]), "auc_fitted_unseen": roc_auc(labels[unseen], after[unseen]),
        "one_off_mean_genericness_shipped": float(before[labels == 0].mean()),
        "one_off_mean_genericness_fitted": float(after[labels == 0].mean()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", help="the shared corpora (default: $REPLYQA_SHARED_DATA or ../shared/data)")
    ap.add_argument("--companies", nargs="+", default=["Delta", "AmericanAir"])
    ap.add_argument("--history", type=int, default=3000, help="latest history replies given to fit() (default 3000)")
    ap.add_argument("--per-class", type=int, default=200, help="test replies per class (default 200)")
    ap.add_argument("--threads", type=int, default=1, help="encoder threads (default 1)")
    ap.add_argument("--weights", help="weights JSON to measure instead of the shipped ones (research weights: "
                    "trained on American Airlines' templates, so only Delta is held out)")
    ap.add_argument("--json", metavar="PATH", help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    path = resolve_data_dir(args.data_dir) / CORPUS
    if not path.is_file():
        print(f"skipped: {path} not found; set REPLYQA_SHARED_DATA")
        return 0
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    results = []
    print("| company | history | templates learned | test canned / one-off (canned unseen) "
          "| AUC shipped | AUC fitted | unseen: shipped | unseen: fitted | one-off mean genericness shipped -> fitted |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for company in args.companies:
        f = measure(rows, company, args.history, args.per_class, args.threads, args.weights)
        results.append(f)
        print(f"| {company} | {f['history_replies']} | {f['templates_learned']} | {f['test_canned']} / {f['test_one_off']} "
              f"({f['test_canned_unseen']}) | {f['auc_shipped']:.3f} | {f['auc_fitted']:.3f} | "
              f"{f['auc_shipped_unseen']:.3f} | {f['auc_fitted_unseen']:.3f} | "
              f"{f['one_off_mean_genericness_shipped']:.3f} -> {f['one_off_mean_genericness_fitted']:.3f} |", flush=True)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
