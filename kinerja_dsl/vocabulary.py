"""The words of the language: canonical keys, Indonesian aliases, allowed values.

The one table of every word: the grammar's keyword terminals are generated from
KEYWORDS (`grammar_keyword_terminals`, kept equal to grammar/kinerja.lark by
tests/test_vocabulary.py), the parser maps aliases to canonical words with it,
the checker reads which key is allowed where and which values it takes, the
formatter writes the canonical spelling, and the README's word list is
`markdown_table()`; the editors' TextMate grammar is `textmate_grammar()`.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from .messages import N_, t

# Grammar keywords: canonical spelling -> aliases accepted by grammar/kinerja.lark.
KEYWORDS = {
    "include": ("sertakan",), "extends": ("turunan",), "policy": ("kebijakan",),
    "field": ("variabel",), "office": ("satker",), "parent": ("induk",),
    "sasaran": (), "indicator": ("indikator",), "numerator": ("pembilang",),
    "denominator": ("penyebut",), "value": ("nilai",), "target": (), "renstra": (),
    "range": ("rentang",), "index": ("indeks",), "group": ("kelompok",),
    "component": ("komponen",), "bands": ("predikat",), "agreement": ("perjanjian",),
    "if": ("jika",), "then": ("maka",), "else": ("selainnya",), "and": ("dan",),
    "for": ("untuk",),
    "template": ("templat",), "use": ("pakai",), "per": (), "under": ("bawahan",),
}

# Setting keys (the `key arg...` statements): canonical -> aliases.
SETTING_KEYS = {
    "unit": ("satuan",), "scale": ("skala",), "direction": ("arah",), "nihil": (),
    "rollup": ("akumulasi",), "weight": ("bobot",), "cap": ("batas_atas",),
    "floor": ("batas_bawah",), "round": ("pembulatan",),
    "round_realisasi": ("pembulatan_realisasi",), "lower_formula": ("rumus_turun",),
    "bands": ("predikat",), "aggregate": ("agregasi",), "iku": (),
    "definition": ("definisi",), "source": ("sumber_data",),
    "responsible": ("penanggung_jawab",), "frequency": ("frekuensi",),
    "note": ("catatan",), "sasaran": (), "office": ("satker",), "year": ("tahun",),
    "first_party": ("pihak_pertama",), "second_party": ("pihak_kedua",), "pagu": (),
    "combine": ("gabung",), "max": ("maks",), "unreported": ("tidak_lapor",), "budget_of": ("anggaran_untuk",),
    "period_targets": ("target_periode",), "target_fallback": ("target_pengganti",),
    "kind": ("jenis",), "indicators": ("daftar",),  # selectors of a scoped policy (`policy for kind index`)
}

_SETTING_ALIAS = {alias: key for key, aliases in SETTING_KEYS.items() for alias in aliases}
_SETTING_ALIAS.update({key: key for key in SETTING_KEYS})


def canonical_key(word: str) -> str:
    """The canonical spelling of a setting key (unknown keys are returned as written)."""
    return _SETTING_ALIAS.get(word, word)


_KEYWORD_ALIAS = {alias: key for key, aliases in KEYWORDS.items() for alias in aliases}
_KEYWORD_ALIAS.update({key: key for key in KEYWORDS})


def canonical_keyword(word: str) -> str:
    """The canonical spelling of a grammar keyword (other words are returned as written)."""
    return _KEYWORD_ALIAS.get(word, word)


def keyword_terminal(keyword: str) -> str:
    """The grammar's terminal for a keyword: `indicator` -> INDICATOR."""
    return keyword.upper()


# Keywords that may also start a setting (`office kanwil` inside a block): a keyword terminal
# shares a spelling with a setting key, so the grammar's `_setting_key` accepts that terminal.
SETTING_KEYWORDS = tuple(k for k in KEYWORDS
                         if {k, *KEYWORDS[k]} & {w for key, al in SETTING_KEYS.items() for w in (key, *al)})

GRAMMAR_KEYWORDS_START = "// ---- keywords: generated from kinerja_dsl/vocabulary.py KEYWORDS (tests/test_vocabulary.py)"
GRAMMAR_KEYWORDS_END = "// ---- end of keywords"


def grammar_keyword_terminals() -> str:
    """The keyword block of grammar/kinerja.lark: which terminals may start a setting, then one
    terminal per KEYWORDS entry, canonical word first.

    Priority 2 puts a keyword before NAME where both could match; `\\b` keeps `targets` a NAME."""
    lines = [GRAMMAR_KEYWORDS_START,
             "_setting_key: " + " | ".join(["NAME"] + [keyword_terminal(k) for k in SETTING_KEYWORDS])]
    for keyword, aliases in KEYWORDS.items():
        words = (keyword, *aliases)
        pattern = f"({'|'.join(words)})" if aliases else keyword
        lines.append(f"{keyword_terminal(keyword)}.2: /{pattern}\\b/")
    lines.append(GRAMMAR_KEYWORDS_END)
    return "\n".join(lines) + "\n"


# Enumerated values. Each is a StrEnum, so a value compares equal to its canonical word
# ("higher" == Direction.HIGHER) and JSON writes the word.


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    STABILIZE = "stabilize"


class Nihil(StrEnum):
    """What 0/0 (no cases) counts as."""
    ACHIEVED = "achieved"
    EXCLUDED = "excluded"
    ZERO = "zero"
    ERROR = "error"


class Rollup(StrEnum):
    """How a field's sub-periods make the period (a cumulative one included)."""
    SUM = "sum"
    AVERAGE = "average"
    LAST = "last"
    BY_KIND = "by_kind"  # each field by its own rule: declared on the field, else counts/amounts sum, others average


