"""A seeded generator of SYNTHETIC campaigns, for the demo, tests and benchmarks.

Nothing produced here is a real answer. The data come from a small latent-trait
model, so that regions, blocks and stakeholder groups differ the way a scoring
method has to cope with, and the same seed always gives the same campaign.

The model, for respondent p of stakeholder group g in region r answering scored
item i of block b:

    latent[p, i] = mu[r] + delta[r, b] + beta[g, b] + u[p] - d[i] + e[p, i]

    mu[r]    ~ N(0, region_sd)        the region's overall level
    delta    ~ N(0, block_sd)         the region's own deviation in each block
    beta     ~ N(0, group_bias_sd)    a stakeholder group's bias per block, once per campaign
    u[p]     ~ N(0, respondent_sd)    how positive the respondent is overall
    d[i]     ~ N(0, item_difficulty_sd)  the item's difficulty
    e[p, i]  ~ N(0, item_noise_sd)    answer noise

select_one: the scored choices, ordered by score, are K ordered categories; the
latent is cut at the k/K quantiles (k = 1..K-1) of its marginal normal
distribution (probit cut points), so over many regions every category is about
equally frequent and a higher latent always gives a better-scored answer.

select_multiple: each scored choice (except an exclusive "none") is ticked
independently with probability sigmoid(latent); with nothing ticked the answer
is "none" where the list has it, otherwise the choice nearest to being ticked.

Then, independently per answer: blank with probability `p_missing`; otherwise
"don't know" (the list's unscored choice, `dont_know` if there are several) with
probability `p_dont_know` where the list has such a choice.

Items that are not scored: the `stakeholder_group` profile item repeats the
respondent's group; other select items get a uniform random choice; integer items
1-15; decimal items a positive number with one decimal; open questions ("open..."
or "...comment..." text items) get, for about 30% of respondents, one of a few
neutral template sentences, every one prefixed "[synthetic] "; other text items
are blank or a "[synthetic] ..." label. Date, time and metadata items stay blank.

Open answers are written in the territory's default report language, from the one table
reports and the web use (`regions.languages.territory_language`: Fribourg and Wallonia French,
Ticino Italian, AT, DE, LI and the rest of CH German, ..., English where the territory's
language is none of the five), so a French report quotes French answers: the same themes in
every language (`OPEN_TEMPLATES_BY_LANGUAGE`, which has every language that table returns),
worded so that the keyword stems of `recommend.keywords` find each sentence under the
same block as its English original. Only English has a "No further comment." template;
in the other languages that slot stays blank (a respondent with nothing to add leaves the
box empty), so no non-answer in another language is ever quoted as an excerpt. The
choice of template uses the same random draws in every language, so a seed gives the
same campaign as before apart from the language of the sentences.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..instrument import ChoiceList, Instrument, Item
from ..regions.languages import territory_language
from .model import RESPONSE_COLUMNS, STAKEHOLDER_GROUPS, TERRITORY_CODE, Campaign

SYNTHETIC_PREFIX = "[synthetic] "

#: Neutral template sentences for open questions; never real quotes.
OPEN_TEMPLATES = (
    SYNTHETIC_PREFIX + "Cluster organisations could be involved earlier in the S3 revision.",
    SYNTHETIC_PREFIX + "More regular exchange between the region and the clusters would help.",
    SYNTHETIC_PREFIX + "Funding calls could be simpler for small companies.",
    SYNTHETIC_PREFIX + "Indicators for the S3 priorities should be shared with clusters.",
    SYNTHETIC_PREFIX + "Cooperation with neighbouring regions could be strengthened.",
    SYNTHETIC_PREFIX + "A joint event of all cluster managers once a year would be useful.",
    SYNTHETIC_PREFIX + "No further comment.",
)

#: The open-answer templates per language, slot by slot the same theme as `OPEN_TEMPLATES`
#: (None: that slot is left blank in this language). Never real quotes.
OPEN_TEMPLATES_BY_LANGUAGE: dict[str, tuple[str | None, ...]] = {
    "en": OPEN_TEMPLATES,
    "de": (
        SYNTHETIC_PREFIX + "Die Clusterorganisationen sollten früher in die Überarbeitung der S3 einbezogen werden.",
        SYNTHETIC_PREFIX + "Ein regelmäßigerer Austausch zwischen der Region und den Clustern wäre hilfreich.",
        SYNTHETIC_PREFIX + "Die Förderausschreibungen sollten für kleine Unternehmen einfacher sein.",
        SYNTHETIC_PREFIX + "Die Indikatoren für die Prioritätsbereiche der S3 sollten mit den Clustern geteilt werden.",
        SYNTHETIC_PREFIX + "Die Zusammenarbeit mit den Nachbarregionen sollte gestärkt werden.",
        SYNTHETIC_PREFIX + "Eine gemeinsame Veranstaltung aller Clustermanager einmal im Jahr wäre nützlich.",
        None,
    ),
    "fr": (
        SYNTHETIC_PREFIX + "Les organisations de cluster devraient être associées plus tôt à la révision de la S3.",
        SYNTHETIC_PREFIX + "Des échanges plus réguliers entre la région et les clusters seraient utiles.",
        SYNTHETIC_PREFIX + "Les appels à projets devraient être plus simples pour les petites entreprises.",
        SYNTHETIC_PREFIX
        + "Les indicateurs des domaines prioritaires de la S3 devraient être partagés avec les clusters.",
        SYNTHETIC_PREFIX + "La coopération avec les régions voisines devrait être renforcée.",
        SYNTHETIC_PREFIX + "Une rencontre annuelle commune de tous les gestionnaires de cluster serait utile.",
        None,
    ),
    "it": (
        SYNTHETIC_PREFIX
        + "Le organizzazioni cluster dovrebbero essere coinvolte fin dalle prime fasi della revisione della S3.",
        SYNTHETIC_PREFIX + "Uno scambio più regolare tra la regione e i cluster sarebbe utile.",
        SYNTHETIC_PREFIX + "I bandi dovrebbero essere più semplici per le piccole imprese.",
        SYNTHETIC_PREFIX + "Gli indicatori delle aree prioritarie della S3 dovrebbero essere condivisi con i cluster.",
        SYNTHETIC_PREFIX
        + "La cooperazione con le regioni vicine dovrebbe essere rafforzata, anche nel quadro dei programmi Interreg.",
        SYNTHETIC_PREFIX + "Un incontro annuale congiunto di tutti i cluster manager sarebbe utile.",
        None,
    ),
    "sl": (
        SYNTHETIC_PREFIX + "Grozdne organizacije bi bilo treba v prenovo S3 vključiti že prej.",
        SYNTHETIC_PREFIX + "Bolj redna izmenjava med regijo in grozdi bi bila v pomoč.",
        SYNTHETIC_PREFIX + "Javni razpisi bi morali biti za mala podjetja preprostejši.",
        SYNTHETIC_PREFIX + "Kazalnike za prednostna področja S3 bi bilo treba deliti z grozdi.",
        SYNTHETIC_PREFIX + "Sodelovanje s sosednjimi regijami bi bilo treba okrepiti.",
        SYNTHETIC_PREFIX + "Skupno letno srečanje vseh upravljavcev grozdov bi bilo dobrodošlo.",
        None,
    ),
}

_LANGUAGE_ORDER = tuple(OPEN_TEMPLATES_BY_LANGUAGE)  # "en" first: the default
#: (language, slot) -> template sentence; "" where a language leaves the slot blank.
_TEMPLATE_TABLE = np.array(
    [[t or "" for t in OPEN_TEMPLATES_BY_LANGUAGE[lang]] for lang in _LANGUAGE_ORDER], dtype=object
)

#: Share of respondents who write something in an open question.
OPEN_ANSWER_SHARE = 0.30
#: Share of respondents who fill another (non-open) text item.
TEXT_LABEL_SHARE = 0.50

DEFAULT_GROUP_WEIGHTS = {
    "cluster_manager": 0.40,
    "policy_maker": 0.12,
    "development_agency": 0.10,
    "research_institution": 0.12,
    "industry_association": 0.08,
    "company": 0.13,
    "other": 0.05,
}

_EXCLUSIVE_NONE = "none"
_DONT_KNOW = "dont_know"


class SyntheticSpec(BaseModel):
    """Every knob of the synthetic campaign; the defaults give a plausible-looking demo."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = Field(2017, ge=0, description="Seed of the one random generator; same seed, same campaign.")
    min_respondents: int = Field(8, ge=0, description="Fewest respondents per region.")
    max_respondents: int = Field(40, ge=0, description="Most respondents per region (inclusive).")
    p_missing: float = Field(0.04, ge=0, le=1, description="Probability that an answer is left blank.")
    p_dont_know: float = Field(
        0.07,
        ge=0,
        le=1,
        description=(
            "Probability of answering with the list's unscored choice ('don't know'), where the list has one."
        ),
    )
    region_sd: float = Field(0.6, ge=0, description="SD of the regions' overall latent levels mu[r].")
    block_sd: float = Field(0.4, ge=0, description="SD of a region's deviation per block delta[r, b].")
    group_bias_sd: float = Field(0.35, ge=0, description="SD of a stakeholder group's bias per block beta[g, b].")
    respondent_sd: float = Field(0.6, ge=0, description="SD of the respondent's overall offset u[p].")
    item_noise_sd: float = Field(0.7, ge=0, description="SD of the noise of each single answer e[p, i].")
    item_difficulty_sd: float = Field(0.5, ge=0, description="SD of the items' difficulties d[i].")
    group_weights: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_GROUP_WEIGHTS),
        description="Relative frequency of each stakeholder group (missing groups: 0); normalised to sum 1.",
    )

    @field_validator("group_weights")
    @classmethod
    def _check_weights(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(STAKEHOLDER_GROUPS))
        if unknown:
            raise ValueError(f"unknown stakeholder group(s) {unknown} (one of: {', '.join(STAKEHOLDER_GROUPS)})")
        if any(not math.isfinite(w) or w < 0 for w in v.values()):
            raise ValueError("group weights must be finite and not negative")
        if sum(v.values()) <= 0:
            raise ValueError("at least one group weight must be positive")
        return v

    @model_validator(mode="after")
    def _check_ranges(self) -> SyntheticSpec:
        if self.min_respondents > self.max_respondents:
            raise ValueError("min_respondents must not exceed max_respondents")
        if self.p_missing + self.p_dont_know > 1:
            raise ValueError("p_missing + p_dont_know must not exceed 1")
        return self

    @property
    def latent_sd(self) -> float:
        """SD of the marginal latent of one answer (sets the cut points)."""
        return math.sqrt(
            self.region_sd**2
            + self.block_sd**2
            + self.group_bias_sd**2
            + self.respondent_sd**2
            + self.item_noise_sd**2
            + self.item_difficulty_sd**2
        )

    def weights(self) -> np.ndarray:
        w = np.array([self.group_weights.get(g, 0.0) for g in STAKEHOLDER_GROUPS], dtype=float)
        normalised: np.ndarray = w / w.sum()
        return normalised


