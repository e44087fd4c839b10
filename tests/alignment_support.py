"""Small hand-made taxonomies and strategies for the alignment tests."""

from __future__ import annotations

import csv
from pathlib import Path

from s3stresstest.alignment import Priority, Strategy, taxonomy_from_rows

NACE_ROWS = [
    {"code": "C", "title": "Manufacturing"},
    {"code": "C26", "parent": "C", "title": "Computer, electronic and optical products"},
    {"code": "C27", "parent": "C", "title": "Electrical equipment"},
    {"code": "C29", "parent": "C", "title": "Motor vehicles"},
    {"code": "J", "title": "Information and communication"},
    {"code": "J62", "parent": "J", "title": "Computer programming"},
    {"code": "J63", "parent": "J", "title": "Information services"},
    {"code": "Q", "title": "Human health and social work"},
    {"code": "Q86", "parent": "Q", "title": "Human health activities"},
]
NABS_ROWS = [{"code": f"0{k}", "title": t} for k, t in enumerate(["Earth", "Environment", "Space", "Transport"], 1)]
POLICY_ROWS = [{"code": "PO1", "title": "Cluster policy"}, {"code": "PO2", "title": "Skills"}]
ECOSYSTEM_ROWS = [
    {"code": "digital", "title": "Digital"},
    {"code": "health", "title": "Health"},
    {"code": "mobility", "title": "Mobility"},
]


def small_taxonomies() -> dict:
    return {
        "nace": taxonomy_from_rows(NACE_ROWS, name="nace", label="NACE Rev. 2"),
        "nabs": taxonomy_from_rows(NABS_ROWS, name="nabs", label="NABS 2007"),
        "policy": taxonomy_from_rows(POLICY_ROWS, name="policy"),
        "ecosystem": taxonomy_from_rows(ECOSYSTEM_ROWS, name="ecosystem"),
    }


def write_taxonomy_folder(folder: Path) -> Path:
    """The small taxonomies as the four CSV files of a taxonomy folder."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "nace_rev2.csv": NACE_ROWS,
        "nabs2007.csv": NABS_ROWS,
        "eye_ris3_policy_objectives.csv": POLICY_ROWS,
        "industrial_ecosystems.csv": ECOSYSTEM_ROWS,
    }
    for name, rows in files.items():
        with open(folder / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["code", "level", "parent", "title"])
            for r in rows:
                writer.writerow([r["code"], 2 if r.get("parent") else 1, r.get("parent", ""), r["title"]])
    return folder


def prio(pid: str, title: str, description: str = "", **codes: str) -> Priority:
    return Priority(pid, title, description, {axis: tuple(v.split()) for axis, v in codes.items()})


def strategy(territory: str, *priorities: Priority, level: str = "regional", period: str = "2014-2020") -> Strategy:
    return Strategy(territory, level, period, tuple(priorities), name=territory)
