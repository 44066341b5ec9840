"""Benchmark of `kinerja lsp`: how long after an edit the diagnostics arrive (not part of the test run).

    .venv/bin/python tests/benchmark_lsp.py            # 40 edits per catalog (about a minute)
    .venv/bin/python tests/benchmark_lsp.py --quick    # 10 edits per catalog

The server is started as an editor starts it, over stdio, by pygls's own client (tests/lsp_client.py).
Each catalog is opened, then edited: every other edit misspells a field of a formula (the server
must answer E101) and the next one puts it back (no finding). The latency of an edit is the time
from sending `didChange` to receiving the diagnostics of that version; it includes the server's
debounce (language_server.DEBOUNCE), which an editor pays too. Beside it, the time of the same
check in-process (`load` of the catalog's folder with the edited text laid over), so the ratio
says what the protocol, the debounce and the index add to the checker.

Catalogs: the shipped ones (Banten: 943 lines and 41 `use` lines that expand to 144 blocks, the
2,283 lines it had before templates; its base and two PK files), Sumsel (1,277 lines, the largest
file), the national base (204 lines, checked through the three catalogs that extend it, so its
load() column is the base alone) and a generated 2,250-line catalog (tests/benchmark.py `catalog_text`).
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import catalog_text  # noqa: E402
from lsp_client import Editor  # noqa: E402

from kinerja_dsl.engine.language_server import DEBOUNCE  # noqa: E402
from kinerja_dsl.loader import load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 300  # issue 16: diagnostics of the largest catalog within 300 ms of an edit


def edits(text: str, count: int) -> list[str]:
    """`count` versions of the text: the first name a formula reads misspelt (in a catalog without
    formulas, a national base: the first direction), then put back. Every version is a text of its
    own (a comment line at the end counts the edits), so none is a parse the server keeps from an
    earlier edit."""
    lines = text.split("\n")
    k = next((i for i, line in enumerate(lines) if line.split()[:1] in (["numerator"], ["value"])
              and line.split()[1].isidentifier()), None)
    if k is None:
        k = next(i for i, line in enumerate(lines) if line.split()[:1] == ["direction"])
    word = lines[k].split()[1]
    def broken(n: int) -> str:
        return "\n".join(lines[:k] + [lines[k].replace(word, f"{word}x{n}", 1)] + lines[k + 1:])

    return [broken(n) if n % 2 == 0 else f"{text}\n# edit {n}\n" for n in range(count)]


def in_process(folder: Path, file: Path, versions: list[str]) -> list[float]:
    out = []
    for text in versions:
        start = time.perf_counter()
        load([str(folder)], {file.resolve(): text})
        out.append(time.perf_counter() - start)
    return out


def measure(editor: Editor, relative: str, count: int) -> tuple[list[float], list[float], int]:
    path = editor.root / relative
    uri, found = editor.open(relative)
    assert found == [], f"{relative} does not open clean: {found}"
    editor.run(asyncio.sleep(1.5))  # the catalogs that read it are checked once typing pauses: not timed here
    versions = edits(path.read_text("utf-8"), count)
    latencies = []
    for n, text in enumerate(versions):
        found, seconds = editor.change(uri, text)
        assert bool(found) == (n % 2 == 0), (relative, n, found)
        latencies.append(seconds)
    lines = len(path.read_text("utf-8").split("\n"))
    return latencies, in_process(path.parent, path, versions), lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    count = 10 if parser.parse_args().quick else 40
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "indicators", root / "indicators")
        (root / "generated").mkdir()
        (root / "generated/catalog.kin").write_text(catalog_text(2250), "utf-8")
        editor = Editor(root)
        editor.start()
        try:
            rows = [(name, *measure(editor, relative, count)) for name, relative in (
                ("Banten 2024 (+ base, 2 PK)", "indicators/banten-2024/catalog.kin"),
                ("Sumsel 2024 (+ base, PK)", "indicators/sumsel-2024/catalog.kin"),
                ("Babel IKU 2023 (+ PK)", "indicators/babel-iku-2023/catalog.kin"),
                ("national base (via 3 catalogs)", "indicators/kemenkumham-iku-2024/catalog.kin"),
                ("generated", "generated/catalog.kin"))]
        finally:
            editor.stop()
    print(f"kinerja lsp: diagnostics after an edit, {count} edits per catalog "
          f"(debounce {DEBOUNCE * 1000:.0f} ms included; budget {BUDGET_MS} ms)\n")
    print(f"{'catalog':32} {'lines':>6} {'median':>8} {'p90':>8} {'max':>8} {'load()':>8} {'ratio':>6}")
    worst = 0.0
    for name, latencies, loads, lines in rows:
        ms = sorted(x * 1000 for x in latencies)
        p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
        load_ms = statistics.median(loads) * 1000
        worst = max(worst, p90)
        print(f"{name:32} {lines:>6} {statistics.median(ms):>6.0f}ms {p90:>6.0f}ms {ms[-1]:>6.0f}ms "
              f"{load_ms:>6.0f}ms {statistics.median(ms) / load_ms:>5.1f}x")
    print(f"\nworst p90 {worst:.0f} ms: {'within' if worst <= BUDGET_MS else 'OVER'} the {BUDGET_MS} ms budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
