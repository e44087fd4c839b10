"""The indicator catalogue: which regional statistics are read, from where, and how they aggregate.

Each `Indicator` names its source dataset and file (relative path in the data folder), the
dimension filter that selects it in a Eurostat TSV, its unit, its kind and its aggregation rule:

* kind ``structure``: context that a region cannot change quickly (size, density, GDP per
  inhabitant, the level and sector make-up of R&D, human resources in S&T). These are the
  variables of structural peers. ``performance``: outputs (patent applications). Both are
  *context*: shown next to StressTest results, never mixed into StressTest scores.
* aggregation (how a territory without a published value is computed from its parts):
  ``sum`` for totals (population, area, GDP); ``weighted`` mean for per-head values and shares,
  weighted by the share's denominator: population for per-inhabitant values and for shares of
  the labour force (population is the proxy: the files have no regional labour force); GDP
  (million EUR) for shares of GDP. ``derived`` indicators (density, business share of GERD) are
  computed from their inputs at every territory, so they aggregate through their inputs.

Two sources for the R&D, HRST and patent indicators. `data seed ../shared/data` installs the
EURITO tidy CSVs (`indicators/*.csv`, `file`); `data pull` downloads the raw Eurostat TSVs of the
same datasets (`eurostat/<dataset>.tsv`, `tsv_file`), which hold every combination of the
dataset's dimensions, so the entry also names the `tsv_filters` that select the indicator (the
same selection EURITO made; the EURITO id spells it: ``rd_p_persreg_total_rse_pc_act_fte_t`` =
sectperf TOTAL, prof_pos RSE, unit PC_ACT_FTE, sex T). `statistics.read_indicators` reads the
raw TSV when it is present (it comes straight from the publisher, with its flags) and the EURITO
CSV otherwise, and records which in ``source``.

Dimension codes (Eurostat SDMX code lists; checked against the EURITO JSON titles):

* rd_e_gerdreg: ``sectperf`` TOTAL (all sectors), BES (business enterprise), GOV (government),
  HES (higher education); ``unit`` PC_GDP (% of GDP), EUR_HAB (euro per inhabitant).
* hrst_st_rcat: ``category`` HRST (tertiary education and/or S&T occupation), SE (scientists
  and engineers); ``unit`` PC_ACT (% of the active population, i.e. the labour force).
* pat_ep_rtot: ``unit`` P_MHAB (per million inhabitants).
* pat_ep_rtec: ``ipc`` HT (high tech - total); ``unit`` P_MHAB.
* rd_p_persreg: ``sectperf`` TOTAL; ``prof_pos`` TOTAL (R&D personnel), RSE (researchers);
  ``sex`` T; ``unit`` PC_ACT_FTE (% of the active population, numerator in FTE).

What the shared files carry (README sections 4-5) is all in the catalogue. Asked for but not
in the files: see `ABSENT`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STRUCTURE = "structure"
PERFORMANCE = "performance"


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str
    dataset: str  # Eurostat dataset code
    file: str | None  # relative path in the data folder; None for derived indicators
    kind: str  # STRUCTURE | PERFORMANCE
    aggregation: str  # 'sum' | 'weighted' | 'derived'
    weight: str | None = None  # indicator whose values weight the mean ('weighted')
    reader: str = "tidy_csv"  # 'eurostat_tsv' | 'tidy_csv' | 'derived'
    filters: dict = field(default_factory=dict)  # Eurostat TSV dimension filter (reader 'eurostat_tsv')
    tsv_file: str | None = None  # raw Eurostat TSV preferred over `file` when present (reader 'tidy_csv')
    tsv_filters: dict = field(default_factory=dict)  # dimension filter selecting the indicator in `tsv_file`
    inputs: tuple[str, ...] = ()  # derived: (numerator, denominator)
    scale: float = 1.0  # derived: numerator / denominator * scale
    description: str = ""

    @property
    def attribution(self) -> str:
        datasets = self.dataset
        return f"Source: Eurostat ({datasets})"


GDP_FILE = "eurostat/estat_nama_10r_3gdp.tsv"
POP_FILE = "eurostat/demo_r_pjanaggr3.tsv"
AREA_FILE = "eurostat/reg_area3.tsv"


def _gdp(id_: str, name: str, unit: str, code: str, aggregation: str, weight: str | None = None) -> Indicator:
    return Indicator(
        id_,
        name,
        unit,
        "nama_10r_3gdp",
        GDP_FILE,
        STRUCTURE,
        aggregation,
        weight,
        "eurostat_tsv",
        {"freq": "A", "unit": code},
    )


def _csv(
    id_: str, name: str, measure: str, dataset: str, stem: str, kind: str, weight: str, **tsv_filters: str
) -> Indicator:
    """An indicator read from the EURITO tidy CSV `stem`, or from the raw TSV `eurostat/<dataset>.tsv`
    selected by `tsv_filters` (dimension=code; `measure` is the unit label shown to users)."""
    return Indicator(
        id_,
        name,
        measure,
        dataset,
        f"indicators/{stem}.csv",
        kind,
        "weighted",
        weight,
        "tidy_csv",
        tsv_file=f"eurostat/{dataset}.tsv",
        tsv_filters={"freq": "A", **tsv_filters},
    )


CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        "population",
        "Population on 1 January",
        "persons",
        "demo_r_pjanaggr3",
        POP_FILE,
        STRUCTURE,
        "sum",
        reader="eurostat_tsv",
        filters={"freq": "A", "unit": "NR", "sex": "T", "age": "TOTAL"},
    ),
    Indicator(
        "area",
        "Area (total, incl. inland waters)",
        "km²",
        "reg_area3",
        AREA_FILE,
        STRUCTURE,
        "sum",
        reader="eurostat_tsv",
        filters={"freq": "A", "landuse": "TOTAL", "unit": "KM2"},
    ),
    Indicator(
        "density",
        "Population density",
        "inhabitants per km²",
        "demo_r_pjanaggr3, reg_area3",
        None,
        STRUCTURE,
        "derived",
        reader="derived",
        inputs=("population", "area"),
        description="population on 1 January / total area, same year",
    ),
    _gdp("gdp_mio_eur", "GDP at current market prices", "million EUR", "MIO_EUR", "sum"),
    _gdp("gdp_eur_hab", "GDP per inhabitant", "EUR per inhabitant", "EUR_HAB", "weighted", "population"),
    _gdp(
        "gdp_pps_hab",
        "GDP per inhabitant in PPS",
        "PPS (EU27 2020) per inhabitant",
        "PPS_EU27_2020_HAB",
        "weighted",
        "population",
    ),
    _gdp(
        "gdp_pps_hab_eu27",
        "GDP per inhabitant in PPS, % of EU27 average",
        "% of EU27 (2020) average",
        "PPS_HAB_EU27_2020",
        "weighted",
        "population",
    ),
    _csv(
        "gerd_total_pc_gdp",
        "GERD, all sectors (R&D intensity)",
        "% of GDP",
        "rd_e_gerdreg",
        "rd_e_gerdreg_total_pc_gdp",
        STRUCTURE,
        "gdp_mio_eur",
        sectperf="TOTAL",
        unit="PC_GDP",
    ),
    _csv(
        "gerd_bes_pc_gdp",
        "GERD, business enterprise sector (BERD)",
        "% of GDP",
        "rd_e_gerdreg",
        "rd_e_gerdreg_bes_pc_gdp",
        STRUCTURE,
        "gdp_mio_eur",
        sectperf="BES",
        unit="PC_GDP",
    ),
    _csv(
        "gerd_gov_pc_gdp",
        "GERD, government sector",
        "% of GDP",
        "rd_e_gerdreg",
        "rd_e_gerdreg_gov_pc_gdp",
        STRUCTURE,
        "gdp_mio_eur",
        sectperf="GOV",
        unit="PC_GDP",
    ),
    _csv(
        "gerd_hes_pc_gdp",
        "GERD, higher education sector",
        "% of GDP",
        "rd_e_gerdreg",
        "rd_e_gerdreg_hes_pc_gdp",
        STRUCTURE,
        "gdp_mio_eur",
        sectperf="HES",
        unit="PC_GDP",
    ),
    _csv(
        "gerd_total_eur_hab",
        "GERD per inhabitant, all sectors",
        "EUR per inhabitant",
        "rd_e_gerdreg",
        "rd_e_gerdreg_total_eur_hab",
        STRUCTURE,
        "population",
        sectperf="TOTAL",
        unit="EUR_HAB",
    ),
    Indicator(
        "bes_share_gerd",
        "Business enterprise share of GERD",
        "% of GERD",
        "rd_e_gerdreg",
        None,
        STRUCTURE,
        "derived",
        reader="derived",
        inputs=("gerd_bes_pc_gdp", "gerd_total_pc_gdp"),
        scale=100.0,
        description="BERD % of GDP / GERD % of GDP x 100, same year",
    ),
    _csv(
        "hrst_pc_act",
        "Human resources in science and technology (HRST)",
        "% of active population",
        "hrst_st_rcat",
        "hrst_st_rcat_hrst_pc_act",
        STRUCTURE,
        "population",
        category="HRST",
        unit="PC_ACT",
    ),
    _csv(
        "se_pc_act",
        "Scientists and engineers",
        "% of active population",
        "hrst_st_rcat",
        "hrst_st_rcat_se_pc_act",
        STRUCTURE,
        "population",
        category="SE",
        unit="PC_ACT",
    ),
    _csv(
        "rd_personnel_pc_act",
        "R&D personnel, all sectors (FTE)",
        "% of active population",
        "rd_p_persreg",
        "rd_p_persreg_total_total_pc_act_fte_t",
        STRUCTURE,
        "population",
        sectperf="TOTAL",
        prof_pos="TOTAL",
        sex="T",
        unit="PC_ACT_FTE",
    ),
    _csv(
        "researchers_pc_act",
        "Researchers, all sectors (FTE)",
        "% of active population",
        "rd_p_persreg",
        "rd_p_persreg_total_rse_pc_act_fte_t",
        STRUCTURE,
        "population",
        sectperf="TOTAL",
        prof_pos="RSE",
        sex="T",
        unit="PC_ACT_FTE",
    ),
    _csv(
        "patents_epo_p_mhab",
        "EPO patent applications (priority year)",
        "per million inhabitants",
        "pat_ep_rtot",
        "pat_ep_rtot_p_mhab",
        PERFORMANCE,
        "population",
        unit="P_MHAB",
    ),
    _csv(
        "patents_epo_ht_p_mhab",
        "EPO high-tech patent applications (priority year)",
        "per million inhabitants",
        "pat_ep_rtec",
        "pat_ep_rtec_ht_p_mhab",
        PERFORMANCE,
        "population",
        ipc="HT",
        unit="P_MHAB",
    ),
)

BY_ID: dict[str, Indicator] = {i.id: i for i in CATALOGUE}

# Indicators asked for in the issue or named in the data README that the shared files do not carry.
ABSENT: dict[str, str] = {
    "htec_emp_reg2": "Employment in high-tech sectors by NUTS 2 region: no copy in the shared data (README section 7)",
    "ris": "Regional Innovation Scoreboard values: not available in a copyable form (README section 7)",
}


def indicator(id_: str) -> Indicator:
    """The catalogue entry, or a KeyError listing the known ids."""
    try:
        return BY_ID[id_]
    except KeyError:
        raise KeyError(f"unknown indicator '{id_}'; known: {', '.join(BY_ID)}") from None


def catalogue_frame():
    """The catalogue as a DataFrame (one row per indicator)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "id": i.id,
                "name": i.name,
                "unit": i.unit,
                "dataset": i.dataset,
                "file": i.file or "",
                "tsv_file": i.tsv_file or "",
                "filters": ", ".join(f"{k}={v}" for k, v in (i.filters or i.tsv_filters).items()),
                "kind": i.kind,
                "aggregation": i.aggregation,
                "weight": i.weight or "",
                "attribution": i.attribution,
            }
            for i in CATALOGUE
        ]
    )
