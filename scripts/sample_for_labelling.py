"""Draw the pairs that annotators label into data/ (run once; deterministic).

Usage: python scripts/sample_for_labelling.py [--shared ../shared/data]

Writes data/labelling_sample.jsonl: real pairs from four corpora and many companies,
with canned replies, strong and weak replies, and a few "swapped" pairs (a reply the same
company sent to another customer) so that non-sequiturs are represented. The split
(dev/test) is by company, so test figures measure companies never used for tuning.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

SEED = 20261122


def company_splits(rows: list[dict], test_share: float = 0.4) -> dict[str, str]:
    """Assign whole companies to dev or test, in a fixed hashed order, until about
    ``test_share`` of the rows are in test (so no company is in both)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["company"]] = counts.get(row["company"], 0) + 1
    order = sorted(counts, key=lambda c: hashlib.sha1(c.lower().encode()).hexdigest())
    splits, in_test = {}, 0
    for company in order:
        if in_test + counts[company] <= test_share * len(rows) + 5:
            splits[company] = "test"
            in_test += counts[company]
        else:
            splits[company] = "dev"
    return splits


def words(text: str) -> int:
    return len(text.split())


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def keep(row: dict) -> bool:
    m, r = row.get("customer_message") or "", row.get("agent_reply") or ""
    return 6 <= words(m) <= 120 and 5 <= words(r) <= 120


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared/data")
    ap.add_argument("--out", default="data/labelling_sample.jsonl")
    args = ap.parse_args()
    root = Path(args.shared)
    rng = random.Random(SEED)

    twcs = [r for r in load(root / "twcs_airlines/twcs_airlines_pairs.jsonl") if keep(r)]
    ts = [r for r in load(root / "tweetsumm/tweetsumm_pairs.jsonl") if keep(r)]
    stc = [r for r in load(root / "stc3/stc3_helpdesk_pairs.jsonl") if keep(r) and r["company"]]
    ibm = [r for r in load(root / "ibm_cdp/ibm_cdp_pairs.jsonl") if keep(r)]

    picked: list[dict] = []
    canned = [r for r in twcs if r["reply_template_count"] >= 5]
    oneoff = [r for r in twcs if r["reply_template_count"] == 1]
    picked += rng.sample(canned, 40) + rng.sample(oneoff, 80)
    ts0 = [r for r in ts if r["turn_pair_index"] == 0]
    ts_later = [r for r in ts if r["turn_pair_index"] > 0]
    picked += rng.sample(ts0, 90) + rng.sample(ts_later, 30)
    stc_sorted = sorted(stc, key=lambda r: r["reply_frac_HNaN"])
    # strong, middling and weak replies as judged by STC-3's 19 annotators
    third = len(stc_sorted) // 3
    for part in (stc_sorted[:third], stc_sorted[third : 2 * third], stc_sorted[2 * third :]):
        picked += rng.sample(part, 34)
    picked += rng.sample(ibm, 80)

    out = []
    for r in picked:
        out.append({"id": r["id"], "source": r["source"].split("(")[0], "company": r["company"],
                    "message": r["customer_message"], "reply": r["agent_reply"]})
    # swapped pairs: the reply the same company sent to another customer
    for pool, n in ((twcs, 20), (ts0, 20)):
        for r in rng.sample(pool, n):
            others = [o for o in pool if o["company"] == r["company"] and o["id"] != r["id"]]
            o = rng.choice(others)
            out.append({"id": f"swap-{r['id']}--{o['id']}", "source": r["source"].split("(")[0] + "-swapped",
                        "company": r["company"], "message": r["customer_message"], "reply": o["agent_reply"]})
    seen = set()
    uniq = []
    for row in out:
        if row["id"] not in seen:
            seen.add(row["id"])
            uniq.append(row)
    splits = company_splits(uniq)
    for row in uniq:
        row["split"] = splits[row["company"]]
    rng.shuffle(uniq)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for row in uniq:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(uniq)} pairs to {args.out}")


if __name__ == "__main__":
    main()
