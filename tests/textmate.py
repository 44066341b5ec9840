"""A small TextMate tokenizer, for the tests only: it reads grammar/kinerja.tmLanguage.json the way
an editor does, so a test can say which scopes a word of a shipped catalog gets.

What it follows of TextMate: a grammar's rules are `match` (with `name` and `captures`) and
`begin`/`end` regions (`beginCaptures`, `endCaptures`, `captures` for both, `name`, `contentName`,
nested `patterns`), and `include` of `#repository` entries and `$self`. A text is read line by
line (each given its "\\n", as editors give it) with a stack of open regions: at each position the
open region's `end` and its patterns are searched, the earliest match wins, ties go to `end` and
then to the pattern listed first. The expressions are compiled with Python's `re`; the grammar
keeps to what Oniguruma reads the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

Token = tuple[int, int, tuple[str, ...]]  # start and end column in the line (0-based), scopes outermost first


@dataclass
class _Region:
    rule: dict | None  # None: the grammar itself
    scopes: tuple[str, ...]  # for its begin and end: the enclosing ones and its `name`
    content: tuple[str, ...]  # for what it holds: also its `contentName`
    end: re.Pattern | None
    rules: list[dict] = field(default_factory=list)


class Tokenizer:
    def __init__(self, grammar: dict) -> None:
        self.grammar = grammar
        self._compiled: dict[str, re.Pattern] = {}
        self._flat: dict[int, list[dict]] = {}

    def regex(self, source: str) -> re.Pattern:
        if source not in self._compiled:
            self._compiled[source] = re.compile(source)
        return self._compiled[source]

    def rules(self, patterns: list[dict]) -> list[dict]:
        """The `match` and `begin` rules of a pattern list, its includes resolved in place."""
        key = id(patterns)
        if key not in self._flat:
            self._flat[key] = list(self._resolve(patterns, set()))
        return self._flat[key]

    def _resolve(self, patterns: list[dict], seen: set[int]):
        for rule in patterns:
            include = rule.get("include")
            if include is not None:
                if include in ("$self", "$base"):
                    target = self.grammar
                elif include.startswith("#"):
                    target = self.grammar["repository"][include[1:]]
                else:
                    raise ValueError(f"include {include!r}: another grammar is not supported")
                if "match" in target or "begin" in target:
                    yield target
                elif id(target) not in seen:  # a list of patterns, read once on a path
                    yield from self._resolve(target.get("patterns", []), seen | {id(target)})
            elif "match" in rule or "begin" in rule:
                yield rule
            else:
                yield from self._resolve(rule.get("patterns", []), seen)

    def tokenize(self, text: str) -> list[list[Token]]:
        """Per line of `text`, its tokens in order, covering the whole line."""
        root = self.grammar["scopeName"]
        stack = [_Region(None, (root,), (root,), None, self.rules(self.grammar["patterns"]))]
        return [self._line(line, stack) for line in text.split("\n")]

    def _line(self, line: str, stack: list[_Region]) -> list[Token]:
        text = line + "\n"
        tokens: list[Token] = []
        cache: dict[int, tuple[int, re.Match | None]] = {}  # a regex's last search in this line

        def search(regex: re.Pattern, pos: int) -> re.Match | None:
            # a search from an earlier position that found nothing before `pos` answers for `pos` too
            known = cache.get(id(regex))
            if known and known[0] <= pos and (known[1] is None or known[1].start() >= pos):
                return known[1]
            found = regex.search(text, pos)
            cache[id(regex)] = (pos, found)
            return found

        def emit(start: int, end: int, scopes: tuple[str, ...]) -> None:
            end = min(end, len(line))
            if start >= end:
                return
            if tokens and tokens[-1][1] == start and tokens[-1][2] == scopes:
                tokens[-1] = (tokens[-1][0], end, scopes)
            else:
                tokens.append((start, end, scopes))

        def emit_match(m: re.Match, scopes: tuple[str, ...], captures: dict) -> None:
            per_char = [scopes] * (m.end() - m.start())
            for group in sorted(captures, key=int):
                a, b = m.span(int(group))
                if a < 0 or "name" not in captures[group]:
                    continue
                for i in range(a - m.start(), b - m.start()):
                    per_char[i] = per_char[i] + (captures[group]["name"],)
            for i, s in enumerate(per_char):
                emit(m.start() + i, m.start() + i + 1, s)

        pos = 0
        steps = 0
        while pos <= len(text):
            steps += 1
            if steps > 20 * len(text) + 100:
                raise RuntimeError(f"the grammar loops on {line!r} at {pos}")
            region = stack[-1]
            best: tuple[re.Match, dict | None] | None = None  # None rule: the region's end
            if region.end is not None:
                m = search(region.end, pos)
                if m:
                    best = (m, None)
            for rule in region.rules:
                m = search(self.regex(rule["match"] if "match" in rule else rule["begin"]), pos)
                if m and (best is None or m.start() < best[0].start()):
                    best = (m, rule)
            if best is None:
                emit(pos, len(text), region.content)
                break
            m, rule = best
            emit(pos, m.start(), region.content)
            if rule is None:  # the region ends
                assert region.rule is not None
                emit_match(m, region.scopes, region.rule.get("endCaptures", region.rule.get("captures", {})))
                stack.pop()
            elif "match" in rule:
                scopes = region.content + ((rule["name"],) if "name" in rule else ())
                emit_match(m, scopes, rule.get("captures", {}))
                if m.end() == m.start():  # an empty match would stand still
                    emit(m.end(), m.end() + 1, region.content)
                    pos = m.end() + 1
                    continue
            else:
                scopes = region.content + ((rule["name"],) if "name" in rule else ())
                emit_match(m, scopes, rule.get("beginCaptures", rule.get("captures", {})))
                content = scopes + ((rule["contentName"],) if "contentName" in rule else ())
                stack.append(_Region(rule, scopes, content, self.regex(rule["end"]),
                                     self.rules(rule.get("patterns", []))))
            pos = m.end()
        return tokens
