"""markdown-it block rule for content tabs (pymdownx.tabbed, as Material writes them)::

    === "Linux"

        ```bash
        df -h
        ```

    ===+ "macOS"        (+ selects the tab, ! starts a new tab group)

CommonMark reads the indented body as an indented code block; with this rule the fences
inside a tab are fences, so runbooks written for Material keep their steps. Tokens:
``tab_open`` (``info`` is the tab title) ... ``tab_close``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_MARKER = re.compile(r'===[+!]{0,2}[ \t]+"([^"\n]*)"[ \t]*$')
_INDENT = 4


def _tab(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # an indented code block
    pos = state.bMarks[start_line] + state.tShift[start_line]
    maximum = state.eMarks[start_line]
    if not state.src.startswith("===", pos):
        return False
    match = _MARKER.match(state.src[pos:maximum])
    if match is None:
        return False
    if silent:
        return True

    old_parent, old_line_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    state.parentType = "tab"
    state.blkIndent = state.sCount[start_line] + _INDENT

    # The tab body is every following line indented past the marker, blank lines included.
    next_line = start_line + 1
    last_content = start_line
    while next_line < end_line:
        if state.isEmpty(next_line):
            next_line += 1
            continue
        if state.sCount[next_line] < state.blkIndent:
            break
        last_content = next_line
        next_line += 1
    body_end = last_content + 1

    state.lineMax = body_end
    token = state.push("tab_open", "div", 1)
    token.info = match.group(1)
    token.markup = "==="
    token.block = True
    token.map = [start_line, body_end]
    state.md.block.tokenize(state, start_line + 1, body_end)
    token = state.push("tab_close", "div", -1)
    token.block = True

    state.parentType, state.lineMax, state.blkIndent = old_parent, old_line_max, old_indent
    state.line = body_end
    return True


def tabs_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "fence", "content_tab", _tab, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
