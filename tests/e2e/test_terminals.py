"""The real app in real terminals: the TERMs people have over SSH, no colour, tiny windows, keys."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import pytest

from plan.model import Account
from store.repository import Repository
from tests.e2e.conftest import READY, Launch, program_env, run_keyplan
from tests.e2e.terminal import Terminal, colour_depth, colour_of, colours, is_grey, unreadable
from tui.app import make_app

PANES = ("Accounts", "Plan (M.O.S.T.)", "Checklist")
# How many colours each TERM promises when COLORTERM does not say more.
TERMS = {
    "xterm-256color": 256,
    "xterm": 16,
    "screen-256color": 256,
    "tmux-256color": 256,
    "screen": 16,
    "linux": 16,
    "vt100": 16,
}
FIRST_TACTIC = "Map who signs off capex at each plant"
NEW_TITLE = "Call the COO"
HELP = "keyplan: Key Account Development Plans"
# What a person who just typed Escape would call instant, on top of tmux's own escape-time.
ESCAPE_ALLOWANCE = 0.4


def load_account(db: Path, name: str = "Nordhavn Industrial Group") -> Account:
    with Repository(db, write=False) as repository:
        account = repository.load().by_name(name)
    assert account is not None
    return account


def tactic_titles(db: Path) -> list[str]:
    return [tactic.title for tactic, _, _ in load_account(db).tactics()]


def focused_pane(screen: str) -> str | None:
    """The pane whose border is drawn in a colour of its own, as the focused pane's is."""
    top = screen.splitlines()[0]
    border = {title: colour_of(top, title) for title in PANES}
    for title, colour in border.items():
        others = {c for t, c in border.items() if t != title}
        if len(others) == 1 and colour not in others:
            return title
    return None


def wait_focus(terminal: Terminal, title: str) -> None:
    terminal.wait_until(
        lambda screen: focused_pane(screen) == title, f"{title} is not focused", escapes=True
    )


def open_first_tactic(terminal: Terminal) -> None:
    """From a fresh start: open the first account's plan and put the cursor on its first tactic."""
    terminal.wait_for(READY)
    terminal.keys("Enter")
    wait_focus(terminal, "Plan (M.O.S.T.)")
    terminal.keys("j", "j", "j")
    terminal.wait_for("Tactic: Map who signs off")


def assert_looks_right(terminal: Terminal, colour_limit: int) -> None:
    """Boxes drawn, colours within what the terminal can show, no text in its background's
    colour."""
    terminal.wait_for(READY)
    screen = terminal.screen(escapes=True)
    assert "╭─ Accounts" in terminal.screen()
    assert unreadable(screen) == []
    used = colours(screen)
    assert used
    assert max(map(colour_depth, used)) <= colour_limit


@pytest.mark.parametrize("term", list(TERMS))
def test_edit_undo_redo_and_quit_work_in_each_terminal(
    launch: Launch, demo_db: Path, term: str
) -> None:
    terminal = launch("--db", str(demo_db), term=term)
    assert_looks_right(terminal, TERMS[term])

    open_first_tactic(terminal)
    terminal.keys("e")
    terminal.wait_for("Edit tactic")
    terminal.keys("C-u")
    terminal.wait_gone(FIRST_TACTIC)
    terminal.type(NEW_TITLE)
    terminal.wait_for(NEW_TITLE)
    terminal.keys("Enter")
    terminal.wait_for(f"T ☑ {NEW_TITLE}")
    terminal.keys("u")
    terminal.wait_for("T ☑ Map who sign")
    terminal.keys("C-r")
    terminal.wait_for(f"T ☑ {NEW_TITLE}")
    # No wait for "saved": quitting writes what the background save has not yet written.
    terminal.keys("q")

    assert terminal.exit_status() == 0
    assert tactic_titles(demo_db)[0] == NEW_TITLE


@pytest.mark.parametrize("term", list(TERMS))
def test_colorterm_truecolor_draws_readable_boxes_in_each_terminal(
    launch: Launch, demo_db: Path, term: str
) -> None:
    terminal = launch("--db", str(demo_db), term=term, COLORTERM="truecolor")
    assert_looks_right(terminal, 2**24)
    terminal.keys("q")
    assert terminal.exit_status() == 0


def test_without_colour_state_shows_as_marks_and_words(launch: Launch, demo_db: Path) -> None:
    terminal = launch("--db", str(demo_db), COLORTERM="truecolor", NO_COLOR="1")
    terminal.wait_for(READY)
    terminal.keys("j")
    terminal.wait_for(r"← +next\b")  # in the checklist; the footer says "Next fix"

    screen = terminal.screen()
    assert "✓ T2" in screen
    assert "✗ T3" in screen
    assert "⚠ Harvest" in screen
    assert all(is_grey(colour) for colour in colours(terminal.screen(escapes=True)))
    terminal.keys("f")
    terminal.wait_for("next fix: T3")
    terminal.wait_for("Tactic: Run a needs assessment")


