"""Draw the Apache-2.0 training pairs (IBM customer-care corpus) that annotators label.

Usage: python scripts/sample_ibm_train.py [--shared ../shared/data]

Shipped default weights may only be trained on text whose licence allows it, so the training
labels come from ibm_cdp (Apache-2.0): every pair not already in data/gold.jsonl from a company
that is not in gold's test split, plus replies the same company sent to another customer
("swapped") as non-sequiturs. Writes data/train_ibm_sample.jsonl.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

SEED = 7


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared/data")
    ap.add_argument("--out", default="data/train_ibm_sample.jsonl")
    ap.add_argument("--swapped", type=int, default=60)
    args = ap.parse_args()
    rng = random.Random(SEED)
    gold = [json.loads(line) for line in open("data/gold.jsonl", encoding="utf-8")]
    test_companies = {g["company"] for g in gold if g["split"] == "test"}
    gold_ids = {g["id"] for g in gold}
    rows = [json.loads(line) for line in open(Path(args.shared) / "ibm_cdp/ibm_cdp_pairs.jsonl", encoding="utf-8")]
    pool = [r for r in rows if r["id"] not in gold_ids and r["company"] not in test_companies]
    out = [{"id": r["id"], "source": "ibm_cdp", "company": r["company"], "message": r["customer_message"],
            "reply": r["agent_reply"], "split": "train"} for r in pool]
    for r in rng.sample(pool, args.swapped):
        others = [o for o in pool if o["company"] == r["company"] and o["agent_reply"] != r["agent_reply"]]
        if not others:
            continue
        o = rng.choice(others)
        out.append({"id": f"swap-{r['id']}--{o['id']}", "source": "ibm_cdp-swapped", "company": r["company"],
                    "message": r["customer_message"], "reply": o["agent_reply"], "split": "train"})
    rng.shuffle(out)
    with open(args.out, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in out)
    print(f"wrote {len(out)} pairs to {args.out}")


if __name__ == "__main__":
    main()