class PeriodTargets(StrEnum):
    """How a target for TW3 (S1, B07…) is meant."""
    CUMULATIVE = "cumulative"  # up to the period: TW1–TW4 25/50/75/100, the last one the annual target
    PER_PERIOD = "per_period"  # the period alone: TW1–TW4 of a count add up to the annual target


class TargetFallback(StrEnum):
    """The target of a period that has none of its own."""
    NONE = "none"      # none: the result says `no_target`
    ANNUAL = "annual"  # the year's target (a percentage or an index held all year)


class Unreported(StrEnum):
    """What an office below that gave `-` counts as in a roll-up over offices."""
    EXCLUDED = "excluded"
    ZERO = "zero"


class LowerFormula(StrEnum):
    TWO_T_MINUS_R = "two_t_minus_r"
    T_OVER_R = "t_over_r"


class RoundMode(StrEnum):
    HALF_UP = "half_up"
    TRUNCATE = "truncate"
    NONE = "none"


class AggregateLevel(StrEnum):
    SASARAN = "sasaran"
    OFFICE = "office"
    OVERALL = "overall"


class AggregateMethod(StrEnum):
    MEAN = "mean"
    WEIGHTED = "weighted"
    NONE = "none"  # the level is not computed: a report that prints no sasaran (or overall) capaian


class AggregateSource(StrEnum):
    INDICATORS = "indicators"
    SASARAN = "sasaran"
    OFFICE = "office"


# the source of each level's mean when the policy does not declare one
DEFAULT_AGGREGATE_SOURCE = {AggregateLevel.SASARAN: AggregateSource.INDICATORS,
                            AggregateLevel.OFFICE: AggregateSource.INDICATORS,
                            AggregateLevel.OVERALL: AggregateSource.SASARAN}


class RealisasiScope(StrEnum):
    """Which realisasi a `round_realisasi` rounds: the ones the engine computes (the default), or
    also one given in the data under the indicator's id, which is a printed figure already."""
    COMPUTED = "computed"
    ALSO_GIVEN = "also_given"


class IndicatorKind(StrEnum):
    """What an indicator's formula is, as a scoped policy selects it (`policy for kind index`)."""
    RATIO = "ratio"
    VALUE = "value"
    INDEX = "index"


class Combine(StrEnum):
    WEIGHTED_SUM = "weighted_sum"
    MEAN = "mean"


class FieldKind(StrEnum):
    COUNT = "count"
    AMOUNT = "amount"
    NUMBER = "number"
    PERCENT = "percent"
    SCORE = "score"


class Iku(StrEnum):
    YES = "yes"
    NO = "no"


# Enumerated values: canonical -> aliases.
VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    "direction": {Direction.HIGHER: ("naik", "maximize"), Direction.LOWER: ("turun", "minimize"),
                  Direction.STABILIZE: ("stabil",)},
    "nihil": {Nihil.ACHIEVED: ("tercapai",), Nihil.EXCLUDED: ("dikecualikan",), Nihil.ZERO: ("nol",),
              Nihil.ERROR: ("galat",)},
    "rollup": {Rollup.SUM: ("jumlah",), Rollup.AVERAGE: ("rata_rata",), Rollup.LAST: ("terakhir",),
               Rollup.BY_KIND: ("menurut_jenis",)},
    "period_targets": {PeriodTargets.CUMULATIVE: ("kumulatif",), PeriodTargets.PER_PERIOD: ("per_periode",)},
    "target_fallback": {TargetFallback.NONE: ("tidak_ada",), TargetFallback.ANNUAL: ("tahunan",)},
    "unreported": {Unreported.EXCLUDED: ("dikecualikan",), Unreported.ZERO: ("nol",)},
    "lower_formula": {LowerFormula.TWO_T_MINUS_R: (), LowerFormula.T_OVER_R: ()},
    "round_mode": {RoundMode.HALF_UP: ("bulat",), RoundMode.TRUNCATE: ("potong",), RoundMode.NONE: ("tidak",)},
    "realisasi_scope": {RealisasiScope.COMPUTED: ("dihitung",), RealisasiScope.ALSO_GIVEN: ("termasuk_data",)},
    "aggregate_level": {AggregateLevel.SASARAN: (), AggregateLevel.OFFICE: ("satker",),
                        AggregateLevel.OVERALL: ("keseluruhan",)},
    "aggregate_method": {AggregateMethod.MEAN: ("rata_rata",), AggregateMethod.WEIGHTED: ("tertimbang",),
                         AggregateMethod.NONE: ("tidak_ada",)},
    "aggregate_source": {AggregateSource.INDICATORS: ("indikator",), AggregateSource.SASARAN: (),
                         AggregateSource.OFFICE: ("satker",)},
    "combine": {Combine.WEIGHTED_SUM: ("jumlah_tertimbang",), Combine.MEAN: ("rata_rata",)},
    "field_kind": {FieldKind.COUNT: ("jumlah",), FieldKind.AMOUNT: ("nominal",), FieldKind.NUMBER: ("angka",),
                   FieldKind.PERCENT: ("persen",), FieldKind.SCORE: ("skor",)},
    "iku": {Iku.YES: ("ya",), Iku.NO: ("tidak",)},
    "indicator_kind": {IndicatorKind.RATIO: ("rasio",), IndicatorKind.VALUE: ("nilai",),
                       IndicatorKind.INDEX: ("indeks",)},
}

# Which kind of value each argument of a setting takes, by position (`aggregate LEVEL METHOD SOURCE`).
SETTING_VALUES: dict[str, tuple[str | None, ...]] = {  # None: a number, not a word
    "direction": ("direction",), "nihil": ("nihil",), "rollup": ("rollup",), "unreported": ("unreported",),
    "period_targets": ("period_targets",), "target_fallback": ("target_fallback",),
    "lower_formula": ("lower_formula",), "combine": ("combine",), "iku": ("iku",),
    "round": ("round_mode",), "round_realisasi": ("round_mode", None, "realisasi_scope"),
    "aggregate": ("aggregate_level", "aggregate_method", "aggregate_source"),
    "kind": ("indicator_kind",),
}