def test_read_only_is_said_in_words_without_colour(launch: Launch, demo_db: Path) -> None:
    with Repository(demo_db, write=True):  # another keyplan holds the database
        terminal = launch("--db", str(demo_db), NO_COLOR="1")
        terminal.wait_for("read-only: open in another keyplan")
        terminal.keys("d")
        terminal.wait_for("read-only: plans.json")  # the notification
        terminal.keys("q")
        assert terminal.exit_status() == 0


def test_dumb_terminal_refuses_in_one_line_and_names_what_works(
    launch: Launch, demo_db: Path
) -> None:
    terminal = launch("--db", str(demo_db), term="dumb")

    assert terminal.exit_status() == 2
    lines = [line for line in terminal.screen().splitlines() if line.strip()]
    assert len(lines) == 2  # the message, then the exit status the helper prints
    assert lines[0].startswith("keyplan: TERM=dumb")
    assert "keyplan check" in lines[0]
    assert "keyplan accounts" in lines[0]


def test_demo_in_a_dumb_terminal_refuses_before_writing(launch: Launch, tmp_path: Path) -> None:
    db = tmp_path / "demo.json"
    terminal = launch("demo", "--db", str(db), term="dumb")

    assert terminal.exit_status() == 2
    assert "keyplan check" in terminal.screen()
    assert not db.exists()


def test_without_a_terminal_the_app_refuses_in_one_line(demo_db: Path) -> None:
    done = run_keyplan("--db", str(demo_db), env=program_env("xterm-256color"))

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "needs a terminal" in done.stderr
    assert "keyplan check" in done.stderr


def test_small_window_asks_to_be_larger_and_recovers_on_resize(
    launch: Launch, demo_db: Path
) -> None:
    terminal = launch("--db", str(demo_db), size=(40, 12))
    terminal.wait_for(r"Make the window\s+larger")
    assert "╭" not in terminal.screen()

    terminal.resize(100, 30)
    terminal.wait_for("╭─ Accounts")
    terminal.wait_for(READY)
    assert "Make the window" not in terminal.screen()

    terminal.resize(59, 16)
    terminal.wait_for(r"Make the window\s+larger")
    terminal.resize(60, 16)
    terminal.wait_for("╭─ Accounts")
    terminal.resize(60, 15)
    terminal.wait_for(r"Make the window\s+larger")
    terminal.keys("q")  # as the message says
    assert terminal.exit_status() == 0


# --- Escape inside tmux ------------------------------------------------------------------


def escape_delay(keys_to: Terminal, app: Terminal) -> float:
    """Seconds from sending Escape to the help being gone, less the same for "?", which closes
    it too, so the time tmux and this machine take to pass any key on is left out."""

    def close_with(key: str) -> float:
        keys_to.keys("?")
        app.wait_for(HELP)
        start = time.monotonic()
        keys_to.keys(key)
        app.wait_gone(HELP)
        return time.monotonic() - start

    escape = statistics.median(close_with("Escape") for _ in range(3))
    other = statistics.median(close_with("?") for _ in range(3))
    return escape - other


def test_escape_acts_promptly_inside_tmux(
    launch: Launch, demo_db: Path, record_property: pytest.RecordProperty
) -> None:
    app = launch("--db", str(demo_db))
    app.wait_for(READY)
    direct = escape_delay(app, app)

    # A person's keys reach the app through a tmux client, which holds Escape for tmux's
    # escape-time to see whether a sequence follows: attach one, and type into it.
    client_env = program_env("xterm-256color")
    if "TMUX_TMPDIR" in os.environ:
        client_env["TMUX_TMPDIR"] = os.environ["TMUX_TMPDIR"]
    with Terminal("client", (80, 25), client_env) as client:
        client.start(["tmux", "-L", app.socket, "-f", "/dev/null", "attach", "-t", app.name])
        client.wait_for("Accounts")
        default_time = int(app.tmux("show-options", "-sv", "escape-time"))
        by_default = escape_delay(client, app)
        app.tmux("set-option", "-s", "escape-time", "10")
        short = escape_delay(client, app)

    timings = {"direct": direct, f"escape-time {default_time}": by_default, "escape-time 10": short}
    for name, seconds in timings.items():
        record_property(f"escape delay, {name} (ms)", round(seconds * 1000))
    print("escape delay:", {name: f"{seconds * 1000:.0f} ms" for name, seconds in timings.items()})
    assert direct < ESCAPE_ALLOWANCE
    assert by_default < default_time / 1000 + ESCAPE_ALLOWANCE
    assert short < 0.010 + ESCAPE_ALLOWANCE


