"""The words a person reads for the engine's codes: statuses, nihil treatments, audit verdicts,
levels, change kinds. JSON keeps the codes (`missing`, `nihil:excluded`); tables, notes and files
show these words, in the language of the run (kinerja_dsl/messages.py, domain `engine`).

One place for them, so the terminal, the xlsx/csv/md tables and `explain` say a status alike.
"""
from __future__ import annotations

import re
from decimal import Decimal

from kinerja_dsl.catalog import origin_text
from kinerja_dsl.messages import N_, t

HUNDRED = Decimal(100)

# a result with a capaian says whether it reached 100 (tercapai / tidak tercapai), as a report's
# Keterangan does; the other statuses say what is wrong with its data or rules
_STATUS = {"ok": N_("ok"), "nihil": N_("nihil"), "missing": N_("missing"), "incomplete": N_("incomplete"),
           "error": N_("error"), "no_target": N_("no target"), "empty": N_("empty")}
_NIHIL = {"achieved": N_("counted as achieved"), "zero": N_("counted as zero"), "excluded": N_("excluded"),
          "error": N_("error")}
_VERDICT = {"reproduced": N_("reproduced"), "truncation": N_("truncation"), "rounding": N_("rounding"),
            "cap": N_("cap"), "floor": N_("floor"), "formula": N_("formula"), "source": N_("source"),
            "copy": N_("copy"),
            "propagated": N_("propagated"), "unexplained": N_("unexplained"), "not computed": N_("not computed")}
_LEVEL = {"indicator": N_("indicator"), "sasaran": N_("sasaran"), "office": N_("satker"), "overall": N_("overall"),
          "group": N_("index group")}
_CHANGE = {"added": N_("added"), "removed": N_("removed"), "renamed": N_("renamed"), "changed": N_("changed")}


def _said(words: dict[str, str], code: str) -> str:
    """A code's word from one of the tables above, in the run's language; an unknown code as it is."""
    return t(words[code]) if code in words else code


def status_word(status: str, capaian: Decimal | None = None) -> str:
    """`ok` as achieved / not achieved (capaian at least 100, or below), every other status by its word."""
    if status == "ok" and capaian is not None:
        return t("achieved") if capaian >= HUNDRED else t("not achieved")
    return _said(_STATUS, status)


def nihil_word(treatment: str) -> str:
    """A nihil treatment (achieved, zero, excluded) as a person reads it."""
    return _said(_NIHIL, treatment)


def status_text(status: str, nihil: str | None = None, capaian: Decimal | None = None) -> str:
    """A status on one line, a nihil result with its treatment: `nihil (tidak dihitung)`."""
    if status == "nihil" and nihil:
        return t("nihil ({treatment})", treatment=nihil_word(nihil))
    return status_word(status, capaian)


_METHOD = {"mean": N_("mean"), "weighted": N_("weighted mean")}
_SOURCE = {"indicators": N_("indicators"), "sasaran": N_("sasaran"), "office": N_("offices")}
_AGGREGATION = re.compile(r"(?P<method>\w+) of (?P<source>\w+)(?P<rounded> \(rounded\))? \((?P<origin>.*)\)")


def method_text(method: str) -> str:
    """How a mean was made (`mean of sasaran (default)`, as results store it) in the reader's
    language: `rata-rata sasaran (bawaan)`. Results and JSON keep the English form."""
    found = _AGGREGATION.fullmatch(method)
    if not found or found["method"] not in _METHOD or found["source"] not in _SOURCE:
        return method
    words = {"method": t(_METHOD[found["method"]]), "source": t(_SOURCE[found["source"]]),
             "origin": origin_text(found["origin"])}
    if found["rounded"]:
        return t("{method} of {source}, rounded ({origin})", **words)
    return t("{method} of {source} ({origin})", **words)


# the sheets of `eval --out .xlsx` by their keys (Table.name); the template's sheet `Realisasi` is a
# file format read back by name, so it is not among them
_SHEET = {"Indikator": N_("Indicators"), "Sasaran": N_("Sasaran"), "Keseluruhan": N_("Overall"),
          "Anggaran": N_("Budget"), "Capaian": N_("Capaian")}


def sheet_name(key: str) -> str:
    """A workbook sheet's title in the reader's language (`Indikator` / `Indicators`)."""
    return _said(_SHEET, key)


def rule_text(rule: str) -> str:
    """The declaration that decided a step, as results store it (`indicator at f.kin:7`,
    `cap: policy at f.kin:8; floor: default`), in the reader's language."""
    parts = []
    for part in rule.split("; "):
        name, colon, origin = part.rpartition(": ")
        parts.append(f"{name}{colon}{origin_text(origin)}" if colon else origin_text(part))
    return "; ".join(parts)


def verdict_word(verdict: str) -> str:
    """An audit class (reproduced, rounding, …) as a person reads it."""
    return _said(_VERDICT, verdict)


def level_word(level: str) -> str:
    """A level of the results (indicator, sasaran, office, overall)."""
    return _said(_LEVEL, level)


def change_word(kind: str) -> str:
    """A kind of catalog change (added, removed, renamed, changed)."""
    return _said(_CHANGE, kind)


_STEP = {"target": N_("target"), "data": N_("data"), "earlier": N_("earlier periods"),
         "read": N_("reads"), "numerator": N_("numerator"),
         "denominator": N_("denominator"), "realisasi": N_("realisasi"), "nihil": N_("nihil"),
         "round realisasi": N_("round realisasi"), "capaian": N_("capaian"), "cap/floor": N_("cap/floor"),
         "round": N_("round"), "predikat": N_("predikat")}
_DIRECTION = {"higher": N_("higher is better"), "lower": N_("lower is better"),
              "stabilize": N_("stabilize (inside the target range)")}
_MEASURE = {"capaian": N_("capaian"), "realisasi": N_("realisasi"), "target": N_("target")}


def step_name(step: str) -> str:
    """An operation of an evaluation (target, data, capaian, …) as `explain` names its step."""
    return _said(_STEP, step)


def direction_word(direction: str) -> str:
    """An indicator's direction (higher, lower, stabilize) as a person reads it."""
    return _said(_DIRECTION, direction)


def measure_word(measure: str) -> str:
    """A published figure's measure (capaian, realisasi, target)."""
    return _said(_MEASURE, measure)
