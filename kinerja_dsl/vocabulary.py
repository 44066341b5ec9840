"""The words of the language: canonical keys, Indonesian aliases, allowed values.

One table serves the parser (alias -> canonical), the checker (which key is
allowed where, which values it takes) and the formatter (canonical spelling).
"""
from __future__ import annotations

# Grammar keywords: canonical spelling -> aliases accepted by grammar/kinerja.lark.
KEYWORDS = {
    "include": ("sertakan",), "extends": ("turunan",), "policy": ("kebijakan",),
    "field": ("variabel",), "office": ("satker",), "parent": ("induk",),
    "sasaran": (), "indicator": ("indikator",), "numerator": ("pembilang",),
    "denominator": ("penyebut",), "value": ("nilai",), "target": (), "renstra": (),
    "range": ("rentang",), "index": ("indeks",), "group": ("kelompok",),
    "component": ("komponen",), "bands": ("predikat",), "agreement": ("perjanjian",),
    "if": ("jika",), "then": ("maka",), "else": ("selainnya",), "and": ("dan",),
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
}

_SETTING_ALIAS = {alias: key for key, aliases in SETTING_KEYS.items() for alias in aliases}
_SETTING_ALIAS.update({key: key for key in SETTING_KEYS})


def canonical_key(word: str) -> str:
    """The canonical spelling of a setting key (unknown keys are returned as written)."""
    return _SETTING_ALIAS.get(word, word)


# Enumerated values: canonical -> aliases.
VALUES = {
    "direction": {"higher": ("naik", "maximize"), "lower": ("turun", "minimize"),
                  "stabilize": ("stabil",)},
    "nihil": {"achieved": ("tercapai",), "excluded": ("dikecualikan",), "zero": ("nol",),
              "error": ("galat",)},
    "rollup": {"sum": ("jumlah",), "average": ("rata_rata",), "last": ("terakhir",)},
    "unreported": {"excluded": ("dikecualikan",), "zero": ("nol",)},
    "lower_formula": {"two_t_minus_r": (), "t_over_r": ()},
    "round_mode": {"half_up": ("bulat",), "truncate": ("potong",), "none": ("tidak",)},
    "aggregate_level": {"sasaran": (), "office": ("satker",), "overall": ("keseluruhan",)},
    "aggregate_method": {"mean": ("rata_rata",), "weighted": ("tertimbang",)},
    "aggregate_source": {"indicators": ("indikator",), "sasaran": (), "office": ("satker",)},
    "combine": {"weighted_sum": ("jumlah_tertimbang",), "mean": ("rata_rata",)},
    "field_kind": {"count": ("jumlah",), "amount": ("nominal",), "number": ("angka",),
                   "percent": ("persen",), "score": ("skor",)},
    "iku": {"yes": ("ya",), "no": ("tidak",)},
}

BAND_PRESET_NAMES = ("lkjip", "ikpa", "sakip")


def canonical_value(kind: str, word: str) -> str | None:
    """The canonical value of an enumerated setting, or None when it is not allowed."""
    for value, aliases in VALUES[kind].items():
        if word == value or word in aliases:
            return value
    return None


def allowed_values(kind: str) -> list[str]:
    return list(VALUES[kind])


# Which setting keys are allowed in which context.
CONTEXT_KEYS = {
    "policy": ("cap", "floor", "nihil", "lower_formula", "round", "round_realisasi",
               "aggregate", "bands", "rollup", "unreported"),
    "indicator": ("sasaran", "office", "budget_of", "unit", "scale", "direction", "nihil", "rollup", "unreported",
                  "weight", "cap", "floor", "round", "round_realisasi", "lower_formula",
                  "bands", "iku", "definition", "source", "responsible", "frequency", "note"),
    "sasaran": ("office", "weight", "note"),
    "agreement": ("year", "office", "first_party", "second_party", "pagu", "note"),
    "index": ("scale", "cap", "combine", "nihil", "max", "round"),
    "group": ("weight", "scale", "cap", "combine", "nihil", "round"),
    "component": ("weight", "nihil", "round"),
}

# Built-in functions of the expression language and their arities (min, max).
FUNCTIONS = {
    "min": (2, None), "max": (2, None), "mean": (1, None), "abs": (1, 1),
    "prev": (1, 2), "capaian": (1, 1),
}

PERIOD_LABELS = tuple([f"TW{i}" for i in range(1, 5)] + ["S1", "S2"]
                      + [f"B{m:02d}" for m in range(1, 13)])
