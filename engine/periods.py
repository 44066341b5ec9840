"""Reporting periods: a year, its semesters (S1–S2), quarters (TW1–TW4) and months, each read
alone or cumulative from January ("s.d. TW III": up to and including the third quarter).

Labels: `2024`, `2024-S1`, `2024-TW3`, `2024-07` (or `2024-B07`) name a period alone;
`2024-sd-TW3` (also `2024-s.d.TW3`, `2024-ytd-TW3`) names January up to the end of TW3. A
cumulative period that starts where its period starts (s.d. TW1 = TW1, s.d. S1 = S1) is that
period, and one that ends in December (s.d. TW4, s.d. S2, s.d. B12) is the year: the same months
are the same period, so their values and targets are the same.

A period knows the periods inside it (to roll monthly or quarterly data up: a roll-up must
know every month it needs, so a missing quarter is named, never skipped), the periods before
it of its own kind (`prev_period`) and the same period in earlier years (`prev`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Literal

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_LABEL = re.compile(r"^(\d{4})(?:-(?:(SD|S\.D\.?|YTD)-?)?(TW(?:[1-4]|IV|I{1,3})|S[12]|B?(?:0[1-9]|1[0-2])))?$")

Kind = Literal["year", "semester", "quarter", "month"]
GRANULARITIES: tuple[Kind, ...] = ("semester", "quarter", "month")  # the parts of a year, coarsest first
_SIZE = {"year": 12, "semester": 6, "quarter": 3, "month": 1}

_MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}
_NUMERALS = ("I", "II", "III", "IV")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    """One period of one year; `cumulative` reads it from January ("s.d.")."""

    year: int
    kind: Kind
    number: int  # 0 for a year
    cumulative: bool = False

    def __post_init__(self) -> None:
        if not self.cumulative:
            return
        first, last = self._own_months()[0], self._own_months()[-1]
        if last == 12:  # s.d. TW4 / S2 / B12: the whole year
            object.__setattr__(self, "kind", "year")
            object.__setattr__(self, "number", 0)
            object.__setattr__(self, "cumulative", False)
        elif first == 1:  # s.d. TW1 / S1 / B01: the period itself
            object.__setattr__(self, "cumulative", False)

    @staticmethod
    def parse(label: str) -> "Period":
        """A label as data files, targets, JSON and `--period` write it (see the module doc)."""
        text = re.sub(r"\s+", "", label).upper() if isinstance(label, str) else ""
        m = _LABEL.match(text)
        if not m:
            raise PeriodError(f"`{label}` is not a period")
        year, cumulative, part = int(m.group(1)), m.group(2) is not None, m.group(3)
        if part is None:
            if cumulative:
                raise PeriodError(f"`{label}` is not a period")
            return Period(year, "year", 0)
        if part.startswith("TW"):
            digits = part[2:]
            return Period(year, "quarter", int(digits) if digits.isdigit() else _ROMAN[digits], cumulative)
        if part.startswith("S"):
            return Period(year, "semester", int(part[1]), cumulative)
        return Period(year, "month", int(part.lstrip("B")), cumulative)

    @staticmethod
    def year_of(year: int) -> "Period":
        return Period(year, "year", 0)

    def up_to(self) -> "Period":
        """The same period read cumulatively from January (the reports' "s.d.")."""
        return self if self.kind == "year" else Period(self.year, self.kind, self.number, True)

    def alone(self) -> "Period":
        """The period itself, without the months before it."""
        return Period(self.year, self.kind, self.number)

    @property
    def label(self) -> str:
        """The machine label: `2024`, `2024-TW3`, `2024-sd-TW3`, `2024-B07`."""
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}-{'sd-' if self.cumulative else ''}{self.suffix}"

    @property
    def suffix(self) -> str | None:
        """The period's part as targets name it: TW1, S2, B07 (None for a whole year)."""
        if self.kind == "year":
            return None
        return {"quarter": f"TW{self.number}", "semester": f"S{self.number}", "month": f"B{self.number:02d}"}[self.kind]

    def title(self, locale: str = "id") -> str:
        """How a report names it: `s.d. TW III 2024`, `Semester I 2024`, `Juli 2024` (en: `to Q3 2024`)."""
        if self.kind == "year":
            return str(self.year)
        if self.kind == "month":
            part = _MONTHS["en" if locale == "en" else "id"][self.number - 1]
        elif locale == "en":
            part = f"Q{self.number}" if self.kind == "quarter" else f"H{self.number}"
        else:
            part = f"TW {_NUMERALS[self.number - 1]}" if self.kind == "quarter" else f"Semester {_NUMERALS[self.number - 1]}"
        before = ("to " if locale == "en" else "s.d. ") if self.cumulative else ""
        return f"{before}{part} {self.year}"

    def _own_months(self) -> range:
        """The months of the period alone."""
        if self.kind == "year":
            return range(1, 13)
        size = _SIZE[self.kind]
        return range(size * (self.number - 1) + 1, size * self.number + 1)

    def months(self) -> range:
        """The months the period covers (from January when cumulative)."""
        own = self._own_months()
        return range(1, own.stop) if self.cumulative else own

    @property
    def size(self) -> int:
        """Length in months."""
        return len(self.months())

    def inside(self) -> list["Period"]:
        """Every period alone strictly inside this one, coarsest first, each kind in time order:
        a year's semesters, quarters and months; s.d. TW3's S1, TW1–TW3 and months 1–9."""
        months = self.months()
        out = []
        for kind in GRANULARITIES:
            size = _SIZE[kind]
            out += [p for m in months if (m - 1) % size == 0 and m + size - 1 <= months[-1]
                    and (p := Period(self.year, kind, (m - 1) // size + 1)) != self]
        return out

    def overlaps(self, other: "Period") -> bool:
        """Whether the two share a month."""
        if self.year != other.year:
            return False
        a, b = self.months(), other.months()
        return a.start < b.stop and b.start < a.stop

    def parts(self, kind: Kind) -> list["Period"]:
        """The periods alone of `kind` that make this one, in time order (a year's TW1–TW4;
        s.d. TW3's TW1–TW3). Empty when `kind` does not tile it (s.d. TW3 in semesters)."""
        size, months = _SIZE[kind], self.months()
        if months.start % size != 1 % size or len(months) % size:
            return []
        return [Period(self.year, kind, (m - 1) // size + 1) if kind != "year" else Period.year_of(self.year)
                for m in months if (m - 1) % size == 0]

    def season(self, kind: Kind) -> list["Period"]:
        """The year's cumulative periods by `kind`, as a monitoring report lists them: for
        quarters TW I, s.d. TW II, s.d. TW III and the year (s.d. TW IV)."""
        per_year = 12 // _SIZE[kind]
        return [Period(self.year, kind, n, True) for n in range(1, per_year + 1)]

    @staticmethod
    def spanning(year: int, months: Iterable[int], largest: int = 12) -> list["Period"]:
        """Months named as the fewest aligned periods of at most `largest` months, in time order:
        months 7-12 with quarters as the largest are TW3 and TW4; month 6 alone is 2024-B06."""
        left = sorted(set(months))
        out: list[Period] = []
        while left:
            first = left[0]
            for kind in ("year", *GRANULARITIES):
                size = _SIZE[kind]
                if size > largest or (first - 1) % size:
                    continue
                block = range(first, first + size)
                if all(m in left for m in block):
                    out.append(Period(year, kind, 0 if kind == "year" else (first - 1) // size + 1))
                    left = [m for m in left if m not in block]
                    break
        return out

    def previous(self, count: int = 1) -> list["Period"]:
        """The `count` periods of the same kind before this one, nearest first (`prev_period`):
        TW2 before TW3, 2023-TW4 before 2024-TW1; a cumulative one stays cumulative: s.d. TW2
        before s.d. TW3, TW1 (= s.d. TW1) before s.d. TW2, the year 2023 (= s.d. TW4) before it."""
        if self.kind == "year":
            return [Period.year_of(self.year - i) for i in range(1, count + 1)]
        per_year = 12 // _SIZE[self.kind]
        out = []
        for i in range(1, count + 1):
            year, number = divmod(self.year * per_year + self.number - 1 - i, per_year)
            out.append(Period(year, self.kind, number + 1, self.cumulative))
        return out

    def years_before(self, count: int = 1) -> list["Period"]:
        """The same period in the `count` years before, nearest first (`prev`: year on year)."""
        return [Period(self.year - i, self.kind, self.number, self.cumulative) for i in range(1, count + 1)]

    def __str__(self) -> str:
        return self.label
