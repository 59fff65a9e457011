"""``runner site build|serve|generate``: the site through MkDocs and our plugin."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

from runner.discover import docs_dir, project_root


def _mkdocs(*args: str) -> int:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.call([sys.executable, "-m", "mkdocs", *args], cwd=project_root(), env=env)


@click.group("site")
def site_cmd() -> None:
    """Build, serve or generate the runbook site (MkDocs + Material + our plugin)."""


@site_cmd.command("build")
@click.option("--strict", is_flag=True, help="Fail on warnings (runbook problems included).")
@click.option("--site-dir", "-d", metavar="DIR", help="Where to write the site (default: site/).")
def build_cmd(*, strict: bool, site_dir: str | None) -> None:
    """Build the static site into site/."""
    args = ["build", "--clean"] + (["--strict"] if strict else [])
    args += ["--site-dir", site_dir] if site_dir else []
    sys.exit(_mkdocs(*args))


@site_cmd.command("serve")
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT")
def serve_cmd(*, dev_addr: str) -> None:
    """Serve the site with live reload."""
    sys.exit(_mkdocs("serve", "--dev-addr", dev_addr))


@site_cmd.command("generate")
@click.argument("out_dir", metavar="DIR", type=click.Path(path_type=Path))
@click.option(
    "--store", metavar="URL", envvar="RUNNER_STORE", help="Telemetry store for the usage figures."
)
def generate_cmd(out_dir: Path, *, store: str | None) -> None:
    """Write the fully rendered Markdown (generated pages included) to DIR, for a site
    generator that does not run MkDocs plugins (Zensical reads mkdocs.yml)."""
    from runner.site.build import collect, load_usage

    root = project_root()
    docs = docs_dir(root)
    sources = [p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()]
    site = collect(root, docs, root / "runbooks", sources)
    load_usage(site, store, 30)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    for src in sources:
        target = out_dir / src
        target.parent.mkdir(parents=True, exist_ok=True)
        rendered = site.render(src)
        if rendered is None:
            shutil.copyfile(docs / src, target)
        else:
            target.write_text(rendered, encoding="utf-8")
    for src, content in site.generated().items():
        target = out_dir / src
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    click.echo(
        f"{len(sources)} page(s) and {len(site.generated())} generated file(s) written to {out_dir}"
    )
