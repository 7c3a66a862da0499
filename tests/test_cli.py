"""The ``replyqa`` command: exit statuses, texts from arguments, files and stdin, batch output.

Exit status of ``check``: 0 OK to send, 1 needs work, 2 usage or input error.
Exit status of ``batch``: 0 all OK, 1 some need work, 3 some rows could not be checked, 2 usage.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from replyqa.cli import main
from replyqa.examples import STORIES

STORY = {s.name: s for s in STORIES}
GOOD = STORY["marble_suite"]  # passes every A
BAD = STORY["autoreply"]  # pure boilerplate


@pytest.fixture(autouse=True, scope="module")
def one_checker_per_policy(checker):
    """The CLI builds a Checker for every command; share one per set of options across these tests.

    Plumbing only: the CLI still parses, reads, checks with the real models and writes as it would, but
    the analysis caches are shared, so the file pays for the models and the stories once.
    """
    from replyqa import checker as checker_module

    real = checker_module.Checker
    made = {(None, None, None): checker}

    def shared(*, policy=None, nlp=None, encoder=None, **kwargs):
        key = (policy, nlp, encoder)
        if key not in made:
            made[key] = real(policy=policy, nlp=nlp, encoder=encoder, **kwargs)
        return made[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checker_module, "Checker", shared)
        yield


def run(argv: list[str], stdin: str = "") -> tuple[int, str]:
    """Run the command in-process and return (exit status, stdout).

    argparse reports its own usage errors by raising SystemExit; that is an exit status too.
    """
    out = io.StringIO()
    try:
        status = main(argv, stdout=out, stdin=io.StringIO(stdin))
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue()


def records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- check: exit status -------------------------------------------------------------------
CHECK_STATUS = {
    "a draft that passes every A": (["check", GOOD.message, GOOD.draft], 0),
    "an autoreply": (["check", BAD.message, BAD.draft], 1),
    "an empty draft": (["check", GOOD.message, ""], 1),
    "a good draft held to a threshold of 1": (["check", GOOD.message, GOOD.draft, "--threshold", "1"], 1),
    "a good draft, json output": (["check", GOOD.message, GOOD.draft, "--format", "json"], 0),
}


@pytest.mark.parametrize("name", CHECK_STATUS)
def test_check_exit_status(name):
    argv, expected = CHECK_STATUS[name]
    assert run(argv)[0] == expected


@pytest.mark.parametrize("story,verdict", [(GOOD, "OK to send"), (BAD, "needs work")])
def test_check_text_output_says_the_verdict(story, verdict):
    assert verdict in run(["check", story.message, story.draft])[1]


def test_check_json_output_has_scores():
    _, out = run(["check", BAD.message, BAD.draft, "--format", "json"])
    assert set(json.loads(out)["scores"]) == {"relevance", "acknowledgement", "genericness", "overall"}


@pytest.mark.parametrize("story,ok", [(GOOD, True), (BAD, False)])
def test_check_json_ok_agrees_with_the_exit_status(story, ok):
    status, out = run(["check", story.message, story.draft, "--format", "json"])
    assert (json.loads(out)["ok"], status) == (ok, 0 if ok else 1)


# -- check: texts from files and stdin ------------------------------------------------------
@pytest.fixture()
def good_files(tmp_path) -> tuple[str, str]:
    return write(tmp_path / "message.txt", GOOD.message), write(tmp_path / "draft.txt", GOOD.draft)


def test_check_reads_message_and_draft_files(good_files):
    message_file, draft_file = good_files
    assert run(["check", "-m", message_file, "-d", draft_file])[0] == 0


def test_check_reads_the_message_from_stdin(good_files):
    _, draft_file = good_files
    assert run(["check", "-m", "-", "-d", draft_file], stdin=GOOD.message)[0] == 0


def test_check_reads_the_draft_from_stdin():
    assert run(["check", GOOD.message, "--draft-file", "-"], stdin=GOOD.draft)[0] == 0


def test_check_from_files_reports_the_file_contents(good_files):
    message_file, draft_file = good_files
    _, out = run(["check", "-m", message_file, "-d", draft_file, "--format", "json"])
    assert (json.loads(out)["message"], json.loads(out)["draft"]) == (GOOD.message, GOOD.draft)


def test_check_mixes_a_message_file_with_a_draft_argument(good_files):
    message_file, _ = good_files
    assert run(["check", "-m", message_file, GOOD.draft])[0] == 0


# -- usage and input errors -----------------------------------------------------------------
USAGE_ERRORS = {
    "check with no texts": ["check"],
    "check with only a message": ["check", GOOD.message],
    "check with a blank message": ["check", "   ", GOOD.draft],
    "check with a missing message file": ["check", "-m", "/nonexistent/replyqa/message.txt", "-d", "-"],
    "check with a threshold above 1": ["check", GOOD.message, GOOD.draft, "--threshold", "1.5"],
    "check with an unknown format": ["check", GOOD.message, GOOD.draft, "--format", "xml"],
    "an unknown command": ["frobnicate"],
    "no command": [],
    "batch of a missing file": ["batch", "/nonexistent/replyqa/pairs.jsonl"],
}


@pytest.mark.parametrize("name", USAGE_ERRORS)
def test_usage_error_exits_2(name):
    assert run(USAGE_ERRORS[name])[0] == 2


@pytest.mark.parametrize("name", USAGE_ERRORS)
def test_usage_error_explains_itself_on_stderr(name, capsys):
    run(USAGE_ERRORS[name])
    assert capsys.readouterr().err.strip()


@pytest.mark.parametrize("name", USAGE_ERRORS)
def test_usage_error_writes_nothing_to_stdout(name):
    assert run(USAGE_ERRORS[name])[1] == ""


# -- batch: JSONL with bad rows ---------------------------------------------------------------
MIXED_JSONL = [
    json.dumps({"id": "good-1", "message": GOOD.message, "draft": GOOD.draft}),
    '{"id": "broken", "message": "Where is my refund?", "draft": ',  # invalid JSON
    json.dumps({"id": "no-draft", "message": "Where is my refund?"}),
    json.dumps({"id": "empty-message", "message": "", "draft": "Your refund was issued today."}),
    json.dumps({"id": "good-2", "customer_message": BAD.message, "reply": BAD.draft}),  # the alias keys
]
BAD_LINES = {2: "invalid JSON", 3: "missing 'draft'", 4: "empty 'message'"}


@pytest.fixture(scope="module", params=["64", "1"], ids=["batch-size-64", "batch-size-1"])
def mixed_batch(request, tmp_path_factory) -> tuple[int, list[dict]]:
    path = write(tmp_path_factory.mktemp("batch") / "pairs.jsonl", "\n".join(MIXED_JSONL) + "\n")
    status, out = run(["batch", path, "--batch-size", request.param])
    return status, records(out)


def test_batch_writes_one_line_per_input_line(mixed_batch):
    assert len(mixed_batch[1]) == len(MIXED_JSONL)


def test_batch_lines_are_numbered_in_input_order(mixed_batch):
    assert [r["line"] for r in mixed_batch[1]] == [1, 2, 3, 4, 5]


def test_batch_keeps_row_ids(mixed_batch):
    assert [r["id"] for r in mixed_batch[1]] == ["good-1", None, "no-draft", "empty-message", "good-2"]


@pytest.mark.parametrize("line,reason", BAD_LINES.items())
def test_batch_bad_row_gets_an_error_saying_why(mixed_batch, line, reason):
    assert reason in mixed_batch[1][line - 1]["error"]


@pytest.mark.parametrize("line", BAD_LINES)
def test_batch_bad_row_has_no_report(mixed_batch, line):
    assert "report" not in mixed_batch[1][line - 1]


@pytest.mark.parametrize("line,ok", [(1, True), (5, False)])
def test_batch_good_row_gets_its_report(mixed_batch, line, ok):
    record = mixed_batch[1][line - 1]
    assert (record["ok"], record["report"]["ok"], "error" in record) == (ok, ok, False)


def test_batch_with_bad_rows_exits_3(mixed_batch):
    assert mixed_batch[0] == 3


def test_batch_reads_jsonl_from_stdin():
    status, out = run(["batch", "-"], stdin="\n".join(MIXED_JSONL) + "\n")
    assert (status, [r["line"] for r in records(out)]) == (3, [1, 2, 3, 4, 5])


def test_batch_skips_blank_lines_but_keeps_physical_line_numbers():
    text = MIXED_JSONL[0] + "\n\n" + MIXED_JSONL[4] + "\n"
    assert [r["line"] for r in records(run(["batch", "-"], stdin=text)[1])] == [1, 3]


NOT_AN_OBJECT = ["[1, 2]", '"a string"', "null", "42"]


@pytest.mark.parametrize("line", NOT_AN_OBJECT)
def test_batch_row_that_is_not_an_object_gets_an_error(line):
    assert "error" in records(run(["batch", "-"], stdin=line + "\n")[1])[0]


WRONG_TYPES = [
    {"message": 42, "draft": "We are on it."},
    {"message": "Where is my refund?", "draft": None},
    {"message": "Where is my refund?", "draft": ["a", "list"]},
    {"message": ["Where is my refund?"], "draft": "Issued today."},
]


@pytest.mark.parametrize("row", WRONG_TYPES, ids=lambda r: f"{type(r['message']).__name__}-{type(r['draft']).__name__}")
def test_batch_row_with_a_non_string_field_gets_an_error(row):
    assert "error" in records(run(["batch", "-"], stdin=json.dumps(row) + "\n")[1])[0]


def test_batch_writes_to_the_output_file(tmp_path):
    out_path = tmp_path / "out.jsonl"
    run(["batch", "-", "-o", str(out_path)], stdin="\n".join(MIXED_JSONL) + "\n")
    assert [r["line"] for r in records(out_path.read_text(encoding="utf-8"))] == [1, 2, 3, 4, 5]


def test_batch_with_an_output_file_leaves_stdout_empty(tmp_path):
    assert run(["batch", "-", "-o", str(tmp_path / "out.jsonl")], stdin=MIXED_JSONL[0] + "\n")[1] == ""


def test_batch_row_with_a_lone_surrogate_does_not_abort_the_batch(tmp_path):
    rows = [
        '{"id": "cut-emoji", "message": "@AmazonHelp where is my parcel?? \\ud83d", "draft": "Sorry! DM us your order number."}',
        MIXED_JSONL[0],
    ]
    path = write(tmp_path / "pairs.jsonl", "\n".join(rows) + "\n")
    out_path = tmp_path / "out.jsonl"
    run(["batch", path, "-o", str(out_path)])
    assert len(out_path.read_text(encoding="utf-8").splitlines()) == 2


# -- batch: CSV -------------------------------------------------------------------------------
def write_csv(path: Path, rows: list[list[str]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return str(path)


CSV_ROWS = [
    ["id", "message", "draft"],
    ["1", GOOD.message, GOOD.draft],
    ["2", "Where is my refund?"],  # the draft field is missing
    ["3", "", "We are on it."],  # the message is empty
    ["4", BAD.message, BAD.draft],
]


@pytest.fixture(scope="module")
def csv_batch(tmp_path_factory) -> tuple[int, list[dict]]:
    path = write_csv(tmp_path_factory.mktemp("csv") / "pairs.csv", CSV_ROWS)
    status, out = run(["batch", path])
    return status, records(out)


def test_csv_batch_writes_one_line_per_row(csv_batch):
    assert [r["id"] for r in csv_batch[1]] == ["1", "2", "3", "4"]


def test_csv_batch_numbers_rows_by_file_line(csv_batch):
    assert [r["line"] for r in csv_batch[1]] == [2, 3, 4, 5]


@pytest.mark.parametrize("row,reason", [(1, "missing 'draft'"), (2, "empty 'message'")])
def test_csv_row_with_a_missing_field_gets_an_error(csv_batch, row, reason):
    assert reason in csv_batch[1][row]["error"]


@pytest.mark.parametrize("row,ok", [(0, True), (3, False)])
def test_csv_good_row_gets_its_report(csv_batch, row, ok):
    assert csv_batch[1][row]["report"]["ok"] is ok


def test_csv_batch_with_bad_rows_exits_3(csv_batch):
    assert csv_batch[0] == 3


def test_csv_message_with_line_breaks_and_commas_is_one_row(tmp_path):
    rows = [["message", "draft"], ["Hi,\nmy order, #4412, is late.\nWhere is it?", "It ships today, sorry!"]]
    assert len(records(run(["batch", write_csv(tmp_path / "multiline.csv", rows)])[1])) == 1


def test_csv_row_with_a_very_long_message_is_checked_like_jsonl(tmp_path):
    long_message = "My order #4412 is late and nobody answers the phone. " * 3_000  # 159 KB
    path = write_csv(tmp_path / "long.csv", [["message", "draft"], [long_message, "Sorry, it ships today."]])
    assert "message_truncated" in records(run(["batch", path])[1])[0].get("report", {}).get("flags", [])


# -- batch: all rows good ---------------------------------------------------------------------
ALL_GOOD_BATCHES = {
    "every draft OK to send": ([GOOD], 0),
    "some drafts need work": ([GOOD, BAD, STORY["hot_chocolate"]], 1),
    "every draft needs work": ([BAD, STORY["mocking"]], 1),
}


@pytest.mark.parametrize("name", ALL_GOOD_BATCHES)
def test_batch_of_checkable_rows_exits_0_or_1(name):
    stories, expected = ALL_GOOD_BATCHES[name]
    jsonl = "".join(json.dumps({"message": s.message, "draft": s.draft}) + "\n" for s in stories)
    assert run(["batch", "-"], stdin=jsonl)[0] == expected


# -- demo -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo() -> tuple[int, str]:
    return run(["demo"])


def test_demo_exits_0(demo):
    assert demo[0] == 0


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.name)
def test_demo_prints_a_report_for_each_story(demo, story):
    assert f"=== {story.name}: {story.about}\n" in demo[1]


def test_demo_prints_one_verdict_per_story(demo):
    assert demo[1].count("replyqa: ") == len(STORIES)


def test_demo_json_gives_one_report_per_story():
    _, out = run(["demo", "--format", "json"])
    assert [(r["example"], "scores" in r["report"]) for r in records(out)] == [(s.name, True) for s in STORIES]
