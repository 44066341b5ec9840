"""Reading a 100,000-row realisation workbook: openpyxl's read-only mode (the `excel` extra),
python-calamine, and kinerja's own reader (one expat pass per part, bounded; openpyxl only
writes) end to end. Not part of the test run:

    .venv/bin/python tests/benchmark_xlsx.py [--rows N]

calamine is measured only when installed (`pip install python-calamine`); kinerja does not use it.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook

from kinerja_dsl.engine.readers.data import read_data


def make(path: Path, rows: int) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Realisasi")
    ws.append(["Periode", "Satker", "Variabel", "Uraian", "Nilai"])
    for i in range(rows):  # distinct (period, office, field) keys: no duplicates
        ws.append([f"2024-{i % 12 + 1:02d}", f"upt{i // 600}", f"f{i // 12 % 50}", "label",
                   (i * 37) % 10007 + (0.25 if i % 3 else 0)])
    wb.save(path)


def timed(label: str, fn) -> None:
    start = time.perf_counter()
    n = fn()
    print(f"{label:<40} {time.perf_counter() - start:6.2f} s  ({n:,} rows)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "realisasi.xlsx"
        make(path, rows)
        print(f"workbook: {rows:,} rows x 5 columns, {path.stat().st_size / 1e6:.1f} MB")

        def openpyxl_rows():
            wb = load_workbook(path, read_only=True, data_only=True)
            return sum(1 for _ in wb["Realisasi"].iter_rows(values_only=True))
        timed("openpyxl read-only, values", openpyxl_rows)
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:
            print("python-calamine not installed: skipped")
        else:
            timed("python-calamine, values", lambda: len(CalamineWorkbook.from_path(str(path))
                                                         .get_sheet_by_name("Realisasi").to_python()))

        def kinerja_reader():
            data, problems = read_data(path)
            assert not problems, problems[:3]
            return sum(len(cell) for cell in data.values.values())
        timed("kinerja read_data (expat, Decimal)", kinerja_reader)


if __name__ == "__main__":
    main()
