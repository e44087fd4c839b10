"""Write ranked cooperation topics to a folder: topics.csv, positions.csv, diamonds/*.svg, topics.json."""

from __future__ import annotations

import json
from pathlib import Path

from ..files import staged_output_dir
from ..i18n import check_language, translator
from ..transfer.safe import to_safe_csv
from .diamond import diamond_svg
from .topics import CooperationTopics


def write_topics(
    result: CooperationTopics, out: str | Path, *, top: int | None = 10, language: str = "en", overwrite: bool = False
) -> Path:
    """All tables, and a diamond for each of the first `top` topics (all when None); all or nothing."""
    t = translator(check_language(language))
    note = t._("SYNTHETIC DATA: figures from invented survey answers") if result.synthetic else ""
    with staged_output_dir(out, overwrite) as tmp:
        topics = result.topics.assign(synthetic=result.synthetic) if result.synthetic else result.topics
        (tmp / "topics.csv").write_text(to_safe_csv(topics), encoding="utf-8")
        (tmp / "positions.csv").write_text(to_safe_csv(result.positions), encoding="utf-8")
        (tmp / "diamonds").mkdir()
        chosen = result.topics if top is None else result.topics.head(top)
        for row in chosen.itertuples(index=False):
            pos = result.positions[result.positions["topic"] == row.topic]
            title = t._("{rank}. {title}: {n} partners", rank=row.rank, title=row.title, n=row.n_partners)
            svg = diamond_svg(title, pos, language=language, note=note)
            stem = f"{int(str(row.rank)):02d}-{str(row.topic).replace(':', '-')}"
            (tmp / "diamonds" / f"{stem}.svg").write_text(svg, encoding="utf-8")
        record = {
            "format": "s3stresstest-topics/1",
            "territories": result.territories,
            "axis": result.axis,
            "weights": result.weights,
            "synthetic": result.synthetic,
            "method": "see s3stresstest.cooperation.topics",
        }
        (tmp / "topics.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return Path(out)