BAND_PRESET_NAMES = ("lkjip", "ikpa", "sakip")


def canonical_value(kind: str, word: str) -> str | None:
    """The canonical value of an enumerated setting (its enum member), or None when it is not allowed."""
    for value, aliases in VALUES[kind].items():
        if word == value or word in aliases:
            return value
    return None


# The keyword language of a catalog file: English (the canonical words) or Indonesian (each word's
# first alias). `fmt` writes a file in its own language unless asked to convert (`--keywords`).
KEYWORD_LANGUAGES = ("en", "id")


def _spelled(word: str, aliases: tuple[str, ...], language: str) -> str:
    return aliases[0] if language == "id" and aliases else word


def spelled_keyword(word: str, language: str) -> str:
    """A grammar keyword in a keyword language: `indicator` is `indikator` in id; `target` stays."""
    return _spelled(word, KEYWORDS.get(word, ()), language)


def spelled_key(key: str, language: str) -> str:
    """A setting key in a keyword language: `unit` is `satuan` in id; unknown keys stay as written."""
    return _spelled(key, SETTING_KEYS.get(key, ()), language)


def spelled_value(kind: str, value: str, language: str) -> str:
    """A canonical value of an enumerated setting in a keyword language: `higher` is `naik` in id."""
    return _spelled(value, VALUES[kind].get(value, ()), language)


def word_language(word: str, aliases: tuple[str, ...], written: str) -> str | None:
    """Which keyword language a word as written speaks: None when it has no Indonesian alias (it is
    the same in both) or is neither spelling."""
    if not aliases:
        return None
    if written == word:
        return "en"
    return "id" if written in aliases else None


def allowed_values(kind: str) -> list[str]:
    return list(VALUES[kind])


# Which setting keys are allowed in which context.
CONTEXT_KEYS = {
    "policy": ("cap", "floor", "nihil", "lower_formula", "round", "round_realisasi",
               "aggregate", "bands", "rollup", "unreported", "period_targets", "target_fallback"),
    "indicator": ("sasaran", "office", "budget_of", "unit", "scale", "direction", "nihil", "rollup", "unreported",
                  "period_targets", "target_fallback",
                  "weight", "cap", "floor", "round", "round_realisasi", "lower_formula",
                  "bands", "iku", "definition", "source", "responsible", "frequency", "note"),
    "sasaran": ("office", "weight", "note"),
    # a scoped policy (`policy for unit "%" and year 2023 { … }`): its selectors, and what it may set
    "scope": ("unit", "kind", "sasaran", "office", "indicators", "year"),
    "scoped policy": ("cap", "floor", "nihil", "lower_formula", "round", "round_realisasi", "rollup",
                      "unreported", "period_targets", "target_fallback"),
    "agreement": ("year", "office", "first_party", "second_party", "pagu", "note"),
    "index": ("scale", "cap", "combine", "nihil", "max", "round"),
    "group": ("weight", "scale", "cap", "combine", "nihil", "round"),
    "component": ("weight", "nihil", "round"),
}

# Built-in functions of the expression language and their arities (min, max).
FUNCTIONS = {
    "min": (2, None), "max": (2, None), "mean": (1, None), "abs": (1, 1),
    "prev": (1, 2), "prev_period": (1, 2), "capaian": (1, 1),
    # the reading of another indicator or a mean: as the catalog rounds it (the default of `X` and
    # `capaian(X)`), or before its rounding; each takes `X` or `capaian(X)`
    "rounded": (1, 1), "exact": (1, 1),
}

# ---- the meaning of every word -------------------------------------------------------------------
# What an editor shows on hover over a word (issue 16): one entry per word of KEYWORDS, SETTING_KEYS and
# FUNCTIONS, kept complete by tests/test_vocabulary.py. Each is an English message of the `diagnostics`
# catalog, translated there; a brace of the language is written `{open}` / `{close}` (as codes.py does),
# so a message stays a plain `str.format` text: show one with `Meaning.shown`. The Indonesian text names
# the same canonical words (aliases are shown beside it, from the tables above).

