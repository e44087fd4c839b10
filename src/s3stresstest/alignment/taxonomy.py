"""Code lists (taxonomies) of the axes on which S3 priorities are coded.

The axes (`AXES`): NACE Rev. 2 (``nace``), NABS 2007 (``nabs``), the Eye@RIS3 policy objectives
(``policy``, shipped empty: a user-supplied list, see the data README), the 14 industrial
ecosystems (``ecosystem``) and two policy-objective axes from Horizon Europe, Regulation (EU)
2021/695: the six Pillar II clusters (``horizon_cluster``) and the five EU missions (``mission``).

A taxonomy file is a UTF-8 CSV with the columns ``code,title`` and optionally ``level`` and
``parent``: a hierarchical list (NACE Rev. 2 sections and divisions, NABS 2007 chapters and
sub-chapters) gives each code its parent, a flat list (EYE RIS3 policy objectives, the 14
industrial ecosystems, the Horizon Europe clusters and missions) leaves ``parent`` empty or
omits it. A code's *depth* is computed from the parent chain (1 for a code without parent);
the ``level`` column is kept as documentation and not trusted.

Built-in taxonomies live in ``s3stresstest/alignment/data/`` (one file per axis, see `AXES`);
`builtin_taxonomies()` loads them and says clearly which file is missing. A user's taxonomy
folder must hold the files of the four original axes; the files of the `OPTIONAL_AXES`
(Horizon Europe clusters and missions) are taken from the built-in folder when it lacks them.

    nace = load_taxonomy("nace_rev2.csv", name="nace")
    nace.parent("C26")          # 'C'
    nace.is_known("C26")        # True
    nace.canonical("c26")       # 'C26' (codes are matched case-insensitively)
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..campaign.csvfile import read_csv_table
from ..errors import InputError, Problem

# axis -> (built-in file, human name)
AXES: dict[str, tuple[str, str]] = {
    "nace": ("nace_rev2.csv", "NACE Rev. 2"),
    "nabs": ("nabs2007.csv", "NABS 2007"),
    "policy": ("eye_ris3_policy_objectives.csv", "EYE@RIS3 policy objective"),
    "ecosystem": ("industrial_ecosystems.csv", "industrial ecosystem"),
    "horizon_cluster": ("horizon_europe_clusters.csv", "Horizon Europe cluster"),
    "mission": ("eu_missions.csv", "EU mission"),
}
# axes whose file a user's taxonomy folder may leave out: the built-in file is used instead
OPTIONAL_AXES: tuple[str, ...] = ("horizon_cluster", "mission")
DATA_PACKAGE = "s3stresstest.alignment"
DATA_FOLDER = "data"


@dataclass(frozen=True)
class TaxonomyCode:
    code: str
    title: str
    parent: str | None
    depth: int
    level: str = ""


@dataclass(eq=False)
class Taxonomy:
    """A code list with an optional hierarchy (parents)."""

    name: str
    codes: dict[str, TaxonomyCode]
    label: str = ""
    source: str | None = None
    sha256: str | None = None
    _upper: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._upper = {c.upper(): c for c in self.codes}
        self.label = self.label or self.name

    # -- lookup ------------------------------------------------------------------------------------

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.canonical(code) is not None

    def __len__(self) -> int:
        return len(self.codes)

    def is_known(self, code: str) -> bool:
        return self.canonical(code) is not None

    def canonical(self, code: str) -> str | None:
        """The code as spelled in the list (case-insensitive match), or None when unknown."""
        key = str(code).strip()
        if key in self.codes:
            return key
        return self._upper.get(key.upper())

    def _get(self, code: str) -> TaxonomyCode:
        canon = self.canonical(code)
        if canon is None:
            raise KeyError(f"unknown {self.label} code '{code}'")
        return self.codes[canon]

    def parent(self, code: str) -> str | None:
        return self._get(code).parent

    def title(self, code: str) -> str:
        return self._get(code).title

    def depth(self, code: str) -> int:
        return self._get(code).depth

    @property
    def max_depth(self) -> int:
        return max((c.depth for c in self.codes.values()), default=0)

    @property
    def hierarchical(self) -> bool:
        return self.max_depth > 1

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Parents of a code, nearest first."""
        chain = []
        node = self._get(code)
        while node.parent is not None:
            node = self.codes[node.parent]
            chain.append(node.code)
        return tuple(chain)

    def ancestor_at_depth(self, code: str, depth: int) -> str:
        """The code's ancestor at `depth`, or the code itself when it is not deeper than that."""
        node = self._get(code)
        while node.depth > depth and node.parent is not None:  # deeper than the root: has a parent
            node = self.codes[node.parent]
        return node.code

    def roots(self) -> list[str]:
        return [c for c, v in self.codes.items() if v.parent is None]

    def at_depth(self, depth: int) -> list[str]:
        return [c for c, v in self.codes.items() if v.depth == depth]

    def suggest(self, code: str, n: int = 3) -> list[str]:
        return difflib.get_close_matches(str(code).strip().upper(), list(self._upper), n=n, cutoff=0.6)

    def unknown_message(self, code: str) -> str:
        msg = f"unknown {self.label} code '{code}'"
        hint = [self._upper[h] for h in self.suggest(code)]
        if hint:
            msg += "; did you mean " + ", ".join(hint) + "?"
        return msg

    def describe(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "source": self.source,
            "sha256": self.sha256,
            "codes": len(self.codes),
            "max_depth": self.max_depth,
        }