# --- Every binding of the help, sent through tmux ----------------------------------------

EXERCISED = {
    "app.quit",
    "app.help",
    "edit.add_child",
    "edit.add_below",
    "edit.add_above",
    "edit.edit",
    "edit.toggle_done",
    "edit.delete",
    "edit.move_down",
    "edit.move_up",
    "edit.undo",
    "edit.redo",
    "account.new",
    "account.rename",
    "account.archive",
    "app.filter",
    "check.next_fix",
    "app.export",
    "app.review",
    "app.back",
    "fold.1",
    "fold.2",
    "fold.3",
    "fold.4",
    "review.next",
    "review.previous",
    "review.mark",
    "review.skip",
    "review.undo",
    "review.filter",
    "review.back",
    "review.leave",
    "review.quit",
}


def test_every_binding_of_the_help_has_an_end_to_end_check(demo_db: Path) -> None:
    app = make_app(demo_db)
    app.repository.close()
    assert {binding.id for binding in app.all_bindings()} <= EXERCISED


def test_shifted_letters_and_f1_work_through_tmux(launch: Launch, demo_db: Path) -> None:
    terminal = launch("--db", str(demo_db))
    terminal.wait_for(READY)

    terminal.keys("F1")
    terminal.wait_for(HELP)
    terminal.keys("F1")
    terminal.wait_gone(HELP)

    terminal.keys("G")  # the last account
    terminal.wait_for("Score 5/12")
    terminal.keys("g")
    terminal.wait_for("Score 12/12")

    open_first_tactic(terminal)
    terminal.keys("J")
    terminal.wait_for(r"T ◐ Run quarter.*\n.*T ☑ Map who sign")
    terminal.keys("K")
    terminal.wait_for(r"T ☑ Map who sign.*\n.*T ◐ Run quarter")

    terminal.keys("O")
    terminal.wait_for("New tactic above")
    terminal.keys("Escape")
    terminal.wait_gone("New tactic above")

    terminal.keys("D")
    terminal.wait_for(r'Delete tactic "Map who signs off capex at each plant"\?')
    terminal.keys("n")
    terminal.wait_gone("Delete tactic")

    terminal.keys("G")  # the last node of the plan
    terminal.wait_for("Tactic: Show the plant")

    terminal.keys("R")
    terminal.wait_for(r"0 of 6 reviewed")
    terminal.keys("R")
    terminal.wait_gone(r"0 of 6 reviewed")

    terminal.keys("X")
    terminal.wait_for("Export the plan of")
    terminal.keys("Escape")
    terminal.wait_gone("Export the plan of")

    # Last, as its notifications cover the details pane for a few seconds.
    terminal.keys("A")  # archive the account
    terminal.wait_for(r"· 5 accounts")
    terminal.keys("u")
    terminal.wait_for(r"· 6 accounts")

    terminal.keys("q")
    assert terminal.exit_status() == 0
    assert tactic_titles(demo_db)[0] == FIRST_TACTIC


