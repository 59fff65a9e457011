"""Text hygiene: decoding, line ends, invisible characters, mojibake repair."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.errors import ParseError
from runner.parse import parse_file
from runner.text import decode, repair_mojibake

RUNBOOK = (
    "---\ntitle: T\nlang: nb\n---\n# Sjekk køen\n\n```bash {#a}\necho æøå\n```\n\n"
    "## Neste\n\n```python\nprint(1)\n```\n"
)


def _shape(path: Path) -> list[tuple[int, str, str, int, str]]:
    rb = parse_file(path)
    return [(s.index, s.id, s.title, s.line, s.source) for s in rb.steps]


def test_invalid_utf8_names_file_line_and_byte_offset(tmp_path: Path) -> None:
    page = tmp_path / "latin1.md"
    page.write_bytes("# Title\n\nline two\nrødt lys\n".encode("latin-1"))
    with pytest.raises(ParseError) as info:
        parse_file(page)
    err = info.value
    assert err.path == str(page) and err.line == 4
    assert err.args_map["offset"] == 19 and err.args_map["byte"] == "0xf8"
    assert f"{page}:4: not valid UTF-8: byte 0xf8 at offset 19" == err.render("en")


def test_bom_and_crlf_give_the_same_model_as_plain_lf(tmp_path: Path) -> None:
    plain = tmp_path / "lf.md"
    plain.write_text(RUNBOOK, encoding="utf-8")
    crlf = tmp_path / "crlf.md"
    crlf.write_bytes(b"\xef\xbb\xbf" + RUNBOOK.replace("\n", "\r\n").encode("utf-8"))
    old_mac = tmp_path / "cr.md"
    old_mac.write_bytes(RUNBOOK.replace("\n", "\r").encode("utf-8"))
    assert _shape(plain) == _shape(crlf) == _shape(old_mac)
    assert _shape(plain)[0] == (1, "a", "Sjekk køen", 7, "echo æøå")
    assert parse_file(crlf).title == "T"


def test_nbsp_and_zero_width_do_not_break_info_strings_or_commands(tmp_path: Path) -> None:
    page = tmp_path / "pasted.md"
    page.write_text(
        "# Pasted\n\n```bash\u00a0{#x\u00a0timeout=5s}\nkubectl\u00a0get\u200b pods\n```\n",
        encoding="utf-8",
    )
    (step,) = parse_file(page).steps
    assert step.id == "x" and step.timeout_s == 5
    assert step.source == "kubectl get pods"


def test_decode_strips_bom_only_at_start() -> None:
    assert decode(b"\xef\xbb\xbfa\xef\xbb\xbfb", "x") == "a\ufeffb"


@pytest.mark.parametrize(
    ("garbled", "repaired"),
    [
        ("N√•r bruke", "Når bruke"),  # Mac Roman
        ("NÃ¥r bruke", "Når bruke"),  # Windows-1252 / Latin-1
        ("verkt√∏y og tilganger", "verktøy og tilganger"),
        ('echo "\uf8ffüîç Debugging"', 'echo "🔍 Debugging"'),  # a 4-byte emoji
        ("prosedyrer  ‚Ä¢  **Ikke", "prosedyrer  •  **Ikke"),
        ("Ã¦Ã¸Ã¥ ok", "æøå ok"),
        ("NÃƒÂ¥r", "Når"),  # garbled twice
    ],
)
def test_mojibake_is_repaired(garbled: str, repaired: str) -> None:
    assert repair_mojibake(garbled) == repaired


@pytest.mark.parametrize(
    "clean",
    [
        "Når bruke æøå ÆØÅ",
        "“quoted” — dash … ellipsis",
        "Grüße, café, naïve, señor",
        "§ 12 ¶ © ® ° ± µ",
        "Emoji stay: 🔍 ✔ ✘",
        "Documentation may quote `N√•r` on purpose",
        "plain ascii",
    ],
)
def test_correct_text_is_left_alone(clean: str) -> None:
    assert repair_mojibake(clean) is None
