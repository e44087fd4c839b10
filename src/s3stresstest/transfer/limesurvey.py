"""LimeSurvey: response exports (CSV) and survey structures (`.lss`).

Response exports must be made with "Question code" headings and "Answer codes"
(LimeSurvey's default "-codes" export): the columns are `id, submitdate, lastpage,
startlanguage, seed`, then one column per question code (`G1Q1`), one per
subquestion (`G1Q2[SQ001]`; `Q[other]`, `Q[comment]`), and optional timing
columns (`interviewtime`, `groupTime123`, `G1Q1Time`). Subquestion columns are
matched to the items `Q_SQ` that `read_lss` makes, or rebuilt into a
select_multiple item `Q` (ticked: `Y`, or `1` in checkbox arrays).

`read_lss` turns a survey structure into an instrument: lists, arrays, multiple
choice, numeric and text questions; it lists every question it skipped and why.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from ..instrument import Instrument, Sheet, instrument_from_workbook
from ..instrument.sheets import Workbook
from .mapping import Mapping, as_mapping
from .tables import read_table
from .wide import Dialect, ImportReport, ImportResult, Respondents, import_table

# -- response exports -----------------------------------------------------------------------

LS_METADATA = frozenset(
    {
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "token",
        "firstname",
        "lastname",
        "email",
        "emailstatus",
        "sent",
        "remindersent",
        "remindercount",
        "completed",
        "usesleft",
        "validfrom",
        "validuntil",
        "optout",
        "tid",
        "participant_id",
        "blacklisted",
        "mpid",
    }
)
_SUBQ = re.compile(r"^(?P<q>[^\[\]]+)\[(?P<sq>[^\[\]]+)\]$")
_GROUP_TIME = re.compile(r"^groupTime\d+$")
_ATTRIBUTE = re.compile(r"^attribute_\d+$")
_FULLTEXT_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\[[^\]]+\])?\. ")


def ls_split(column: str) -> tuple[str, str] | None:
    """'Q[SQ001]' -> ('Q', 'SQ001'): an option of a multiple-choice question. 'Q[other]' and
    'Q[SQ001comment]' hold texts, not ticks: they are columns of their own."""
    m = _SUBQ.match(column)
    if not m or m.group("sq") == "other" or m.group("sq").endswith("comment"):
        return None
    return m.group("q"), m.group("sq")


def ls_candidates(column: str) -> list[str]:
    """'Q[SQ001]' -> ['Q[SQ001]', 'Q_SQ001'] (the item names `read_lss` gives); also 'Q[Y1_X1]' -> 'Q_Y1_X1',
    'Q[other]' -> 'Q_other', 'Q[comment]' -> 'Q_comment'."""
    m = _SUBQ.match(column)
    return [column, f"{m.group('q')}_{m.group('sq')}"] if m else [column]


def ls_metadata(column: str, columns: list[str]) -> str | None:
    if column in LS_METADATA or _ATTRIBUTE.match(column):
        return "response metadata"
    if column == "interviewtime" or _GROUP_TIME.match(column):
        return "timing"
    if column.endswith("Time") and len(column) > 4:
        code = column[:-4]
        if code in columns or any(c.startswith(code + "[") for c in columns):
            return "timing"
    return None


LIMESURVEY = Dialect(
    name="LimeSurvey response export",
    id_columns=("id",),
    language_column="startlanguage",
    candidates=ls_candidates,
    split=ls_split,
    metadata=ls_metadata,
    ticked=frozenset({"y", "1", "yes"}),
    unticked=frozenset({"", "n", "0", "no"}),
)


def import_limesurvey_csv(
    path: str | Path,
    instrument: Instrument,
    *,
    mapping: Mapping | str | Path | dict | None = None,
    region: str | None = None,
    region_column: str | None = None,
    stakeholder_group: str | None = None,
    group_column: str | None = None,
    id_column: str | None = None,
    language: str | None = None,
    language_column: str | None = None,
    id_prefix: str = "",
    include_incomplete: bool = False,
    ignore_unknown: bool = False,
    known_regions: set[str] | None = None,
    keep_blank: bool = True,
) -> ImportResult:
    """Read a LimeSurvey response export (codes); return validated long responses and a report.

    Responses without a `submitdate` are incomplete: skipped (and counted in the
    report) unless `include_incomplete`. The respondent's language is `startlanguage`.
    """
    path = Path(path)
    table = read_table(path)
    fulltext = [c for c in table.columns if _FULLTEXT_HEADER.match(c)]
    if fulltext and len(fulltext) >= len(table.columns) // 2:
        raise InputError(
            Problem(
                f"the headings look like 'code. question text' (e.g. '{fulltext[0][:60]}'): this is a full-text "
                "export; export again with 'Question code' headings and 'Answer codes' as responses",
                1,
                fulltext[0],
                table.source,
            )
        )
    report = ImportReport(source=table.source, format=LIMESURVEY.name)
    if table.delimiter and table.delimiter != ",":
        report.notes.append(f"separator: '{table.delimiter}'")
    if "submitdate" in table.columns:
        pos = table.columns.index("submitdate")
        id_pos = table.columns.index(id_column or "id") if (id_column or "id") in table.columns else None
        complete = [bool(r[pos]) for r in table.rows]
        if not include_incomplete:
            for line, row, ok in zip(table.lines, table.rows, complete, strict=True):
                if not ok:
                    rid = f"id {row[id_pos]}: " if id_pos is not None else ""
                    report.skipped.append((line, f"{rid}incomplete (no submitdate)"))
            table.rows = [r for r, ok in zip(table.rows, complete, strict=True) if ok]
            table.lines = [n for n, ok in zip(table.lines, complete, strict=True) if ok]
            if not table.rows:
                raise InputError(
                    Problem(
                        f"all {len(complete)} responses are incomplete (no submitdate); "
                        "import them with include_incomplete (--include-incomplete)",
                        field="submitdate",
                        source=table.source,
                    )
                )
        else:
            report.notes.append(f"{complete.count(False)} incomplete response(s) included")
    else:
        report.notes.append("no 'submitdate' column: every response is taken as complete")
    who = Respondents(
        id_column=id_column,
        region=region,
        region_column=region_column,
        stakeholder_group=stakeholder_group,
        group_column=group_column,
        language=language,
        language_column=language_column,
        id_prefix=id_prefix,
    )
    return import_table(
        table,
        instrument,
        LIMESURVEY,
        mapping=as_mapping(mapping),
        who=who,
        ignore_unknown=ignore_unknown,
        known_regions=known_regions,
        keep_blank=keep_blank,
        report=report,
    )


def read_limesurvey_csv(path: str | Path, instrument: Instrument, **options):
    """`import_limesurvey_csv(...).responses`: the validated long DataFrame."""
    return import_limesurvey_csv(path, instrument, **options).responses


# -- survey structure (.lss) -----------------------------------------------------------------

LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "de-informal": "Deutsch (Du)",
    "fr": "Français",
    "it": "Italiano",
    "it-informal": "Italiano (informale)",
    "sl": "Slovenščina",
    "es": "Español",
    "pt": "Português",
    "pt-BR": "Português (Brasil)",
    "nl": "Nederlands",
    "pl": "Polski",
    "cs": "Čeština",
    "sk": "Slovenčina",
    "hu": "Magyar",
    "hr": "Hrvatski",
    "ro": "Română",
    "bg": "Български",
    "el": "Ελληνικά",
    "fi": "Suomi",
    "sv": "Svenska",
    "da": "Dansk",
    "nb": "Norsk bokmål",
    "et": "Eesti",
    "lv": "Latviešu",
    "lt": "Lietuvių",
    "mt": "Malti",
    "ga": "Gaeilge",
    "ca": "Català",
    "eu": "Euskara",
    "gl": "Galego",
    "tr": "Türkçe",
    "ru": "Русский",
    "uk": "Українська",
    "sr": "Srpski",
    "sq": "Shqip",
    "mk": "Македонски",
    "is": "Íslenska",
}

# Fixed answer scales of LimeSurvey's built-in question types: code -> label.
FIXED_SCALES = {
    "5": [(str(k), str(k)) for k in range(1, 6)],
    "A": [(str(k), str(k)) for k in range(1, 6)],
    "B": [(str(k), str(k)) for k in range(1, 11)],
    "C": [("Y", "Yes"), ("U", "Uncertain"), ("N", "No")],
    "E": [("I", "Increase"), ("S", "Same"), ("D", "Decrease")],
    "Y": [("Y", "Yes"), ("N", "No")],
    "G": [("F", "Female"), ("M", "Male")],
}
TYPE_NAMES = {
    "L": "list (radio)",
    "!": "list (dropdown)",
    "O": "list with comment",
    "5": "5-point choice",
    "Y": "yes/no",
    "G": "gender",
    "F": "array",
    "H": "array by column",
    "A": "array (5-point)",
    "B": "array (10-point)",
    "C": "array (yes/uncertain/no)",
    "E": "array (increase/same/decrease)",
    "M": "multiple choice",
    "P": "multiple choice with comments",
    "N": "numeric",
    "K": "multiple numeric",
    "S": "short text",
    "T": "long text",
    "U": "huge text",
    "Q": "multiple short text",
    "D": "date",
    ":": "array (numbers)",
    ";": "array (texts)",
    "*": "equation",
    "X": "text display",
    "|": "file upload",
    "R": "ranking",
    "1": "dual-scale array",
    "I": "language switch",
}
SKIP_REASONS = {
    "*": "equation: computed by LimeSurvey, nobody answers it",
    "X": "text display: shows text, takes no answer",
    "|": "file upload: files are not answers the instrument can hold",
    "R": "ranking: not supported (each rank would need an item of its own)",
    "1": "dual-scale array: not supported (two answers per row)",
    "I": "language switch: the respondent's language is recorded from 'startlanguage'",
}
ARRAY_TYPES = ("F", "H", "A", "B", "C", "E")
LIST_TYPES = ("L", "!", "O", "5", "Y", "G")


@dataclass
class SkippedQuestion:
    code: str
    type: str
    reason: str
    group: str = ""


@dataclass
class LssReport:
    """What `read_lss` converted, and which questions it skipped and why."""

    source: str
    survey_id: str = ""
    title: str = ""
    languages: list[str] = field(default_factory=list)
    groups: int = 0
    questions: int = 0  # top-level questions in the file
    converted: dict[str, int] = field(default_factory=dict)  # LimeSurvey type -> questions converted
    items: int = 0  # answerable items made
    skipped: list[SkippedQuestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        conv = ", ".join(
            f"{TYPE_NAMES.get(t, t)} ({t}) {n}" for t, n in sorted(self.converted.items(), key=lambda kv: -kv[1])
        )
        out = [
            f"{self.source}: survey {self.survey_id} '{self.title}', languages {', '.join(self.languages)}",
            f"{self.groups} groups, {self.questions} questions: {sum(self.converted.values())} converted into "
            f"{self.items} items, {len(self.skipped)} skipped",
            f"converted: {conv}" if conv else "converted: none",
        ]
        if self.skipped:
            out.append("skipped questions:")
            out += [f"  {s.code} ({TYPE_NAMES.get(s.type, s.type)}, type {s.type}): {s.reason}" for s in self.skipped]
        out += self.notes
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _rows(root, section: str) -> list[dict[str, str]]:
    node = root.find(section)
    if node is None or node.find("rows") is None:
        return []
    return [{c.tag: (c.text or "") for c in row} for row in node.find("rows")]


_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li|/h\d)\s*/?>", re.I)


def plain_text(text: str) -> str:
    """LimeSurvey's HTML question text as one line of plain text."""
    text = _BREAK.sub(" ", text or "")
    text = _TAG.sub("", text)
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def language_column(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


class _Texts:
    """Texts in every language, from the LimeSurvey 4+ `*_l10ns` tables or the older per-language rows."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], dict[str, str]] = {}

    def add(self, key: str, language: str, text: str, kind: str = "text") -> None:
        if language:
            self.by_key.setdefault((key, kind), {})[language] = plain_text(text)

    def get(self, key: str, kind: str = "text") -> dict[str, str]:
        return self.by_key.get((key, kind), {})


def read_lss(path: str | Path) -> tuple[Instrument, LssReport]:
    """Convert a LimeSurvey survey structure (`.lss`) into an instrument; report what was skipped."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import ElementTree

    path = Path(path)
    src = path.name
    if not path.exists():
        raise InputError(f"file not found: {path}", source=src)
    from defusedxml import DefusedXmlException

    try:
        root = ElementTree.parse(str(path)).getroot()
    except DefusedXmlException as exc:  # entity declarations and the like: refused, never expanded
        raise InputError(
            Problem(f"refused XML: {exc!r} (a survey structure declares no entities)", source=src)
        ) from exc
    except (ParseError, ValueError) as exc:
        position = getattr(exc, "position", None)
        raise InputError(
            Problem(f"not a valid XML file: {exc}", position[0] if position else None, source=src)
        ) from exc
    doc_type = (root.findtext("LimeSurveyDocType") or "").strip()
    if root.tag != "document" or doc_type != "Survey":
        raise InputError(
            Problem(
                f"not a LimeSurvey survey structure (root <{root.tag}>, LimeSurveyDocType "
                f"'{doc_type}'; expected <document> with 'Survey')",
                source=src,
            )
        )
    book, report = lss_workbook(root, src)
    return instrument_from_workbook(book, source=src), report


def lss_workbook(root, src: str) -> tuple[Workbook, LssReport]:
    report = LssReport(source=src)
    survey = (_rows(root, "surveys") or [{}])[0]
    report.survey_id = survey.get("sid", "")
    base = survey.get("language", "") or (root.findtext("languages/language") or "en")
    languages = [base] + [x for x in (survey.get("additional_languages") or "").split() if x != base]
    for lang in (e.text for e in root.findall("languages/language")):
        if lang and lang not in languages:
            languages.append(lang)
    report.languages = languages
    settings = {r.get("surveyls_language"): r for r in _rows(root, "surveys_languagesettings")}
    report.title = plain_text((settings.get(base) or next(iter(settings.values()), {})).get("surveyls_title", ""))

    texts = _Texts()
    # groups: 'group_l10ns' (LimeSurvey 4+) or 'groups' with a language column (older)
    groups: dict[str, dict[str, str]] = {}
    for g in _rows(root, "groups"):
        groups.setdefault(g["gid"], g)
        texts.add("g" + g["gid"], g.get("language", ""), g.get("group_name", ""))
    for g in _rows(root, "group_l10ns"):
        texts.add("g" + g["gid"], g.get("language", ""), g.get("group_name", ""))
    # questions and subquestions: new files split them, older ones list subquestions as questions
    questions: dict[str, dict[str, str]] = {}
    subquestions: dict[str, list[dict[str, str]]] = {}
    for q in _rows(root, "questions") + _rows(root, "subquestions"):
        parent = q.get("parent_qid", "0") or "0"
        texts.add("q" + q["qid"], q.get("language", ""), q.get("question", ""))
        texts.add("q" + q["qid"], q.get("language", ""), q.get("help", ""), "help")
        if parent == "0":
            questions.setdefault(q["qid"], q)
        elif not any(s["qid"] == q["qid"] for s in subquestions.get(parent, [])):
            subquestions.setdefault(parent, []).append(q)
    for q in _rows(root, "question_l10ns"):
        texts.add("q" + q["qid"], q.get("language", ""), q.get("question", ""))
        texts.add("q" + q["qid"], q.get("language", ""), q.get("help", ""), "help")
    # answers: 'answers' + 'answer_l10ns' (4+), or 'answers' with answer and language (older)
    answers: dict[tuple[str, str], list[dict[str, str]]] = {}
    for a in _rows(root, "answers"):
        key = a.get("aid") or f"{a['qid']}:{a.get('scale_id', '0')}:{a['code']}"
        texts.add("a" + key, a.get("language", ""), a.get("answer", ""))
        lst = answers.setdefault((a["qid"], a.get("scale_id", "0") or "0"), [])
        if not any(x["code"] == a["code"] for x in lst):
            lst.append({**a, "_key": key})
    for a in _rows(root, "answer_l10ns"):
        texts.add("a" + a["aid"], a.get("language", ""), a.get("answer", ""))
    attributes: dict[str, dict[str, str]] = {}
    for a in _rows(root, "question_attributes"):
        attributes.setdefault(a["qid"], {})[a["attribute"]] = a.get("value", "")

    report.groups = len(groups)
    report.questions = len(questions)
    if not questions:
        raise InputError(Problem("the survey has no questions", source=src))

    label_cols = [f"label::{language_column(x)}" for x in languages]
    hint_cols = [f"hint::{language_column(x)}" for x in languages]

    def labels(key: str, kind: str = "text", fallback: str = "") -> dict[str, str]:
        found = texts.get(key, kind)
        out = {}
        for lang, col in zip(languages, label_cols if kind == "text" else hint_cols, strict=True):
            text = found.get(lang, "")
            if text or kind == "text":
                out[col] = text or fallback
        return out

    survey_rows: list[dict[str, str]] = []
    choice_rows: list[dict[str, str]] = []
    block_rows: list[dict[str, str]] = []
    used_blocks: set[str] = set()
    relevance = 0
    score_notes: list[str] = []

    def order(row, col):
        try:
            return int(row.get(col) or 0)
        except ValueError:
            return 0

    def add_list(list_name: str, entries: list[tuple[str, dict[str, str], str]], code: str) -> bool:
        """Choices (name, labels, assessment value); returns whether the list carries scores."""
        values: list[float | None] = []
        for _, _, raw in entries:
            try:
                values.append(float(raw) if raw not in ("", None) else 0.0)
            except ValueError:
                values.append(None)
        numbers = [v for v in values if v is not None]
        scored = len(numbers) == len(values) and any(numbers)
        if scored and not all(0 <= v <= 100 for v in numbers):
            score_notes.append(
                f"{code}: assessment values {min(numbers):g}..{max(numbers):g} do not fit 0-100; "
                "choice scores left empty"
            )
            scored = False
        for (name, labs, _), value in zip(entries, values, strict=True):
            choice_rows.append(
                {"list_name": list_name, "name": name, **labs, **({"score": f"{value:g}"} if scored else {})}
            )
        return scored

    def answer_entries(qid: str, scale: str = "0") -> list[tuple[str, dict[str, str], str]]:
        """The answer options of question `qid` on `scale`: (code, labels, assessment value), in order."""
        return [
            (a["code"], labels("a" + a["_key"], fallback=a["code"]), a.get("assessment_value", ""))
            for a in sorted(answers.get((qid, scale), []), key=lambda a: order(a, "sortorder"))
        ]

    ordered_groups = sorted(groups.values(), key=lambda g: (order(g, "group_order"), int(g["gid"])))
    by_group: dict[str, list[dict[str, str]]] = {}
    for q in questions.values():
        by_group.setdefault(q.get("gid", ""), []).append(q)
    for g in ordered_groups:
        gid = g["gid"]
        group_name = f"group_{gid}"
        group_labels = labels("g" + gid, fallback=group_name)
        body: list[dict[str, str]] = []
        for q in sorted(by_group.get(gid, []), key=lambda q: (order(q, "question_order"), int(q["qid"]))):
            qid, code, qtype = q["qid"], q.get("title", ""), q.get("type", "")
            if q.get("relevance", "").strip() not in ("", "1"):
                relevance += 1
            qlabels = labels("q" + qid, fallback=code)
            qhints = labels("q" + qid, "help")
            required = {"required": "yes"} if q.get("mandatory") == "Y" else {}
            subs = sorted(subquestions.get(qid, []), key=lambda s: (order(s, "scale_id"), order(s, "question_order")))
            rows_sq = [s for s in subs if (s.get("scale_id") or "0") == "0"]
            cols_sq = [s for s in subs if (s.get("scale_id") or "0") == "1"]
            if qtype in SKIP_REASONS or qtype not in TYPE_NAMES:
                report.skipped.append(
                    SkippedQuestion(
                        code,
                        qtype,
                        SKIP_REASONS.get(qtype, f"question type '{qtype}' is not supported"),
                        plain_text(group_labels[label_cols[0]]),
                    )
                )
                continue
            made: list[dict[str, str]] = []
            block = ""
            if qtype in LIST_TYPES or qtype in ARRAY_TYPES:
                if qtype in FIXED_SCALES:
                    entries = [(c, dict.fromkeys(label_cols, lab), "") for c, lab in FIXED_SCALES[qtype]]
                else:
                    entries = answer_entries(qid)
                if not entries:
                    report.skipped.append(
                        SkippedQuestion(code, qtype, "has no answer options", plain_text(group_labels[label_cols[0]]))
                    )
                    continue
                if q.get("other") == "Y" and qtype in ("L", "!"):
                    entries.append(("-oth-", dict.fromkeys(label_cols, "Other"), ""))
                scored = add_list(code, entries, code)
                block = group_name if scored else ""
                if qtype in ARRAY_TYPES:
                    if not rows_sq:
                        report.skipped.append(
                            SkippedQuestion(
                                code, qtype, "array without subquestions", plain_text(group_labels[label_cols[0]])
                            )
                        )
                        continue
                    made.append({"type": "begin_group", "name": code, **qlabels})
                    for s in rows_sq:
                        made.append(
                            {
                                "type": f"select_one {code}",
                                "name": f"{code}_{s['title']}",
                                **labels("q" + s["qid"], fallback=s["title"]),
                                **required,
                                **({"block": block} if block else {}),
                            }
                        )
                    made.append({"type": "end_group"})
                else:
                    made.append(
                        {
                            "type": f"select_one {code}",
                            "name": code,
                            **qlabels,
                            **qhints,
                            **required,
                            **({"block": block} if block else {}),
                        }
                    )
                    if q.get("other") == "Y" and qtype in ("L", "!"):
                        made.append(
                            {"type": "text", "name": f"{code}_other", **dict.fromkeys(label_cols, f"{code}: other")}
                        )
                    if qtype == "O":
                        made.append(
                            {
                                "type": "text",
                                "name": f"{code}_comment",
                                **{c: f"{t} (comment)" for c, t in qlabels.items()},
                            }
                        )
            elif qtype in ("M", "P"):
                if not rows_sq:
                    report.skipped.append(
                        SkippedQuestion(
                            code, qtype, "multiple choice without options", plain_text(group_labels[label_cols[0]])
                        )
                    )
                    continue
                value = attributes.get(qid, {}).get("assessment_value", "")
                entries = [(s["title"], labels("q" + s["qid"], fallback=s["title"]), value) for s in rows_sq]
                scored = add_list(code, entries, code)
                block = group_name if scored else ""
                made.append(
                    {
                        "type": f"select_multiple {code}",
                        "name": code,
                        **qlabels,
                        **qhints,
                        **required,
                        **({"block": block} if block else {}),
                    }
                )
                if q.get("other") == "Y":
                    made.append(
                        {"type": "text", "name": f"{code}_other", **dict.fromkeys(label_cols, f"{code}: other")}
                    )
                if qtype == "P":
                    for s in rows_sq:
                        made.append(
                            {
                                "type": "text",
                                "name": f"{code}_{s['title']}comment",
                                **{c: f"{t} (comment)" for c, t in labels("q" + s["qid"], fallback=s["title"]).items()},
                            }
                        )
            elif qtype in ("N", "S", "T", "U", "D"):
                if qtype == "N":
                    xtype = "integer" if attributes.get(qid, {}).get("num_value_int_only") == "1" else "decimal"
                else:
                    xtype = {"S": "text", "T": "text", "U": "text", "D": "date"}[qtype]
                made.append({"type": xtype, "name": code, **qlabels, **qhints, **required})
            elif qtype in ("K", "Q"):
                if not rows_sq:
                    report.skipped.append(
                        SkippedQuestion(code, qtype, "no subquestions", plain_text(group_labels[label_cols[0]]))
                    )
                    continue
                xtype = (
                    "text"
                    if qtype == "Q"
                    else ("integer" if attributes.get(qid, {}).get("num_value_int_only") == "1" else "decimal")
                )
                made.append({"type": "begin_group", "name": code, **qlabels})
                made += [
                    {"type": xtype, "name": f"{code}_{s['title']}", **labels("q" + s["qid"], fallback=s["title"])}
                    for s in rows_sq
                ]
                made.append({"type": "end_group"})
            elif qtype in (":", ";"):
                if not rows_sq or not cols_sq:
                    report.skipped.append(
                        SkippedQuestion(
                            code, qtype, "array without rows or columns", plain_text(group_labels[label_cols[0]])
                        )
                    )
                    continue
                xtype = (
                    "text"
                    if qtype == ";"
                    else (
                        "integer"
                        if attributes.get(qid, {}).get("multiflexible_checkbox") == "1"
                        or attributes.get(qid, {}).get("input_boxes") != "1"
                        else "decimal"
                    )
                )
                made.append({"type": "begin_group", "name": code, **qlabels})
                for r in rows_sq:
                    rl = labels("q" + r["qid"], fallback=r["title"])
                    for c in cols_sq:
                        cl = labels("q" + c["qid"], fallback=c["title"])
                        made.append(
                            {
                                "type": xtype,
                                "name": f"{code}_{r['title']}_{c['title']}",
                                **{k: f"{rl[k]} / {cl[k]}" for k in label_cols},
                            }
                        )
                made.append({"type": "end_group"})
            body += made
            report.converted[qtype] = report.converted.get(qtype, 0) + 1
            report.items += sum(1 for m in made if m["type"] not in ("begin_group", "end_group"))
            if block:
                used_blocks.add(group_name)
        if not body:
            report.notes.append(
                f"group '{plain_text(group_labels[label_cols[0]])}' ({group_name}) has no question "
                "that could be converted: left out"
            )
        else:
            survey_rows.append({"type": "begin_group", "name": group_name, **group_labels})
            survey_rows += body
            survey_rows.append({"type": "end_group"})
            if group_name in used_blocks:
                block_rows.append({"name": group_name, **group_labels})
    orphans = [q for q in questions.values() if q.get("gid", "") not in groups]
    for q in orphans:
        report.skipped.append(
            SkippedQuestion(q.get("title", ""), q.get("type", ""), f"its group {q.get('gid')} is not in the file")
        )
    if not survey_rows:
        raise InputError(
            Problem(
                "no question of the survey could be converted (see the types: "
                + ", ".join(sorted({s.type for s in report.skipped}))
                + ")",
                source=src,
            )
        )
    if relevance:
        report.notes.append(
            f"{relevance} question(s) have a relevance expression (LimeSurvey Expression Manager); "
            "it is not converted: every item is asked"
        )
    n_scored = len({r["list_name"] for r in choice_rows if "score" in r})
    if n_scored:
        report.notes.append(f"{n_scored} choice list(s) carry scores from LimeSurvey assessment values")
    report.notes += score_notes

    has_score = any("score" in r for r in choice_rows)
    has_hint = any(k.startswith("hint::") for r in survey_rows for k in r)
    survey_cols = ["type", "name", *label_cols, *(hint_cols if has_hint else []), "required"]
    if block_rows:
        survey_cols.append("block")
    sid = report.survey_id or "survey"
    book: Workbook = {
        "settings": Sheet(
            ["form_title", "form_id", "default_language"],
            [
                {
                    "form_title": report.title or f"LimeSurvey {sid}",
                    "form_id": f"limesurvey_{sid}",
                    "default_language": language_column(base),
                }
            ],
        ),
        "survey": Sheet(survey_cols, survey_rows),
        "choices": Sheet(["list_name", "name", *label_cols, *(["score"] if has_score else [])], choice_rows),
    }
    if block_rows:
        book["blocks"] = Sheet(["name", *label_cols], block_rows)
    if not choice_rows:  # the loader wants the sheet; a list no item uses is harmless
        book["choices"].rows.append({"list_name": "unused", "name": "unused", **dict.fromkeys(label_cols, "unused")})
    return book, report
