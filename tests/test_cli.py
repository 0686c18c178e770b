"""The `keyplan` command line through its entry point: output, exit status, one-line errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from plan.demo import demo_accounts
from plan.model import Account, Mission, Objective, Strategy, Tactic
from store.repository import Repository
from tests.helpers import break_plan, load_db, write_db
from tui.cli import main

TODAY = date.today()


def clean_plan(name: str = "Clean") -> Account:
    due = TODAY + timedelta(days=300)
    tactic = Tactic("Run the QBR", owner="Dana", due=TODAY + timedelta(days=30))
    strategy = Strategy("Win the COO", why="She owns the budget", tactics=[tactic])
    objective = Objective(
        "Grow revenue", metric="revenue", target=1.0, due=due, strategies=[strategy]
    )
    return Account(name, reviewed=TODAY, mission=Mission("Be first", 3, objectives=[objective]))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(db_path: Path) -> Path:
    return write_db(db_path, demo_accounts(TODAY))


def test_check_exits_0_when_every_rule_passes(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_db(db_path, [clean_plan()])
    code, out, _ = run(capsys, "check", "--db", str(db_path))
    assert code == 0
    assert "Clean  12/12" in out


def test_check_exits_1_on_a_failing_rule_and_names_the_next_fix(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", "--db", str(demo_db), "harvest valley foods")
    assert code == 1
    assert "⚠ tactics ahead of strategy" in out
    assert "next fix: M2" in out


def test_check_strict_counts_warnings(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    account = clean_plan()
    account.reviewed = None
    write_db(db_path, [account])
    assert run(capsys, "check", "--db", str(db_path))[0] == 0
    assert run(capsys, "check", "--db", str(db_path), "--strict")[0] == 1


def test_check_json_has_the_documented_shape(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", "--db", str(demo_db), "--json")
    assert code == 1
    data = json.loads(out)
    assert len(data["accounts"]) == 6
    first = data["accounts"][0]
    assert set(first) >= {"name", "score", "results"}
    assert set(first["score"]) == {"passed", "total"}
    assert {r["status"] for a in data["accounts"] for r in a["results"]} <= {"pass", "fail", "warn"}
    assert set(first["results"][0]) >= {"rule", "status", "node", "message"}


def test_check_of_an_unknown_account_is_bad_input(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", "--db", str(demo_db), "Nobody Inc")
    assert code == 2
    assert out == ""
    assert err == 'keyplan: no account named "Nobody Inc"\n'


def test_accounts_lists_scores_and_hides_archived(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archived = clean_plan("Old Corp")
    archived.archived, archived.owner = True, "Olga Ruiz"
    write_db(db_path, [clean_plan(), archived])
    code, out, _ = run(capsys, "accounts", "--db", str(db_path))
    assert code == 0
    assert "Clean" in out and "12/12" in out
    assert "Old Corp" not in out
    _, out, _ = run(capsys, "accounts", "--db", str(db_path), "--all", "--json")
    names = [a["name"] for a in json.loads(out)["accounts"]]
    assert names == ["Clean", "Old Corp"]
    # The hint only where --all would show an account the filter keeps.
    _, out, _ = run(capsys, "accounts", "--db", str(db_path), "--owner", "nobody")
    assert out == "no accounts\n"
    _, out, _ = run(capsys, "accounts", "--db", str(db_path), "--owner", "olga")
    assert out == "no accounts (archived ones are hidden: --all shows them)\n"


def test_accounts_sort_and_filter(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "accounts", "--db", str(demo_db), "--sort", "score", "--json")
    scores = [a["score"]["passed"] for a in json.loads(out)["accounts"]]
    assert scores == sorted(scores)
    _, out, _ = run(capsys, "accounts", "--db", str(demo_db), "--owner", "dana lee", "--json")
    assert [a["owner"] for a in json.loads(out)["accounts"]] == ["Dana Lee"]
    # Part of a name, in any case, as review mode's owner: and segment: filters take it.
    _, out, _ = run(capsys, "accounts", "--db", str(demo_db), "--owner", "DANA", "--json")
    assert [a["owner"] for a in json.loads(out)["accounts"]] == ["Dana Lee"]
    _, out, _ = run(capsys, "accounts", "--db", str(demo_db), "--segment", "food", "--json")
    assert [a["segment"] for a in json.loads(out)["accounts"]] == ["Food & beverage"]
    # Nothing archived: no hint that archived accounts are hidden.
    _, out, _ = run(capsys, "accounts", "--db", str(demo_db), "--owner", "nobody")
    assert out == "no accounts\n"
    _, out, _ = run(capsys, "accounts", "--db", str(demo_db), "--json")
    stored = [account.name for account in load_db(demo_db).accounts]
    assert [a["name"] for a in json.loads(out)["accounts"]] == stored, "as the --help says"


def test_review_marks_an_account_reviewed_with_a_note(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(
        capsys, "review", "--db", str(demo_db), "Harvest Valley Foods", "--note", "Fix the mission"
    )
    assert code == 0
    account = load_db(demo_db).by_name("Harvest Valley Foods")
    assert account is not None and account.reviewed == TODAY
    assert account.review_notes[-1].text == "Fix the mission"


def test_a_write_to_a_database_open_elsewhere_is_refused(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = demo_db.read_bytes()
    with Repository(demo_db):
        code, _, err = run(capsys, "review", "--db", str(demo_db), "Brightline Software")
    assert code == 2
    assert "open in another keyplan, the only one that may write it: quit that one first" in err
    assert demo_db.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"", ""),
        (b'{"meta": {"1": {"app": "keyplan", "schema": 99}}}', "newer"),
        (b'{"something": "else"}', "not a keyplan database"),
    ],
)
def test_a_bad_database_is_one_line_and_exit_2_and_left_alone(
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    db_path.write_bytes(content)
    for argv in (["check"], ["accounts"], ["review", "X"], ["demo", "--no-open"]):
        code, _, err = run(capsys, *argv, "--db", str(db_path))
        assert code == 2
        assert err.startswith("keyplan: ") and err.count("\n") == 1, err
        assert message in err
        assert "Traceback" not in err
    assert db_path.read_bytes() == content


def test_the_app_does_not_start_on_a_bad_database(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path.write_bytes(b"[1, 2]")
    code, _, err = run(capsys, "--db", str(db_path))
    assert code == 2
    assert err.startswith("keyplan: ")


def test_a_bad_config_is_one_line_and_exit_2(demo_db: Path, private_home: Path, capsys) -> None:
    config = private_home / "config" / "keyplan" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[checklist]\nreview_interval_days = 'soon'\n")
    code, _, err = run(capsys, "check", "--db", str(demo_db))
    assert code == 2
    assert "review_interval_days" in err and err.count("\n") == 1


def test_a_key_binding_id_that_does_not_exist_is_named_before_the_app_opens(
    demo_db: Path, private_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A typo in [keys] left the key as it was, with no word why.
    config = private_home / "config" / "keyplan" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[keys]\n"edit.undo" = "z"\n"edit.nope" = "x"\n')
    code, _, err = run(capsys, "--db", str(demo_db))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f'keyplan: {config}: [keys] "edit.nope" is not a key binding of keyplan')
    assert "edit.undo" in err and "review.next" not in err  # the ids of its group
    config.write_text('[keys]\n"undo" = "z"\n')
    code, _, err = run(capsys, "--db", str(demo_db))
    assert code == 2 and "app.…" in err and "edit.…" in err  # no such group: the groups


def test_config_disables_rules_and_sets_the_review_interval(
    db_path: Path, private_home: Path, capsys
) -> None:
    account = clean_plan()
    account.reviewed = TODAY - timedelta(days=120)
    write_db(db_path, [account])
    assert run(capsys, "check", "--db", str(db_path), "--strict")[0] == 1
    config = private_home / "config" / "keyplan" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[checklist]\nreview_interval_days = 180\ndisabled = ['T4']\n")
    code, out, _ = run(capsys, "check", "--db", str(db_path), "--strict")
    assert code == 0
    assert "11/11" in out


def test_control_characters_never_reach_the_terminal(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account = clean_plan("Evil\x1b]0;pwned\x07 Corp")
    account.owner = "\x1b[2J"
    write_db(db_path, [account])
    _, out, _ = run(capsys, "accounts", "--db", str(db_path))
    _, out2, _ = run(capsys, "check", "--db", str(db_path))
    assert "\x1b" not in out + out2 and "\x07" not in out + out2


def test_demo_adds_the_demo_accounts_once(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "demo", "--db", str(db_path), "--no-open")[0] == 0
    code, out, _ = run(capsys, "demo", "--db", str(db_path), "--no-open")
    assert code == 0 and out == f"the demo accounts are in {db_path} already: nothing added\n"
    assert len(load_db(db_path).accounts) == 6


def test_the_database_defaults_to_keyplan_db_then_the_data_folder(
    demo_db: Path, private_home: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("KEYPLAN_DB", str(demo_db))
    _, out, _ = run(capsys, "accounts")
    assert "Harvest Valley Foods" in out
    monkeypatch.delenv("KEYPLAN_DB")
    code, _, err = run(capsys, "accounts")
    assert code == 2 and "keyplan/plans.json: no such database" in err
    assert str(private_home) in err


def test_the_console_script_runs_as_a_process(demo_db: Path) -> None:
    env = {**os.environ, "KEYPLAN_DB": str(demo_db)}
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "check", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert len(json.loads(done.stdout)["accounts"]) == 6
    version = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--version"], capture_output=True, text=True, check=False
    )
    assert version.stdout.startswith("keyplan ")


def test_a_command_run_as_a_process_writes_all_its_output_before_it_ends(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The process ends without Python's clean-up (tui.cli.run): the output must be flushed.
    _, expected, _ = run(capsys, "export", "--db", str(demo_db))
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", "--db", str(demo_db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout == expected and len(expected) > 10_000


def test_check_since_lists_the_nodes_changed_since_a_date_or_the_last_review(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", "--db", str(demo_db), "Brightline Software", "--since")
    assert code == 1
    assert ": 2\n" in out.split("changed since")[1]
    since = (TODAY - timedelta(days=1)).isoformat()
    _, out, _ = run(capsys, "check", "--db", str(demo_db), "--since", since, "--json")
    changed = {a["name"]: a["changed"] for a in json.loads(out)["accounts"]}
    assert changed["Harvest Valley Foods"] == []
    _, out, _ = run(capsys, "check", "--db", str(demo_db), "--since", "2000-01-01", "--json")
    changed = {a["name"]: a["changed"] for a in json.loads(out)["accounts"]}
    assert len(changed["Harvest Valley Foods"]) > 5


def test_check_since_a_bad_date_is_bad_input(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", "--db", str(demo_db), "--since", "2026-13-01")
    assert code == 2 and out == ""
    assert err == 'keyplan: bad date "2026-13-01" (want YYYY-MM-DD)\n'


def test_the_app_needs_a_real_terminal(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TERM", "dumb")
    code, _, err = run(capsys, "--db", str(demo_db))
    assert code == 2
    assert err == "keyplan: TERM=dumb cannot show the app; try keyplan check or keyplan accounts\n"
    monkeypatch.setenv("TERM", "xterm-256color")
    code, _, err = run(capsys, "demo", "--db", str(demo_db))  # pytest's stdin is no terminal
    assert code == 2
    assert "the app needs a terminal" in err


def test_piped_output_has_no_colour_and_a_terminal_gets_it(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    piped, terminal = io.StringIO(), Terminal()
    main(["check", "--db", str(demo_db)], out=piped)
    main(["check", "--db", str(demo_db)], out=terminal)
    assert "\x1b[" not in piped.getvalue()
    assert "\x1b[1;31m✗" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Terminal()
    main(["accounts", "--db", str(demo_db)], out=plain)
    assert "\x1b[" not in plain.getvalue()
    as_json = Terminal()
    main(["check", "--db", str(demo_db), "--json"], out=as_json)
    assert "\x1b[" not in as_json.getvalue()


@pytest.mark.parametrize("xdg", ["set", "unset", "blank"])
def test_the_data_and_config_folders_are_the_ones_platformdirs_names(
    xdg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    from tui.commands import config_path, default_db_path

    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        if xdg == "unset":
            monkeypatch.delenv(variable)
        elif xdg == "blank":
            monkeypatch.setenv(variable, "  ")
    assert config_path() == platformdirs.user_config_path("keyplan", appauthor=False) / (
        "config.toml"
    )
    assert default_db_path() == platformdirs.user_data_path("keyplan", appauthor=False) / (
        "plans.json"
    )


@pytest.mark.parametrize("command", [["check"], ["export"], ["accounts"]])
def test_a_broken_plan_in_the_file_is_one_line_and_status_2(
    demo_db: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    content = break_plan(demo_db, 3)
    code, _, err = run(capsys, *command, "--db", str(demo_db))
    assert code == 2
    assert err.startswith(f"keyplan: {demo_db}: account 3: its plan is not valid (missing 'text')")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert demo_db.read_bytes() == content


@pytest.mark.parametrize(
    "argv",
    [["check"], ["check", "--json"], ["accounts"], ["export"], ["export", "--agenda"]],
)
def test_a_reading_command_on_a_missing_database_is_an_error_not_an_empty_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    typo = tmp_path / "typo-plans.json"
    code, out, err = run(capsys, *argv, "--db", str(typo))
    assert code == 2 and out == ""
    assert (
        err == f"keyplan: {typo}: no such database (keyplan --db PATH starts one; "
        "keyplan demo --db PATH fills one with examples)\n"
    )
    assert not typo.exists()
