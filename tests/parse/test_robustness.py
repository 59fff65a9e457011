"""Whatever the input, the parser returns a model or raises our error with a location."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner.errors import RunnerError
from runner.model import Runbook
from runner.parse import parse_file, parse_text


def test_empty_file(tmp_path: Path) -> None:
    page = tmp_path / "empty.md"
    page.write_bytes(b"")
    rb = parse_file(page)
    assert rb.steps == () and rb.id == "empty" and rb.title == "Empty"
    assert [p.code for p in rb.problems] == ["missing-title"]


def test_empty_yaml_runbook_is_a_clear_error(tmp_path: Path) -> None:
    page = tmp_path / "empty.yml"
    page.write_text("", encoding="utf-8")
    try:
        parse_file(page)
    except RunnerError as exc:
        assert (
            exc.render("en") == f"{page}:1: a YAML runbook needs a mapping with 'name' and 'steps'"
        )
    else:
        raise AssertionError("an empty YAML runbook must not parse")


def test_no_front_matter_title_from_heading_id_from_path(tmp_path: Path) -> None:
    folder = tmp_path / "docs" / "team"
    folder.mkdir(parents=True)
    page = folder / "disk-full.md"
    page.write_text("Intro\n\n## Free space\n\n```sh\ndf -h\n```\n", encoding="utf-8")
    rb = parse_file(page)
    assert (rb.id, rb.title, rb.steps[0].id) == ("team/disk-full", "Free space", "free-space")


def test_unclosed_front_matter_is_reported_and_the_body_read(tmp_path: Path) -> None:
    page = tmp_path / "open.md"
    page.write_text(
        "---\ntitle: never closed\n# Heading\n\n```bash\necho hi\n```\n", encoding="utf-8"
    )
    rb = parse_file(page)
    assert [(p.line, p.code) for p in rb.problems] == [(1, "front-matter-unclosed")]
    assert len(rb.steps) == 1


def test_thematic_break_at_the_top_is_not_front_matter(tmp_path: Path) -> None:
    page = tmp_path / "rule.md"
    page.write_text("---\n\n# Heading\n\n```bash\necho hi\n```\n", encoding="utf-8")
    rb = parse_file(page)
    assert rb.problems == () or all(p.code != "front-matter-unclosed" for p in rb.problems)
    assert rb.title == "Heading"


def test_five_megabyte_file(tmp_path: Path) -> None:
    section = (
        "## Check service {n}\n\nSome prose about the service, with `inline code`.\n\n"
        '```bash\nkubectl get pods -n "$ENV" -l app=svc-{n}\n```\n\n'
    )
    body = "".join(section.format(n=i) for i in range(60_000))
    page = tmp_path / "huge.md"
    page.write_text(
        "---\ntitle: Huge\nparams:\n  ENV: {default: prod}\n---\n" + body, encoding="utf-8"
    )
    assert page.stat().st_size > 5_000_000
    started = time.perf_counter()
    rb = parse_file(page)
    elapsed = time.perf_counter() - started
    assert len(rb.steps) == 60_000
    assert rb.steps[-1].id == "check-service-59999"
    assert rb.steps[-1].line == 5 + 59_999 * 8 + 5  # 5 front-matter lines, 8 per section
    assert elapsed < 120  # generous: this guards against quadratic blow-ups, not speed


markdown_bits = st.sampled_from(
    [
        "# Title\n",
        "## Steps\n",
        "```bash\n",
        "```\n",
        "````\n",
        "~~~python\n",
        "```console\n",
        "$ ls\n",
        "# whoami\n",
        "```yaml\nsteps:\n  - name: x\n    commands: [ls]\n```\n",
        "!!! note\n",
        "    ```bash\n",
        '=== "Tab"\n',
        "> ```sh\n",
        "- item\n",
        "  ```bash\n",
        "{#id timeout=5s}\n",
        "```bash {#x on-failure=y next=z}\n",
        "<namespace>\n",
        "\u00a0\n",
        "\u200b",
        "æøå\n",
        "N√•r\n",
        "\r\n",
        "\n",
        "---\n",
        "+++\n",
        "text\n",
        "```{ .bash }\n",
        '```bash {"name": "j"}\n',
        "```bash {#dup}\n",
        "    indented\n",
        "\t\n",
    ]
)
front_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "{{ .Title }}",
            "[a, b",
            "{x: 1}",
            "- 1\n- 2",
            "!!python/name:x",
            "@team",
            "2026-13-45",
            "15m",
            "no",
            "~",
        ]
    ),
)
front_keys = st.sampled_from(
    [
        "title",
        "lang",
        "owner",
        "params",
        "escalation",
        "review_every",
        "last_reviewed",
        "alerts",
        "requires",
        "id",
        "x",
        "steps",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    front=st.lists(st.tuples(front_keys, front_values), max_size=6),
    body=st.lists(st.one_of(markdown_bits, st.text(max_size=20)), max_size=40),
    use_front=st.booleans(),
    suffix=st.sampled_from([".md", ".yml"]),
)
def test_fuzz_parser_returns_model_or_located_error(
    front: list[tuple[str, str]], body: list[str], use_front: bool, suffix: str
) -> None:
    text = ""
    if use_front:
        text = "---\n" + "".join(f"{k}: {v}\n" for k, v in front) + "---\n"
    text += "".join(body)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as runner.text.decode does
    path = f"fuzz{suffix}"
    try:
        rb = parse_text(text, path)
    except RunnerError as exc:
        assert exc.path == path
        assert exc.line is not None and exc.line >= 1
        return
    assert isinstance(rb, Runbook)
    lines = text.count("\n") + 1
    for step in rb.steps:
        assert 1 <= step.line <= lines
        assert all(1 <= n <= lines for n in step.source_lines)
    for problem in rb.problems:
        assert problem.path == path
        assert problem.line is None or 1 <= problem.line <= max(lines, 1)
        problem.message("en")
        problem.message("nb")


yaml_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 10**6),
        st.floats(allow_nan=False),
        st.text(max_size=12),
        st.dates(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "level",
                    "contact",
                    "after",
                    "timeout",
                    "default",
                    "choices",
                    "secret",
                    "verb",
                    "resource",
                    "tools",
                    "access",
                    "context",
                    "alert",
                    "command",
                    "commands",
                    "condition",
                    "id",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)
header_keys = st.sampled_from(
    [
        "title",
        "name",
        "id",
        "lang",
        "owner",
        "alerts",
        "tags",
        "params",
        "requires",
        "escalation",
        "triggers",
        "last_reviewed",
        "review_every",
        "auto",
        "steps",
        "description",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    header=st.dictionaries(header_keys, yaml_values, max_size=6),
    steps=st.lists(
        st.dictionaries(
            st.sampled_from(
                ["name", "id", "commands", "condition", "timeout", "on-failure", "next", "confirm"]
            ),
            yaml_values,
            max_size=5,
        ),
        max_size=4,
    ),
)
def test_fuzz_metadata_of_any_shape(
    header: dict[str, object], steps: list[dict[str, object]]
) -> None:
    """Well-formed YAML with values of the wrong type: problems, never a crash."""
    import yaml

    for suffix, doc in ((".yml", {**header, "steps": steps}), (".md", header)):
        text = yaml.safe_dump(doc, allow_unicode=True)
        if suffix == ".md":
            text = f"---\n{text}---\n# T\n\n```bash\necho hi\n```\n"
        try:
            rb = parse_text(text, f"meta{suffix}")
        except RunnerError as exc:
            assert exc.line is not None
            continue
        for problem in rb.problems:
            assert problem.line is not None and problem.line >= 1
            problem.message("nb")
