"""Numbers in and out: Indonesian and English notation, exact Decimal throughout.

Reading: "1.234,56" (id), "1,234.56" (en), "95%", "3,14". A value whose notation
cannot be decided ("1,545" with no declared locale) is refused, never guessed.
Writing: 102,84 (id, the default) or 102.84 (en), never through float.
"""
from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from kinerja_dsl.catalog import quantized

from kinerja_dsl.catalog import out_of_range
from kinerja_dsl.messages import t

LOCALES = ("id", "en")
_SEPARATORS = {"id": (".", ","), "en": (",", ".")}  # (thousands, decimal)
_GROUPED = re.compile(r"^\d{1,3}(?:X\d{3})+$")


class NotationError(ValueError):
    """A text that is not a number, or whose notation is ambiguous (D006); or a number the engine
    cannot keep exactly (D012). Readers report it under its `code`."""

    def __init__(self, message: str, hint: str | None = None, code: str = "D006"):
        super().__init__(message)
        self.hint = hint
        self.code = code


def abbreviated(text: str, width: int = 40) -> str:
    """A value as a message quotes it: a 5000-digit number is shown by its ends."""
    if len(text) <= width:
        return text
    return t("{start}…{end} ({n} characters)", start=text[:24], end=text[-8:], n=format(len(text), ","))


def exact(value: Decimal, text: str | None = None) -> Decimal:
    """`value` when the engine keeps it exactly (catalog.out_of_range: finite, at most 18 digits on
    each side of the point), else NotationError D012: every reader checks a number where it
    enters, so evaluation only ever sees representable numbers."""
    why = out_of_range(value)
    if why is not None:
        shown = abbreviated(text if text is not None else str(value))
        raise NotationError(f"`{shown}` {why}", code="D012",
                            hint=t("correct the value; a blank cell (or no key) means missing"))
    return value


def _grouped(digits: str, sep: str) -> bool:
    return bool(_GROUPED.match(digits.replace(sep, "X")))


def parse_number(text: str, locale: str | None = None) -> Decimal:
    """Parse a number written by a person. `locale` None means: refuse ambiguity. Spaces may
    surround it ("88 %") but not stand inside it: "95 100" is two numbers or a typo, never 95100.
    A number outside the representable range is refused (D012, see `exact`)."""
    raw = text
    s = text.strip()
    if s.endswith("%"):
        s = s[:-1].rstrip()
    negative = s.startswith(("-", "\u2212"))
    if negative or s.startswith("+"):
        s = s[1:]
    if any(ch.isspace() for ch in s):
        joined = "".join(s.split())
        raise NotationError(t("`{text}` has a space inside the number", text=abbreviated(raw)),
                            hint=t("write one number without spaces (`{joined}`); two numbers go in two cells",
                                   joined=abbreviated(joined)))
    if not s or not re.fullmatch(r"[0-9.,]+", s) or not s[0].isdigit() or not s[-1].isdigit():
        raise NotationError(t("`{text}` is not a number", text=abbreviated(raw)))
    if locale is None:
        has_dot, has_comma = "." in s, ","in s
        if has_dot and has_comma:
            locale = "id" if s.rfind(",") > s.rfind(".") else "en"
        elif has_dot or has_comma:
            sep = "." if has_dot else ","
            parts = s.split(sep)
            if len(parts) > 2:
                locale = "id" if sep == "." else "en"
            elif len(parts[1]) == 3:
                raise NotationError(t("`{text}` is ambiguous: {grouped} if `{sep}` groups thousands, {decimal} if it "
                                      "marks decimals", text=abbreviated(raw), grouped=abbreviated(parts[0] + parts[1]),
                                      sep=sep, decimal=abbreviated(parts[0] + "." + parts[1])),
                                    hint=t('declare the notation: locale = "id" (1.234,56) or "en" (1,234.56)'))
            else:
                locale = "id" if sep == "," else "en"
        else:
            locale = "en"
    if locale not in _SEPARATORS:
        raise NotationError(t("unknown notation `{locale}`", locale=locale),
                            hint=t('use "id" (1.234,56) or "en" (1,234.56)'))
    thousands, decimal = _SEPARATORS[locale]
    whole, _, fraction = s.partition(decimal)
    if decimal in fraction or thousands in fraction:
        raise NotationError(t("`{text}` is not a number in {locale} notation", text=abbreviated(raw), locale=locale),
                            hint=t("id: 1.234,56 — en: 1,234.56"))
    if thousands in whole and not _grouped(whole, thousands):
        raise NotationError(t("`{text}` is not a number in {locale} notation", text=abbreviated(raw), locale=locale),
                            hint=t("in {locale} notation `{thousands}` groups thousands and `{decimal}` marks decimals",
                                   locale=locale, thousands=thousands, decimal=decimal))
    try:
        value = Decimal(whole.replace(thousands, "") + ("." + fraction if fraction else ""))
    except InvalidOperation:  # pragma: no cover - the regex above admits only digits
        raise NotationError(t("`{text}` is not a number", text=abbreviated(raw)))
    return exact(-value if negative else value, raw.strip())


def format_number(value: Decimal | None, locale: str = "id", places: int | None = None,
                  grouping: bool = True) -> str:
    """102.84 -> "102,84" (id) or "102.84" (en). `places` pads/rounds half-up for display only."""
    if value is None:
        return "-"
    if places is not None:
        value = quantized(value, Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{value:f}"
    negative = text.startswith("-")
    text = text.lstrip("-")
    whole, _, fraction = text.partition(".")
    thousands, decimal = _SEPARATORS[locale]
    if grouping and len(whole) > 3:
        whole = f"{int(whole):,}".replace(",", thousands)
    out = whole + (decimal + fraction if fraction else "")
    return ("-" if negative else "") + out


def shown(value: Decimal, digits: int | None = None) -> Decimal:
    """The figure people see: a long fraction shortened to 3 places (below 10) or 2, or to
    `digits`, half-up as the reports round (the context's default would be half-even: 2,505 ->
    2,50). For display and export only; results and JSON keep the exact value."""
    if digits is None:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -3:
            digits = 3 if abs(value) < 10 else 2
    if digits is not None:
        value = quantized(value, Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return value


def plain(value: Decimal | None) -> str | None:
    """Canonical text of a Decimal for JSON: digits and a point, never an exponent (str() writes
    1E-30, 1.500E+5) and never through float; the places the value carries are kept, so 102.840
    stays as computed; -0 is written 0 (a sign on nothing is noise); a value that is not finite
    has no number (None, JSON null)."""
    if value is None or not value.is_finite():
        return None
    if value.is_zero():
        value = value.copy_abs()
    return f"{value:f}"


# a number standing alone in a text: not part of a name (`ikm_b01`), a file (`c.kin:17`) or `..`
_NUMBER_IN_TEXT = re.compile(r"(?<![\w.:])-?\d+\.\d+(?![\w.])")


def localized(text: str, locale: str) -> str:
    """A text written with decimal points (a step of `explain`, a target "80.5 .. 90") in the
    reader's notation: 3.6 -> 3,6 for id; names, file positions and `..` stay as they are."""
    if locale != "id":
        return text
    return _NUMBER_IN_TEXT.sub(lambda m: m.group(0).replace(".", ","), text)


SIX_PLACES = Decimal("0.000001")


def brief(x: Decimal | None, locale: str = "en") -> str:
    """A number inside a sentence: exact, but a long fraction cut at 6 places and marked with …"""
    if x is None:
        return "-"
    exponent = x.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        return format_number(quantized(x, SIX_PLACES, ROUND_DOWN), locale, grouping=False) + "…"
    return format_number(x, locale, grouping=False)
