"""The MkDocs plugin: a thin adapter over ``runner.parse`` and ``runner.site``.

- every runbook page is rendered by ``runner.site`` (header card, step headers with the
  command that runs each step, clean fences, the decision flow);
- YAML runbooks, ``/alerts/<name>/``, the catalogue and the statistics page are generated
  in memory (``File.generated``);
- runbook problems are MkDocs warnings with file:line (errors under ``--strict``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from runner.model import Severity
from runner.site import assets
from runner.site.build import Site, collect, load_usage

log = logging.getLogger("mkdocs.plugins.runbooks")


class RunbooksConfig(Config):
    # Which runbook problems become MkDocs warnings: "error" (default) or also "warning".
    report = config_options.Choice(("error", "warning"), default="error")
    lang = config_options.Choice(("en", "nb", "nn"), default="en")
    # Telemetry for the usage figures; default RUNNER_STORE, then the default SQLite file.
    store = config_options.Optional(config_options.Type(str))
    usage_days = config_options.Type(int, default=30)
    # YAML runbooks, relative to mkdocs.yml.
    runbooks_dir = config_options.Type(str, default="runbooks")


class RunbooksPlugin(BasePlugin[RunbooksConfig]):
    site: Site | None = None

    def on_config(self, config: Any) -> Any:
        config.extra_css.append(assets.CSS_PATH)
        config.extra_javascript.append(assets.JS_PATH)
        if assets.mermaid_js() is not None:
            # Material draws ```mermaid fences, with our copy of Mermaid (never a CDN)
            config.extra_javascript.append(assets.MERMAID_PATH)
            fences = config.mdx_configs.setdefault("pymdownx.superfences", {})
            fences.setdefault("custom_fences", []).append(
                {"name": "mermaid", "class": "mermaid", "format": _fence_code_format()}
            )
        return config

    def on_files(self, files: Files, /, *, config: Any) -> Files:
        root = Path(config.config_file_path).parent
        sources = [f.src_uri for f in files.documentation_pages()]
        site = collect(
            root,
            Path(config.docs_dir),
            root / self.config.runbooks_dir,
            sources,
            lang=self.config.lang,
        )
        load_usage(
            site, self.config.store or os.environ.get("RUNNER_STORE"), self.config.usage_days
        )
        self.site = site
        threshold = Severity.ERROR.rank if self.config.report == "error" else Severity.WARNING.rank
        for error in site.errors:
            log.warning(error.render(self.config.lang))
        for problem in site.problems:
            if problem.severity.rank <= threshold:
                log.warning("%s: %s", problem.location(), problem.message(self.config.lang))
        generated: dict[str, str | bytes] = dict(site.generated())
        mermaid = assets.mermaid_js()
        if mermaid is not None:
            generated[assets.MERMAID_PATH] = mermaid.read_bytes()
        for src_uri, content in generated.items():
            if files.get_file_from_path(src_uri) is not None:
                log.info("runbooks: %s exists in docs; not generating it", src_uri)
                continue
            # generated pages (alert lists, YAML runbooks) are reached by link, not by the
            # navigation: keeps every page's navigation small on large sites
            inclusion = (
                InclusionLevel.NOT_IN_NAV
                if src_uri.startswith("alerts/")
                else (InclusionLevel.UNDEFINED)
            )
            files.append(File.generated(config, src_uri, content=content, inclusion=inclusion))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Any, config: Any, files: Any) -> str:
        if self.site is None:
            return markdown
        rendered = self.site.render(page.file.src_uri)
        return markdown if rendered is None else rendered


def _fence_code_format() -> Any:
    from pymdownx.superfences import fence_code_format

    return fence_code_format
