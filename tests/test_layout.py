"""The engine's layout is its pipeline, and its imports prove it.

    numbers, periods (notation and calendar)
      <- readers/     the inputs a user names
      <- evaluation/  field values, the rules, the means, the columnar path
      <- reports/     audit, diff, the LKjIP and kamus tables, PK validation
      <- rendering/   words, terminal tables, files written
      <- application  what each command does (language_server: what `kinerja lsp` answers an editor)
      <- cli          arguments in, renderers out

A module imports only from its own layer or a lower one (lazy imports inside functions and
imports for type checking count too), no two modules import each other even indirectly, no module
imports another's private name, and the language (kinerja_dsl/) never imports the engine.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"
LAYERS = ("foundation", "readers", "evaluation", "reports", "rendering", "application", "cli")
TOP = {"__init__": "foundation", "numbers": "foundation", "periods": "foundation", "words": "foundation",
       "application": "application", "language_server": "application",
       "cli": "cli"}


def _name(path: Path) -> str:
    """engine/evaluation/evaluate.py -> evaluation.evaluate"""
    parts = path.relative_to(ENGINE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__") or "__init__"


def _layer(module: str) -> str:
    head = module.split(".")[0]
    return TOP[head] if head in TOP else head


def _imports() -> dict[str, list[tuple[str, list[str]]]]:
    """engine module -> (engine module imported, names) for every `from … import` anywhere in it."""
    graph: dict[str, list[tuple[str, list[str]]]] = {}
    for path in sorted(ENGINE.rglob("*.py")):
        module = _name(path)
        package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
        found = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and node.module.startswith("kinerja_dsl.engine"):
                target = node.module.removeprefix("kinerja_dsl.engine").lstrip(".")
            else:
                continue
            for alias in node.names:  # `from . import application` names a module
                full = f"{target}.{alias.name}".lstrip(".")
                if (ENGINE / Path(*full.split("."))).with_suffix(".py").exists():
                    found.append((full, []))
                elif target:
                    found.append((target, [alias.name]))
        graph[module] = found
    return graph


def test_every_engine_module_has_a_layer():
    modules = _imports()
    assert {m for m in modules if _layer(m) not in LAYERS} == set()
    assert {_layer(m) for m in modules} == set(LAYERS)


def test_no_module_imports_from_a_layer_above_its_own():
    upward = [(m, target) for m, imports in _imports().items() for target, _ in imports
              if LAYERS.index(_layer(target)) > LAYERS.index(_layer(m))]
    assert upward == []


def test_no_import_circle():
    graph = {m: {t for t, _ in imports if t != m} for m, imports in _imports().items()}

    def circle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    return path + [start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
        return None

    assert [c for m in graph if (c := circle_from(m))] == []


def test_no_module_imports_a_private_name_of_another():
    private = [(m, target, name) for m, imports in _imports().items() for target, names in imports
               for name in names if name.startswith("_")]
    assert private == []


def test_the_language_never_imports_the_engine():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "kinerja_dsl").rglob("*.py")
                 if "engine" in {(n.module or "").split(".")[1] if (n.module or "").startswith("kinerja_dsl.")
                                 and "." in (n.module or "") else "" for n in ast.walk(ast.parse(p.read_text()))
                                 if isinstance(n, ast.ImportFrom)}]
    assert offenders == []
