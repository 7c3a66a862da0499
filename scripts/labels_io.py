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