KEYWORD_MEANINGS: dict[str, str] = {
    "include": N_('Joins another catalog file to this one: `include "common.kin"`. Its declarations share one '
                  "namespace with this file's, so an id declared in both is an error (E102)."),
    "extends": N_('Builds this catalog on a base catalog: `extends "../base/catalog.kin"`. An indicator or a '
                  "sasaran declared again refines the base's (what it does not state is kept); a field, an office "
                  "or a band set declared again replaces it."),
    "policy": N_("Declares the rules of capaian: `policy {open} … {close}` sets the office-wide defaults (cap, "
                 "floor, nihil, round, rollup, aggregate, bands, …); `policy for SELECTOR [and SELECTOR …] "
                 "{open} … {close}` sets them for the indicators, or the year, its selectors choose."),
    "field": N_('Declares a data field that formulas read: `field ID "label" KIND [ROLLUP] [= a + b …]`, with its '
                "kind (`count`, `amount`, `number`, `percent`, `score`), optionally a roll-up rule of its own "
                "and, after `=`, the fields it is the total of."),
    "office": N_('Declares an office (satker) of the office tree: `office ID "label" [parent ID]`. Indicators, '
                 "sasaran and agreements name it, and a value an office lacks is rolled up from the offices "
                 "below it."),
    "parent": N_('Names the office above an office: `office ID "label" parent ID`. The parent rolls up the data '
                 "of the offices below it, and `use … per office under ID` makes one instance per child."),
    "sasaran": N_('Declares a sasaran (a performance objective): `sasaran ID "label"`, optionally with a block of '
                  "`office`, `weight` and `note`. Its capaian is the mean of its indicators' capaian, as the "
                  "policy's `aggregate sasaran` says."),
    "indicator": N_('Declares an indicator: `indicator ID "name" {open} … {close}` with its formula '
                    "(numerator/denominator, value or index), unit, direction, targets and policy settings."),
    "numerator": N_("The upper part of a ratio indicator: `numerator EXPR`, paired with a `denominator`; "
                    "realisasi = numerator / denominator × scale."),
    "denominator": N_("The lower part of a ratio indicator: `denominator EXPR`, paired with a `numerator`. 0 / 0 "
                      "is nihil (no cases: the `nihil` rule decides), any other number divided by 0 an error."),
    "value": N_("Gives an indicator's realisasi as one expression: `value EXPR` (times `scale`), e.g. a count of "
                "cases or a growth rate. In `policy for kind value` it selects the indicators with such a formula."),
    "target": N_("A target of an indicator: `target YEAR [PERIOD] = N`, or a range `N .. M` (periods TW1–TW4, "
                 "S1–S2, B01–B12, read by `period_targets`). In an agreement `target ID [PERIOD] = N` is the "
                 "PK's target, in an index group the sub-index's own."),
    "renstra": N_("The Renstra target of an indicator for a year: `renstra YEAR = N` (or a range). `validate-pk` "
                  "checks a PK's targets against it."),
    "range": N_("The values an indicator can take: `range LOW .. HIGH`. Every target must lie inside it (E105), "
                "and a realisasi outside it is an error."),
    "index": N_("A composite index as an indicator's formula: `index [options] {open} group … {close}`, weighted "
                "groups over ratio components (options `scale`, `cap`, `combine`, `nihil`, `max`, `round`). In "
                "`policy for kind index` it selects the indicators with such a formula."),
    "group": N_('A group of an index: `group ID "label" [options] {open} … {close}` combines the groups and '
                "components inside it (options `weight`, `scale`, `cap`, `combine`, `nihil`, `round`) and may "
                "state its own `target`."),
    "component": N_('A leaf of an index: `component ID "label" [options] = EXPR`, a ratio such as `a / b` '
                    "weighed in its group (options `weight`, `nihil`, `round`)."),
    "bands": N_('Declares a set of predikat bands: `bands ID "label" {open} "Baik" >= 76 and < 91 … {close}`, '
                "half-open intervals that cover every value without a gap or an overlap. A `bands ID` setting "
                "puts it to use."),
    "agreement": N_('Declares a Perjanjian Kinerja (PK), what an office signs for a year: `agreement "PK 2024" '
                    "{open} … {close}` with `year`, `office`, `first_party`, `second_party`, `pagu` and "
                    "`target ID = N` lines. `validate-pk` checks it against the catalog and the Renstra."),
    "if": N_("Starts a conditional expression: `if CONDITION then A else B` is A where the condition holds and B "
             "where it does not, e.g. `if total > 0 then done / total else 0`."),
    "then": N_("In `if CONDITION then A else B`: introduces A, the value where the condition holds."),
    "else": N_("In `if CONDITION then A else B`: introduces B, the value where the condition does not hold."),
    "and": N_('Joins the two bounds of a band (`"Baik" >= 76 and < 91`) and the selectors of a scoped policy '
              '(`policy for unit "%" and year 2023`); both must hold.'),
    "for": N_("Introduces the selectors of a scoped policy: `policy for SELECTOR [and SELECTOR …] {open} … {close}`, "
              "with `unit`, `kind`, `sasaran`, `office`, `indicators` or `year`."),
    "template": N_("Declares a family of declarations: `template NAME(param, …) {open} … {close}`, whose body uses "
                   "each parameter as `$param`. Each `use` expands it into ordinary indicators, sasaran, fields or "
                   "band sets."),
    "use": N_('Expands a template: `use NAME(arg, …)`, with arguments in order or by name (`name = "…"`); '
              "`per office …` makes one instance per office."),
    "per": N_("In `use NAME(…) per office A B …` or `per office under P`: one instance of the template per office, "
              "its parameter `office` bound to the office's id (and `office_label` to its label)."),
    "under": N_("In `use NAME(…) per office under P`: one instance for every office whose `parent` is P (its "
                "direct children, in declaration order)."),
}

