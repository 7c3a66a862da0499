"""Tests of replyqa.evaluate: metric helpers on hand-computed examples, and plumbing.

No real models here: the plumbing tests use a small fake checker and a fake encoder, because
they are about wiring (files in, tidy numbers out), not about the quality of replyqa.
"""
from __future__ import annotations

import json
import math
import zlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from replyqa.evaluate import (
    EvaluationResult,
    MetricRow,
    best_f1_threshold,
    binary_metrics,
    cohen_kappa,
    embedding_pair_cosine,
    evaluate,
    expected_calibration_error,
    ranking_metrics,
    reliability_curve,
    resolve_data_dir,
    roc_auc,
    sample_ranking_groups,
    spearman,
    stc3_held_out,
    tfidf_pair_cosine,
    tfidf_reference_cosine,
    top1_accuracy,
    verdict_confusion,
    word_count,
)

# ---------------------------------------------------------------------------- ranking


def test_perfect_ranking_gives_auc_1_and_top1_1():
    scores = [0.9, 0.2, 0.1, 0.8, 0.3, 0.4]
    labels = [1, 0, 0, 1, 0, 0]
    groups = ["a", "a", "a", "b", "b", "b"]
    assert ranking_metrics(scores, labels, groups) == {"roc_auc": 1.0, "top1_accuracy": 1.0, "n_groups": 2.0}


def test_reversed_ranking_gives_auc_0_and_top1_0():
    metrics = ranking_metrics([0.1, 0.9, 0.8], [1, 0, 0], [0, 0, 0])
    assert (metrics["roc_auc"], metrics["top1_accuracy"]) == (0.0, 0.0)


def test_ranking_auc_is_pooled_across_groups():
    # Within each group the true item wins, but group b's scores are all below group a's
    # distractor: pooled over 2 positives x 4 negatives, 2 of 8 pairs are misordered.
    scores = [0.9, 0.8, 0.7, 0.5, 0.4, 0.3]
    labels = [1, 0, 0, 1, 0, 0]
    groups = ["a", "a", "a", "b", "b", "b"]
    assert roc_auc(labels, scores) == pytest.approx(6 / 8)
    assert top1_accuracy(scores, labels, groups) == 1.0


def test_top1_tie_at_the_top_earns_fractional_credit():
    assert top1_accuracy([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0], [0, 0, 0, 0]) == pytest.approx(0.25)


def test_top1_rejects_a_group_without_a_true_item():
    with pytest.raises(ValueError, match="exactly one true item"):
        top1_accuracy([0.5, 0.4], [0, 0], ["g", "g"])


def test_roc_auc_is_nan_with_one_class():
    assert math.isnan(roc_auc([1, 1], [0.2, 0.9]))


# ---------------------------------------------------------------------------- calibration


def test_ece_of_perfectly_calibrated_bins_is_0():
    predicted = [0.25] * 4 + [0.75] * 4
    observed = [1, 0, 0, 0] + [1, 1, 1, 0]
    assert expected_calibration_error(predicted, observed) == 0.0


def test_ece_of_confident_wrong_predictions_is_their_gap():
    assert expected_calibration_error([0.9, 0.9], [0, 0]) == pytest.approx(0.9)


def test_ece_weights_bins_by_count():
    # bin [0.1, 0.2): |0.15 - 1| = 0.85, 1 item; bin [0.8, 0.9): |0.85 - 1| = 0.15, 3 items
    assert expected_calibration_error([0.15, 0.85, 0.85, 0.85], [1, 1, 1, 1]) == pytest.approx(
        (0.85 + 3 * 0.15) / 4
    )


def test_ece_rejects_scores_outside_0_1():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        expected_calibration_error([1.2], [1])


