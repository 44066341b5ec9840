"""Published figures: the TOML document that lists every figure a report prints (`published.toml`),
read into Figures, and checked against the catalog's levels, measures and ids.

```toml
[meta]
source = "LKjIP 2024 Kanwil Banten"
[[figure]]
level = "indicator"      # indicator, sasaran, office, overall, group
id = "SJ1.rb"
measure = "capaian"      # capaian, realisasi, target
printed = "102,84"       # as printed (a TOML number keeps its places: 3.10)
line = 412               # the report's line
consistent = true        # optional: the report itself says so
year = 2023              # optional: the year the figure is of (default: [meta] year)
unit = "kanim_serang"    # optional: the office the figure is of, evaluated as `--unit` gives it
```
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from collections.abc import Collection
from typing import Annotated, Optional

from pydantic import BeforeValidator, Field

from kinerja_dsl.catalog import Catalog, CompositeNode
from kinerja_dsl.diagnostics import Diagnostic, Severity, suggest
from kinerja_dsl.loader import PathLike
from kinerja_dsl.messages import N_, t

from .documents import Read, Schema, load_toml, read_document, validated
from ..numbers import NotationError, parse_number
from ..periods import Period, PeriodError

LEVELS = ("indicator", "sasaran", "office", "overall", "group")
MEASURES = ("capaian", "realisasi", "target")


@dataclass
class Figure:
    level: str
    id: str
    measure: str
    printed: str
    line: int
    consistent: bool | None
    file_line: int                                          # the [[figure]] line
    key_lines: dict[str, int] = field(default_factory=dict)  # the line of each key, for findings
    value: Decimal | None = None                            # the printed number, read once
    places: int = 0                                         # and its decimal places
    year: int | None = None                                 # the year it is of: its `year`, else [meta] year
    unit: str | None = None                                 # the office it is of (a per-office table's row)


def _as_printed(value: object) -> object:
    """A figure typed as a TOML number (`printed = 3.10`) is read as its text, places kept."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return str(value) if isinstance(value, Decimal) and value.is_finite() else value


def _as_year_text(value: object) -> object:
    """`year = 2023` and `year = "2023"` alike, read as text and checked by `year_of`; so is a
    number that is no year (`2023.5`), which then gets that one finding."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):  # TOML reads 2023.5 as Decimal
        return str(value)
    return value


class PublishedMeta(Schema):
    """[meta] of a published file: where the figures come from."""

    source: Optional[str] = None
    office: Optional[str] = None
    year: Optional[int] = None
    note: Optional[str] = None


class PublishedFigure(Schema):
    """One [[figure]]: a number the report prints, as printed, and the line it stands on."""

    level: str
    id: str
    measure: str
    printed: Annotated[str, BeforeValidator(_as_printed)]
    line: Annotated[int, Field(ge=0)] = 0
    consistent: Optional[bool] = None
    note: Optional[str] = None
    year: Annotated[Optional[str], BeforeValidator(_as_year_text)] = None
    unit: Optional[str] = None


class Published(Schema):
    """A published file: [meta] and one [[figure]] per printed figure."""

    meta: PublishedMeta = PublishedMeta()
    figure: list[PublishedFigure] = []


@dataclass
class PublishedFile:
    """What a published file holds: its [meta] and its figures (none when it could not be read)."""

    meta: PublishedMeta = field(default_factory=PublishedMeta)
    figures: list[Figure] = field(default_factory=list)


def load_published(path: PathLike) -> Read[PublishedFile]:
    """The published figures, read once, with the text decoded for the findings' source lines;
    every violation of the layout is a diagnostic at its line."""
    path = Path(path)
    file = str(path)
    text, problems = read_document(path)
    if text is None:
        return Read(file, PublishedFile(), problems)
    texts = {file: text}
    doc, lines, problems = load_toml(file, text)
    if doc is None:
        return Read(file, PublishedFile(), problems, texts)
    published = validated(Published, doc, lines, file, (), problems)
    if published is None:
        return Read(file, PublishedFile(), problems, texts)
    figures = []
    for k, item in enumerate(published.figure):
        where = lines.line("figure", k)
        value, places, refused = printed_number(item.printed)
        if refused is not None:
            problems.append(Diagnostic(code="D012", severity=Severity.ERROR,
                                       message=t("the printed figure {problem}", problem=refused),
                                       file=file, line=lines.line("figure", k, "printed"), column=1,
                                       hint=refused.hint))
            continue
        year = published.meta.year if item.year is None else year_of(item.year)
        if year is None and item.year is not None:
            problems.append(Diagnostic(code="D007", severity=Severity.ERROR, message=t(
                "`year` (item {n}) must be a year such as 2023, not `{text}`", n=k + 1, text=item.year),
                file=file, line=lines.line("figure", k, "year"), column=1,
                hint=t("e.g. year = 2023; a figure without `year` is of the [meta] year")))
            continue
        figures.append(Figure(item.level, item.id, item.measure, item.printed, item.line, item.consistent, where,
                              {key: lines.line("figure", k, key) for key in ("level", "id", "measure", "unit")},
                              value, places, year, item.unit))
    return Read(file, PublishedFile(published.meta, figures), problems, texts)


def read_published(path: PathLike) -> tuple[dict[str, object], list[Figure], list[Diagnostic]]:
    """`load_published` without the text, for a caller that shows no source lines: [meta] as
    written, the figures, the diagnostics."""
    read = load_published(path)
    return read.value.meta.model_dump(exclude_unset=True), read.value.figures, read.diagnostics


def year_of(text: str) -> int | None:
    """The year a figure's `year` names (`2023` or `"2023"`), or None when it names none."""
    try:
        period = Period.parse(str(text))
    except PeriodError:
        return None
    return period.year if period.kind == "year" else None