SETTING_MEANINGS: dict[str, str] = {
    "unit": N_('The unit of an indicator\'s figures, a text or a word: `unit "%"`, `unit indeks`; every indicator '
               'needs one (E104). In `policy for unit "%"` it selects the indicators of that unit.'),
    "scale": N_("A positive number the realisasi is multiplied by: `scale 100` makes a ratio a percentage "
                "(default 1). In an index or a group it multiplies the combined value (`scale 4`)."),
    "direction": N_("Which way is better, and so how capaian is computed: `higher` (R / T × 100), `lower` (by "
                    "`lower_formula`) or `stabilize` (100 at the target, less on either side). Every indicator "
                    "needs one (E103)."),
    "nihil": N_("What 0/0 (no cases) counts as: `achieved` (a full ratio: realisasi = scale, 100%), `excluded` "
                "(no capaian, left out of every mean), `zero` (capaian 0) or `error` (the default: an error until "
                "a rule is declared). In a policy, a scoped policy, an indicator, or an index, group or component."),
    "rollup": N_("How a field's values of shorter periods make a longer one (months into a quarter, quarters into "
                 "s.d. TW III and the year): `by_kind` (the default: each field by its own rule, else counts and amounts "
                 "summed and other kinds averaged), `sum`, `average` or `last`. In a policy, a scoped policy or an "
                 "indicator."),
    "weight": N_("A share in a weighted mean or sum, as a percentage or a fraction (`weight 12.5%`, `weight 1/6`): "
                 "of an indicator in its sasaran (with `aggregate … weighted`), of a sasaran in the office and "
                 "overall means, of a group or a component in its parent's `weighted_sum`. The weights of a "
                 "weighted group's children, and of a weighted sasaran's indicators, sum to 100% (E106)."),
    "cap": N_("The upper limit of capaian, in %: `cap 120`, or `none` (the default: no limit). In a policy, a "
              "scoped policy or an indicator; in an index or a group it limits the combined value (`cap 4`)."),
    "floor": N_("The lower limit of capaian, in %: `floor 0`, or `none` (the default: no limit). In a policy, a "
                "scoped policy or an indicator."),
    "round": N_("How capaian is rounded: `half_up` or `truncate` (cut off) to N decimal places, 0 to 12 "
                "(`round half_up 2`, the default), or `none`; the policy's `round` also rounds the sasaran, office "
                "and overall means. In an index, a group or a component it rounds that value (a component's "
                "ratio) before it is weighed."),
    "round_realisasi": N_("Rounds realisasi before capaian is computed: `round_realisasi MODE N [SCOPE]`, MODE "
                          "`half_up`, `truncate` or `none` (the default), SCOPE `computed` (the default: only a "
                          "realisasi the engine computes) or `also_given` (a realisasi given in the data too). In a "
                          "policy, a scoped policy or an indicator."),
    "lower_formula": N_("The capaian of a `direction lower` indicator: `two_t_minus_r`, (2T − R) / T × 100 (the "
                        "default), or `t_over_r`, T / R × 100. In a policy, a scoped policy or an indicator."),
    "bands": N_("Which band set gives the predikat: a preset, `lkjip` (the default), `ikpa` or `sakip`, or a "
                "declared `bands` set; in an indicator `bands NAME realisasi` classifies the realisasi instead "
                "of the capaian (`capaian`, the default). In a policy (for the means too) or an indicator."),
    "aggregate": N_("How a level's capaian is made from its items: `aggregate LEVEL METHOD [SOURCE] [rounded]`, "
                    "LEVEL `sasaran`, `office` or `overall`, METHOD `mean` (the default), `weighted` or `none` "
                    "(the level is not computed), SOURCE `indicators`, `sasaran` or `office` (by default sasaran "
                    "and office from indicators, overall from sasaran); `rounded` averages the items' rounded "
                    "capaian. In a policy only."),
    "iku": N_("Whether an indicator is an IKU (Indikator Kinerja Utama): `yes` (also `iku` alone) or `no` (the "
              "default, as without the setting). A PK must hold every IKU (validate-pk P002)."),
    "definition": N_('The definition of an indicator in its kamus entry, a quoted text: `definition "…"`.'),
    "source": N_('Where an indicator\'s data comes from, for its kamus entry: `source "…"`.'),
    "responsible": N_('Who is responsible for an indicator, for its kamus entry: `responsible "…"`.'),
    "frequency": N_('How often an indicator is measured, for its kamus entry: `frequency "…"`.'),
    "note": N_('A note, a quoted text (`note "…"`): of an indicator (in its kamus entry), a sasaran or an '
               "agreement."),
    "sasaran": N_("In an indicator: the sasaran it belongs to (`sasaran SJ1`), whose mean its capaian enters. In "
                  "`policy for sasaran SJ1`: selects the indicators of that sasaran."),
    "office": N_("The office (satker) something belongs to (`office div_adm`): of an indicator, whose mean its "
                 "capaian enters; of a sasaran; of an agreement, the office that signs it. In `policy for office "
                 "…`: selects the indicators of that office."),
    "year": N_("In an agreement: the year of the PK (`year 2024`). In `policy for year 2023`: the policy holds for "
               "that year only; with no other selector it also rounds that year's means."),
    "first_party": N_("In an agreement: the first party of the PK, the official who commits to its targets, as a "
                      'quoted name and position: `first_party "Nama" "Jabatan"`.'),
    "second_party": N_("In an agreement: the second party of the PK, the superior who agrees to it: "
                       '`second_party "Nama" "Jabatan"`.'),
    "pagu": N_("In an agreement: a budget ceiling in rupiah, `pagu SASARAN AMOUNT` for one sasaran or "
               "`pagu AMOUNT` for the whole agreement."),
    "combine": N_("How an index or a group combines its children: `weighted_sum` (the default; their weights sum "
                  "to 100%) or `mean`."),
    "max": N_("In an index: the top of its scale, a positive number (`max 4` for a 0..4 index). It is checked but "
              "not computed with: `cap` limits the value and `range` the targets."),
    "unreported": N_("In a roll-up over offices, what an office below that gave `-` (no report) counts as: "
                     "`excluded` (the default: left out, the offices that reported are used) or `zero` (counts "
                     "as 0). In a policy, a scoped policy or an indicator."),
    "budget_of": N_("On a budget absorption (serapan) indicator: the sasaran or indicator whose budget it is "
                    "(`budget_of SJ1`); the budget table sets that capaian beside the serapan (efisiensi = capaian "
                    "− serapan)."),
    "period_targets": N_("How a period's target (`target 2024 TW3`) is meant: `cumulative` (the default: up to the "
                         "end of that period, s.d. TW III for TW3) or `per_period` (that period alone). In a policy, a "
                         "scoped policy or an indicator."),
    "target_fallback": N_("The target of a period that has none of its own (nor one built from the declared "
                          "ones): `none` (the default: no capaian, status `no_target`) or `annual` (the year's "
                          "target). In a policy, a scoped policy or an indicator."),
    "kind": N_("In `policy for kind …`: selects the indicators by their formula, `ratio` (numerator and "
               "denominator), `value` or `index`."),
    "indicators": N_("In `policy for indicators ID …`: selects the indicators named, each id and every id under it "
                     "(`BUDGET` selects `BUDGET.SJ1.serapan`)."),
}