_DEFAULT_SPEC = SyntheticSpec()  # frozen, so one shared default instance is safe


def is_open_question(item: Item) -> bool:
    """Free-text comment items: text items outside blocks named or grouped 'open...'/'...comment...'."""
    if item.type != "text" or item.block:
        return False
    return any(s.startswith("open") or "comment" in s for s in (item.name.lower(), (item.group or "").lower()))


def generate_campaign(
    instrument: Instrument,
    regions: pd.DataFrame,
    groups: pd.DataFrame | None = None,
    spec: SyntheticSpec = _DEFAULT_SPEC,
    respondents: int | None = None,
) -> Campaign:
    """A synthetic campaign over `regions` (`region[,name]`); `respondents` fixes the count per region."""
    regions = _check_regions(regions)
    groups = _check_groups(groups, set(regions["region"]))
    if respondents is not None and respondents < 0:
        raise ValueError("respondents must not be negative")
    rng = np.random.default_rng(spec.seed)
    codes = regions["region"].to_numpy(dtype=object)
    n_regions = len(codes)

    items = instrument.answerable_items
    scored = [i for i in items if instrument.is_scored(i)]
    block_names = list(dict.fromkeys([b.name for b in instrument.blocks] + [i.block for i in scored]))
    block_of = {b: k for k, b in enumerate(block_names)}
    n_groups = len(STAKEHOLDER_GROUPS)

    # Campaign-level draws.
    mu = rng.normal(0.0, spec.region_sd, n_regions)
    delta = rng.normal(0.0, spec.block_sd, (n_regions, len(block_names)))
    beta = rng.normal(0.0, spec.group_bias_sd, (n_groups, len(block_names)))
    difficulty = rng.normal(0.0, spec.item_difficulty_sd, len(scored))

    # Respondents.
    if respondents is None:
        counts = rng.integers(spec.min_respondents, spec.max_respondents + 1, n_regions)
    else:
        counts = np.full(n_regions, respondents, dtype=np.int64)
    n = int(counts.sum())
    region_idx = np.repeat(np.arange(n_regions), counts)
    seq = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    width = max(4, len(str(int(counts.max())))) if n_regions else 4
    ids = np.array([f"{codes[r]}-{k:0{width}d}" for r, k in zip(region_idx, seq, strict=True)], dtype=object)
    group_idx = rng.choice(n_groups, size=n, p=spec.weights()) if n else np.zeros(0, dtype=np.int64)
    offset = rng.normal(0.0, spec.respondent_sd, n)
    # The language of each respondent's open answers: its territory's (no random draw).
    region_language = np.array([_LANGUAGE_ORDER.index(territory_language(c)) for c in codes], dtype=np.int64)
    language_idx = region_language[region_idx] if n else np.zeros(0, dtype=np.int64)

    # Latent of every scored answer, (respondents x scored items).
    item_block = np.array([block_of[i.block] for i in scored], dtype=np.int64)
    latent = (
        mu[region_idx][:, None]
        + delta[region_idx][:, item_block]
        + beta[group_idx][:, item_block]
        + offset[:, None]
        - difficulty[None, :]
        + rng.normal(0.0, spec.item_noise_sd, (n, len(scored)))
    )
    uniform = rng.random((n, len(items)))  # blank / don't know decision of every answer

    group_names = np.array(STAKEHOLDER_GROUPS, dtype=object)
    values = np.empty((n, len(items)), dtype=object)
    scored_pos = {it.name: k for k, it in enumerate(scored)}
    for j, item in enumerate(items):
        u = uniform[:, j]
        if item.name in scored_pos:
            col = _scored_column(instrument, item, latent[:, scored_pos[item.name]], u, spec, rng)
        elif item.name == "stakeholder_group" and item.type == "select_one":
            cl = instrument.select_list(item)
            known = np.array([g if cl.get(g) is not None else "" for g in STAKEHOLDER_GROUPS], dtype=object)
            col = known[group_idx]
        else:
            col = _unscored_column(instrument, item, n, u, spec, rng, language_idx)
        values[:, j] = col

    order = np.argsort(ids, kind="stable")
    ids, region_idx, group_idx, values = ids[order], region_idx[order], group_idx[order], values[order]
    k = len(items)
    df = pd.DataFrame(
        {
            "respondent_id": np.repeat(ids, k),
            "region": np.repeat(codes[region_idx], k),
            "stakeholder_group": np.repeat(group_names[group_idx], k),
            "item": np.tile(np.array([i.name for i in items], dtype=object), n),
            "value": values.reshape(-1),
        },
        columns=list(RESPONSE_COLUMNS),
    )
    df = df.astype(str)

    description = (
        f"SYNTHETIC campaign: generated data, not real answers. {n} respondents in {n_regions} territories, "
        f"drawn from a latent-trait model by s3stresstest.campaign.synthetic for instrument "
        f"{instrument.form_id} {instrument.version}. Open answers are template sentences in each territory's "
        f"default report language (German, French, Italian or Slovenian where that is the territory's majority "
        f"language, English elsewhere). "
        f"Spec: {spec.model_dump_json()}"
    )
    return Campaign(responses=df, regions=regions, groups=groups, synthetic=True, description=description)


