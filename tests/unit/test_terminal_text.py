"""Terminal escape codes and bidi overrides in stored text are printed visibly, never obeyed."""

from __future__ import annotations

import pytest

from desktop_app.cli import run
from desktop_app.cli.terminal_text import visible

HOSTILE = "hi \x1b]0;pwned\x07 \x1b[31mred\x1b[0m \u202eabc \x9b2J"


def test_controls_become_visible_and_text_stays() -> None:
    shown = visible(HOSTILE + "\n\ttab")
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown and "\x9b" not in shown
    assert "␛]0;pwned␇" in shown and shown.endswith("\n\ttab") and "red" in shown


def test_a_note_with_escape_codes_is_printed_harmless(capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    assert run(["case", "add", "--db", db, "--platform", "pdd", "--order", "1", "--kind", "reship",
                "--receiver", "\x1b[2J王", "--note", HOSTILE]) == 0
    capsys.readouterr()
    for args in (["case", "show", "1"], ["case", "list"], ["case", "show", "1", "--json"]):
        assert run([*args, "--db", db]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\u202e" not in out, args
