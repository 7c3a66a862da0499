"""Speed and memory benchmark of replyqa on real customer-support pairs.

Usage::

    python benchmarks/bench.py                 # full run (2,000 pairs for check_many)
    python benchmarks/bench.py --quick         # smoke run, small numbers
    python benchmarks/bench.py --pairs 500 --json results/bench.json
    python benchmarks/bench.py --threads 1     # one encoder thread (busy machines)
    python benchmarks/bench.py --backend torch # sentence-transformers on PyTorch instead of ONNX Runtime

Pairs come from the shared corpora (``$REPLYQA_SHARED_DATA``, default ``../shared/data``
beside the repository): customer messages of 30-90 words and agent replies of 12+ words from
twcs_airlines and tweetsumm, sampled with a fixed seed. Every section uses pairs no other
section has seen, so "new pair" figures really start from cold caches.

Printed, in order: ``import replyqa`` time in a fresh interpreter (and whether it pulled in
torch); model load + first check; warm latency p50/p95 for a new pair and for an editor's
re-check after a one-sentence edit; ``check_many`` throughput; peak resident memory (taken
before the reference model below is loaded); then the bare all-MiniLM-L6-v2 encode of the same
texts (whole texts, as a plain user would embed them: sentence-transformers on PyTorch, and the
encoder replyqa uses on its own) and the ratios replyqa / bare encoder. A final Markdown table compares each figure with its target. The figures
are reported, never asserted: the machine may be busy. Without the shared data the script
prints ``skipped: ...`` and exits with status 0.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA_ENV = "REPLYQA_SHARED_DATA"
CORPORA = ("twcs_airlines/twcs_airlines_pairs.jsonl", "tweetsumm/tweetsumm_pairs.jsonl")
MESSAGE_WORDS = (30, 90)
MIN_DRAFT_WORDS = 12
SEED = 20240611
IMPORT_SNIPPET = "import time; t=time.perf_counter(); import replyqa, sys; print(time.perf_counter()-t, 'torch' in sys.modules)"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

Pair = tuple[str, str]


@dataclass(frozen=True)
class Sizes:
    """How many pairs each section uses."""

    pairs: int  # check_many throughput
    new: int  # latency of new pairs
    editor: int  # messages re-checked while their draft is edited
    edits: int  # one-sentence edits per editor message
    import_runs: int  # fresh interpreters timing `import replyqa`


@dataclass
class Sample:
    """Disjoint slices of the shuffled corpus, one per section."""

    first: Pair
    new: list[Pair]
    editor: list[Pair]
    donors: list[str]
    throughput: list[Pair]


# --------------------------------------------------------------------------- data


def data_dir() -> Path:
    """``$REPLYQA_SHARED_DATA``, else ``shared/data`` beside the repository."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else REPO.parent / "shared" / "data"


def missing_data(root: Path) -> str | None:
    """Why the corpora cannot be used, or None when they can."""
    absent = [c for c in CORPORA if not (root / c).is_file()]
    if absent:
        return f"shared data not found ({', '.join(str(root / c) for c in absent)}); set {DATA_ENV}"
    return None


def load_pairs(root: Path, seed: int = SEED) -> list[Pair]:
    """Real (message, draft) pairs within the word limits, each message and draft used once, shuffled."""
    pairs: list[Pair] = []
    seen_messages: set[str] = set()
    seen_drafts: set[str] = set()
    for name in CORPORA:
        with (root / name).open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                row = json.loads(line)
                message, draft = row.get("customer_message") or "", row.get("agent_reply") or ""
                if not _fits(message, draft) or message in seen_messages or draft in seen_drafts:
                    continue
                seen_messages.add(message)
                seen_drafts.add(draft)
                pairs.append((message, draft))
    random.Random(seed).shuffle(pairs)
    return pairs


def _fits(message: str, draft: str) -> bool:
    low, high = MESSAGE_WORDS
    return low <= len(message.split()) <= high and len(draft.split()) >= MIN_DRAFT_WORDS