def test_reliability_curve_lists_non_empty_bins_with_mean_rate_and_count():
    points = reliability_curve([0.05, 0.15, 0.15, 1.0], [0, 1, 0, 1])
    assert points == [
        {"bin_lower": 0.0, "bin_upper": 0.1, "mean_predicted": 0.05, "observed_rate": 0.0, "count": 1},
        {"bin_lower": 0.1, "bin_upper": 0.2, "mean_predicted": 0.15, "observed_rate": 0.5, "count": 2},
        {"bin_lower": 0.9, "bin_upper": 1.0, "mean_predicted": 1.0, "observed_rate": 1.0, "count": 1},
    ]


def test_reliability_curve_of_no_data_is_empty_and_ece_is_nan():
    assert reliability_curve([], []) == []
    assert math.isnan(expected_calibration_error([], []))


# ---------------------------------------------------------------------------- agreement


def test_cohen_kappa_hand_computed():
    # observed agreement 0.75, chance agreement 0.5*0.25 + 0.5*0.75 = 0.5 -> (0.75-0.5)/0.5
    assert cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0]) == pytest.approx(0.5)


def test_cohen_kappa_of_perfect_agreement_is_1():
    assert cohen_kappa(["pass", "fail", "na"], ["pass", "fail", "na"]) == pytest.approx(1.0)


def test_cohen_kappa_is_nan_when_both_raters_use_one_label():
    assert math.isnan(cohen_kappa([1, 1, 1], [1, 1, 1]))


def test_binary_metrics_hand_computed():
    metrics = binary_metrics([1, 1, 0, 0], [1, 0, 1, 0])
    assert metrics == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "kappa": 0.0}


def test_binary_precision_is_nan_without_predicted_positives():
    assert math.isnan(binary_metrics([1, 0], [0, 0])["precision"])


def test_best_f1_threshold_separates_the_classes():
    assert best_f1_threshold([0, 0, 1, 1], [0.1, 0.2, 0.6, 0.9]) == pytest.approx(0.6)


def test_spearman_of_a_monotone_relation_is_1_and_of_a_constant_nan():
    assert spearman([1, 2, 3, 4], [1, 4, 9, 100]) == pytest.approx(1.0)
    assert math.isnan(spearman([1, 1, 1], [1, 2, 3]))


def test_verdict_confusion_matches_na_with_not_applicable():
    matrix = verdict_confusion(["pass", "na", "fail", "fail"], ["pass", "not_applicable", "pass", "fail"])
    assert matrix == {
        "pass": {"pass": 1, "fail": 0, "not_applicable": 0},
        "fail": {"pass": 1, "fail": 1, "not_applicable": 0},
        "na": {"pass": 0, "fail": 0, "not_applicable": 1},
    }


def test_word_count_splits_on_whitespace():
    assert word_count("  Sorry about\nthe delay ") == 4


# ---------------------------------------------------------------------------- baselines


def test_tfidf_cosine_is_1_for_identical_and_0_for_disjoint_texts():
    cosines = tfidf_pair_cosine(["lost bag", "late flight"], ["lost bag", "free wifi"])
    assert cosines.tolist() == pytest.approx([1.0, 0.0])


def test_tfidf_reference_cosine_is_the_mean_over_references():
    # reply == first reference (cosine 1), disjoint from the second (cosine 0)
    scores = tfidf_reference_cosine(["lost bag"], [["lost bag", "free wifi"]])
    assert scores.tolist() == pytest.approx([0.5])


class FakeEncoder:
    """Hashed bag of words: texts sharing words get a high cosine. Deterministic."""

    dims = 4096  # large enough that the test's few words do not collide

    def encode(self, texts, **kwargs):
        vectors = np.zeros((len(texts), self.dims))
        for row, text in enumerate(texts):
            for word in text.lower().split():
                vectors[row, zlib.crc32(word.encode()) % self.dims] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)


def test_embedding_cosine_of_a_text_with_itself_is_1():
    assert embedding_pair_cosine(FakeEncoder(), ["my bag"], ["my bag"]).tolist() == pytest.approx([1.0])


# ---------------------------------------------------------------------------- sampling


