"""Reporting periods: a year, its semesters (S1–S2), quarters (TW1–TW4) and months.

Labels are `2024`, `2024-S1`, `2024-TW3`, `2024-07` or `2024-B07`. A period knows
the periods inside it (for rolling monthly or quarterly data up to a year: a roll-up
must know every month it needs, so a missing quarter is named, never skipped) and
the period before it (for growth indicators).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

_LABEL = re.compile(r"^(\d{4})(?:-(TW[1-4]|S[12]|B?(0[1-9]|1[0-2])))?$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str   # year | semester | quarter | month
    number: int  # 0 for a year

    @staticmethod
    def parse(label: str) -> "Period":
        m = _LABEL.match(label.strip().upper()) if isinstance(label, str) else None
        if not m:
            raise PeriodError(f"`{label}` is not a period")
        year, part = int(m.group(1)), m.group(2)
        if part is None:
            return Period(year, "year", 0)
        if part.startswith("TW"):
            return Period(year, "quarter", int(part[2]))
        if part.startswith("S"):
            return Period(year, "semester", int(part[1]))
        return Period(year, "month", int(m.group(3)))

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}-{self.suffix}"

    @property
    def suffix(self) -> str | None:
        """The catalog's period label: TW1, S2, B07 (None for a whole year)."""
        return {"year": None, "quarter": f"TW{self.number}", "semester": f"S{self.number}",
                "month": f"B{self.number:02d}"}[self.kind]

    def months(self) -> range:
        if self.kind == "year":
            return range(1, 13)
        if self.kind == "semester":
            return range(6 * self.number - 5, 6 * self.number + 1)
        if self.kind == "quarter":
            return range(3 * self.number - 2, 3 * self.number + 1)
        return range(self.number, self.number + 1)

    def inside(self) -> list["Period"]:
        """Every period strictly inside this one, coarsest first: a year's semesters, quarters, months."""
        months = self.months()
        return [Period(self.year, kind, (m - 1) // size + 1)
                for kind, size in (("semester", 6), ("quarter", 3), ("month", 1)) if size < self.size
                for m in months if (m - 1) % size == 0]

    def overlaps(self, other: "Period") -> bool:
        """Whether the two share a month (periods are aligned, so one then contains the other)."""
        if self.year != other.year:
            return False
        a, b = self.months(), other.months()
        return a.start < b.stop and b.start < a.stop

    @property
    def size(self) -> int:
        """Length in months."""
        return _SIZE[self.kind]

    @staticmethod
    def spanning(year: int, months: Iterable[int], largest: int = 12) -> list["Period"]:
        """Months named as the fewest aligned periods of at most `largest` months, in time order:
        months 7-12 with quarters as the largest are TW3 and TW4; month 6 alone is 2024-B06."""
        left = sorted(set(months))
        out: list[Period] = []
        while left:
            first = left[0]
            for kind, size in (("year", 12), ("semester", 6), ("quarter", 3), ("month", 1)):
                if size > largest or (first - 1) % size:
                    continue
                block = range(first, first + size)
                if all(m in left for m in block):
                    out.append(Period(year, kind, 0 if kind == "year" else (first - 1) // size + 1))
                    left = [m for m in left if m not in block]
                    break
        return out

    def previous(self, count: int = 1) -> list["Period"]:
        """The `count` periods of the same kind before this one, nearest first."""
        out, p = [], self
        for _ in range(count):
            p = p._before()
            out.append(p)
        return out

    def _before(self) -> "Period":
        if self.kind == "year":
            return Period(self.year - 1, "year", 0)
        per_year = 12 // _SIZE[self.kind]
        if self.number == 1:
            return Period(self.year - 1, self.kind, per_year)
        return Period(self.year, self.kind, self.number - 1)

    def __str__(self) -> str:
        return self.label


_SIZE = {"year": 12, "semester": 6, "quarter": 3, "month": 1}
