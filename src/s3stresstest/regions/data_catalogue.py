"""The catalogue of reference data files: what each file is, who publishes it, on what terms.

One `Dataset` per file. Relative paths are the layout of `../shared/data` (and of the data
directory). Three kinds of entries, and the catalogue says which is which (`obtainable`):

* ``pull+seed`` - served by the official publisher in exactly this form (GISCO GeoJSON, Eurostat
  TSV). `data pull` fetches it; `data seed` installs the shared copy. The catalogue's `sha256` is the
  shared copy's; a fresh download may legitimately differ (publishers revise data), so `pull`
  checks integrity by HTTP completeness and a parse check and records what it stored.
* ``seed only`` - EURITO tidy CSVs (and their JSON metadata) derived from Eurostat datasets.
  Eurostat does not serve these files; only `data seed` installs them. `source_url` names the
  Eurostat dataset they were derived from, `provenance` the copy they came from.
* ``pull`` - the raw Eurostat TSV of a dataset behind the EURITO indicators, stored as
  `eurostat/<code>.tsv`. No reference copy exists in the shared data, so `sha256` is unknown;
  `seed` installs it only from a folder that has it (e.g. another machine's data directory).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Problem

GISCO_BASE_URL = "https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson"
EUROSTAT_BASE_URL = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data"
GISCO_ENV = "S3ST_GISCO_URL"
EUROSTAT_ENV = "S3ST_EUROSTAT_URL"

PUBLISHER_GISCO = "Eurostat – GISCO"
PUBLISHER_EUROSTAT = "Eurostat"

LICENCE_GISCO = (
    "Eurostat/GISCO terms for administrative-unit geodata: free to use and process for "
    "non-commercial purposes, on condition that the source is acknowledged. Commercial use "
    "needs separate permission (EuroGeographics)."
)
ATTRIBUTION_GISCO = "© EuroGeographics for the administrative boundaries; Source: Eurostat – GISCO"
LICENCE_EUROSTAT = (
    "Eurostat re-use policy (Commission Decision 2011/833/EU on the re-use of Commission "
    "documents): free re-use, commercial or not, provided the source is acknowledged."
)

PROV_GISCO = (
    "Shared copy: byte-identical to github.com/eurostat/mortality-viz at commit "
    "095a0239880b2f9fa56719ebb245f55ebd28ba55 (2020-07-01), repository root (repository licence "
    "EUPL-1.2; data terms are GISCO's)."
)
PROV_KOHESIO = (
    "Shared copy: byte-identical to github.com/clementlefevre/Kohesio, "
    "data/population/estat_nama_10r_3gdp.tsv, commit 39e9e264879fe7b176985853c2bf3824d682c27b "
    "(repository licence MIT; data terms are Eurostat's). Eurostat extraction date not recorded; "
    "data run to 2022."
)
PROV_TOURISM = (
    "Shared copy: byte-identical to github.com/lahackmoreno/tourism-pressure-europe, {name}, commit "
    "35261f300f56a35593e3866dbb008a1f1d1c61d1 (repository has no licence file; its README says "
    "the data are Eurostat's)."
)
PROV_EURITO = (
    "EURITO tidy copy of Eurostat dataset {code} (downloaded by EURITO through the Eurostat SDMX 2.1 "
    "API; data date 2022-03-31), byte-identical to github.com/nestauk/eurito_indicators, "
    "ds/outputs/data/processed/eurostat/{file}, commit b6eb9c76eb11bc46fe9bcb97dcecf3c58e12cf5c "
    "(branch 113_eurostat; repository licence MIT, © 2021 Nesta/EURITO; data terms are "
    "Eurostat's). Not served by Eurostat in this form: installed by `data seed` only."
)
PROV_RAW = (
    "Raw Eurostat TSV of {code}, the dataset behind the EURITO indicator copies. Fetched by `data pull`; "
    "there is no reference copy in the shared data."
)

KINDS = ("geojson", "eurostat-tsv", "indicator-csv", "indicator-json")


@dataclass(frozen=True)
class Dataset:
    path: str  # relative path in the data directory, e.g. "gisco/NUTS_RG_20M_2021_4326_LEVL_2.geojson"
    name: str
    kind: str  # one of KINDS: selects the format check
    publisher: str
    dataset: str  # Eurostat dataset code or GISCO product id
    source_url: str  # the official publisher's URL (for seed-only files: the dataset they derive from)
    licence: str
    attribution: str
    provenance: str
    sha256: str | None = None  # the shared reference copy's sha256, when one exists
    size: int | None = None
    service: str | None = None  # "gisco" | "eurostat": which publisher `pull` fetches it from; None: seed only
    level: int | None = None  # NUTS level of a GeoJSON file

    @property
    def obtainable(self) -> str:
        if self.service is None:
            return "seed only"
        return "pull+seed" if self.sha256 else "pull"

    def download_url(self, base_urls: dict[str, str] | None = None) -> str:
        """The URL `pull` fetches: the official one, or the same layout under an overridden base URL."""
        if self.service is None:
            raise InputError(
                f"'{self.path}' is not served by its publisher in this form; install it with "
                "`s3stresstest data seed FOLDER`",
                source=self.path,
            )
        base = resolve_base_urls(base_urls)[self.service]
        if self.service == "gisco":
            return f"{base}/{self.path.rsplit('/', 1)[-1]}"
        # Eurostat's dissemination API: TSV, gzip-compressed on the wire (pull accepts plain too).
        return f"{base}/{self.dataset}?format=TSV&compressed=true"


def resolve_base_urls(base_urls: dict[str, str] | None = None) -> dict[str, str]:
    """Base URLs of the two services: parameters, else `S3ST_GISCO_URL`/`S3ST_EUROSTAT_URL`, else official."""
    given = {k: v for k, v in (base_urls or {}).items() if v}
    unknown = set(given) - {"gisco", "eurostat"}
    if unknown:
        raise InputError(f"unknown service(s) {sorted(unknown)} in base URLs; expected 'gisco' and/or 'eurostat'")
    return {
        "gisco": (given.get("gisco") or os.environ.get(GISCO_ENV) or GISCO_BASE_URL).rstrip("/"),
        "eurostat": (given.get("eurostat") or os.environ.get(EUROSTAT_ENV) or EUROSTAT_BASE_URL).rstrip("/"),
    }


def _eurostat_url(code: str) -> str:
    return f"{EUROSTAT_BASE_URL}/{code}?format=TSV"


def _gisco(level: int, sha: str, size: int) -> Dataset:
    file = f"NUTS_RG_20M_2021_4326_LEVL_{level}.geojson"
    return Dataset(
        path=f"gisco/{file}",
        name=f"NUTS 2021 regions, level {level}, 1:20 million, EPSG:4326 (GeoJSON)",
        kind="geojson",
        publisher=PUBLISHER_GISCO,
        dataset="NUTS_RG_20M_2021_4326",
        source_url=f"{GISCO_BASE_URL}/{file}",
        licence=LICENCE_GISCO,
        attribution=ATTRIBUTION_GISCO,
        provenance=PROV_GISCO,
        sha256=sha,
        size=size,
        service="gisco",
        level=level,
    )


def _raw_tsv(
    path: str, code: str, name: str, provenance: str, sha: str | None = None, size: int | None = None
) -> Dataset:
    return Dataset(
        path=path,
        name=name,
        kind="eurostat-tsv",
        publisher=PUBLISHER_EUROSTAT,
        dataset=code,
        source_url=_eurostat_url(code),
        licence=LICENCE_EUROSTAT,
        attribution=f"Source: Eurostat ({code})",
        provenance=provenance,
        sha256=sha,
        size=size,
        service="eurostat",
    )


def _indicator(
    stem: str, code: str, label: str, csv_sha: str, csv_size: int, json_sha: str, json_size: int
) -> list[Dataset]:
    common: dict[str, Any] = {
        "publisher": PUBLISHER_EUROSTAT,
        "dataset": code,
        "source_url": _eurostat_url(code),
        "licence": LICENCE_EUROSTAT,
        "attribution": f"Source: Eurostat ({code})",
        "service": None,
    }
    return [
        Dataset(
            path=f"indicators/{stem}.csv",
            name=f"{label} (EURITO tidy CSV)",
            kind="indicator-csv",
            provenance=PROV_EURITO.format(code=code, file=f"{stem}.csv"),
            sha256=csv_sha,
            size=csv_size,
            **common,
        ),
        Dataset(
            path=f"indicators/{stem}.json",
            name=f"{label} (EURITO metadata)",
            kind="indicator-json",
            provenance=PROV_EURITO.format(code=code, file=f"{stem}.json"),
            sha256=json_sha,
            size=json_size,
            **common,
        ),
    ]


_GERD = "GERD by sector of performance and NUTS 2 regions"
_RDP = "R&D personnel and researchers by NUTS 2 regions"

CATALOGUE: tuple[Dataset, ...] = (
    _gisco(0, "bc44b301c7f8537b35b963b559f803f633d65b2756c9bd47e802f10f8840cff7", 154300),
    _gisco(1, "3b0c94d262cf2962f84008f6100f6735d98d57d31624e914f3f83ab259a7089b", 254299),
    _gisco(2, "09300511ff7b2c1947420cf831bb7ce5a1a2b292aa6b0858df6491511d67e964", 402930),
    _gisco(3, "7261169b7fc3b20c6e76e0e835433502c42574d3a826b0be042ff223c976a819", 993501),
    _raw_tsv(
        "eurostat/estat_nama_10r_3gdp.tsv",
        "nama_10r_3gdp",
        "GDP at current market prices by NUTS 3 regions (Eurostat TSV)",
        PROV_KOHESIO,
        "62bcbbd19578b4a749020e510efb4f87d6d2ab5e957f28f91a6c17fbab264eb1",
        2280766,
    ),
    _raw_tsv(
        "eurostat/demo_r_pjanaggr3.tsv",
        "demo_r_pjanaggr3",
        "Population on 1 January by broad age group, sex and NUTS 3 region (Eurostat TSV)",
        PROV_TOURISM.format(name="demo_r_pjanaggr3.tsv"),
        "32c218304cb30e5bb514d3465362e6acca6b5f42d52bc15d630cc2240f692ac8",
        2657841,
    ),
    _raw_tsv(
        "eurostat/reg_area3.tsv",
        "reg_area3",
        "Area by NUTS 3 region (Eurostat TSV)",
        PROV_TOURISM.format(name="reg_area3.tsv"),
        "d1b5d102c80876d2e7e48b13d46c9611e6227f86786aa17d0562f6cd71b0478a",
        173649,
    ),
    *_indicator(
        "rd_e_gerdreg_total_pc_gdp",
        "rd_e_gerdreg",
        f"{_GERD}: all sectors, % of GDP",
        "56d46bc8a43544d4bef20a7d8144a308002be40d4042006543c57c685a036e99",
        84248,
        "0badc171cee989c6e37aaa07a9def80790e9907f08fd25198ba2fe88997f4efd",
        1127,
    ),
    *_indicator(
        "rd_e_gerdreg_bes_pc_gdp",
        "rd_e_gerdreg",
        f"{_GERD}: business enterprise sector, % of GDP",
        "144667fe09fa260a1b828d81bbe10560fc226c9e542dc0ccd7f33cf9541cefa5",
        81193,
        "34e7d1c3cd05f2f93f930d615b3c83081e6ec0335bfd6f49099ba9cf403c839f",
        1155,
    ),
    *_indicator(
        "rd_e_gerdreg_gov_pc_gdp",
        "rd_e_gerdreg",
        f"{_GERD}: government sector, % of GDP",
        "d19739035dd5f7e449e070e228a173ae084225881483c68ecbdf160c0871acb5",
        81761,
        "ec7db7655f68fa6fd6b66e28913e3734f8c78a4c8a536b385f827880c1acd099",
        1137,
    ),
    *_indicator(
        "rd_e_gerdreg_hes_pc_gdp",
        "rd_e_gerdreg",
        f"{_GERD}: higher education sector, % of GDP",
        "c3ce4078fed7c76aa5ac305dd915a06aa784f54077076f18e1ca4d82a174089f",
        81815,
        "d61c808084966ea8754526faad1cf0cfa247a29adc93915e6a669dd5b76e14c9",
        1149,
    ),
    *_indicator(
        "rd_e_gerdreg_total_eur_hab",
        "rd_e_gerdreg",
        f"{_GERD}: all sectors, euro per inhabitant",
        "fee91c8d4c70b14d3c2f0bb081799df870cfb58353dd8f2e23b8330df802fd9f",
        85844,
        "d4031e179dd3959d1d441f3af78fad1db356c3563d37593f677b2bf7c392328c",
        1082,
    ),
    *_indicator(
        "hrst_st_rcat_hrst_pc_act",
        "hrst_st_rcat",
        "HRST by category and NUTS 2 regions: HRST, % of labour force",
        "c121074f77ed3471dc44af56acd760d5ded67e5d6351d72442e6893ff04cd6f2",
        128332,
        "676c96a37a70b9abed211851f2ca24c6fc0c5a305fe8895c290232d6271d9657",
        1244,
    ),
    *_indicator(
        "hrst_st_rcat_se_pc_act",
        "hrst_st_rcat",
        "HRST by category and NUTS 2 regions: scientists and engineers, % of labour force",
        "0f7a77303e16e6a49decacd33811bfa3525480f63c46704f76b21b094322888f",
        122753,
        "f303040e5ec39321241b500a4f37b2a24fe7eff06488a1106f0e060d51ef11d4",
        1128,
    ),
    *_indicator(
        "pat_ep_rtot_p_mhab",
        "pat_ep_rtot",
        "EPO patent applications by priority year and NUTS 3 regions, per million inhabitants",
        "aafe4a8e32268ac020048a593b42f8ada3dcb2986c938d34010907fed3f64c19",
        98911,
        "32888075a9c0374ab591debf50c0cebcd004197ad7dfaead3c66cd6a3a95ec9a",
        1089,
    ),
    *_indicator(
        "pat_ep_rtec_ht_p_mhab",
        "pat_ep_rtec",
        "High-tech EPO patent applications by NUTS 3 regions, per million inhabitants",
        "0b506a8765239f856446fd6d98ef51b9bb9552513c79a739eff761c41323eb48",
        76857,
        "8b95df7658ea2996d43a60532f76487e75d4d6d0adba724a1f13faa36baa7702",
        1150,
    ),
    *_indicator(
        "rd_p_persreg_total_total_pc_act_fte_t",
        "rd_p_persreg",
        f"{_RDP}: R&D personnel, all sectors, FTE, % of labour force",
        "e2b1eef323d4aeaf60dfa5461d09847bf8715bb8e6708a03d0fcbf02044b461f",
        82311,
        "46a989bd16a8e01c6d16e7093e2a94f9b94c1f8d8aabe4709cad7e8870ef1e9f",
        1315,
    ),
    *_indicator(
        "rd_p_persreg_total_rse_pc_act_fte_t",
        "rd_p_persreg",
        f"{_RDP}: researchers, all sectors, FTE, % of labour force",
        "6f5854b14ae80f212447b697ba4c2a80e2d169e486730fab95b576c8566777f2",
        81748,
        "08eaae82dc11d8be8f26efa2e91d3490f7dbc00821a89133c3c0de4496c24992",
        1325,
    ),
    _raw_tsv(
        "eurostat/rd_e_gerdreg.tsv",
        "rd_e_gerdreg",
        "GERD by sector of performance and NUTS 2 regions (Eurostat TSV)",
        PROV_RAW.format(code="rd_e_gerdreg"),
    ),
    _raw_tsv(
        "eurostat/hrst_st_rcat.tsv",
        "hrst_st_rcat",
        "HRST by category and NUTS 2 regions (Eurostat TSV)",
        PROV_RAW.format(code="hrst_st_rcat"),
    ),
    _raw_tsv(
        "eurostat/pat_ep_rtot.tsv",
        "pat_ep_rtot",
        "Patent applications to the EPO by priority year by NUTS 3 regions (Eurostat TSV)",
        PROV_RAW.format(code="pat_ep_rtot"),
    ),
    _raw_tsv(
        "eurostat/pat_ep_rtec.tsv",
        "pat_ep_rtec",
        "High-tech patent applications to the EPO by priority year by NUTS 3 regions (Eurostat TSV)",
        PROV_RAW.format(code="pat_ep_rtec"),
    ),
    _raw_tsv(
        "eurostat/rd_p_persreg.tsv",
        "rd_p_persreg",
        "R&D personnel and researchers by sector of performance, sex and NUTS 2 regions (Eurostat TSV)",
        PROV_RAW.format(code="rd_p_persreg"),
    ),
)

_BY_PATH = {d.path: d for d in CATALOGUE}


def catalogue() -> tuple[Dataset, ...]:
    return CATALOGUE


def entry(path: str) -> Dataset:
    try:
        return _BY_PATH[path]
    except KeyError:
        raise InputError(f"'{path}' is not a catalogue file") from None


def select(only: list[str] | tuple[str, ...] | None = None, *, pullable: bool = False) -> list[Dataset]:
    """Catalogue entries matching `only` (paths, file names, dataset codes or folders); all when None."""
    pool = [d for d in CATALOGUE if d.service is not None] if pullable else list(CATALOGUE)
    if not only:
        return pool
    chosen: list[Dataset] = []
    unknown = []
    for key in only:
        key = key.strip().strip("/")
        hits = [
            d for d in pool if key in (d.path, d.path.rsplit("/", 1)[-1], d.dataset) or d.path.startswith(key + "/")
        ]
        if not hits:
            unknown.append(key)
        chosen.extend(h for h in hits if h not in chosen)
    if unknown:
        what = "pullable catalogue file" if pullable else "catalogue file"
        raise InputError(
            [
                Problem(f"'{k}' matches no {what} (give a path, a file name, a dataset code or a folder)")
                for k in unknown
            ]
        )
    return chosen
