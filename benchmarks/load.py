"""Sustained load: many checks from several threads sharing one Checker.

Usage::

    python benchmarks/load.py                          # 10,000 checks, 4 threads
    python benchmarks/load.py --checks 2000 --threads 4
    python benchmarks/load.py --json results/load.json --encoder-threads 1

The work list cycles through ~1,000 distinct real pairs from the shared corpora (same filter
and seed as ``bench.py``: messages of 30-90 words, replies of 12+ words, from twcs_airlines and
tweetsumm); 20% of the checks are editor-style repeats: the message just checked again, with its
draft changed by one sentence taken from another real reply. Threads take the next item from
the shared list until it is done.

Reported: resident memory after warm-up (a batched pass over the distinct pairs fills the bounded
caches, then ``--warm-checks`` checks on the same threads create their allocator arenas), half way
and at the end (and growth in %), the peak
seen by a 1 s sampler, checks/s, the number of exceptions, and whether the threaded results
equal a serial run's (a fresh Checker, one ``check()`` at a time) for a sample of 200 checks,
comparing ``report.to_dict()`` exactly and with a float tolerance. Figures are reported, not
asserted. Without the shared data the script prints ``skipped: ...`` and exits with status 0.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import (  # a sibling script, not a package
    SEED,
    Pair,
    data_dir,
    donor_sentences,
    load_pairs,
    missing_data,
    rss_mb,
    rss_peak_mb,
    split_sentences,
)

EDIT_SHARE = 0.2
SAMPLE_SIZE = 200
FLOAT_TOL = 1e-5


@dataclass
class Progress:
    """State shared by the worker threads."""

    items: list[Pair]
    sample: set[int]
    next_index: int = 0
    done: int = 0
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    results: dict[int, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    rss_half_mb: float | None = None

    def take(self) -> int | None:
        with self.lock:
            if self.next_index >= len(self.items):
                return None
            self.next_index += 1
            return self.next_index - 1


# --------------------------------------------------------------------------- work list


def edit_once(draft: str, donor: str, rng: random.Random) -> str:
    """The draft with one sentence replaced by ``donor`` (or ``donor`` appended)."""
    sents = split_sentences(draft)
    if len(sents) >= 2 and rng.random() < 0.5:
        sents[rng.randrange(1, len(sents))] = donor
    else:
        sents.append(donor)
    return " ".join(sents)


def work_list(pairs: list[Pair], n_checks: int, n_distinct: int, seed: int = SEED) -> list[Pair]:
    """``n_checks`` items cycling through ``n_distinct`` pairs; ~20% re-check the last message with an edited draft."""
    base, spare = pairs[:n_distinct], pairs[n_distinct:]
    donors = donor_sentences([d for _, d in spare[:2000]])
    rng = random.Random(seed)
    items: list[Pair] = []
    cursor = 0
    while len(items) < n_checks:
        if items and rng.random() < EDIT_SHARE:
            message, draft = base[(cursor - 1) % len(base)]
            items.append((message, edit_once(draft, rng.choice(donors), rng)))
        else:
            items.append(base[cursor % len(base)])
            cursor += 1
    return items


# --------------------------------------------------------------------------- memory


class Sampler(threading.Thread):
    """Records RSS every ``every`` seconds and prints a heartbeat to stderr every 30 s."""

    def __init__(self, progress: Progress, every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.progress, self.every = progress, every
        self.peak = 0.0
        self.stop = threading.Event()
        self.started_at = time.perf_counter()

    def run(self) -> None:
        last_beat = self.started_at
        while not self.stop.wait(self.every):
            self.peak = max(self.peak, rss_mb())
            now = time.perf_counter()
            if now - last_beat >= 30:
                last_beat = now
                p = self.progress
                print(f"  ... {p.done}/{len(p.items)} checks, {p.done / (now - self.started_at):.1f}/s, "
                      f"RSS {rss_mb():.0f} MB, errors {p.errors}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- running


def worker(checker: Any, progress: Progress) -> None:
    while (i := progress.take()) is not None:
        try:
            report = checker.check(*progress.items[i])
            result = report.to_dict() if i in progress.sample else None
        except Exception as exc:  # noqa: BLE001 - counting every failure is the point
            with progress.lock:
                progress.errors += 1
                if len(progress.error_examples) < 5:
                    progress.error_examples.append("".join(traceback.format_exception_only(type(exc), exc)).strip())
            result = None
        with progress.lock:
            if result is not None:
                progress.results[i] = result
            progress.done += 1
            if progress.done == len(progress.items) // 2:
                progress.rss_half_mb = rss_mb()


def run_threads(checker: Any, progress: Progress, n_threads: int) -> float:
    """Run every item on ``n_threads`` threads; seconds taken."""
    threads = [threading.Thread(target=worker, args=(checker, progress), name=f"load-{k}") for k in range(n_threads)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def serial_results(items: list[Pair], indices: Sequence[int], warm: list[Pair],
                   **options: Any) -> tuple[dict[int, dict[str, Any]], float]:
    """A fresh Checker's results, one check at a time (models are shared per process; caches start
    empty apart from the ``warm`` pairs, which build the checker's banks)."""
    from replyqa import Checker

    checker = Checker(**options)
    warm_up(checker, warm)
    start = time.perf_counter()
    out = {i: checker.check(*items[i]).to_dict() for i in indices}
    return out, time.perf_counter() - start


