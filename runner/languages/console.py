"""console transcripts: the parser keeps only the prompt lines, which run as bash."""

from __future__ import annotations

from runner.languages.bash import Bash


class Console(Bash):
    name = "console"