def split_sentences(text: str) -> list[str]:
    """A plain punctuation split, good enough to simulate an editor's sentence edits."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def donor_sentences(drafts: Sequence[str], min_words: int = 4) -> list[str]:
    """Sentences of other real replies, each at most once, to type into an edited draft."""
    out: dict[str, None] = {}
    for draft in drafts:
        for s in split_sentences(draft):
            if len(s.split()) >= min_words and not s.startswith("@"):
                out.setdefault(s, None)
    return list(out)


def edited_drafts(draft: str, donors: list[str], n_edits: int) -> list[str]:
    """The draft after each of ``n_edits`` one-sentence edits: replace a sentence, then append one, in turn.

    Consumes sentences from ``donors`` (so each typed sentence is new to the caches).
    """
    sents = split_sentences(draft)
    out = []
    for k in range(n_edits):
        new = donors.pop()
        if k % 2 == 0 and len(sents) >= 2:
            sents[1 + (k // 2) % (len(sents) - 1)] = new  # keep sentence 0: it carries the @handle
        else:
            sents.append(new)
        out.append(" ".join(sents))
    return out


def make_sample(pairs: list[Pair], sizes: Sizes) -> Sample:
    """Cut the shuffled pairs into disjoint sections; editor drafts have 3+ sentences."""
    rest = list(pairs)
    first = rest.pop()
    editor = [p for p in rest if len(split_sentences(p[1])) >= 3][: sizes.editor]
    editor_set = set(editor)
    rest = [p for p in rest if p not in editor_set]
    new, rest = rest[: sizes.new], rest[sizes.new :]
    n_donor_pairs = max(10, sizes.editor * sizes.edits)  # ~2-3 usable sentences per reply
    donor_pairs, rest = rest[:n_donor_pairs], rest[n_donor_pairs:]
    donors = donor_sentences([d for _, d in donor_pairs])
    if len(rest) < sizes.pairs:
        print(f"note: only {len(rest)} unused pairs left for check_many (asked for {sizes.pairs})", file=sys.stderr)
    return Sample(first=first, new=new, editor=editor, donors=donors, throughput=rest[: sizes.pairs])


# --------------------------------------------------------------------------- measuring


def rss_peak_mb() -> float:
    """Peak resident set size of this process in MB (ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def rss_mb() -> float:
    """Current resident set size in MB (from /proc; the peak where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss_peak_mb()


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by ``fn()`` and its result."""
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def percentiles_ms(seconds: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(seconds, dtype=float) * 1000.0
    return {"p50_ms": float(np.percentile(arr, 50)), "p95_ms": float(np.percentile(arr, 95)),
            "mean_ms": float(arr.mean()), "n": int(arr.size)}


def measure_import(runs: int) -> dict[str, Any]:
    """``import replyqa`` in fresh interpreters: median seconds and whether torch was imported."""
    times, torch_seen = [], []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", IMPORT_SNIPPET], capture_output=True, text=True, cwd=REPO, check=True)
        seconds, torch_flag = proc.stdout.split()[-2:]
        times.append(float(seconds))
        torch_seen.append(torch_flag == "True")
    return {"import_s": statistics.median(times), "import_runs_s": times, "import_pulls_torch": any(torch_seen)}


def measure_first_check(first: Pair, backend: str, threads: int | None,
                        cross_encoder: str | None = None) -> tuple[Any, dict[str, float]]:
    """A fresh Checker (models are cached per process, so this must run before any other check)."""
    from replyqa import Checker

    construct_s, checker = timed(lambda: Checker(backend=backend, num_threads=threads, cross_encoder=cross_encoder))
    first_s, _ = timed(lambda: checker.check(*first))
    return checker, {"checker_construct_s": construct_s, "first_check_s": first_s}


def measure_new_pairs(checker: Any, pairs: list[Pair]) -> dict[str, Any]:
    """Latency of checks whose message and draft were never seen (cold text and sentence caches)."""
    times = [timed(lambda p=p: checker.check(*p))[0] for p in pairs]
    return percentiles_ms(times)


def measure_editor(checker: Any, pairs: list[Pair], donors: list[str], n_edits: int) -> dict[str, Any]:
    """Latency of re-checks after one-sentence edits of a draft (the first check of each pair excluded)."""
    donors = list(donors)
    times: list[float] = []
    for message, draft in pairs:
        checker.check(message, draft)
        for edited in edited_drafts(draft, donors, n_edits):
            times.append(timed(lambda m=message, e=edited: checker.check(m, e))[0])
    return percentiles_ms(times)


def measure_bare_latency(encoder: Any, pairs: list[Pair]) -> dict[str, Any]:
    """The plain user's cost of one pair: embed the whole message and draft."""
    times = [timed(lambda p=p: encoder.encode(list(p), batch_size=64, show_progress_bar=False))[0] for p in pairs]
    return percentiles_ms(times)


def measure_throughput(checker: Any, pairs: list[Pair]) -> dict[str, float]:
    """check_many pairs/s from empty caches (wall and CPU seconds of all threads)."""
    checker._analyzer.texts.clear()
    checker._analyzer.embeddings.clear()
    cpu = time.process_time()
    replyqa_s, _ = timed(lambda: checker.check_many(pairs, batch_size=64))
    replyqa_cpu = time.process_time() - cpu
    return {"check_many_s": replyqa_s, "check_many_pairs_per_s": len(pairs) / replyqa_s,
            "check_many_cpu_s": replyqa_cpu, "throughput_pairs": len(pairs)}


def measure_bare_throughput(encoder: Any, pairs: list[Pair], prefix: str, f: dict[str, Any]) -> dict[str, float]:
    """A bare encoder on the same whole texts, and replyqa's time over it (wall and CPU)."""
    texts = [m for m, _ in pairs] + [d for _, d in pairs]
    cpu = time.process_time()
    bare_s, _ = timed(lambda: encoder.encode(texts, show_progress_bar=False))
    bare_cpu = time.process_time() - cpu
    return {f"{prefix}_s": bare_s, f"{prefix}_pairs_per_s": len(pairs) / bare_s, f"{prefix}_cpu_s": bare_cpu,
            f"ratio_replyqa_over_{prefix}": f["check_many_s"] / bare_s,
            # CPU seconds of all this process's threads: less sensitive to other processes on a busy machine
            f"ratio_cpu_replyqa_over_{prefix}": f["check_many_cpu_s"] / max(bare_cpu, 1e-9)}


def reference_encoder(threads: int | None) -> Any:
    """Plain all-MiniLM-L6-v2 in sentence-transformers on PyTorch: what anyone would try first."""
    from replyqa.models import load_encoder

    return load_encoder(backend="torch", num_threads=threads)


# --------------------------------------------------------------------------- reporting


def environment(checker: Any, threads: int | None) -> dict[str, Any]:
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "encoder_threads": threads,
            "encoder": type(checker._analyzer.encoder).__name__,
            "loadavg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}


def table_rows(f: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(measure, value, target, met) rows of the final table."""
    def met(ok: bool) -> str:
        return "yes" if ok else "NO"

    return [
        ("import replyqa (fresh interpreter)", f"{f['import_s']:.3f} s, torch imported: {f['import_pulls_torch']}",
         "<= 0.3 s without torch", met(f["import_s"] <= 0.3 and not f["import_pulls_torch"])),
        ("model load + first check", f"{f['first_check_s']:.2f} s", "-", "-"),
        ("new pair p50 / p95", f"{f['new']['p50_ms']:.1f} / {f['new']['p95_ms']:.1f} ms", "p50 <= 50 ms",
         met(f["new"]["p50_ms"] <= 50)),
        ("bare MiniLM (sentence-transformers), one pair p50 / p95",
         f"{f['bare_new']['p50_ms']:.1f} / {f['bare_new']['p95_ms']:.1f} ms", "-", "-"),
        ("new pair p50: replyqa / bare MiniLM", f"{f['new']['p50_ms'] / f['bare_new']['p50_ms']:.2f}", "-", "-"),
        ("editor re-check p50 / p95", f"{f['editor']['p50_ms']:.1f} / {f['editor']['p95_ms']:.1f} ms", "p50 <= 30 ms",
         met(f["editor"]["p50_ms"] <= 30)),
        (f"check_many ({f['throughput_pairs']} pairs)", f"{f['check_many_pairs_per_s']:.1f} pairs/s",
         ">= 50 pairs/s", met(f["check_many_pairs_per_s"] >= 50)),
        ("bare MiniLM (sentence-transformers), same texts", f"{f['bare_pairs_per_s']:.1f} pairs/s", "-", "-"),
        ("check_many time / bare MiniLM time", f"{f['ratio_replyqa_over_bare']:.2f}", "<= 1.5",
         met(f["ratio_replyqa_over_bare"] <= 1.5)),
        ("same ratio in CPU seconds", f"{f['ratio_cpu_replyqa_over_bare']:.2f}", "-", "-"),
        ("replyqa's own encoder alone, same texts", f"{f['bare_own_pairs_per_s']:.1f} pairs/s", "-", "-"),
        ("check_many time / its own encoder's time (wall / CPU)",
         f"{f['ratio_replyqa_over_bare_own']:.2f} / {f['ratio_cpu_replyqa_over_bare_own']:.2f}", "-", "-"),
        ("peak RSS with models loaded", f"{f['peak_rss_mb']:.0f} MB", "<= 1 GB (1024 MB)", met(f["peak_rss_mb"] <= 1024)),
    ]


def markdown_table(rows: list[tuple[str, str, str, str]]) -> str:
    lines = ["| measure | value | target | met |", "| --- | --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def say(label: str, value: str) -> None:
    """One figure, with the RSS now and the peak so far (to see which phase drives memory)."""
    print(f"{label:<40} {value:<60} [RSS {rss_mb():.0f} MB, peak {rss_peak_mb():.0f} MB]", flush=True)


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=2000, help="pairs for the check_many throughput run (default 2000)")
    ap.add_argument("--quick", action="store_true", help="small numbers for a smoke run")
    ap.add_argument("--json", metavar="PATH", help="also write the figures to this JSON file")
    ap.add_argument("--threads", type=int, metavar="N",
                    help="encoder threads, Checker(num_threads=N), also given to the reference model "
                         "(default: the backend's own choice)")
    ap.add_argument("--cross-encoder", metavar="DIR", help="Checker(cross_encoder=DIR): what the optional "
                    "cross-encoder costs (a folder from scripts/train_cross_encoder.py with its weights.json)")
    ap.add_argument("--backend", default="auto", choices=("auto", "onnx", "torch"),
                    help="Checker(backend=...) (default auto: ONNX Runtime when installed)")
    return ap.parse_args(argv)


def sizes_for(args: argparse.Namespace) -> Sizes:
    if args.quick:
        return Sizes(pairs=min(args.pairs, 200), new=20, editor=5, edits=4, import_runs=1)
    return Sizes(pairs=args.pairs, new=100, editor=50, edits=4, import_runs=3)


def run(sizes: Sizes, sample: Sample, backend: str = "auto", threads: int | None = None,
        cross_encoder: str | None = None) -> tuple[dict[str, Any], Any]:
    f: dict[str, Any] = {}
    f.update(measure_import(sizes.import_runs))
    say("import replyqa (fresh interpreter)", f"{f['import_s']:.3f} s  runs={[round(t, 3) for t in f['import_runs_s']]}"
        f"  torch imported: {f['import_pulls_torch']}")
    checker, first = measure_first_check(sample.first, backend, threads, cross_encoder)
    f.update(first)
    say("Checker() construction", f"{first['checker_construct_s'] * 1000:.1f} ms")
    say("model load + first check", f"{first['first_check_s']:.2f} s  ({checker._analyzer.encoder!r})")
    f["new"] = measure_new_pairs(checker, sample.new)
    say(f"new pair ({f['new']['n']} checks)", f"p50 {f['new']['p50_ms']:.1f} ms  p95 {f['new']['p95_ms']:.1f} ms")
    f["editor"] = measure_editor(checker, sample.editor, sample.donors, sizes.edits)
    say(f"editor re-check ({f['editor']['n']} edits)", f"p50 {f['editor']['p50_ms']:.1f} ms  p95 {f['editor']['p95_ms']:.1f} ms")
    f.update(measure_throughput(checker, sample.throughput))
    say(f"check_many ({f['throughput_pairs']} pairs)", f"{f['check_many_pairs_per_s']:.1f} pairs/s "
        f"({f['check_many_s']:.1f} s, CPU {f['check_many_cpu_s']:.1f} s)")
    f["peak_rss_mb"] = rss_peak_mb()
    say("peak RSS with models loaded", f"{f['peak_rss_mb']:.0f} MB")
    # the references come last: loading a second model must not count in replyqa's memory
    own = checker._analyzer.encoder
    f["bare_new_own"] = measure_bare_latency(own, sample.new)
    say("replyqa's encoder alone, same pairs", f"p50 {f['bare_new_own']['p50_ms']:.1f} ms  p95 {f['bare_new_own']['p95_ms']:.1f} ms")
    reference = reference_encoder(threads)
    f["bare_new"] = measure_bare_latency(reference, sample.new)
    say("bare MiniLM (s-t), same pairs", f"p50 {f['bare_new']['p50_ms']:.1f} ms  p95 {f['bare_new']['p95_ms']:.1f} ms")
    f.update(measure_bare_throughput(reference, sample.throughput, "bare", f))
    say("bare MiniLM (s-t), same whole texts", f"{f['bare_pairs_per_s']:.1f} pairs/s ({f['bare_s']:.1f} s)")
    f.update(measure_bare_throughput(own, sample.throughput, "bare_own", f))
    say("replyqa's encoder alone, same texts", f"{f['bare_own_pairs_per_s']:.1f} pairs/s ({f['bare_own_s']:.1f} s)")
    say("ratio replyqa / bare MiniLM", f"{f['ratio_replyqa_over_bare']:.2f} (wall)  "
        f"{f['ratio_cpu_replyqa_over_bare']:.2f} (CPU: {f['check_many_cpu_s']:.1f} s / {f['bare_cpu_s']:.1f} s)")
    return f, checker


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    root = data_dir()
    problem = missing_data(root)
    if problem:
        print(f"skipped: {problem}")
        return 0
    sizes = sizes_for(args)
    sample = make_sample(load_pairs(root), sizes)
    load_start = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    figures, checker = run(sizes, sample, args.backend, args.threads, args.cross_encoder)
    figures["environment"] = {**environment(checker, args.threads), "loadavg_start": load_start}
    figures["sizes"] = sizes.__dict__
    print(f"\nenvironment: {figures['environment']}\n")
    print(markdown_table(table_rows(figures)))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