FUNCTION_MEANINGS: dict[str, str] = {
    "min": N_("`min(a, b, …)`: the smallest of two or more values."),
    "max": N_("`max(a, b, …)`: the largest of two or more values."),
    "mean": N_("`mean(a, …)`: the arithmetic mean of one or more values."),
    "abs": N_("`abs(x)`: the absolute value of x."),
    "prev": N_("`prev(field)`: the field in the same period a year earlier (2023-TW3 for 2024-TW3); "
               "`prev(field, N)`: the mean of the same period in the N years before (1 to 10)."),
    "prev_period": N_("`prev_period(field)`: the field in the period just before, of the same kind (2024-TW2 for "
                      "2024-TW3, 2023-TW4 for 2024-TW1); `prev_period(field, N)`: the mean of the N periods before "
                      "(1 to 120)."),
    "capaian": N_("`capaian(X)`: the capaian of indicator X, or the mean capaian of a sasaran, an office or "
                  "`overall`, as the catalog rounds it. An indicator that reads a mean has no sasaran itself "
                  "(E118)."),
    "rounded": N_("`rounded(X)` or `rounded(capaian(X))`: the realisasi of indicator X, or a capaian, as the "
                  "catalog rounds it: the default reading, said explicitly."),
    "exact": N_("`exact(X)` or `exact(capaian(X))`: the realisasi of indicator X, or a capaian, before the "
                "catalog rounds it."),
}

MeaningRole = Literal["keyword", "setting", "function"]


@dataclass(frozen=True)
class Meaning:
    """One role of a word, for a hover: the word as the tables spell it, its aliases, and what it means.

    `text` is the English message (a key of the catalogs), so a caller can show it in any language."""

    role: MeaningRole
    word: str                  # canonical
    aliases: tuple[str, ...]   # the Indonesian spellings the parser accepts
    text: str                  # English, untranslated: `shown()` gives it in a language

    def shown(self, lang: str | None = None) -> str:
        """The meaning in `lang` (None: the run's language), its `{open}`/`{close}` written as braces."""
        return t(self.text, lang, open="{", close="}")


def meanings_of(word: str) -> list[Meaning]:
    """Every role a spelling has (keyword, then setting, then function), so a hover over `satker`
    can say both what the declaration and the setting mean; [] for a word of no table."""
    found: list[Meaning] = []
    keyword = _KEYWORD_ALIAS.get(word)
    if keyword is not None:
        found.append(Meaning("keyword", keyword, KEYWORDS[keyword], KEYWORD_MEANINGS[keyword]))
    key = _SETTING_ALIAS.get(word)
    if key is not None:
        found.append(Meaning("setting", key, SETTING_KEYS[key], SETTING_MEANINGS[key]))
    if word in FUNCTIONS:
        found.append(Meaning("function", word, (), FUNCTION_MEANINGS[word]))
    return found

PERIOD_LABELS = tuple([f"TW{i}" for i in range(1, 5)] + ["S1", "S2"]
                      + [f"B{m:02d}" for m in range(1, 13)])


def with_keyword_block(grammar: str) -> str:
    """`grammar` with its keyword block replaced by the one generated from KEYWORDS."""
    start = grammar.index(GRAMMAR_KEYWORDS_START)
    end = grammar.index(GRAMMAR_KEYWORDS_END, start)
    end = grammar.index("\n", end) + 1
    return grammar[:start] + grammar_keyword_terminals() + grammar[end:]


def markdown_table() -> str:
    """Every word with its Indonesian aliases, as the README lists them (a test keeps that copy equal)."""
    def row(kind: str, word: str, aliases: tuple[str, ...]) -> str:
        return f"| {kind} | `{word}` | {', '.join(f'`{a}`' for a in aliases) or '—'} |"

    rows = ["| kind | word | aliases (accepted, written back as the word) |", "|---|---|---|"]
    rows += [row("keyword", k, a) for k, a in KEYWORDS.items()]
    rows += [row("setting", k, a) for k, a in SETTING_KEYS.items()]
    rows += [row(f"value of {kind}", str(v), a) for kind, values in VALUES.items() for v, a in values.items()]
    return "\n".join(rows) + "\n"


# ---- the editors' grammar: grammar/kinerja.tmLanguage.json ------------------------------------
# TextMate grammars (VS Code, Sublime Text and most editors read them) paint a line with regular
# expressions and a stack of begin/end regions; they cannot parse. So each word is painted where
# the grammar lets it stand: a setting key only at the start of a statement, a keyword that is
# also a value (`value`, `index`, `sasaran`, `office`) as a keyword where it starts a statement
# and as a value after a key. Every expression runs the same in Oniguruma (the editors' engine)
# and Python's `re` (the tests'): character classes and fixed-width lookarounds only, no possessive
# quantifiers; a word's edges are lookarounds rather than `\b`, so a dotted id stays whole
# (`ADM.value` holds no keyword, `targets` is not `target`).

TEXTMATE_PATH = ("grammar", "kinerja.tmLanguage.json")  # under the checkout's root

_WORD_START = r"(?<![\w.$])"                # no part of an id (`ADM.value`, `$office`) before it
_WORD_END = r"(?![\w.])"                    # nor after it (`targets`, `value.x`)
_STATEMENT_START = r"(?:^|(?<=\{))[ \t]*"  # a line's first word, or the first word after `{`
_ID = r"[A-Za-z_$][\w$]*(?:\.[\w$]+)*"      # an id as written, with `$param` parts in a template

# The scope of each keyword's word (and its aliases); the others are `keyword.control.WORD`.
_KEYWORD_SCOPES = {"include": "keyword.control.import", "extends": "keyword.control.import",
                   "if": "keyword.control.conditional", "then": "keyword.control.conditional",
                   "else": "keyword.control.conditional",
                   **{k: f"storage.type.{k}" for k in ("policy", "field", "office", "sasaran", "indicator",
                                                       "bands", "agreement", "template", "index", "group",
                                                       "component")}}
