"""The words of the language: canonical keys, Indonesian aliases, allowed values.

The one table of every word: the grammar's keyword terminals are generated from
KEYWORDS (`grammar_keyword_terminals`, kept equal to grammar/kinerja.lark by
tests/test_vocabulary.py), the parser maps aliases to canonical words with it,
the checker reads which key is allowed where and which values it takes, the
formatter writes the canonical spelling, and the README's word list is
`markdown_table()`.
"""
from __future__ import annotations

from enum import StrEnum

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


def _write_grammar() -> None:  # pragma: no cover - a maintainer's tool, run from a checkout
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "grammar" / "kinerja.lark"
    text = path.read_text("utf-8")
    new = with_keyword_block(text)
    if new != text:
        path.write_text(new, "utf-8")
        print(f"{path}: keyword block rewritten from KEYWORDS")
    else:
        print(f"{path}: keyword block already equal to KEYWORDS")


if __name__ == "__main__":  # pragma: no cover
    _write_grammar()
