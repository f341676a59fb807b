"""Benchmark (not a test): grade 1,000,000 ballots of 500 secretaries; docs/design.md §5 target < 2 s.

    .venv/bin/python bench/bench_scoring.py [--ballots N] [--secretaries K] [--repeat R]

Prints the best and median wall time of R runs for each case. Ballot generation is not timed.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import time
from fractions import Fraction

import numpy as np
import pandas as pd

import scoring
from scoring.rules import Trim, Weights

# Scores lean high as at real meetings: P(10) … P(1).
SCORE_P = np.array([0.35, 0.25, 0.15, 0.1, 0.05, 0.04, 0.025, 0.015, 0.01, 0.01])


def make_ballots(n: int, k: int, seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.array([f"S{i:04d}" for i in range(k)], dtype=object)
    return pd.DataFrame({
        "secretary": ids[rng.integers(0, k, n)],
        "score": 10 - rng.choice(10, size=n, p=SCORE_P),
        "source": np.array(["上述", "下评"], dtype=object)[(rng.random(n) < 0.3).astype(int)],
        "group": np.array(["班子成员", "两代表一委员", "党员代表", "群众代表"], dtype=object)[rng.integers(0, 4, n)],
    })


def timed(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return min(runs), statistics.median(runs)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ballots", type=int, default=1_000_000)
    p.add_argument("--secretaries", type=int, default=500)
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    ballots = make_ballots(a.ballots, a.secretaries)
    plain = ballots[["secretary", "score"]]
    counted = ballots.groupby(["secretary", "group", "source", "score"]).size().rename("count").reset_index()
    ids = sorted(ballots["secretary"].unique())
    base = scoring.load_rules("shanghaimiao-2022")
    heavy = dataclasses.replace(base, trim=Trim(share=Fraction(1, 10)), weights=Weights(
        source=base.weights.source, group=(("班子成员", 4), ("两代表一委员", 3), ("党员代表", 2), ("群众代表", 1))))
    as_text = plain.astype(str)
    cases = [
        ("grade: 1 row per ballot, secretary+score (004)", lambda: scoring.grade(plain, base)),
        ("grade: + 上述/下评 70/30 (004 §三)", lambda: scoring.grade(ballots, base)),
        ("grade: + group weights + 10% trim + enforce quota", lambda: scoring.grade(ballots, heavy, enforce_quota=True)),
        (f"grade: service counters, {len(counted):,} count rows", lambda: scoring.grade(counted, base, secretaries=ids)),
        ("validate_ballots: the CLI's text cells (not the target)", lambda: scoring.validate_ballots(as_text)),
    ]
    print(f"{a.ballots:,} ballots, {a.secretaries} secretaries; best / median of {a.repeat} runs")
    print(f"Python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}")
    for name, fn in cases:
        fn()  # warm-up
        best, median = timed(fn, a.repeat)
        print(f"  {best:7.3f} s / {median:7.3f} s  {name}")


if __name__ == "__main__":
    main()
