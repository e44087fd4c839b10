"""Benchmark: pairwise alignment of 300 synthetic strategies with 6 priorities each.

Prints ``BENCH alignment_1800_seconds <v> s`` - target <= 10 s: the alignment matrix of every
pair of the 300 strategies (44,850 pairs) from the 1,800 priorities, as `s3stresstest align`
computes it: code overlap on the four axes with partial credit along the hierarchy, TF-IDF
text similarity fitted on all priorities, an optimal one-to-one matching per pair. Also
printed: the part spent on the priority-by-priority scores (``alignment_1800_pair_scores_seconds``)
and every pair with its matched priorities as evidence (``alignment_1800_with_evidence_seconds``,
what the `priority_matches.csv` output needs).

The strategies are synthetic and made here (fixed seed): codes drawn from the built-in
taxonomies (NACE divisions, NABS chapters, industrial ecosystems; 0-3 per axis, some axes
empty as in real data), titles and descriptions composed from the titles of the codes drawn,
so the vocabulary is that of real priorities. Territory codes are made up (``ZZ..``).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STRATEGIES, PRIORITIES_EACH, SEED = 300, 6, 11


def territory_codes(n: int) -> list[str]:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return [f"ZZ{alphabet[i // 36]}{alphabet[i % 36]}" for i in range(n)]


def synthetic_strategies(taxonomies: dict, n: int = STRATEGIES, each: int = PRIORITIES_EACH, seed: int = SEED):
    from s3stresstest.alignment import Priority, Strategy

    rng = random.Random(seed)
    pools = {axis: list(t.at_depth(t.max_depth)) for axis, t in taxonomies.items() if len(t)}
    out = []
    for territory in territory_codes(n):
        priorities = []
        for k in range(each):
            codes = {axis: tuple(rng.sample(pool, rng.randint(0, 3))) for axis, pool in pools.items()}
            words = [taxonomies[axis].title(c) for axis, cs in codes.items() for c in cs] or ["Cross-cutting"]
            title = " and ".join(words[:2])
            description = "Focus on " + "; ".join(words) + "."
            priorities.append(
                Priority(
                    id=f"{territory}-{k + 1:02d}",
                    title=title,
                    description=description,
                    codes={a: c for a, c in codes.items() if c},
                )
            )
        out.append(Strategy(territory=territory, level="regional", period="2021-2027", priorities=tuple(priorities)))
    return out


def main() -> dict:
    sys.path.insert(0, str(REPO / "src"))
    from s3stresstest.alignment import PairScorer, alignment_matrix, builtin_taxonomies
    from s3stresstest.alignment.analysis import all_alignments

    taxonomies = builtin_taxonomies()
    strategies = synthetic_strategies(taxonomies)
    n_priorities = sum(len(s) for s in strategies)
    assert n_priorities == STRATEGIES * PRIORITIES_EACH

    t0 = time.perf_counter()
    matrix = alignment_matrix(strategies, taxonomies=taxonomies)
    total_s = time.perf_counter() - t0
    assert matrix.shape == (STRATEGIES, STRATEGIES) and matrix.notna().all().all()

    t0 = time.perf_counter()
    scorer = PairScorer(strategies, taxonomies)
    pair_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with_evidence = all_alignments(strategies, scorer, evidence=True)
    evidence_s = time.perf_counter() - t0 + pair_s
    assert len(with_evidence) == STRATEGIES * (STRATEGIES - 1) // 2

    print(
        f"# alignment: {STRATEGIES} synthetic strategies x {PRIORITIES_EACH} priorities = {n_priorities}, "
        f"{len(with_evidence)} pairs; mean off-diagonal score "
        f"{(matrix.to_numpy().sum() - 100 * STRATEGIES) / (STRATEGIES * (STRATEGIES - 1)):.1f}",
        flush=True,
    )
    print(f"BENCH alignment_1800_seconds {total_s:.2f} s")
    print(f"BENCH alignment_1800_pair_scores_seconds {pair_s:.2f} s")
    print(f"BENCH alignment_1800_with_evidence_seconds {evidence_s:.2f} s")
    return {"alignment_1800_seconds": total_s, "pair_scores": pair_s, "with_evidence": evidence_s}


if __name__ == "__main__":
    main()
