"""The `kinerja` command: sits on top of the language and the engine.

Imports are lazy so `kinerja --help` starts fast. Every failure a user can cause
ends as a diagnostic and an exit code, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

EPILOG = """\
examples:
  kinerja check indicators/sumsel-2024
  kinerja check --json catalog.kin
  kinerja fmt --check indicators/
  kinerja fmt indicators/sumsel-2024/catalog.kin

exit codes: 0 clean, 1 findings, 2 syntax errors, 3 file errors (missing, unreadable, not UTF-8), 4 usage
"""


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: never half-written."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _print_diagnostics(diagnostics, out=sys.stdout) -> None:
    for d in diagnostics:
        print(d.render(), file=out)
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    if diagnostics:
        print(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}", file=out)


def cmd_check(args) -> int:
    from kinerja_dsl.diagnostics import exit_code
    from kinerja_dsl.loader import load

    loaded = load(args.paths)
    code = exit_code(loaded.diagnostics, strict=args.strict)
    if args.json:
        payload = {
            "files": [f.path for f in loaded.files],
            "indicators": len(loaded.catalog.indicators) if loaded.catalog else None,
            "diagnostics": [d.to_json() for d in loaded.diagnostics],
            "errors": sum(1 for d in loaded.diagnostics if d.is_error),
            "warnings": sum(1 for d in loaded.diagnostics if not d.is_error),
            "exit_code": code,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return code
    _print_diagnostics(loaded.diagnostics)
    if loaded.catalog is not None:
        cat = loaded.catalog
        print(f"ok: {len(loaded.files)} file{'s' if len(loaded.files) != 1 else ''}, "
              f"{len(cat.indicators)} indicators, {len(cat.sasaran)} sasaran")
    return code


def cmd_fmt(args) -> int:
    from kinerja_dsl.diagnostics import EXIT_FINDINGS, Sources, exit_code, with_sources
    from kinerja_dsl.formatter import format_file
    from kinerja_dsl.loader import expand, read_text
    from kinerja_dsl.parser import parse

    files, problems = expand(args.paths)
    diagnostics = list(problems)
    changed = []
    sources = Sources()
    for path in files:
        text, problem = read_text(path)
        if problem is not None:
            diagnostics.append(problem)
            continue
        sources.add(str(path), text)
        parsed, found = parse(text, str(path))
        if any(d.is_error for d in found):
            diagnostics.extend(found)
            continue
        formatted = format_file(parsed)
        if "\r\n" in text:
            formatted = formatted.replace("\n", "\r\n")
        _, again = parse(formatted, str(path))
        if any(d.is_error for d in again):  # the formatter must never break a file
            diagnostics.extend(again)
            continue
        if formatted != text:
            changed.append(path)
            if not args.check:
                write_atomic(path, formatted)
    diagnostics = with_sources(diagnostics, sources)
    _print_diagnostics(diagnostics, sys.stdout)
    for path in changed:
        print(f"{'would reformat' if args.check else 'reformatted'} {path}")
    code = exit_code(diagnostics)
    if code == 0 and args.check and changed:
        code = EXIT_FINDINGS
    return code


def build_parser() -> argparse.ArgumentParser:
    from kinerja_dsl import __version__

    parser = argparse.ArgumentParser(
        prog="kinerja", description="Check, format and evaluate performance indicator catalogs (SAKIP / LKjIP).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kinerja {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="parse and check catalogs, report every finding",
                       description="Parse and check catalog files; report every finding with file:line:col.",
                       epilog="example: kinerja check indicators/sumsel-2024", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="catalog files (.kin) or folders of them")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--strict", action="store_true", help="warnings count as findings (exit 1)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("fmt", help="rewrite catalogs in canonical form (comments kept)",
                       description="Rewrite catalog files in canonical form: English keywords, two-space indent.",
                       epilog="example: kinerja fmt --check indicators/", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="catalog files (.kin) or folders of them")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 when a file would be reformatted")
    p.set_defaults(func=cmd_fmt)
    return parser



def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors; ours is 4
        code = exc.code if isinstance(exc.code, int) else 0
        return 0 if code == 0 else 4
    if not getattr(args, "func", None):
        parser.print_help()
        return 4
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
