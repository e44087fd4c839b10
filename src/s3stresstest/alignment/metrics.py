"""Alignment metrics between priorities and between strategies, with the evidence behind them.

Every similarity below is 0–1 internally and reported 0–100 in tables.

**Code overlap on one axis** (`code_similarity`). Two codes x, y of a taxonomy earn a credit:
1 when equal; ``partial_credit ** steps`` when they share an ancestor, where
``steps = max(depth(x), depth(y)) - depth(lowest common ancestor)`` (two NACE divisions of
one section, or a section and one of its divisions: one step, credit ``partial_credit``);
0 when they have no common ancestor (different NACE sections; any two different codes of a
flat list). The codes of two priorities are matched one to one so that the total credit M
is largest (exact matches first, then the best assignment of the rest), and

    dice    = 2 M / (|A| + |B|)        (default; e.g. {C26} vs {C27}: partial_credit)
    jaccard = M / (|A| + |B| - M)      ({C26} vs {C27}: pc / (2 - pc))

Both are symmetric, 1 for identical sets and 0 when no code shares a section. An axis on
which either priority has no code is *not available* for that pair (NaN): a missing code is
no evidence of difference.

**Text similarity** (`text_similarity_matrix`): cosine similarity of TF-IDF vectors of
"title. description" (scikit-learn ``TfidfVectorizer``: lower-cased, accents stripped,
English stop words removed, word uni- and bigrams, sublinear tf, l2 norm), fitted on the
texts given as ``corpus`` or, by default, on the union of the two sets of priorities
(`PairScorer` fits once on all priorities of a run). ``tfidf-char`` uses character 3–5-grams
within words instead (kinder to inflections and compounds). Caveat: TF-IDF compares words, so
priorities must be in one language (the schema's ``title``/``description`` are English; the
``title_original`` column is not compared); titles translated differently score low even
when they mean the same. ``embedding`` uses a sentence-embedding model that must already be on
disk (a folder for the optional package sentence-transformers, loaded offline) or a Python
callable ``texts -> vectors``; nothing is ever downloaded.

**Pair score** (`priority_pair_scores`): the weighted mean of the available axis similarities
and the text similarity, the weights renormalised over what is available for the pair
(default weights: nace 0.35, nabs 0.15, policy 0.15, ecosystem 0.10, horizon_cluster 0.10, mission 0.05,
text 0.25; they need not sum to 1). Strategies coded only on the four original axes (the 2014–2020
data) score exactly as before the two Horizon Europe axes were added: an axis without codes
drops out of the mean.

**Matching and strategy score** (`match_priorities`, `strategy_alignment`): pair scores below
``min_pair_score`` (points, default 20) are set to 0, then the one-to-one matching of the two strategies'
priorities with the largest total score is found (Hungarian method,
``scipy.optimize.linear_sum_assignment``); pairs with score 0 are not matches. With S the sum
of the matched pair scores,

    max            : 100 · S / max(n_a, n_b)                 (default)
    mean_coverage  : 100 · (S / n_a + S / n_b) / 2

Identical strategies score 100, strategies without any shared section, code or word 0; the
score is symmetric, and priorities left without a partner count as 0.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..errors import InputError
from .model import Priority, Strategy
from .taxonomy import AXES, Taxonomy

DEFAULT_WEIGHTS: dict[str, float] = {
    "nace": 0.35,
    "nabs": 0.15,
    "policy": 0.15,
    "ecosystem": 0.10,
    "horizon_cluster": 0.10,
    "mission": 0.05,
    "text": 0.25,
}
COMPONENTS = (*AXES, "text")
TEXT_METHODS = ("tfidf", "tfidf-char", "embedding")
CODE_MEASURES = ("dice", "jaccard")
STRATEGY_SCORES = ("max", "mean_coverage")


# -- code overlap -------------------------------------------------------------------------------


def _lca_steps(x: str, y: str, taxonomy: Taxonomy | None) -> int | None:
    """max(depth) - depth(lowest common ancestor), or None when x and y share no ancestor."""
    if x == y:
        return 0
    if taxonomy is None:
        return None
    chain_x = (x, *taxonomy.ancestors(x))
    chain_y = {y, *taxonomy.ancestors(y)}
    for node in chain_x:
        if node in chain_y:
            return max(taxonomy.depth(x), taxonomy.depth(y)) - taxonomy.depth(node)
    return None


@dataclass(frozen=True)
class CodeOverlap:
    """How two code sets of one axis overlap: exact matches, partial (hierarchy) matches, similarity."""

    exact: tuple[str, ...]
    partial: tuple[tuple[str, str, float], ...]  # (code of A, code of B, credit)
    credit: float  # M: exact matches + partial credits
    n_a: int
    n_b: int

    def similarity(self, measure: str = "dice") -> float:
        if self.n_a == 0 or self.n_b == 0:
            return float("nan")
        if measure == "jaccard":
            return self.credit / (self.n_a + self.n_b - self.credit)
        return 2 * self.credit / (self.n_a + self.n_b)


def code_overlap(
    a_codes: Sequence[str], b_codes: Sequence[str], taxonomy: Taxonomy | None = None, partial_credit: float = 0.5
) -> CodeOverlap:
    """Exact and partial matches of two code sets (one-to-one, largest total credit)."""
    a = list(dict.fromkeys(a_codes))
    b = list(dict.fromkeys(b_codes))
    if taxonomy is not None:
        a = [taxonomy.canonical(c) or c for c in a]
        b = [taxonomy.canonical(c) or c for c in b]
    exact = [c for c in a if c in set(b)]
    rest_a = [c for c in a if c not in set(exact)]
    rest_b = [c for c in b if c not in set(exact)]
    partial: list[tuple[str, str, float]] = []
    if rest_a and rest_b and taxonomy is not None and partial_credit > 0:
        credit = np.zeros((len(rest_a), len(rest_b)))
        for i, x in enumerate(rest_a):
            if not taxonomy.is_known(x):
                continue
            for j, y in enumerate(rest_b):
                if taxonomy.is_known(y):
                    steps = _lca_steps(x, y, taxonomy)
                    if steps is not None:
                        credit[i, j] = partial_credit**steps
        if credit.any():
            rows, cols = linear_sum_assignment(credit, maximize=True)
            partial = [
                (rest_a[i], rest_b[j], float(credit[i, j])) for i, j in zip(rows, cols, strict=True) if credit[i, j] > 0
            ]
    total = len(exact) + sum(p[2] for p in partial)
    return CodeOverlap(tuple(exact), tuple(partial), float(total), len(a), len(b))


def code_similarity(
    a_codes: Sequence[str],
    b_codes: Sequence[str],
    taxonomy: Taxonomy | None = None,
    partial_credit: float = 0.5,
    measure: str = "dice",
) -> float:
    """Similarity 0–1 of two code sets of one axis (NaN when either is empty); see the module notes."""
    _check_choice("measure", measure, CODE_MEASURES)
    return code_overlap(a_codes, b_codes, taxonomy, partial_credit).similarity(measure)


def _axis_matrix(
    codes_a: list[tuple[str, ...]],
    codes_b: list[tuple[str, ...]],
    taxonomy: Taxonomy | None,
    partial_credit: float,
    measure: str,
) -> np.ndarray:
    """Similarity of every pair of code sets (NaN where either is empty).

    For taxonomies of depth <= 2 (every partial match is one step) this is computed with
    matrix algebra: with E the exact matches and H the histogram intersection of the codes'
    counts per top-level code, the best one-to-one total is M = E + pc (H - E). Deeper
    taxonomies fall back to `code_overlap` per distinct pair of sets.
    """
    na = np.array([len(c) for c in codes_a], dtype=float)
    nb = np.array([len(c) for c in codes_b], dtype=float)
    if taxonomy is None or taxonomy.max_depth <= 2:
        vocab = sorted({c for cs in (*codes_a, *codes_b) for c in cs})
        pos = {c: k for k, c in enumerate(vocab)}
        xa = np.zeros((len(codes_a), len(vocab)))
        xb = np.zeros((len(codes_b), len(vocab)))
        for i, cs in enumerate(codes_a):
            xa[i, [pos[c] for c in cs]] = 1.0
        for j, cs in enumerate(codes_b):
            xb[j, [pos[c] for c in cs]] = 1.0
        exact = xa @ xb.T
        if taxonomy is not None and taxonomy.max_depth == 2 and partial_credit > 0:
            roots = sorted({taxonomy.ancestor_at_depth(c, 1) for c in vocab})
            rpos = {r: k for k, r in enumerate(roots)}
            to_root = np.zeros((len(vocab), len(roots)))
            for c in vocab:
                to_root[pos[c], rpos[taxonomy.ancestor_at_depth(c, 1)]] = 1.0
            ra, rb = xa @ to_root, xb @ to_root
            hist = np.zeros_like(exact)
            for k in range(len(roots)):
                hist += np.minimum(ra[:, k][:, None], rb[:, k][None, :])
            credit = exact + partial_credit * (hist - exact)
        else:
            credit = exact
    else:
        credit = np.zeros((len(codes_a), len(codes_b)))
        cache: dict[tuple[frozenset, frozenset], float] = {}
        for i, ca in enumerate(codes_a):
            for j, cb in enumerate(codes_b):
                if not ca or not cb:
                    continue
                key = (frozenset(ca), frozenset(cb))
                if key not in cache:
                    cache[key] = code_overlap(ca, cb, taxonomy, partial_credit).credit
                credit[i, j] = cache[key]
    sums = na[:, None] + nb[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = 2 * credit / sums if measure == "dice" else credit / (sums - credit)
    sim[(na[:, None] == 0) | (nb[None, :] == 0)] = np.nan
    return np.clip(sim, 0.0, 1.0)


# -- text ---------------------------------------------------------------------------------------

Embedder = Callable[[list[str]], np.ndarray]


def _vectorizer(method: str):
    from sklearn.feature_extraction.text import TfidfVectorizer

    if method == "tfidf-char":
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            lowercase=True,
            strip_accents="unicode",
            sublinear_tf=True,
            norm="l2",
        )
    return TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        lowercase=True,
        strip_accents="unicode",
        stop_words="english",
        sublinear_tf=True,
        norm="l2",
    )


@lru_cache(maxsize=4)
def _sentence_model(path: str):
    try:
        from sentence_transformers import SentenceTransformer  # optional, never a dependency
    except ImportError as exc:
        raise InputError(
            "text method 'embedding' needs the optional package sentence-transformers "
            "(pip install sentence-transformers) and a model already stored on disk; "
            "or use the text method 'tfidf'"
        ) from exc
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never download at run time
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        return SentenceTransformer(path, device="cpu", local_files_only=True)
    except Exception as exc:  # any loading failure is a bad model folder
        raise InputError(f"cannot load the local embedding model at '{path}': {exc}") from exc


def text_vectors(
    texts: list[str],
    method: str = "tfidf",
    *,
    corpus: list[str] | None = None,
    embedding_model: str | Path | Embedder | None = None,
):
    """Row-normalised vectors of `texts` (sparse for TF-IDF, dense for embeddings)."""
    _check_choice("text method", method, TEXT_METHODS)
    if method == "embedding":
        if embedding_model is None:
            raise InputError(
                "text method 'embedding' needs a local model: give the folder of a sentence-embedding "
                "model already on disk (--embedding-model); models are never downloaded"
            )
        if callable(embedding_model):
            vecs = np.asarray(embedding_model(list(texts)), dtype=float)
        else:
            path = Path(embedding_model)
            if not path.is_dir():
                raise InputError(
                    f"embedding model folder '{path}' not found; models are never downloaded at run "
                    "time, give the folder of a model already on disk"
                )
            vecs = np.asarray(_sentence_model(str(path.resolve())).encode(list(texts)), dtype=float)
        if vecs.ndim != 2 or len(vecs) != len(texts):
            raise InputError(f"the embedding model returned an array of shape {vecs.shape} for {len(texts)} texts")
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return np.divide(vecs, norms, out=np.zeros_like(vecs), where=norms > 0)
    vec = _vectorizer(method)
    fit_on = list(corpus) if corpus is not None else list(texts)
    try:
        vec.fit(fit_on)
    except ValueError:  # empty vocabulary: only stop words or no text at all
        from scipy import sparse

        return sparse.csr_matrix((len(texts), 1))
    return vec.transform(list(texts))


def _cosine(va, vb) -> tuple[np.ndarray, np.ndarray]:
    """Cosine similarities clipped to [0, 1] and the availability mask (both vectors non-zero)."""
    from scipy import sparse

    prod = va @ vb.T
    sim = prod.toarray() if sparse.issparse(prod) else np.asarray(prod)
    na = np.sqrt(np.asarray(va.multiply(va).sum(axis=1)).ravel()) if sparse.issparse(va) else np.linalg.norm(va, axis=1)
    nb = np.sqrt(np.asarray(vb.multiply(vb).sum(axis=1)).ravel()) if sparse.issparse(vb) else np.linalg.norm(vb, axis=1)
    avail = (na[:, None] > 0) & (nb[None, :] > 0)
    return np.clip(sim, 0.0, 1.0), avail


def text_similarity_matrix(
    priorities_a: Sequence[Priority],
    priorities_b: Sequence[Priority],
    method: str = "tfidf",
    *,
    corpus: Sequence[str] | None = None,
    embedding_model: str | Path | Embedder | None = None,
) -> np.ndarray:
    """Cosine similarity 0–1 of "title. description" for every pair; NaN where a text has no usable term.

    TF-IDF is fitted on `corpus` when given, else on the texts of both lists.
    """
    ta = [p.text for p in priorities_a]
    tb = [p.text for p in priorities_b]
    fit = list(corpus) if corpus is not None else ta + tb
    vecs = text_vectors(ta + tb, method, corpus=fit, embedding_model=embedding_model)
    sim, avail = _cosine(vecs[: len(ta)], vecs[len(ta) :])
    return np.where(avail, sim, np.nan)


# -- pair scores --------------------------------------------------------------------------------


def check_weights(weights: dict[str, float]) -> dict[str, float]:
    unknown = [k for k in weights if k not in COMPONENTS]
    if unknown:
        raise InputError(f"unknown weight(s) {', '.join(unknown)}; the components are {', '.join(COMPONENTS)}")
    bad = [k for k, v in weights.items() if not (v >= 0 and np.isfinite(v))]
    if bad:
        raise InputError(f"weights must be finite and not negative: {', '.join(bad)}")
    if sum(weights.values()) <= 0:
        raise InputError("at least one weight must be positive")
    return {k: float(weights.get(k, 0.0)) for k in COMPONENTS}


@dataclass
class PairScores:
    """Pair scores 0–1 of two lists of priorities, with the component similarities (NaN: not available)."""

    score: np.ndarray
    components: dict[str, np.ndarray]


def combine(components: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Weighted mean of the available components, weights renormalised pair by pair (0 when none is)."""
    num = den = None
    for name, sim in components.items():
        w = weights.get(name, 0.0)
        if w <= 0:
            continue
        avail = ~np.isnan(sim)
        part = np.where(avail, sim, 0.0) * w
        num = part if num is None else num + part
        den = avail * w if den is None else den + avail * w
    if num is None or den is None:  # both set together, by the first component
        shape = next(iter(components.values())).shape
        return np.zeros(shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


def priority_pair_scores(
    priorities_a: Sequence[Priority],
    priorities_b: Sequence[Priority],
    taxonomies: dict[str, Taxonomy],
    *,
    weights: dict[str, float] | None = None,
    partial_credit: float = 0.5,
    code_measure: str = "dice",
    text_method: str = "tfidf",
    corpus: Sequence[str] | None = None,
    embedding_model: str | Path | Embedder | None = None,
) -> PairScores:
    """Score every (a, b) pair of priorities: weighted mean of axis and text similarities; see the module notes."""
    weights = check_weights(DEFAULT_WEIGHTS if weights is None else weights)
    _check_choice("code measure", code_measure, CODE_MEASURES)
    comps: dict[str, np.ndarray] = {}
    for axis in AXES:
        if weights[axis] <= 0:
            continue
        comps[axis] = _axis_matrix(
            [p.axis_codes(axis) for p in priorities_a],
            [p.axis_codes(axis) for p in priorities_b],
            taxonomies.get(axis),
            partial_credit,
            code_measure,
        )
    if weights["text"] > 0:
        comps["text"] = text_similarity_matrix(
            priorities_a, priorities_b, text_method, corpus=corpus, embedding_model=embedding_model
        )
    return PairScores(combine(comps, weights), comps)


# -- matching -----------------------------------------------------------------------------------


def match_priorities(score: np.ndarray, min_pair_score: float = 0.0) -> list[tuple[int, int, float]]:
    """Best one-to-one matching (largest total score) of rows and columns; pairs scoring 0 are left out.

    Scores below `min_pair_score` count as 0 before matching. Returns (row, column, score) by row.
    """
    m = np.nan_to_num(np.asarray(score, dtype=float), nan=0.0)
    if m.size == 0:
        return []
    m = np.where(m >= min_pair_score, m, 0.0)
    rows, cols = linear_sum_assignment(m, maximize=True)
    return [(int(i), int(j), float(m[i, j])) for i, j in zip(rows, cols, strict=True) if m[i, j] > 0]


def strategy_score(matched: Sequence[float], n_a: int, n_b: int, method: str = "max") -> float:
    """0–100 from the matched pair scores; see the module notes."""
    _check_choice("strategy score", method, STRATEGY_SCORES)
    if n_a == 0 or n_b == 0:
        return 0.0
    total = float(sum(matched))
    if method == "mean_coverage":
        return 100.0 * (total / n_a + total / n_b) / 2
    return 100.0 * total / max(n_a, n_b)


@dataclass(frozen=True)
class PriorityMatch:
    """One matched pair of priorities with its score (0–100) and evidence."""

    a: Priority
    b: Priority
    score: float
    components: dict[str, float]  # 0–100, NaN when not available
    shared_codes: tuple[str, ...]  # "axis:code"
    partial_codes: tuple[str, ...]  # "axis:codeA~codeB"


@dataclass(frozen=True)
class StrategyAlignment:
    a: Strategy
    b: Strategy
    score: float  # 0–100
    matches: tuple[PriorityMatch, ...] = field(default_factory=tuple)

    @property
    def coverage_a(self) -> float:
        """Share (0–100) of A's priorities that found a partner."""
        return 100.0 * len(self.matches) / len(self.a) if len(self.a) else 0.0

    @property
    def coverage_b(self) -> float:
        return 100.0 * len(self.matches) / len(self.b) if len(self.b) else 0.0


def _evidence(
    pa: Priority, pb: Priority, taxonomies: dict[str, Taxonomy], partial_credit: float
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    shared, partial = [], []
    for axis in AXES:
        ov = code_overlap(pa.axis_codes(axis), pb.axis_codes(axis), taxonomies.get(axis), partial_credit)
        shared += [f"{axis}:{c}" for c in ov.exact]
        partial += [f"{axis}:{x}~{y}" for x, y, _ in ov.partial]
    return tuple(shared), tuple(partial)


class PairScorer:
    """Pair scores of every pair of priorities of a set of strategies, computed once.

    TF-IDF is fitted on all priorities of the strategies given, so every comparison in a run
    uses the same vocabulary and weights.
    """

    def __init__(
        self,
        strategies: Sequence[Strategy],
        taxonomies: dict[str, Taxonomy],
        *,
        weights: dict[str, float] | None = None,
        partial_credit: float = 0.5,
        code_measure: str = "dice",
        text_method: str = "tfidf",
        embedding_model: str | Path | Embedder | None = None,
        min_pair_score: float = 20.0,
        strategy_score: str = "max",
    ):
        if not 0 <= partial_credit <= 1:
            raise InputError(f"partial credit must be between 0 and 1, not {partial_credit}")
        if not 0 <= min_pair_score <= 100:
            raise InputError(f"min pair score must be between 0 and 100 (points), not {min_pair_score}")
        _check_choice("strategy score", strategy_score, STRATEGY_SCORES)
        self.strategies = list(strategies)
        self.taxonomies = taxonomies
        self.partial_credit = partial_credit
        self.min_pair_score = min_pair_score / 100.0  # the matrices are 0-1
        self.strategy_score_method = strategy_score
        self.index: dict[tuple[str, str], slice] = {}
        self.priorities: list[Priority] = []
        for s in self.strategies:
            if s.key in self.index:
                raise InputError(f"two strategies for {s.territory} {s.period}")
            self.index[s.key] = slice(len(self.priorities), len(self.priorities) + len(s.priorities))
            self.priorities.extend(s.priorities)
        scores = priority_pair_scores(
            self.priorities,
            self.priorities,
            taxonomies,
            weights=weights,
            partial_credit=partial_credit,
            code_measure=code_measure,
            text_method=text_method,
            embedding_model=embedding_model,
        )
        # Exact symmetry whatever the floating-point order of the products.
        self.components = {k: (v + v.T) / 2 for k, v in scores.components.items()}
        self.score = (scores.score + scores.score.T) / 2

    def block(self, a: Strategy, b: Strategy) -> np.ndarray:
        return self.score[self.index[a.key], self.index[b.key]]

    def align(self, a: Strategy, b: Strategy, evidence: bool = True) -> StrategyAlignment:
        sa, sb = self.index[a.key], self.index[b.key]
        pairs = match_priorities(self.score[sa, sb], self.min_pair_score)
        value = strategy_score([p[2] for p in pairs], len(a), len(b), self.strategy_score_method)
        matches = []
        if evidence:
            for i, j, s in pairs:
                pa, pb = a.priorities[i], b.priorities[j]
                comps = {k: float(v[sa.start + i, sb.start + j]) * 100 for k, v in self.components.items()}
                shared, partial = _evidence(pa, pb, self.taxonomies, self.partial_credit)
                matches.append(PriorityMatch(pa, pb, 100.0 * s, comps, shared, partial))
        else:
            matches = [PriorityMatch(a.priorities[i], b.priorities[j], 100.0 * s, {}, (), ()) for i, j, s in pairs]
        return StrategyAlignment(a, b, value, tuple(matches))


def strategy_alignment(a: Strategy, b: Strategy, taxonomies: dict[str, Taxonomy], **options) -> StrategyAlignment:
    """Alignment 0–100 of two strategies with the matched priority pairs (TF-IDF fitted on both)."""
    if a.key != b.key:
        return PairScorer([a, b], taxonomies, **options).align(a, b)
    twin = replace(b, territory=b.territory + "'")  # a strategy compared with itself (or a copy of it)
    return replace(PairScorer([a, twin], taxonomies, **options).align(a, twin), b=b)


def _check_choice(what: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise InputError(f"{what} must be one of {', '.join(allowed)}, not '{value}'")
