"""The optional cross-encoder: message and draft read together, its logit a relevance feature.

The trained cross-encoders live outside the repository (``scripts/train_cross_encoder.py`` writes
them); these tests build a folder of the same shape from the installed MiniLM with a fixed
linear head, which is enough to pin the plumbing: scores per pair, batch-invariance, the cleaned
texts it reads, and the weights it needs.
"""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from replyqa import Checker
from replyqa.clean import clean
from replyqa.encoders import OnnxCrossEncoder
from replyqa.errors import ModelNotInstalledError
from replyqa.examples import STORIES
from replyqa.models import _default_encoder_path, load_cross_encoder

PAIRS = [(s.message, s.draft) for s in STORIES]


@pytest.fixture(scope="module")
def cross_dir(tmp_path_factory) -> Path:
    base = Path(_default_encoder_path())
    folder = tmp_path_factory.mktemp("cross")
    for item in base.iterdir():
        if item.is_dir():
            shutil.copytree(item, folder / item.name)
        elif not item.name.startswith("."):
            (folder / item.name).symlink_to(item)
    weight = np.random.default_rng(0).normal(size=384) / 20.0
    head = {"weight": weight.tolist(), "bias": 0.1, "max_length": 160, "training": {"corpora": ["test"]}}
    (folder / "head.json").write_text(json.dumps(head), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def cross(cross_dir) -> OnnxCrossEncoder:
    return load_cross_encoder(cross_dir, num_threads=1)


def cross_weights(scale: float = 1.0) -> dict:
    return {"relevance": {"bias": 0.0, "w": {"cross": scale}}}


def test_one_finite_logit_per_pair_in_input_order(cross):
    logits = cross.score(PAIRS)
    assert logits.shape == (len(PAIRS),) and np.isfinite(logits).all()
    assert np.array_equal(cross.score(PAIRS[::-1])[::-1], logits)
    assert cross.score([]).shape == (0,)


def test_a_pair_gets_the_same_logit_alone_and_in_a_batch(cross):
    alone = np.array([cross.score([p])[0] for p in PAIRS])
    assert np.array_equal(alone, cross.score(PAIRS))


def test_message_and_reply_are_read_as_an_ordered_pair(cross):
    message, draft = PAIRS[0]
    assert cross.score([(message, draft)])[0] != cross.score([(draft, message)])[0]


def test_relevance_reads_the_logit_of_the_cleaned_texts(cross_dir, cross):
    checker = Checker(cross_encoder=cross_dir, weights=cross_weights(), num_threads=1)
    message = "@Delta my bag &amp; coat never arrived in Boston ^SH"
    draft = "@jo123 Sorry about your bag and coat! Please DM your file reference and we will trace them. ^KT"
    logit = cross.score([(clean(message, 20_000).text, clean(draft, 20_000).text)])[0]
    assert checker.check(message, draft).scores.relevance == round(1 / (1 + math.exp(-logit)), 4)


def test_batched_and_single_checks_agree_with_a_cross_encoder(cross_dir):
    checker = Checker(cross_encoder=cross_dir, weights=cross_weights(), num_threads=1)
    together = checker.check_many(PAIRS, batch_size=2)
    fresh = Checker(cross_encoder=cross_dir, weights=cross_weights(), num_threads=1)
    assert [r.to_dict() for r in together] == [fresh.check(m, d).to_dict() for m, d in PAIRS]


def test_weights_without_the_cross_feature_are_refused(cross_dir):
    with pytest.raises(ValueError, match="train.py --cross-encoder"):
        Checker(cross_encoder=cross_dir)  # the folder has no weights.json: the shipped ones do not read it


def test_the_folders_own_weights_are_used_by_default(cross_dir, tmp_path):
    folder = tmp_path / "with_weights"
    shutil.copytree(cross_dir, folder, symlinks=True)
    (folder / "weights.json").write_text(json.dumps(cross_weights(2.0)), encoding="utf-8")
    assert Checker(cross_encoder=folder)._weights["relevance"]["w"] == {"cross": 2.0}


def test_any_object_with_a_score_method_can_serve():
    class Constant:
        def score(self, pairs):
            return np.full(len(pairs), 3.0)

    report = Checker(cross_encoder=Constant(), weights=cross_weights()).check(
        "Where is my refund for order 5521?", "Your refund for order 5521 was issued today.")
    assert report.scores.relevance == round(1 / (1 + math.exp(-3.0)), 4)
    with pytest.raises(TypeError, match="score"):
        Checker(cross_encoder=object(), weights=cross_weights())


def test_a_cross_encoder_returning_nan_is_an_error_not_a_silent_score():
    class Broken:
        def score(self, pairs):
            return np.full(len(pairs), np.nan)

    with pytest.raises(ValueError, match="finite"):
        Checker(cross_encoder=Broken(), weights=cross_weights()).check("Where is my refund?", "It was issued today.")


def test_a_folder_that_is_not_a_cross_encoder_says_how_to_make_one(tmp_path):
    with pytest.raises(ModelNotInstalledError, match="train_cross_encoder.py"):
        load_cross_encoder(tmp_path)
