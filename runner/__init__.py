"""Executable runbooks: Markdown and YAML runbooks you can read, search and run."""

from __future__ import annotations

__version__ = "0.1.0"