# The id a declaration keyword names.
_DECLARED_ID_SCOPES = {"indicator": "entity.name.function.indicator", "field": "entity.name.type.field",
                       "office": "entity.name.namespace.office", "sasaran": "entity.name.section.sasaran",
                       "bands": "entity.name.type.bands", "template": "entity.name.function.template",
                       "group": "entity.name.section.group", "component": "entity.name.function.component"}
# Where keywords stand: declarations start a statement outside any block (and in a template's
# body); statements start one inside a block, where `office`, `sasaran` and `bands` are settings.
# A keyword in neither list (`parent`, `if`, `and`, `per`…) is painted wherever it stands.
_DECLARATION_KEYWORDS = ("include", "extends", "policy", "field", "office", "sasaran", "indicator", "bands",
                         "agreement", "use")  # and `template`, a region holding its body
_STATEMENT_KEYWORDS = ("numerator", "denominator", "value", "renstra", "range")  # and `target`, whose line
# alone holds period labels; `index`, `group` and `component` paint their options as setting keys, up to
# the end of their region:
_OPTION_KEYWORDS = {"index": r"(?=\{)|$", "group": r"(?=\{)|$", "component": r"(?==)|$"}


def _words(words: Iterable[str]) -> str:
    """An alternation of words, the longest first (`round_realisasi` before `round`)."""
    return "(?:" + "|".join(sorted(set(words), key=lambda w: (-len(w), w))) + ")"


def _keyword_words(keyword: str) -> str:
    return _words((keyword, *KEYWORDS[keyword]))


def _scope(name: str) -> dict[str, str]:
    return {"name": f"{name}.kinerja"}


def _keyword_scope(keyword: str) -> str:
    return _KEYWORD_SCOPES.get(keyword, f"keyword.control.{keyword}")


def _statement(keyword: str, start: str = _STATEMENT_START) -> str:
    """A keyword starting a statement, then the id it declares (if it declares one)."""
    pattern = f"{start}({_keyword_words(keyword)}){_WORD_END}"
    return pattern + (f"(?:[ \\t]+({_ID}))?" if keyword in _DECLARED_ID_SCOPES else "")


def _statement_captures(keyword: str) -> dict[str, dict[str, str]]:
    captures = {"1": _scope(_keyword_scope(keyword))}
    if keyword in _DECLARED_ID_SCOPES:
        captures["2"] = _scope(_DECLARED_ID_SCOPES[keyword])
    return captures


