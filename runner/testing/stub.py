"""The stub tool: put on PATH under a tool's name (kubectl, psql, curl...), it answers by
argument pattern with the output and exit code a test case gives, and logs every call.

Run as ``python stub.py SPEC_JSON CALLS_LOG TOOL ARGS...`` by a small shell wrapper.
"""

from __future__ import annotations

import fnmatch
import json
import sys


def main() -> int:
    spec_path, calls_path, tool, *args = sys.argv[1:]
    line = " ".join(args)
    with open(calls_path, "a", encoding="utf-8") as calls:
        calls.write(json.dumps({"tool": tool, "args": line}) + "\n")
    with open(spec_path, encoding="utf-8") as handle:
        answers = json.load(handle).get(tool, [])
    for answer in answers:
        if fnmatch.fnmatchcase(line, str(answer.get("args", "*"))):
            sys.stdout.write(str(answer.get("output", "")))
            if answer.get("output") and not str(answer["output"]).endswith("\n"):
                sys.stdout.write("\n")
            return int(answer.get("exit", 0))
    sys.stderr.write(f"stub {tool}: no answer for: {line}\n")
    return 127


if __name__ == "__main__":
    sys.exit(main())