# a minus may stand apart from its digits, as reports print a fall: "- 40,47%"
_LEADING_NUMBER = re.compile(r"^\s*([-\u2212]?)\s*([0-9][0-9.,]*)")


def printed_number(text: str) -> tuple[Decimal | None, int, NotationError | None]:
    """The number a report printed ("91,59%%", "3,1 indeks", "3.88") and its decimal places; and,
    when neither notation reads it because it is beyond what the engine keeps exactly (40
    decimals), that refusal (D012). A text with no number has none of the three."""
    m = _LEADING_NUMBER.match(text)
    if not m:
        return None, 0, None
    s = m.group(1) + m.group(2).rstrip(".,")
    refused = None
    for locale in ("id", "en"):
        try:
            value = parse_number(s, locale)
        except NotationError as err:
            refused = err if err.code == "D012" else refused
            continue
        mark = "," if locale == "id" else "."
        return value, len(s.split(mark, 1)[1]) if mark in s else 0, None
    return None, 0, refused


def _group_paths(catalog: Catalog) -> set[str]:
    """Every node of every index as a published figure names it (`PAS.iph/tahanan/overstay`)."""
    paths: set[str] = set()
    stack: list[tuple[str, CompositeNode]] = [(ind.id, ind.index) for ind in catalog.indicators.values()
                                              if ind.index is not None]
    while stack:
        path, node = stack.pop()
        paths.add(path)
        stack.extend((f"{path}/{c.id}", c) for c in node.children)
    return paths


_UNKNOWN = {"level": N_("unknown level `{name}`"), "measure": N_("unknown measure `{name}`"),
            "indicator": N_("unknown indicator `{name}`"), "sasaran": N_("unknown sasaran `{name}`"),
            "office": N_("unknown office `{name}`"), "group": N_("unknown group `{name}`")}


def figure_findings(figures: list[Figure], catalog: Catalog, published: str) -> list[Diagnostic]:
    """What makes a published file unfit to audit, each an error: no figures at all (E004), a
    level, measure or id the catalog does not have (D013; before, such a figure passed as "not
    computed" and a misspelt id hid a printed figure from the audit), or a `unit` that is no office."""
    if not figures:
        return [Diagnostic(code="E004", severity=Severity.ERROR, message=t("the published file has no figures"),
                           file=published,
                           hint=t('list each printed figure as [[figure]] with level, id, measure and printed, '
                                  'e.g. level = "indicator", id = "SJ1.rb", measure = "capaian", printed = "102,84"'))]
    ids: dict[str, Collection[str]] = {"indicator": catalog.indicators, "sasaran": catalog.sasaran,
                                       "office": catalog.offices, "group": _group_paths(catalog)}
    out = []
    for f in figures:
        unit = [("unit", "office", f.unit, catalog.offices)] if f.unit is not None else []
        for key, what, word, known in [("level", "level", f.level, LEVELS), ("measure", "measure", f.measure, MEASURES),
                                       ("id", f.level, f.id, ids.get(f.level)), *unit]:
            if known is None or word in known:
                continue
            close = suggest(word, known)
            hint = t("did you mean `{name}`?", name=close) if close else (
                t("levels: {names}", names=", ".join(known)) if what == "level" else
                t("measures: {names}", names=", ".join(known)) if what == "measure" else
                t("use the catalog's ids (`kinerja kamus` lists them)"))
            message = t(_UNKNOWN[what], name=word) if what in _UNKNOWN else f"unknown {what} `{word}`"
            out.append(Diagnostic(code="D013", severity=Severity.ERROR, message=message,
                                  file=published, line=f.key_lines.get(key) or f.file_line, column=1, hint=hint))
            break
    return out
