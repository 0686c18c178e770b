"""`keyplan export` and `keyplan import` through the entry point: round trip, errors, clashes."""

from __future__ import annotations

import io
import stat
from datetime import date
from pathlib import Path

import pytest

from plan.demo import demo_accounts
from store.repository import Repository
from tests.helpers import load_db, write_db
from tui.cli import main

TODAY = date.today()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    return write_db(tmp_path / "plans.json", demo_accounts(TODAY))


def test_export_then_import_reproduces_every_account(
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, exported, _ = run(capsys, "export", "--db", str(demo_db))
    assert code == 0 and exported.startswith("# Nordhavn Industrial Group\n")
    other = tmp_path / "other.json"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(exported.encode())))
    code, out, _ = run(capsys, "import", "--db", str(other), "-")
    assert code == 0 and out.startswith("imported 6 account(s)")
    assert load_db(other).accounts == load_db(demo_db).accounts
    assert run(capsys, "export", "--db", str(other))[1] == exported


def test_export_named_accounts_to_a_file_without_the_checklist(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "notes" / "brightline.md"
    target.parent.mkdir()
    code, out, _ = run(
        capsys,
        "export",
        "--db",
        str(demo_db),
        "brightline software",
        "--no-checklist",
        "-o",
        str(target),
    )
    assert code == 0 and out == ""
    text = target.read_text()
    assert text.startswith("# Brightline Software\n")
    assert "## Checklist" not in text and "# Nordhavn" not in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["brightline.md"], "no temp files left"


def test_export_of_an_unknown_account_or_to_a_bad_place_is_bad_input(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "export", "--db", str(demo_db), "Nobody")
    assert (code, out) == (2, "") and err == 'keyplan: no account named "Nobody"\n'
    code, _, err = run(capsys, "export", "--db", str(demo_db), "-o", str(tmp_path / "no" / "x.md"))
    assert code == 2 and err.startswith("keyplan: ") and "cannot write" in err


BAD_PLAN = """\
# ACME
Reviewed: 2026-02-30

## Mission (3 years)
Be their first call.

- [ ] A tactic with no strategy above it — @Dana

## Objective: Grow
Target: lots
Due: 2030-13-45
"""


def test_import_reports_every_error_with_its_line_and_changes_nothing(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(BAD_PLAN)
    before = demo_db.read_bytes()
    code, out, err = run(capsys, "import", "--db", str(demo_db), str(plan))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert all(line.startswith(f"keyplan: {plan}:") for line in lines), lines
    assert any(":2: " in line and "2026-02-30" in line for line in lines)
    assert any(":7: " in line and "strategy before tactics" in line for line in lines)
    assert any(":10: " in line and "lots" in line for line in lines)
    assert any(":11: " in line and "2030-13-45" in line for line in lines)
    assert demo_db.read_bytes() == before


def test_import_refuses_a_file_that_is_not_utf8_or_missing(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "latin1.md"
    plan.write_bytes("# Café Müller\n".encode("latin-1"))
    code, _, err = run(capsys, "import", "--db", str(demo_db), str(plan))
    assert code == 2 and "not UTF-8" in err
    code, _, err = run(capsys, "import", "--db", str(demo_db), str(tmp_path / "nope.md"))
    assert code == 2 and "cannot read" in err


def test_import_of_an_existing_name_needs_replace_or_rename(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "kestrel.md"
    plan.write_text("# Kestrel Freight & Logistics\nOwner: New Owner\n")
    before = demo_db.read_bytes()
    code, _, err = run(capsys, "import", "--db", str(demo_db), str(plan))
    assert code == 2 and "--replace" in err and "--rename" in err
    assert demo_db.read_bytes() == before
    code, out, _ = run(capsys, "import", "--db", str(demo_db), str(plan), "--rename")
    assert code == 0 and out == "imported 1 account(s): Kestrel Freight & Logistics (2)\n"
    names = [a.name for a in load_db(demo_db).accounts]
    assert (
        names.count("Kestrel Freight & Logistics") == 1
        and "Kestrel Freight & Logistics (2)" in names
    )
    assert run(capsys, "import", "--db", str(demo_db), str(plan), "--replace")[0] == 0
    kestrel = load_db(demo_db).by_name("Kestrel Freight & Logistics")
    assert kestrel is not None and kestrel.owner == "New Owner"
    assert [a.name for a in load_db(demo_db).accounts].index("Kestrel Freight & Logistics") == 1


def test_a_round_trip_with_replace_changes_no_node(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The review meeting's loop: export, edit by hand, import back. With nothing edited,
    # nothing may count as changed since the last review.
    def history() -> list[tuple[str, str, str]]:
        return [
            (item.id, item.created, item.updated)
            for account in load_db(demo_db).accounts
            for item in [account, *(node for node, _ in account.walk())]
        ]

    before = history()
    plan = tmp_path / "all.md"
    assert run(capsys, "export", "--db", str(demo_db), "-o", str(plan))[0] == 0
    assert run(capsys, "import", "--db", str(demo_db), str(plan), "--replace")[0] == 0
    assert history() == before
    plan.write_text(plan.read_text().replace("Map who signs", "Map who really signs"))
    assert run(capsys, "import", "--db", str(demo_db), str(plan), "--replace")[0] == 0
    changed = [old for old, new in zip(before, history(), strict=True) if old != new]
    assert len(changed) == 2  # the tactic, and its account
    assert [new[0] for new in history()] == [old[0] for old in before]  # every id kept


def test_import_into_a_database_open_in_the_app_is_refused(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "new.md"
    plan.write_text("# Initech\n")
    before = demo_db.read_bytes()
    with Repository(demo_db):
        code, _, err = run(capsys, "import", "--db", str(demo_db), str(plan))
    assert code == 2 and "open in another keyplan" in err
    assert demo_db.read_bytes() == before


def test_export_agenda_shows_the_review_notes_left_from_the_command_line(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = "Ask Tom for the [real] buyer list"
    assert (
        run(capsys, "review", "--db", str(demo_db), "Harvest Valley Foods", "--note", note)[0] == 0
    )
    target = tmp_path / "agenda.md"
    code, out, _ = run(capsys, "export", "--agenda", "--db", str(demo_db), "-o", str(target))
    assert code == 0 and out == ""
    agenda = target.read_text()
    assert agenda.startswith(f"# Account plan review — {TODAY.isoformat()}\n")
    assert "Ask Tom for the \\[real\\] buyer list" in agenda
    assert agenda.index("## St. Brigid") < agenda.index("## Nordhavn")
    code, out, _ = run(capsys, "export", "--agenda", "--db", str(demo_db), "Brightline Software")
    assert code == 0 and "## Brightline Software" in out and "## Nordhavn" not in out
    assert run(capsys, "export", "--agenda", "--db", str(demo_db), "Nobody")[0] == 2
