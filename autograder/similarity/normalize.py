"""Python source -> normalized token streams, one per graded function.

What a disguise changes must not reach the fingerprints, so the stream keeps the
structure of the code and drops the rest:

- comments, docstrings (any statement that is only a string), blank lines, line breaks
  inside brackets and indentation are dropped; the end of a statement (a line break or
  `;`) is one token;
- every name a student chooses (variables, parameters, helpers) becomes `V`; keywords,
  builtins (`range`, `len`...), `np`/`numpy`/`self`, attribute names (`.dot`, `.shape`,
  `.sum`) and keyword-argument names (`axis=1`) are kept, since they carry the method
  and a renaming leaves them alone;
- numbers become `N` and strings `S`.

The stream is split into units: each graded function of the course's parts (as the
parts declare them; methods inside a class, the declared class preferred, the last
definition winning as in Python) and `other`,
the code outside them (helpers a student wrote, module-level code). The split comes
from the tokens and their indentation, not from the syntax tree, so a file with a
syntax error is still compared: only a file the tokenizer cannot read past some line is
compared up to that line, and a note says so.

Each kept token remembers where it came from (file, line, column) so that the report
can highlight the matching regions in the original text.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import tokenize
import zlib
from dataclasses import dataclass, field

from autograder import parts

OTHER = "other"
"""The unit of the code outside the graded functions."""
UNITS: tuple[str, ...] = (*(f.id for f in parts.selected_functions()), OTHER)
"""Every unit compared, in report order: the graded functions, then the rest."""

KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins)) | {
    "np", "numpy", "self", "cls"}
END = ";"
"""The normalized end of a statement."""

_SKIPPED = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER,
                      getattr(tokenize, "TYPE_COMMENT", -1)})
_STRING_PARTS = frozenset({tokenize.STRING, getattr(tokenize, "FSTRING_START", -2),
                           getattr(tokenize, "FSTRING_MIDDLE", -3), getattr(tokenize, "FSTRING_END", -4)})
_IDS: dict[str, int] = {}


def token_id(text: str) -> int:
    """A stable number for a normalized token (the same on every machine and run)."""
    found = _IDS.get(text)
    if found is None:
        found = _IDS[text] = zlib.crc32(text.encode("utf-8"))
    return found


@dataclass
class UnitTokens:
    """The normalized tokens of one unit of one file.

    `ids[i]` is the number of token i (`token_id`); `spans[i]` is where it stands in
    the file: start line, start column, end line, end column (lines from 1).
    """

    ids: list[int] = field(default_factory=list)
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class FileTokens:
    """A file split into units; `lines[unit]` are the file's lines (from 1) of each unit."""

    units: dict[str, UnitTokens]
    lines: dict[str, tuple[int, int]]
    notes: list[str]


@dataclass
class _Block:
    kind: str
    name: str
    level: int
    start: int
    parents: tuple[tuple[str, str], ...]
    end: int = 0
    state: str = "header"


def _read_tokens(text: str) -> tuple[list[tokenize.TokenInfo], str | None]:
    """All tokens the tokenizer gives, and why it stopped early (None when it read the whole text)."""
    tokens: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            tokens.append(token)
    except (tokenize.TokenError, SyntaxError) as error:
        line = tokens[-1].end[0] if tokens else 1
        message = error.args[0] if error.args else str(error)
        return tokens, f"the tokenizer stopped after line {line} ({message}); compared up to there"
    return tokens, None


def _blocks(tokens: list[tokenize.TokenInfo]) -> list[_Block]:
    """Every `def` and `class` with its first and last line, found from the indentation."""
    level = 0
    line_start = True
    previous = ""
    last_newline = 1
    open_blocks: list[_Block] = []
    done: list[_Block] = []
    expecting_name: _Block | None = None

    def close(until_level: int) -> None:
        while open_blocks and open_blocks[-1].level >= until_level and open_blocks[-1].state == "body":
            block = open_blocks.pop()
            block.end = last_newline
            done.append(block)

    for token in tokens:
        kind = token.type
        if kind in _SKIPPED:
            continue
        if kind == tokenize.INDENT:
            level += 1
            if open_blocks and open_blocks[-1].state == "indent":
                open_blocks[-1].state = "body"
            line_start = True
            continue
        if kind == tokenize.DEDENT:
            level -= 1
            close(level)
            line_start = True
            continue
        if open_blocks and open_blocks[-1].state == "indent":
            # A one-line definition (`def f(): return 1`): it ended at its own line break.
            block = open_blocks.pop()
            block.end = last_newline
            done.append(block)
        if kind == tokenize.NEWLINE:
            last_newline = token.start[0]
            if open_blocks and open_blocks[-1].state == "header":
                open_blocks[-1].state = "indent"
            line_start = True
            previous = ""
            continue
        if expecting_name is not None:
            if kind == tokenize.NAME:
                expecting_name.name = token.string
            expecting_name = None
        elif kind == tokenize.NAME and token.string in ("def", "class") and (line_start or previous == "async"):
            parents = tuple((b.kind, b.name) for b in open_blocks)
            block = _Block(token.string, "", level, token.start[0], parents)
            open_blocks.append(block)
            expecting_name = block
        line_start = False
        previous = token.string
    close(-1)
    for block in open_blocks:
        block.end = last_newline
        done.append(block)
    return done