def taxonomy_from_rows(
    rows: list[dict],
    *,
    name: str,
    label: str = "",
    source: str | None = None,
    sha256: str | None = None,
    lines: list[int] | None = None,
) -> Taxonomy:
    """Build a taxonomy from dicts with code, title and optional parent/level; problems carry line numbers."""
    lines = lines or list(range(2, len(rows) + 2))
    problems: list[Problem] = []
    raw: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    for line, row in zip(lines, rows, strict=False):
        code = str(row.get("code") or "").strip()
        title = str(row.get("title") or "").strip()
        parent = str(row.get("parent") or "").strip() or None
        if not code:
            problems.append(Problem("code is empty", line, "code", source))
            continue
        if any(ch.isspace() for ch in code):
            problems.append(
                Problem(f"code '{code}' contains a space (codes are listed space-separated)", line, "code", source)
            )
            continue
        if code.upper() in {c.upper() for c in raw}:
            problems.append(
                Problem(f"duplicate code '{code}' (first at line {first_line[code.upper()]})", line, "code", source)
            )
            continue
        if not title:
            problems.append(Problem(f"code '{code}' has no title", line, "title", source))
        raw[code] = {"title": title, "parent": parent, "level": str(row.get("level") or "").strip(), "line": line}
        first_line[code.upper()] = line
    for code, r in raw.items():
        if r["parent"] is not None and r["parent"] not in raw:
            problems.append(
                Problem(f"parent '{r['parent']}' of '{code}' is not in the list", r["line"], "parent", source)
            )
    if problems:
        raise InputError(problems)
    depth: dict[str, int] = {}
    for code in raw:
        seen: list[str] = []
        node: str | None = code
        while node is not None and node not in depth:
            if node in seen:
                raise InputError(
                    Problem(
                        f"the parents of '{code}' form a cycle ({' -> '.join(seen + [node])})",
                        raw[code]["line"],
                        "parent",
                        source,
                    )
                )
            seen.append(node)
            node = raw[node]["parent"]
        base = 0 if node is None else depth[node]
        for k, n in enumerate(reversed(seen), start=1):
            depth[n] = base + k
    codes = {c: TaxonomyCode(c, r["title"], r["parent"], depth[c], r["level"]) for c, r in raw.items()}
    return Taxonomy(name=name, codes=codes, label=label or name, source=source, sha256=sha256)


def load_taxonomy(path: str | Path, *, name: str | None = None, label: str = "") -> Taxonomy:
    """Read a taxonomy CSV (``code,title`` plus optional ``level,parent``)."""
    path = Path(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    try:
        table = read_csv_table(path, ("code", "title"))
    except InputError as exc:
        if [p.message for p in exc.problems] == ["file has a header but no data rows"]:  # an empty list
            return Taxonomy(name=name or path.stem, codes={}, label=label, source=str(path), sha256=sha)
        raise
    rows = table.drop(columns="_line").to_dict("records")
    return taxonomy_from_rows(
        rows, name=name or path.stem, label=label, source=str(path), sha256=sha, lines=table["_line"].tolist()
    )


def builtin_data_folder() -> Path:
    """The package folder of the built-in taxonomies and the sourced priorities dataset."""
    from importlib.resources import files

    return Path(str(files(DATA_PACKAGE).joinpath(DATA_FOLDER)))


def load_taxonomies(folder: str | Path | None = None, axes: tuple[str, ...] | None = None) -> dict[str, Taxonomy]:
    """The taxonomies of `axes` (default: all of `AXES`) from `folder` (default: the built-in data folder).

    Files are named as in `AXES`; a missing file is an InputError naming every missing one, except
    that a user's folder may leave out the files of `OPTIONAL_AXES`, which are then read from the
    built-in folder (so a folder made for the four original axes keeps working).
    """
    builtin = builtin_data_folder()
    base = Path(folder) if folder is not None else builtin
    axes = tuple(axes or AXES)
    unknown = [a for a in axes if a not in AXES]
    if unknown:
        raise InputError(f"unknown axis {', '.join(unknown)}; the axes are {', '.join(AXES)}")
    paths: dict[str, Path] = {}
    missing: list[str] = []
    for a in axes:
        name = AXES[a][0]
        if (base / name).is_file():
            paths[a] = base / name
        elif folder is not None and a in OPTIONAL_AXES and (builtin / name).is_file():
            paths[a] = builtin / name
        else:
            missing.append(name)
    if missing:
        where = "the built-in taxonomy folder" if folder is None else "the taxonomy folder"
        raise InputError([Problem(f"taxonomy file '{m}' is not in {where} {base}", source=m) for m in missing])
    return {a: load_taxonomy(paths[a], name=a, label=AXES[a][1]) for a in axes}


def builtin_taxonomies() -> dict[str, Taxonomy]:
    """All built-in taxonomies (NACE Rev. 2, NABS 2007, EYE@RIS3 policy objectives, industrial ecosystems,
    Horizon Europe clusters, EU missions)."""
    return load_taxonomies(None)


def taxonomy_metadata(folder: str | Path | None = None) -> dict | None:
    """The content of `taxonomies.yaml` beside the taxonomy files (sources, licences), if present and readable."""
    base = Path(folder) if folder is not None else builtin_data_folder()
    path = base / "taxonomies.yaml"
    if not path.is_file():
        return None
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return {"error": f"cannot read taxonomies.yaml: {exc}"}
