"""Finding runbooks: the project's docs/ and runbooks/, or the paths given; and naming one
by path, id or alert."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from runner.errors import ParseError, UsageError
from runner.model import Runbook
from runner.parse import is_runbook_file, parse_file

SKIP_DIRS = frozenset(
    {".git", ".venv", "venv", "node_modules", "site", "__pycache__", ".cache", "overrides"}
)


def project_root(start: Path | None = None) -> Path:
    """The nearest folder up from ``start`` with mkdocs.yml (else with docs/ or runbooks/)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file() or (folder / "mkdocs.yaml").is_file():
            return folder
    for folder in (here, *here.parents):
        if (folder / "docs").is_dir() or (folder / "runbooks").is_dir():
            return folder
    return here


def docs_dir(root: Path) -> Path:
    """The docs_dir of the project's mkdocs.yml (default docs/)."""
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        config = root / name
        if config.is_file():
            for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("docs_dir:"):
                    value = line.split(":", 1)[1].strip().strip("'\"")
                    if value:
                        return root / value
    return root / "docs"


def default_paths(root: Path | None = None) -> list[Path]:
    root = root or project_root()
    return [p for p in (docs_dir(root), root / "runbooks") if p.is_dir()]


def _shown(path: Path) -> str:
    """Paths in messages: relative to the working directory when below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """(file, named) for every runbook file; named is True for files given explicitly."""
    for path in paths:
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    candidate = Path(folder) / name
                    if is_runbook_file(candidate):
                        yield candidate, False
        elif path.exists():
            yield path, True
        else:
            raise UsageError("file-not-found", path=str(path))


@dataclass(frozen=True, slots=True)
class Found:
    path: str
    named: bool
    runbook: Runbook | None
    error: ParseError | None


def discover(paths: Iterable[Path] | None = None) -> list[Found]:
    found = []
    for file, named in iter_files(list(paths) if paths else default_paths()):
        shown = _shown(file) if not named else str(file)
        try:
            found.append(Found(shown, named, parse_file(shown), None))
        except ParseError as exc:
            found.append(Found(shown, named, None, exc))
    return found


def resolve(name: str) -> Runbook:
    """A runbook by path, by id, or by the name of an alert it handles."""
    path = Path(name)
    if path.suffix and (path.exists() or os.sep in name or "/" in name):
        return parse_file(name)
    runbooks = [f.runbook for f in discover() if f.runbook is not None and f.runbook.is_runbook]
    for runbook in runbooks:
        if runbook.id == name:
            return runbook
    by_alert = [rb for rb in runbooks if any(a.lower() == name.lower() for a in rb.alerts)]
    if len(by_alert) == 1:
        return by_alert[0]
    if len(by_alert) > 1:
        raise UsageError("ambiguous-alert", name=name, ids=", ".join(rb.id for rb in by_alert))
    if path.exists():
        return parse_file(name)
    raise UsageError("unknown-runbook", name=name)