def first_difference(a: Any, b: Any, tol: float, path: str = "") -> str | None:
    """Where ``a`` and ``b`` differ (floats within ``tol`` count as equal), or None."""
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return None if math.isclose(a, b, rel_tol=tol, abs_tol=tol) else f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(set(a) ^ set(b))}"
        for k in a:
            found = first_difference(a[k], b[k], tol, f"{path}.{k}")
            if found:
                return found
        return None
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for k, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, tol, f"{path}[{k}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def compare(threaded: dict[int, dict[str, Any]], serial: dict[int, dict[str, Any]]) -> dict[str, Any]:
    common = sorted(set(threaded) & set(serial))
    exact = sum(threaded[i] == serial[i] for i in common)
    diffs = [(i, first_difference(threaded[i], serial[i], FLOAT_TOL)) for i in common]
    differing = [(i, d) for i, d in diffs if d]
    return {"compared": len(common), "equal_exact": exact, "equal_within_tol": len(common) - len(differing),
            "tolerance": FLOAT_TOL, "examples": [f"item {i}{d}" for i, d in differing[:3]]}


def warm_up(checker: Any, pairs: list[Pair]) -> None:
    for message, draft in pairs:
        checker.check(message, draft)


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checks", type=int, default=10000, help="checks to run (default 10000)")
    ap.add_argument("--threads", type=int, default=4, help="threads sharing one Checker (default 4)")
    ap.add_argument("--warm-pairs", type=int, default=1000,
                    help="distinct pairs checked (batched) before 'start' so the bounded caches are full (default 1000; 0 = none)")
    ap.add_argument("--warm-checks", type=int, default=2000,
                    help="checks run on the same threads after the cache warm-up and before 'start', so the "
                         "threads' memory arenas exist when memory is first measured (default 2000; 0 = none)")
    ap.add_argument("--distinct", type=int, default=1000, help="distinct pairs to cycle through (default 1000)")
    ap.add_argument("--json", metavar="PATH", help="also write the figures to this JSON file")
    ap.add_argument("--encoder-threads", type=int, metavar="N",
                    help="Checker(num_threads=N): threads of the encoder (default: the backend's own choice)")
    ap.add_argument("--backend", default="auto", choices=("auto", "onnx", "torch"), help="Checker(backend=...)")
    return ap.parse_args(argv)