# -- columns -----------------------------------------------------------------
def _dont_know_choice(cl: ChoiceList) -> str | None:
    unscored = [c.name for c in cl.choices if c.score is None]
    if not unscored:
        return None
    return _DONT_KNOW if _DONT_KNOW in unscored else unscored[0]


def _scored_column(
    instrument: Instrument, item: Item, latent: np.ndarray, u: np.ndarray, spec: SyntheticSpec, rng: np.random.Generator
) -> np.ndarray:
    cl = instrument.select_list(item)
    dont_know = _dont_know_choice(cl)
    if item.type == "select_one":
        ranked = sorted(((c.score, c.name) for c in cl.choices if c.score is not None), key=lambda sc: sc[0])
        names = np.array([name for _, name in ranked], dtype=object)
        k = len(names)
        cuts = np.array([spec.latent_sd * NormalDist().inv_cdf(q / k) for q in range(1, k)])
        col = names[np.searchsorted(cuts, latent)]
    else:
        col = _multiple_column(cl, latent, rng)
    if dont_know is not None:
        col[(u >= spec.p_missing) & (u < spec.p_missing + spec.p_dont_know)] = dont_know
    col[u < spec.p_missing] = ""
    return col


def _multiple_column(cl: ChoiceList, latent: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Independent ticks of the scored choices; 'none' (or the nearest choice) when nothing is ticked."""
    tickable = [c.name for c in cl.choices if c.score is not None and c.name != _EXCLUSIVE_NONE]
    has_none = cl.get(_EXCLUSIVE_NONE) is not None
    n, m = len(latent), len(tickable)
    if m == 0:
        return np.full(n, _EXCLUSIVE_NONE if has_none else "", dtype=object)
    p = 1.0 / (1.0 + np.exp(-latent))
    draws = rng.random((n, m))
    ticked = draws < p[:, None]
    nothing = ~ticked.any(axis=1)
    if not has_none:  # someone who answers ticks at least the choice nearest to being ticked
        nearest = np.argmin(draws - p[:, None], axis=1)
        ticked[nothing, nearest[nothing]] = True
    mask = ticked.astype(np.int64) @ (1 << np.arange(m, dtype=np.int64))
    col: np.ndarray
    if m <= 16:
        table = np.array(
            [" ".join(t for b, t in enumerate(tickable) if s >> b & 1) for s in range(1 << m)], dtype=object
        )
        col = table[mask]
    else:
        col = np.array([" ".join(t for t, x in zip(tickable, row, strict=True) if x) for row in ticked], dtype=object)
    if has_none:
        col[nothing] = _EXCLUSIVE_NONE
    return col


def _unscored_column(
    instrument: Instrument,
    item: Item,
    n: int,
    u: np.ndarray,
    spec: SyntheticSpec,
    rng: np.random.Generator,
    language_idx: np.ndarray | None = None,
) -> np.ndarray:
    blank = u < spec.p_missing
    if item.type in ("select_one", "select_multiple"):
        names = np.array([c.name for c in instrument.select_list(item).choices], dtype=object)
        col = names[rng.integers(0, len(names), n)]
    elif item.type == "integer":
        col = rng.integers(1, 16, n).astype(str).astype(object)
    elif item.type == "decimal":
        col = np.char.mod("%.1f", rng.lognormal(math.log(10.0), 0.8, n)).astype(object)
    elif item.type == "text" and is_open_question(item):
        slot = rng.integers(0, len(OPEN_TEMPLATES), n)  # the same draws whatever the language
        lang = np.zeros(n, dtype=np.int64) if language_idx is None else language_idx
        col = _TEMPLATE_TABLE[lang, slot]
        blank = (rng.random(n) >= OPEN_ANSWER_SHARE) | (col == "")
    elif item.type == "text":
        labels = np.array([f"{SYNTHETIC_PREFIX}{item.name} {k}" for k in range(1, 13)], dtype=object)
        col = labels[rng.integers(0, len(labels), n)]
        blank = rng.random(n) >= TEXT_LABEL_SHARE
    else:  # dates, times, metadata, calculations: left blank
        return np.full(n, "", dtype=object)
    col[blank] = ""
    return col


# -- inputs ------------------------------------------------------------------
def _check_regions(regions: pd.DataFrame) -> pd.DataFrame:
    if "region" not in regions.columns:
        raise ValueError("regions need a 'region' column")
    out = regions.copy().reset_index(drop=True)
    out["region"] = out["region"].astype(str)
    if "name" not in out.columns:
        out["name"] = out["region"]
    out = out[["region", "name"]]
    bad = [c for c in out["region"] if not TERRITORY_CODE.fullmatch(c)]
    if bad:
        raise ValueError(f"not territory codes: {bad[:5]}")
    dup = out.loc[out["region"].duplicated(), "region"].tolist()
    if dup:
        raise ValueError(f"regions listed twice: {dup[:5]}")
    return out


def _check_groups(groups: pd.DataFrame | None, known: set[str]) -> pd.DataFrame:
    if groups is None:
        return pd.DataFrame(columns=["region", "group"])
    if not {"region", "group"} <= set(groups.columns):
        raise ValueError("groups need 'region' and 'group' columns")
    out = groups[["region", "group"]].copy().reset_index(drop=True)
    unknown = sorted(set(out["region"].astype(str)) - known)
    if unknown:
        raise ValueError(f"groups refer to regions not in regions: {unknown[:5]}")
    return out
