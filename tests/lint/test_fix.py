"""`runner lint --fix` repairs garbled text and nothing else: BOM, CRLF and code stay."""

from __future__ import annotations

from pathlib import Path

from runner.lint.fix import fix_file
from tests.conftest import run_cli

GOOD = (
    '---\ntitle: Køen\nlang: nb\nowner: "@drift"\n---\n# Når køen vokser\n\n'
    'Sjekk verktøy og tilganger • før du starter.\n\n```bash\necho "🔍 søker"\n```\n'
    "Documentation may quote `N√•r` on purpose.\n"
)


def garble(text: str, encoding: str) -> str:
    """What an editor does when it reads UTF-8 as ``encoding`` and saves it again."""
    out = []
    for line in text.split("\n"):
        if "`N√•r`" in line:
            out.append(line)  # deliberately quoted mojibake stays as it is
        else:
            out.append(line.encode("utf-8").decode(encoding, errors="strict"))
    return "\n".join(out)


def test_fix_mac_roman_with_bom_and_crlf(tmp_path: Path) -> None:
    page = tmp_path / "kø.md"
    garbled = garble(GOOD, "mac_roman")
    assert "N√•r køen" not in garbled and "N√•r k√∏en" in garbled
    page.write_bytes(b"\xef\xbb\xbf" + garbled.replace("\n", "\r\n").encode("utf-8"))
    changed = fix_file(page)
    assert changed == [2, 6, 8, 11]
    data = page.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == GOOD.count("\n")
    assert data[3:].decode("utf-8").replace("\r\n", "\n") == GOOD


def test_fix_windows_1252(tmp_path: Path) -> None:
    page = tmp_path / "cp1252.md"
    # cp1252 cannot decode every UTF-8 byte (0x81, 0x8d, ...), so garble the text lines only
    lines = GOOD.split("\n")
    lines[5] = lines[5].encode("utf-8").decode("cp1252")
    lines[7] = lines[7].encode("utf-8").decode("cp1252")
    page.write_text("\n".join(lines), encoding="utf-8")
    assert "NÃ¥r" in page.read_text(encoding="utf-8")
    assert fix_file(page) == [6, 8]
    assert page.read_text(encoding="utf-8") == GOOD


def test_lint_reports_then_fix_makes_it_clean(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(garble(GOOD, "mac_roman"), encoding="utf-8")
    before = run_cli("lint", "--no-shellcheck", "--json", str(page))
    assert before.returncode == 1
    assert '"code": "mojibake"' in before.stdout
    assert "'N√•r' → 'Når'" in before.stdout
    fixed = run_cli("lint", "--no-shellcheck", "--fix", str(page))
    assert fixed.returncode == 0, fixed.stdout
    assert page.read_text(encoding="utf-8") == GOOD