def textmate_grammar() -> dict[str, Any]:
    """The TextMate grammar of `.kin` files, built from this table so an editor paints exactly the
    words the parser reads (grammar/kinerja.tmLanguage.json; tests/test_textmate.py keeps it equal)."""
    setting_words = _words(w for key, aliases in SETTING_KEYS.items() for w in (key, *aliases))
    value_words = _words([str(w) for values in VALUES.values() for v, a in values.items() for w in (v, *a)]
                         + ["none", *BAND_PRESET_NAMES])
    placed = {*_DECLARATION_KEYWORDS, *_STATEMENT_KEYWORDS, *_OPTION_KEYWORDS, "template", "target"}
    setting_key = {"match": f"{_WORD_START}({setting_words}){_WORD_END}",
                   "captures": {"1": _scope("keyword.other.setting")}}
    repository: dict[str, Any] = {
        "comment": {"match": r"(#).*$", "name": "comment.line.number-sign.kinerja",
                    "captures": {"1": _scope("punctuation.definition.comment")}},
        "string": {"begin": '"', "end": '(")|$', "name": "string.quoted.double.kinerja",
                   "beginCaptures": {"0": _scope("punctuation.definition.string.begin")},
                   "endCaptures": {"1": _scope("punctuation.definition.string.end")},
                   "patterns": [{"match": r"\\.", **_scope("constant.character.escape")},
                                {"include": "#parameter"}]},
        "parameter": {"match": r"\$[A-Za-z_][A-Za-z0-9_]*", **_scope("variable.parameter")},
        "number": {"patterns": [
            {"match": r"(?<![\w$])(?<!\w\.)[0-9]+(?:\.[0-9]+)?/[0-9]+(?:\.[0-9]+)?", **_scope("constant.numeric.fraction")},
            {"match": r"(?<![\w$])(?<!\w\.)[0-9]+(?:\.[0-9]+)?%", **_scope("constant.numeric.percent")},
            {"match": r"(?<![\w$])(?<!\w\.)[0-9]+(?:\.[0-9]+)?", **_scope("constant.numeric.decimal")}]},
        "operator": {"patterns": [
            {"match": r"\.\.", **_scope("keyword.operator.range")},
            {"match": r"==|!=|>=|<=|>|<", **_scope("keyword.operator.comparison")},
            {"match": r"=", **_scope("keyword.operator.assignment")},
            {"match": r"[-+*/]", **_scope("keyword.operator.arithmetic")}]},
        "punctuation": {"patterns": [
            {"match": r"\(", **_scope("punctuation.section.parens.begin")},
            {"match": r"\)", **_scope("punctuation.section.parens.end")},
            {"match": ",", **_scope("punctuation.separator.comma")}]},
        "function": {"match": f"{_WORD_START}({_words(FUNCTIONS)})(?=[ \\t]*\\()",
                     "captures": {"1": _scope("support.function.builtin")}},
        "value": {"match": f"{_WORD_START}{value_words}{_WORD_END}", **_scope("constant.language")},
        "period": {"match": f"{_WORD_START}{_words(PERIOD_LABELS)}{_WORD_END}", **_scope("constant.other.period")},
        # `use t(…) per office`: `office` is a keyword there, not the value of `aggregate office`
        "per-office": {"match": f"{_WORD_START}({_keyword_words('per')})[ \\t]+({_keyword_words('office')}){_WORD_END}",
                       "captures": {"1": _scope(_keyword_scope("per")), "2": _scope("keyword.other.office")}},
        "keyword": {"patterns": [{"match": f"{_WORD_START}({_keyword_words(k)}){_WORD_END}",
                                  "captures": {"1": _scope(_keyword_scope(k))}} for k in KEYWORDS if k not in placed]},
        "expression": {"patterns": [{"include": f"#{name}"} for name in (
            "comment", "string", "parameter", "function", "per-office", "keyword", "value", "number", "operator",
            "punctuation")]},
        "declaration": {"patterns": [{"match": _statement(k), "captures": _statement_captures(k)}
                                     for k in _DECLARATION_KEYWORDS if k != "use"]
                        + [{"match": f"{_STATEMENT_START}({_keyword_words('use')}){_WORD_END}(?:[ \\t]+([A-Za-z_]\\w*))?",
                            "captures": {"1": _scope(_keyword_scope("use")), "2": _scope("variable.function.template")}}]},
        # `template NAME(a, b) { … }`: its body holds declarations, as a file does
        "template": {"begin": _statement("template"), "end": r"\}", "name": "meta.template.kinerja",
                     "beginCaptures": _statement_captures("template"),
                     "endCaptures": {"0": _scope("punctuation.section.block.end")},
                     "patterns": [{"include": "#comment"},
                                  {"begin": r"\(", "end": r"\)",
                                   "beginCaptures": {"0": _scope("punctuation.section.parens.begin")},
                                   "endCaptures": {"0": _scope("punctuation.section.parens.end")},
                                   "patterns": [{"include": "#comment"},
                                                {"match": r"[A-Za-z_]\w*", **_scope("variable.parameter")},
                                                {"include": "#punctuation"}]},
                                  {"begin": r"\{", "end": r"(?=\})", "name": "meta.template.body.kinerja",
                                   "beginCaptures": {"0": _scope("punctuation.section.block.begin")},
                                   "patterns": [{"include": "$self"}]}]},
        # `policy for unit "%" and year 2023 {`: a selector's key after `for` and `and`; `kind index`
        # and `kind value` are the grammar's keywords
        "scope": {"begin": f"{_WORD_START}({_keyword_words('for')}){_WORD_END}(?:[ \\t]+({setting_words}){_WORD_END})?",
                  "end": r"(?=\{)|$", "name": "meta.scope.kinerja",
                  "beginCaptures": {"1": _scope(_keyword_scope("for")), "2": _scope("keyword.other.setting")},
                  "patterns": [{"include": "#comment"},
                               {"match": f"{_WORD_START}({_keyword_words('and')}){_WORD_END}(?:[ \\t]+({setting_words}){_WORD_END})?",
                                "captures": {"1": _scope(_keyword_scope("and")), "2": _scope("keyword.other.setting")}},
                               {"match": f"{_WORD_START}({_words((*KEYWORDS['index'], 'index', *KEYWORDS['value'], 'value'))}){_WORD_END}",
                                "captures": {"1": _scope("keyword.other.kind")}},
                               {"include": "#expression"}]},
        "block": {"begin": r"\{", "end": r"\}", "name": "meta.block.kinerja",
                  "beginCaptures": {"0": _scope("punctuation.section.block.begin")},
                  "endCaptures": {"0": _scope("punctuation.section.block.end")},
                  "patterns": [{"include": "#comment"}, {"include": "#statement"}, {"include": "#setting"},
                               {"include": "#block"}, {"include": "#expression"}]},
        "setting": {"match": f"{_STATEMENT_START}({setting_words}){_WORD_END}",
                    "captures": {"1": _scope("keyword.other.setting")}},
        "statement": {"patterns": [
            *({"match": _statement(k), "captures": _statement_captures(k)} for k in _STATEMENT_KEYWORDS),
            # `target 2024 TW1 = 20`: a period label stands only here
            {"begin": _statement("target"), "end": r"$|(?=\})", "name": "meta.target.kinerja",
             "beginCaptures": _statement_captures("target"),
             "patterns": [{"include": "#period"}, {"include": "#expression"}]},
            # `index scale 4 …`, `group g "G" weight 50% … {`, `component k weight 50% … = a / b`: options
            *({"begin": _statement(k), "end": end, "name": f"meta.{k}.kinerja",
               "beginCaptures": _statement_captures(k),
               "patterns": [{"include": "#comment"}, setting_key, {"include": "#expression"}]}
              for k, end in _OPTION_KEYWORDS.items())]},
    }
    return {"name": "Kinerja", "scopeName": "source.kinerja", "fileTypes": ["kin"],
            "comment": "Generated from kinerja_dsl/vocabulary.py (textmate_grammar) by "
                       "`python -m kinerja_dsl.vocabulary`; edit the table, not this file.",
            "patterns": [{"include": f"#{name}"} for name in ("comment", "declaration", "template", "scope", "block",
                                                              "expression")],
            "repository": repository}


def textmate_json() -> str:
    """grammar/kinerja.tmLanguage.json as written: two-space indents, words as they are, a final newline."""
    return json.dumps(textmate_grammar(), indent=2, ensure_ascii=False) + "\n"


def _rewrite(path: Path, new: str, what: str) -> None:  # pragma: no cover - a maintainer's tool
    old = path.read_text("utf-8") if path.exists() else None
    if new != old:
        path.write_text(new, "utf-8")
        print(f"{path}: {what} rewritten from the table")
    else:
        print(f"{path}: {what} already equal to the table")


def _write_grammar() -> None:  # pragma: no cover - a maintainer's tool, run from a checkout
    root = Path(__file__).resolve().parent.parent
    path = root / "grammar" / "kinerja.lark"
    _rewrite(path, with_keyword_block(path.read_text("utf-8")), "keyword block")
    _rewrite(root.joinpath(*TEXTMATE_PATH), textmate_json(), "TextMate grammar")


if __name__ == "__main__":  # pragma: no cover
    _write_grammar()