def _graded_spans(blocks: list[_Block]) -> dict[str, tuple[int, int]]:
    """The lines of each graded function this file defines."""
    spans: dict[str, tuple[int, int]] = {}
    for graded in parts.selected_functions():
        function, owner = graded.id, graded.cls
        candidates = []
        for block in blocks:
            if block.kind != "def" or block.name != graded.name:
                continue
            if owner is None and not block.parents:
                candidates.append((0, block.start, block))
            elif owner is not None and len(block.parents) == 1 and block.parents[0][0] == "class":
                candidates.append((1 if block.parents[0][1] == owner else 0, block.start, block))
        if candidates:
            best = max(candidates, key=lambda item: (item[0], item[1]))[2]
            spans[function] = (best.start, max(best.end, best.start))
    return spans


def _name(token: tokenize.TokenInfo, previous: str) -> str:
    if previous == "." or token.string in KEPT_NAMES:
        return token.string
    return "V"


def normalize_source(text: str) -> FileTokens:
    """Split `text` into units of normalized tokens (see the module docstring)."""
    notes: list[str] = []
    tokens, stopped = _read_tokens(text)
    if stopped is None:
        try:
            ast.parse(text)
        except SyntaxError as error:
            notes.append(f"syntax error at line {error.lineno} ({error.msg}): compared by its tokens")
        except (ValueError, RecursionError, MemoryError) as error:
            notes.append(f"not parseable ({error}): compared by its tokens")
    else:
        notes.append(stopped)
    spans = _graded_spans(_blocks(tokens))
    n_lines = text.count("\n") + 1
    unit_of_line = [OTHER] * (n_lines + 2)
    for function, (first, last) in spans.items():
        for line in range(first, min(last, n_lines) + 1):
            unit_of_line[line] = function
    units = {unit: UnitTokens() for unit in (*spans, OTHER)}

    statement: list[tuple[str, int, tuple[int, int, int, int]]] = []
    previous = ""

    def flush(end_span: tuple[int, int, int, int] | None) -> None:
        kept = [item for item in statement if item[0] != "S"]
        only_strings = not kept
        if statement and not only_strings:
            for text_, line, span in statement:
                unit = units[unit_of_line[line]]
                unit.ids.append(token_id(text_))
                unit.spans.append(span)
            if end_span is not None:
                line = statement[-1][1]
                unit = units[unit_of_line[line]]
                unit.ids.append(token_id(END))
                unit.spans.append(end_span)
        statement.clear()

    in_fstring = 0
    depth = 0
    for token in tokens:
        kind = token.type
        if kind in _SKIPPED or kind in (tokenize.INDENT, tokenize.DEDENT):
            continue
        span = (token.start[0], token.start[1], token.end[0], token.end[1])
        if kind == tokenize.NEWLINE or (kind == tokenize.OP and token.string == ";"):
            flush(span)
            previous = ""
            depth = 0
            continue
        if kind in _STRING_PARTS:
            start_f = getattr(tokenize, "FSTRING_START", -2)
            end_f = getattr(tokenize, "FSTRING_END", -4)
            if kind == start_f:
                in_fstring += 1
                statement.append(("S", token.start[0], span))
            elif kind == end_f:
                in_fstring -= 1
            elif kind == tokenize.STRING and not in_fstring:
                statement.append(("S", token.start[0], span))
            previous = "S"
            continue
        if in_fstring:
            continue
        if kind == tokenize.NAME:
            normalized = _name(token, previous)
        elif kind == tokenize.NUMBER:
            normalized = "N"
        else:
            normalized = token.string
            if normalized in "([{":
                depth += 1
            elif normalized in ")]}":
                depth = max(depth - 1, 0)
            elif normalized == "=" and depth and statement and statement[-1][0] == "V":
                # a keyword argument (`axis=1`): its name is the library's, not the student's
                statement[-1] = (previous, *statement[-1][1:])
        statement.append((normalized, token.start[0], span))
        previous = token.string
    flush(None)
    lines = dict(spans)
    return FileTokens(units=units, lines=lines, notes=notes)