def report(f: dict[str, Any]) -> None:
    c = f["comparison"]
    rows = [
        ("checks / threads (encoder, its threads)", f"{f['checks']} / {f['threads']} ({f['encoder']}, {f['encoder_threads']}) ({f['distinct']} distinct pairs, {EDIT_SHARE:.0%} editor repeats)"),
        ("wall time", f"{f['seconds']:.1f} s"),
        ("checks/s", f"{f['checks_per_s']:.1f}"),
        ("serial check() rate on the sample (fresh caches)", f"{f['serial_checks_per_s']:.1f} checks/s"),
        ("errors", f"{f['errors']}" + (f" e.g. {f['error_examples'][0]}" if f["error_examples"] else "")),
        ("RSS start (after warm-up)", f"{f['rss_start_mb']:.0f} MB"),
        ("RSS half way", f"{f['rss_half_mb']:.0f} MB" if f["rss_half_mb"] else "-"),
        ("RSS end", f"{f['rss_end_mb']:.0f} MB"),
        ("growth start -> end", f"{f['growth_pct']:+.1f} %"),
        ("growth half way -> end", f"{f['growth_half_pct']:+.1f} %" if f["growth_half_pct"] is not None else "-"),
        ("peak RSS (sampler / ru_maxrss)", f"{f['rss_peak_sampled_mb']:.0f} / {f['rss_peak_mb']:.0f} MB"),
        ("caches at end (texts / sentence embeddings)", f"{f['cache_texts']} / {f['cache_embeddings']}"),
        (f"threaded == serial, to_dict() exact ({c['compared']} checks)", f"{c['equal_exact']}/{c['compared']}"),
        (f"threaded == serial, floats within {c['tolerance']:g}", f"{c['equal_within_tol']}/{c['compared']}"),
    ]
    print("\n| measure | value |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    for example in c["examples"]:
        print(f"difference: {example}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    root = data_dir()
    problem = missing_data(root)
    if problem:
        print(f"skipped: {problem}")
        return 0
    from replyqa import Checker

    pairs = load_pairs(root)
    items = work_list(pairs, args.checks, args.distinct)
    sample = sorted(random.Random(SEED + 1).sample(range(len(items)), min(SAMPLE_SIZE, len(items))))
    checker = Checker(backend=args.backend, num_threads=args.encoder_threads)
    warm = pairs[-10:]
    warm_up(checker, warm)  # pairs outside the work list: load models and banks
    rss_models = rss_mb()
    if args.warm_pairs:
        # one batched pass over the work's distinct pairs fills the bounded caches, so the
        # growth measured below is what a long-running service sees in its steady state
        distinct = list(dict.fromkeys(items))[: args.warm_pairs]
        checker.check_many(distinct)
    print(f"RSS after model load: {rss_models:.0f} MB; after cache warm-up ({args.warm_pairs} pairs): {rss_mb():.0f} MB",
          flush=True)
    if args.warm_checks:
        run_threads(checker, Progress(items=items[: args.warm_checks], sample=set()), args.threads)
        print(f"RSS after {args.warm_checks} threaded warm-up checks: {rss_mb():.0f} MB", flush=True)
    progress = Progress(items=items, sample=set(sample))
    f: dict[str, Any] = {"checks": len(items), "threads": args.threads, "distinct": min(args.distinct, len(pairs)),
                         "rss_models_mb": rss_models, "warm_pairs": args.warm_pairs,
                         "warm_checks": args.warm_checks,
                         "rss_start_mb": rss_mb(), "loadavg_start": list(os.getloadavg()),
                         "encoder": type(checker._analyzer.encoder).__name__, "encoder_threads": args.encoder_threads}
    print(f"RSS after warm-up: {f['rss_start_mb']:.0f} MB; running {len(items)} checks on {args.threads} threads",
          flush=True)
    sampler = Sampler(progress)
    sampler.start()
    f["seconds"] = run_threads(checker, progress, args.threads)
    sampler.stop.set()
    f.update(rss_end_mb=rss_mb(), rss_half_mb=progress.rss_half_mb, rss_peak_sampled_mb=max(sampler.peak, rss_mb()),
             errors=progress.errors, error_examples=progress.error_examples, checks_per_s=len(items) / f["seconds"],
             cache_texts=len(checker._analyzer.texts), cache_embeddings=len(checker._analyzer.embeddings),
             loadavg_end=list(os.getloadavg()))
    f["growth_pct"] = 100 * (f["rss_end_mb"] / f["rss_start_mb"] - 1)
    f["growth_half_pct"] = 100 * (f["rss_end_mb"] / f["rss_half_mb"] - 1) if f["rss_half_mb"] else None
    serial, serial_s = serial_results(items, sample, warm, backend=args.backend,
                                       num_threads=args.encoder_threads)
    f["serial_checks_per_s"] = len(sample) / serial_s
    f["comparison"] = compare(progress.results, serial)
    f["rss_peak_mb"] = rss_peak_mb()
    print(f"load average start {f['loadavg_start']}, end {f['loadavg_end']}")
    report(f)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(f, indent=2), encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