def _rows(company, n, *, start=0, **extra):
    return [
        {
            "id": f"{company}-{i}",
            "company": company,
            "customer_message": f"my {TOPICS[i]} is broken",
            "agent_reply": f"@user{i} sorry about your {TOPICS[i]}",
            **extra,
        }
        for i in range(start, start + n)
    ]


TOPICS = [
    "bag", "seat", "meal", "wifi", "ticket", "refund", "upgrade", "lounge", "gate", "pet",
    "crew", "app", "visa", "miles", "stroller", "car", "hotel", "train",
]


def test_ranking_groups_hold_distinct_same_company_distractors():
    rows = _rows("Acme", 12) + _rows("Other", 12)
    groups = sample_ranking_groups(rows, "twcs_airlines", n_messages=5, seed=1)
    acme_replies = {r["agent_reply"] for r in rows if r["company"] == "Acme"}
    for group in groups:
        assert len(group.distractors) == 9
        assert group.true_reply not in group.distractors
        assert len(set(group.distractors)) == 9
        if group.true_reply in acme_replies:
            assert set(group.distractors) <= acme_replies


def test_ranking_groups_treat_replies_differing_only_in_handle_as_the_same():
    rows = _rows("Acme", 10)
    # the same text as row 0's reply, sent to someone else: it must never be a distractor of row 0
    rows.append({**rows[1], "id": "dup", "agent_reply": "@someone sorry about your bag"})
    groups = sample_ranking_groups(rows, "twcs_airlines", n_messages=11, seed=0)
    first = next(g for g in groups if g.message == "my bag is broken")
    assert all("your bag" not in d for d in first.distractors)


def test_ranking_groups_skip_rows_without_company():
    rows = _rows("Acme", 10) + [{**r, "company": None} for r in _rows("x", 10, start=5)]
    groups = sample_ranking_groups(rows, "stc3", n_messages=100, seed=0)
    assert len(groups) == 10


def test_ranking_groups_are_reproducible_with_a_seed():
    rows = _rows("Acme", 18)
    first = sample_ranking_groups(rows, "twcs_airlines", n_messages=4, seed=7)
    again = sample_ranking_groups(rows, "twcs_airlines", n_messages=4, seed=7)
    assert first == again


def test_opening_exchanges_follow_the_corpus_turn_field():
    rows = _rows("Acme", 10, turn_index=1) + _rows("Acme", 5, start=10, turn_index=3)
    groups = sample_ranking_groups(rows, "stc3", n_messages=100, seed=0)
    assert sum(g.opening for g in groups) == 10


# ---------------------------------------------------------------------------- evaluate()


class FakeChecker:
    """Scores by word overlap; enough to check that numbers flow to the right rows."""

    policy = SimpleNamespace(relevance_threshold=0.5, acknowledgement_threshold=0.5, genericness_threshold=0.5)

    def __init__(self):
        self.calls = 0

    def check_many(self, pairs, *, batch_size=64, progress=False):
        self.calls += 1
        return [self._check(message, draft) for message, draft in pairs]

    @staticmethod
    def _check(message, draft):
        words = set(message.lower().split()) - {"my", "is", "broken"}
        draft_words = set(draft.lower().split())
        relevance = 1.0 if words & draft_words else 0.0
        generic = 1.0 if "thanks for contacting" in draft.lower() else 0.0
        scores = SimpleNamespace(
            relevance=relevance,
            acknowledgement=1.0 if "sorry" in draft_words else 0.0,
            genericness=generic,
            overall=relevance * 0.9,
        )
        verdict = "pass" if relevance else "fail"
        five_as = {
            name: SimpleNamespace(verdict=verdict, score=relevance)
            for name in ("anticipate", "accessible", "acknowledge", "answer", "assure")
        }
        return SimpleNamespace(scores=scores, five_as=five_as)


class ExplodingChecker:
    def check_many(self, pairs, **kwargs):
        raise AssertionError("the checker must not be called when there is no data")


