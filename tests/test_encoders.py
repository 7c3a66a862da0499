"""The ONNX Runtime encoder backend: the same embeddings as sentence-transformers, faster per call."""
from __future__ import annotations

import json

import numpy as np
import pytest

from replyqa import Checker
from replyqa.encoders import OnnxEncoder, supports_onnx
from replyqa.examples import STORIES
from replyqa.models import _default_encoder_path, load_encoder

# Real sentences from the built-in stories (customer messages and drafts), of many lengths.
SENTENCES = [s.strip() for story in STORIES for text in (story.message, story.draft)
             for s in text.replace("!", ".").replace("?", ".").split(".") if s.strip()]


@pytest.fixture(scope="module")
def onnx_encoder():
    return load_encoder(backend="onnx", num_threads=1)


@pytest.fixture(scope="module")
def torch_encoder():
    return load_encoder(backend="torch")


def test_default_backend_is_onnx(checker):
    assert isinstance(checker._analyzer.encoder, OnnxEncoder)


def test_onnx_embeddings_equal_the_sentence_transformers_ones(onnx_encoder, torch_encoder):
    onnx = onnx_encoder.encode(SENTENCES, normalize_embeddings=True)
    reference = torch_encoder.encode(SENTENCES, normalize_embeddings=True)
    assert onnx.shape == reference.shape == (len(SENTENCES), 384)
    assert float((onnx * reference).sum(axis=1).min()) > 0.99999


def test_a_sentence_gets_the_same_bits_alone_and_in_any_batch(onnx_encoder):
    """Batch-invariance is what makes threaded and serial runs give identical reports."""
    alone = np.stack([onnx_encoder.encode([s])[0] for s in SENTENCES])
    together = onnx_encoder.encode(SENTENCES, batch_size=64)
    reversed_batches = onnx_encoder.encode(SENTENCES[::-1], batch_size=3)[::-1]
    assert np.array_equal(alone, together)
    assert np.array_equal(alone, reversed_batches)


def test_encode_keeps_input_order_and_handles_empty_input(onnx_encoder):
    vectors = onnx_encoder.encode(["Where is my refund", "My flight was cancelled", "Where is my refund"])
    assert np.array_equal(vectors[0], vectors[2])
    assert not np.array_equal(vectors[0], vectors[1])
    assert onnx_encoder.encode([]).shape == (0, 384)


def test_very_long_text_is_truncated_to_the_models_limit(onnx_encoder):
    vector = onnx_encoder.encode(["refund " * 5000])
    assert vector.shape == (1, 384) and np.isfinite(vector).all()


def test_both_backends_give_the_same_reports():
    onnx, torch = Checker(backend="onnx"), Checker(backend="torch")
    for story in STORIES:
        a, b = onnx.check(story.message, story.draft), torch.check(story.message, story.draft)
        assert {k: v["verdict"] for k, v in a.to_dict()["five_as"].items()} == \
            {k: v["verdict"] for k, v in b.to_dict()["five_as"].items()}, story.name
        assert a.scores.overall == pytest.approx(b.scores.overall, abs=1e-3), story.name


def test_supports_onnx_refuses_a_folder_that_is_not_a_mean_pooling_model(tmp_path):
    assert supports_onnx(_default_encoder_path())
    assert not supports_onnx(tmp_path)
    (tmp_path / "modules.json").write_text(json.dumps([{"idx": 0, "name": "0", "path": "", "type": "x.Transformer"}]))
    assert not supports_onnx(tmp_path)


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="backend"):
        Checker(backend="tensorflow")
    with pytest.raises(ValueError, match="backend"):
        load_encoder(backend="gpu")


def test_explicit_onnx_file_is_used(onnx_encoder):
    clone = OnnxEncoder(_default_encoder_path(), onnx_encoder.onnx_path, num_threads=1)
    assert np.array_equal(clone.encode(SENTENCES[:3]), onnx_encoder.encode(SENTENCES[:3]))


def test_num_threads_reaches_a_callers_own_pytorch_encoder(torch_encoder):
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    try:
        Checker(encoder=torch_encoder, num_threads=1).check("Where is my refund?", "It was issued today.")
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
