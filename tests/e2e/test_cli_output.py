"""keyplan check and keyplan accounts in a real terminal and through a pipe: colour only when
a person reads it, aligned columns, JSON always plain."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.e2e.conftest import KEYPLAN, ROOT, Launch, program_env, run_keyplan
from tests.e2e.terminal import Terminal, colour_of

WIDE = (240, 40)  # wide enough that no row of the demo wraps
KESTREL = "Kestrel Freight & Logistics"
GREEN = {"16:32", "16:92"}
RED = {"16:31", "16:91"}


def output(terminal: Terminal, *, escapes: bool = False) -> str:
    """What the command printed, once it has ended."""
    terminal.exit_status()
    text = terminal.screen(escapes=escapes, history=True)
    return text[: text.index("__EXIT=")].rstrip()


def test_check_on_a_terminal_colours_passes_green_and_failures_red(
    launch: Launch, demo_db: Path
) -> None:
    terminal = launch("check", "--db", str(demo_db), KESTREL, size=WIDE)

    assert terminal.exit_status() == 1  # T3 fails
    screen = output(terminal, escapes=True)
    assert colour_of(screen, "✓") in GREEN
    assert colour_of(screen, "✗") in RED
    assert "next fix: T3" in output(terminal)


def test_accounts_on_a_terminal_is_an_aligned_table_with_coloured_scores(
    launch: Launch, demo_db: Path
) -> None:
    terminal = launch("accounts", "--db", str(demo_db), size=WIDE)

    assert terminal.exit_status() == 0
    header, *rows = output(terminal).splitlines()
    assert len(rows) == 6
    for column in ("OWNER", "SCORE", "REVIEWED", "NEXT FIX"):
        start = header.index(column)
        for row in rows:
            # Each cell starts under its heading, two spaces after the cell before it.
            assert row[start - 2 : start] == "  " and row[start] != " ", (column, row)
    screen = output(terminal, escapes=True)
    assert colour_of(screen, "12/12") in GREEN
    assert colour_of(screen, "5/12 ⚠") in RED


@pytest.mark.parametrize(("command", "state"), [("check", "✗ T3"), ("accounts", "5/12 ⚠")])
def test_no_color_on_a_terminal_prints_plain_text(
    launch: Launch, demo_db: Path, command: str, state: str
) -> None:
    terminal = launch(command, "--db", str(demo_db), size=WIDE, NO_COLOR="1")

    assert "\x1b[" not in output(terminal, escapes=True)
    assert state in output(terminal)


def test_a_dumb_terminal_gets_plain_text(launch: Launch, demo_db: Path) -> None:
    terminal = launch("check", "--db", str(demo_db), KESTREL, size=WIDE, term="dumb")

    assert "\x1b[" not in output(terminal, escapes=True)
    assert "✗ T3" in output(terminal)


@pytest.mark.parametrize("command", ["check", "accounts"])
def test_piped_output_is_plain_text_even_from_a_terminal(demo_db: Path, command: str) -> None:
    keyplan = shlex.join([*KEYPLAN, command, "--db", str(demo_db)])
    with Terminal("pipe", WIDE, program_env("xterm-256color"), cwd=ROOT) as terminal:
        terminal.start(["sh", "-c", f"{keyplan} | cat"])

        assert "\x1b[" not in output(terminal, escapes=True)
        assert "T3" in output(terminal)


@pytest.mark.parametrize("command", ["check", "accounts"])
def test_piped_output_has_no_escape_codes(demo_db: Path, command: str) -> None:
    env = program_env("xterm-256color", COLORTERM="truecolor")
    done = run_keyplan(command, "--db", str(demo_db), env=env)

    assert "\x1b" not in done.stdout
    assert "T3" in done.stdout


@pytest.mark.parametrize("command", ["check", "accounts"])
def test_json_on_a_terminal_has_no_colour(launch: Launch, demo_db: Path, command: str) -> None:
    terminal = launch(command, "--json", "--db", str(demo_db), size=WIDE)

    assert "\x1b[" not in output(terminal, escapes=True)
    names = [account["name"] for account in json.loads(output(terminal))["accounts"]]
    assert KESTREL in names
