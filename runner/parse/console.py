"""Console transcripts: which lines are commands and which are output.

    $ kubectl get pods                     a command (prompt "$ ")
    user@host:~$ df -h                     a command (user@host prompt)
    [root@db01 ~]# systemctl status x      a command (root prompt)
    # journalctl -u api                    a command (bare root prompt "# ")
    NAME   READY   STATUS                  output: not run
    $ helm upgrade x \\                     a command continued on the next line,
    >   --reuse-values                     with or without a "> " continuation prompt

REPL and database prompts (``>>>``, ``irb(main):001:0>``, ``db=#``, ``mysql>``) are
not shell, so their lines are never run.
"""

from __future__ import annotations

import re

_PROMPT = re.compile(
    r"""^(?:
        (?:\([\w.\-]+\)\s*)?[\w.\-]+@[\w.\-]+(?::[^\s$#]*)?\s?[$#]    # user@host:~$
      | \[[^\]\n]+\][$#]                                           # [user@host dir]$
      | [$#]                                                       # $ or #
    )[ \t](?P<cmd>.*)$""",
    re.VERBOSE,
)


def commands(body: str, first_line: int) -> list[tuple[str, tuple[int, ...]]]:
    """(command, file lines) for each command; ``first_line`` is the file line of body[0]."""
    out: list[tuple[str, tuple[int, ...]]] = []
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        match = _PROMPT.match(lines[i])
        if not match or not match["cmd"].strip():
            i += 1
            continue
        parts = [match["cmd"].rstrip()]
        numbers = [first_line + i]
        while parts[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            parts.append(re.sub(r"^\s*> ?", "", lines[i]).rstrip())
            numbers.append(first_line + i)
        out.append(("\n".join(parts), tuple(numbers)))
        i += 1
    return out