def _write_jsonl(path: Path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def tiny_data(tmp_path):
    data = tmp_path / "shared"
    _write_jsonl(data / "twcs_airlines/twcs_airlines_pairs.jsonl", [
        *_rows("Delta", 12, reply_template_count=1),
        *[
            {"id": f"canned-{i}", "company": "Delta", "customer_message": f"my code{i} is broken",
             "agent_reply": f"Thanks for contacting us about code{i}", "reply_template_count": 7}
            for i in range(4)
        ],
    ])
    _write_jsonl(data / "tweetsumm/tweetsumm_pairs.jsonl", [
        {**r, "turn_pair_index": 0 if i < 6 else 1} for i, r in enumerate(_rows("O2", 12))
    ])
    _write_jsonl(data / "stc3/stc3_helpdesk_pairs.jsonl", [
        {**r, "turn_index": 1, "reply_frac_HNaN": 0.1 if i % 2 else 0.8}
        for i, r in enumerate(_rows("Unicom", 10) + [{**r, "company": None} for r in _rows("x", 3)])
    ])
    # ibm_cdp is missing on purpose
    gold_rows = []
    for i, split in enumerate(["test"] * 6 + ["dev"] * 6):
        topic = TOPICS[i]
        on_topic = i % 2 == 0
        gold_rows.append({
            "id": f"g{i}", "source": "twcs_airlines", "company": "Delta", "split": split,
            "message": f"my {topic} is broken",
            "reply": f"sorry about your {topic}" if on_topic else "Thanks for contacting us today",
            "relevant": int(on_topic), "acknowledges": int(on_topic), "generic": int(not on_topic),
            "anticipate": "pass" if on_topic else "fail", "accessible": "na",
            "acknowledge": "pass" if on_topic else "fail", "answer": "pass" if on_topic else "fail",
            "assure": "pass",
        })
    gold = tmp_path / "gold.jsonl"
    _write_jsonl(gold, gold_rows)
    return SimpleNamespace(data_dir=data, gold=gold)


def test_missing_data_dir_skips_every_section_with_a_reason(tmp_path):
    result = evaluate(
        ExplodingChecker(), data_dir=tmp_path / "nowhere", gold_path=tmp_path / "gold.jsonl",
        baselines=(),
    )
    assert result.rows == ()
    assert any(reason.startswith("relevance/twcs_airlines: data directory") for reason in result.skipped)
    assert any(reason.startswith("usefulness/stc3") for reason in result.skipped)
    assert any(reason.startswith("boilerplate/twcs_airlines") for reason in result.skipped)
    assert any(reason.startswith("gold:") and "not found" in reason for reason in result.skipped)


def test_data_dir_defaults_to_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("REPLYQA_SHARED_DATA", str(tmp_path))
    assert resolve_data_dir() == tmp_path


def test_unknown_section_is_rejected():
    with pytest.raises(ValueError, match="Unknown section"):
        evaluate(ExplodingChecker(), sections=("speed",))


def test_boilerplate_company_without_canned_replies_is_skipped_with_counts(tiny_data):
    result = evaluate(
        FakeChecker(), data_dir=tiny_data.data_dir, sections=("boilerplate",),
        boilerplate_company="British_Airways", baselines=(),
    )
    assert result.rows == ()
    assert "'British_Airways' has 0 canned" in result.skipped[0]


def test_evaluate_plumbing_end_to_end(tiny_data):
    checker = FakeChecker()
    result = evaluate(
        checker, data_dir=tiny_data.data_dir, gold_path=tiny_data.gold, encoder=FakeEncoder(),
        boilerplate_company="Delta", n_messages=50,
    )
    # relevance: the fake checker sees the shared topic word, so it ranks perfectly
    assert result.value("relevance", "twcs_airlines/all", "roc_auc") == 1.0
    assert result.value("relevance", "tweetsumm/later", "top1_accuracy") == 1.0
    assert result.value("relevance", "tweetsumm/opening", "roc_auc", "minilm") == pytest.approx(1.0)
    assert any("relevance/ibm_cdp" in reason for reason in result.skipped)
    # boilerplate: the fake flags the canned replies
    assert result.value("boilerplate", "twcs_airlines/Delta", "roc_auc") == 1.0
    # gold: the fake checker agrees with every label on the test split
    assert result.value("gold", "relevant", "f1") == 1.0
    assert result.value("gold", "answer", "fail_recall") == 1.0
    assert result.value("gold", "relevance~relevant", "ece") == 0.0
    assert result.confusion_matrices["accessible"]["na"]["pass"] == 3
    assert result.reliability["relevance~relevant"][-1]["count"] == 3
    # outputs: JSON, tidy frame, text table, round trip
    assert json.loads(json.dumps(result.to_dict()))["settings"]["seed"] == 0
    frame = result.to_frame()
    assert list(frame.columns) == ["section", "subset", "metric", "system", "value", "n"]
    assert set(frame["system"]) == {"replyqa", "tfidf", "minilm", "length"}
    assert "relevance" in result.table() and "Skipped:" in result.table()
    assert EvaluationResult.from_dict(result.to_dict()).to_dict() == result.to_dict()


def test_gold_split_without_rows_is_skipped_with_a_reason(tiny_data):
    result = evaluate(FakeChecker(), data_dir=tiny_data.data_dir, gold_path=tiny_data.gold,
                      sections=("gold",), gold_split="holdout", baselines=())
    assert result.skipped == [f"gold: {tiny_data.gold} has no rows with split='holdout'."]


def test_gold_genericness_baseline_covers_a_company_with_a_single_message(tmp_path, tiny_data):
    lone = {"id": "lone", "source": "x", "company": "Lonely", "split": "test", "message": "hello there",
            "reply": "thanks for contacting us", "relevant": 0, "acknowledges": 0, "generic": 1,
            "anticipate": "na", "accessible": "na", "acknowledge": "fail", "answer": "fail", "assure": "na"}
    gold = tmp_path / "gold_lone.jsonl"
    gold.write_text(tiny_data.gold.read_text() + json.dumps(lone) + "\n", encoding="utf-8")
    result = evaluate(FakeChecker(), data_dir=tmp_path / "nowhere", gold_path=gold,
                      sections=("gold",), baselines=("tfidf",))
    assert next(r.n for r in result.rows if (r.subset, r.metric, r.system) == ("generic", "roc_auc", "tfidf")) == 7


def test_usefulness_reports_spearman_and_auc_for_every_system(tiny_data):
    result = evaluate(
        FakeChecker(), data_dir=tiny_data.data_dir, sections=("usefulness",), baselines=("tfidf",),
    )
    systems = {(row.metric, row.system) for row in result.rows}
    assert systems == {(m, s) for m in ("spearman", "roc_auc") for s in ("replyqa", "tfidf", "length")}


def test_usefulness_is_also_reported_on_the_held_out_half_of_the_dialogues(tiny_data):
    result = evaluate(FakeChecker(), data_dir=tiny_data.data_dir, sections=("usefulness",), baselines=())
    n = {row.subset: row.n for row in result.rows}
    assert n["stc3"] == 13
    assert n["stc3/held_out"] == sum(stc3_held_out(f"Unicom-{i}") for i in range(10)) + sum(
        stc3_held_out(f"x-{i}") for i in range(3))


def test_the_stc3_held_out_half_is_a_fixed_half_of_the_dialogues():
    ids = [str(3901149486614923 + 7919 * i) for i in range(2000)]
    held = [stc3_held_out(i) for i in ids]
    assert held == [stc3_held_out(i) for i in ids]  # no state, no randomness
    assert 0.45 < sum(held) / len(held) < 0.55


def test_metric_row_round_trips_nan_through_none():
    row = MetricRow("gold", "relevant", "precision", "replyqa", math.nan, 0)
    assert row.to_dict()["value"] is None
    assert math.isnan(MetricRow.from_dict(row.to_dict()).value)
