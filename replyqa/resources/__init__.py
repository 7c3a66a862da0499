"""Package data: phrase lists, patterns, canned sentences, reference messages, learned weights.

Everything is plain JSON, text or ``.npz`` (loaded with ``allow_pickle=False``).
"""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["bank_vectors", "boilerplate_sentences", "patterns", "phrases", "reference_messages", "reference_replies", "weights"]

_PKG = "replyqa.resources"


def _text(name: str) -> str:
    return resources.files(_PKG).joinpath(name).read_text(encoding="utf-8")


@cache
def phrases() -> dict[str, list[str]]:
    data = json.loads(_text("phrases.json"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@cache
def patterns() -> dict[str, Any]:
    data = json.loads(_text("patterns.json"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@cache
def boilerplate_sentences() -> tuple[str, ...]:
    lines = _text("boilerplate.txt").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def reference_messages() -> tuple[str, ...]:
    """Real customer messages (IBM customer-care corpus, Apache-2.0) for the swap test."""
    lines = _text("reference_messages.jsonl").splitlines()
    return tuple(json.loads(line)["message"] for line in lines if line.strip())


@cache
def reference_replies() -> tuple[str, ...]:
    """Real agent replies (IBM customer-care corpus, Apache-2.0): how well a message fits replies in general."""
    lines = _text("reference_replies.jsonl").splitlines()
    return tuple(json.loads(line)["reply"] for line in lines if line.strip())


@cache
def weights() -> dict[str, Any]:
    """Learned weights and calibration maps (see MODEL_CARD.md beside this file)."""
    try:
        return json.loads(_text("weights.json"))
    except FileNotFoundError:
        return {}


def bank_vectors(name: str) -> np.ndarray | None:
    """Precomputed embeddings of a bank for the default encoder, or None when not shipped."""
    try:
        with resources.files(_PKG).joinpath("banks.npz").open("rb") as f:
            with np.load(f, allow_pickle=False) as data:
                return data[name].astype(np.float32) if name in data else None
    except FileNotFoundError:
        return None
