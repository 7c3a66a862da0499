"""What the labelling scripts share: paths, label names, readers and value checks."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
ANN = DATA / "annotations"
TRAIN_ANN = ANN / "train"
BINARY = ["relevant", "acknowledges", "generic"]
AS = ["anticipate", "accessible", "acknowledge", "answer", "assure"]
LABELS = BINARY + AS
KEYS = ["id", "source", "company", "split", "message", "reply"] + LABELS + ["notes"]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_annotator(letter):
    """The gold set's annotator ``letter`` (a or b), both parts, by id."""
    rows = {}
    for part in ("part1", "part2"):
        for r in read_jsonl(ANN / f"annotator_{letter}_{part}.jsonl"):
            rows[r["id"]] = r
    return rows


def valid(label, value):
    if label in BINARY:
        return value in (0, 1)
    if label in ("acknowledge", "answer"):
        return value in ("pass", "fail")
    return value in ("pass", "fail", "na")


def show_disputes(rows, args, names=("A", "B")):
    """Print disputed pairs (rows of (pair, first, second, disputed labels)) as the --summary,
    --ids, --start and --count options of the display scripts ask."""
    from collections import Counter

    if args.ids:
        wanted = set(args.ids)
        rows = [d for d in rows if d[0]["id"] in wanted]
    print(f"# disputed pairs: {len(rows)}  disputed labels: {sum(len(d[3]) for d in rows)}")
    if args.summary:
        counts = Counter(k for d in rows for k in d[3])
        for k in LABELS:
            print(f"  {k:13s} {counts[k]}")
        return
    end = None if args.count is None else args.start + args.count
    first, second = names
    for i, (s, ra, rb, diff) in enumerate(rows[args.start:end], start=args.start):
        print("=" * 100)
        print(f"[{i}] {s['id']}  ({s['source']}, {s['company']}, {s.get('split', '')})")
        print(f"MESSAGE: {s['message']}")
        print(f"REPLY:   {s['reply']}")
        for k in diff:
            print(f"  {k:13s} {first}={ra.get(k)!s:5s} {second}={rb.get(k)!s:5s}")
        print(f"  {first} notes: {ra.get('notes', '')}")
        print(f"  {second} notes: {rb.get('notes', '')}")