def test_plain_letters_folds_and_moves_work_through_tmux(launch: Launch, demo_db: Path) -> None:
    terminal = launch("--db", str(demo_db))
    terminal.wait_for(READY)

    terminal.keys("/")
    terminal.wait_for("filter accounts and nodes")
    terminal.type("kestrel")
    terminal.wait_for("filter: kestrel")
    terminal.wait_gone("Nordhavn")
    terminal.keys("Escape")
    terminal.wait_for("Nordhavn")
    terminal.wait_gone("filter: kestrel")
    terminal.wait_for("Mission: Run the telematics")  # Kestrel's, the account filtered to

    terminal.keys("Enter")
    wait_focus(terminal, "Plan (M.O.S.T.)")
    terminal.keys("l")  # to the child
    terminal.wait_for("Objective: Grow annual revenue")
    terminal.keys("j")
    terminal.wait_for("Strategy: Cross-sell route")
    terminal.keys("Space")  # fold it
    terminal.wait_for("▶ S Cross-sell")
    terminal.keys("l")  # unfold it
    terminal.wait_for("▼ S Cross-sell")
    terminal.keys("l")
    terminal.wait_for("Tactic: Train the account")
    terminal.keys("o")
    terminal.wait_for("New tactic below")
    terminal.type("Ring the fleet manager")
    terminal.keys("Enter")
    terminal.wait_for(r"T ☑ Train the ac.*\n.*T (✗\S+ )?☐ Ring the")
    terminal.keys("h")  # to the parent
    terminal.wait_for("Strategy: Cross-sell route")
    terminal.keys("k")
    terminal.wait_for("Objective: Grow annual revenue")
    terminal.keys("g")
    terminal.wait_for("Mission: Run the telematics")

    terminal.keys("1")
    terminal.wait_gone("▼ O ")
    terminal.keys("2")
    terminal.wait_for("▶ O ")
    terminal.keys("3")
    terminal.wait_for("▶ S ")
    terminal.wait_gone("T ☐ ")
    terminal.keys("4")
    terminal.wait_for("T ☐ Build a demo")

    # Last, as the notifications they bring cover the details pane for a few seconds.
    terminal.keys("f")  # the next fix: the new tactic has no owner
    terminal.wait_for("Tactic: Ring the fleet manager")
    terminal.keys("d")
    terminal.wait_for("T ☑ Ring the flee")
    terminal.keys("u")
    terminal.wait_for("T ✗T2 ☐ Ring the")  # open again, and its failing rule back first
    terminal.keys("a")
    terminal.wait_for("a tactic has no children")

    terminal.keys("Tab")
    wait_focus(terminal, "Checklist")
    terminal.keys("BTab")
    wait_focus(terminal, "Plan (M.O.S.T.)")
    terminal.keys("BTab")
    wait_focus(terminal, "Accounts")

    terminal.keys("e")
    terminal.wait_for("Account: Kestrel")
    terminal.keys("Escape")
    terminal.wait_gone("Account: Kestrel")
    terminal.keys("r")
    terminal.wait_for("Rename the account")
    terminal.keys("Escape")
    terminal.wait_gone("Rename the account")
    terminal.keys("DC")  # the Delete key
    terminal.wait_for('Delete the account "Kestrel')
    terminal.keys("n")
    terminal.wait_gone("Delete the account")

    terminal.keys("n")
    terminal.wait_for("New account: its name")
    terminal.type("Zephyr Shipping")
    terminal.keys("Enter")
    terminal.wait_for(r"· 7 accounts")

    terminal.keys("C-p")
    terminal.wait_for("Search for commands")
    terminal.keys("Escape")
    terminal.wait_gone("Search for commands")

    terminal.keys("q")
    assert terminal.exit_status() == 0
    kestrel = load_account(demo_db, "Kestrel Freight & Logistics")
    assert [tactic.title for tactic, _, _ in kestrel.tactics()][1] == "Ring the fleet manager"
    assert load_account(demo_db, "Zephyr Shipping").mission.objectives == []


def test_review_mode_keys_work_through_tmux(launch: Launch, demo_db: Path) -> None:
    terminal = launch("--db", str(demo_db))
    terminal.wait_for(READY)

    terminal.keys("R")
    terminal.wait_for("0 of 6 reviewed · plan 1 of 6")
    terminal.keys("n")
    terminal.wait_for("plan 2 of 6")
    terminal.keys("p")
    terminal.wait_for("plan 1 of 6")
    terminal.keys("s")
    terminal.wait_for("plan 2 of 6")

    terminal.keys("m")
    terminal.wait_for("reviewed today. A note")
    terminal.type("Checked on the call")
    terminal.keys("Enter")
    terminal.wait_for("1 of 6 reviewed · plan 3 of 6")
    terminal.keys("u")
    terminal.wait_for("0 of 6 reviewed")

    terminal.keys("/")
    terminal.wait_for("filter the queue")
    terminal.type("owner:dana")
    terminal.wait_for("plan 1 of 1")
    terminal.keys("Enter")
    terminal.wait_for("Nordhavn Industrial Group   score")
    terminal.keys("Escape")  # clears the filter: the whole queue is back
    terminal.wait_for(r"plan \d of 6")
    terminal.keys("Escape")  # back to editing
    terminal.wait_for("╭─ Accounts")
    terminal.keys("R")
    terminal.wait_for(r"plan \d of 6")
    terminal.keys("/")
    terminal.type("owner:dana")
    terminal.wait_for("plan 1 of 1")
    terminal.keys("Enter")
    terminal.wait_for("Nordhavn Industrial Group   score")
    terminal.keys("R")  # back to editing at once, the filter kept
    terminal.wait_gone("plan 1 of 1")
    terminal.wait_for("╭─ Accounts")
    terminal.keys("R")  # and back to the same place in the queue
    terminal.wait_for("plan 1 of 1")

    terminal.keys("q")
    assert terminal.exit_status() == 0
    with Repository(demo_db, write=False) as repository:
        notes = [
            note.text for account in repository.load().accounts for note in account.review_notes
        ]
    assert "Checked on the call" not in notes  # marked, then undone


def test_keys_typed_ahead_over_a_laggy_link_are_not_lost(launch: Launch, demo_db: Path) -> None:
    terminal = launch("--db", str(demo_db))
    open_first_tactic(terminal)

    typed = ["Space" if char == " " else char for char in NEW_TITLE]
    terminal.keys("e", "C-u", *typed, "Enter")  # one send-keys: they arrive together

    terminal.wait_for(f"T ☑ {NEW_TITLE}", timeout=2)
