"""Precompute the embeddings of the shipped reference messages for the default encoder.

Usage: python scripts/build_banks.py

Writes replyqa/resources/banks.npz (float16, no pickles). The texts themselves are in
replyqa/resources/reference_messages.jsonl and reference_replies.jsonl (IBM customer-care
corpus, Apache-2.0). Re-run after any change to cleaning or sentence splitting. A checker
with a user-supplied encoder ignores this file and embeds the texts itself.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from replyqa import Checker, resources


def main() -> None:
    checker = Checker()
    banks = {}
    for name, texts, source in (("reference_messages", resources.reference_messages(), "message"),
                                ("reference_replies", resources.reference_replies(), "draft")):
        prepared = checker._analyzer.prepare_many(list(texts), source)
        banks[name] = np.stack([p.vector for p in prepared]).astype(np.float16)
    out = Path(__file__).resolve().parents[1] / "replyqa" / "resources" / "banks.npz"
    np.savez_compressed(out, **banks)
    print(f"wrote {[(k, v.shape) for k, v in banks.items()]} to {out}")


if __name__ == "__main__":
    main()
