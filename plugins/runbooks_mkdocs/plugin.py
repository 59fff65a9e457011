"""The MkDocs plugin: reports runbook problems with file:line as MkDocs warnings.

With ``mkdocs build --strict`` a warning fails the build, so a broken runbook cannot be
published. Rendering (header cards, step badges, alert pages) builds on this adapter.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin

from runner.errors import ParseError
from runner.model import Severity
from runner.parse import is_runbook_file, parse_file

log = logging.getLogger("mkdocs.plugins.runbooks")


class RunbooksConfig(Config):
    # Which problems become MkDocs warnings: "error" (default) or "warning" and worse.
    report = config_options.Choice(("error", "warning"), default="error")
    lang = config_options.Choice(("en", "nb", "nn"), default="en")


class RunbooksPlugin(BasePlugin[RunbooksConfig]):
    def on_page_markdown(self, markdown: str, /, *, page: Any, config: Any, files: Any) -> str:
        # MkDocs hands us the body without its front matter: parse the file itself, so
        # lines and metadata are exactly what `runner` sees.
        source = page.file.abs_src_path
        if not source or not is_runbook_file(source):
            return markdown
        try:
            runbook = parse_file(os.path.relpath(source))
        except ParseError as exc:
            log.warning(exc.render(self.config.lang))
            return markdown
        threshold = Severity.ERROR.rank if self.config.report == "error" else Severity.WARNING.rank
        for problem in runbook.problems:
            if problem.severity.rank <= threshold:
                log.warning("%s: %s", problem.location(), problem.message(self.config.lang))
        return markdown
