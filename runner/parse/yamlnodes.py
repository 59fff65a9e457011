"""YAML with line numbers: one parse gives the data and the line of every key.

We compose the node tree (libyaml when available) and construct the Python data from
it, keeping ``start_mark`` lines by key path, so a later check can say exactly which
line of a front matter or YAML runbook is wrong.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python PyYAML
    _Loader = yaml.SafeLoader

Path = tuple[Hashable, ...]


@dataclass(slots=True)
class Lines:
    """1-based file lines by key path; ``offset`` is added to every YAML line."""

    by_path: dict[Path, int] = field(default_factory=dict)
    first: int = 1
    # plain scalars written with a leading "+" (YAML reads `+2` as the int 2; a relative
    # `replicas: +2` must not become an absolute 2)
    plus: set[Path] = field(default_factory=set)

    def get(self, *path: Hashable) -> int:
        """Line of the deepest known prefix of path (so a bad value still gets a line)."""
        for end in range(len(path), 0, -1):
            line = self.by_path.get(tuple(path[:end]))
            if line is not None:
                return line
        return self.first


class YamlError(Exception):
    def __init__(self, reason: str, line: int, column: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


def _walk(node: yaml.Node, path: Path, lines: Lines, offset: int) -> None:
    lines.by_path.setdefault(path, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            lines.by_path[(*path, key)] = key_node.start_mark.line + 1 + offset
            _walk(value_node, (*path, key), lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            # a block scalar ("- |") starts on the line after its indicator
            block = isinstance(item, yaml.ScalarNode) and item.style in ("|", ">")
            lines.by_path[(*path, index)] = item.start_mark.line + 1 + offset + block
            _walk(item, (*path, index), lines, offset)
    elif isinstance(node, yaml.ScalarNode) and not node.style and node.value.startswith("+"):
        lines.plus.add(path)


def load(text: str, *, offset: int = 0) -> tuple[Any, Lines]:
    """Data and lines; ``offset`` is the number of file lines before ``text`` starts."""
    lines = Lines(first=offset + 1)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = offset + (mark.line + 1 if mark else 1)
        column = mark.column + 1 if mark else None
        reason = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        if (
            exc.context
            and exc.context_mark
            and exc.problem_mark
            and (exc.context_mark.line != exc.problem_mark.line)
        ):
            reason += f" ({exc.context} at line {offset + exc.context_mark.line + 1})"
        raise YamlError(reason, line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(" ".join(str(exc).split()), offset + 1, None) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # libyaml accepted the syntax but a value cannot be built, e.g. date 0000-00-00
        raise YamlError(str(exc), offset + 1, None) from None
    finally:
        loader.dispose()
    _walk(node, (), lines, offset)
    return data, lines


def load_all(text: str) -> list[tuple[Any, Lines]]:
    """Every document of a multi-document stream (``---`` separated), with lines."""
    loader = _Loader(text)
    docs: list[tuple[Any, Lines]] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            lines = Lines()
            data = loader.construct_document(node)
            _walk(node, (), lines, 0)
            docs.append((data, lines))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise YamlError(
            reason, mark.line + 1 if mark else 1, mark.column + 1 if mark else None
        ) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise YamlError(" ".join(str(exc).split()), 1, None) from None
    finally:
        loader.dispose()
    return docs
