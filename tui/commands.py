"""The commands behind `keyplan`: what each one does, and the context they share."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from plan.config import Config, load_config
from plan.errors import KeyplanError, PlanFileError, UnknownAccountError
from plan.fields import clean_line, parse_date
from plan.model import Account, Portfolio
from plan.rules import Checklist, evaluate

if TYPE_CHECKING:
    from store.repository import Repository

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

MARKS = {"pass": "✓", "fail": "✗", "warn": "!"}
SINCE_REVIEW = "last-review"
ANSI = {"pass": "\x1b[32m", "fail": "\x1b[1;31m", "warn": "\x1b[1;33m", "bold": "\x1b[1m"}


def default_db_path() -> Path:
    """`$KEYPLAN_DB`, else plans.json in the user's data folder."""
    env = os.environ.get("KEYPLAN_DB")
    if env:
        return Path(env).expanduser()
    return _user_folder("XDG_DATA_HOME", "~/.local/share", "user_data_path") / "plans.json"


def config_path() -> Path:
    return _user_folder("XDG_CONFIG_HOME", "~/.config", "user_config_path") / "config.toml"


def _user_folder(variable: str, default: str, function: str) -> Path:
    """keyplan's folder of this kind, as platformdirs says. On Linux that is the XDG rule,
    followed here: every command looks for the config file, and importing platformdirs took
    a tenth of `keyplan check`'s time. (A test holds the two answers equal.)"""
    if sys.platform == "linux":
        base = os.environ.get(variable, "")
        return Path(base if base.strip() else os.path.expanduser(default)) / "keyplan"
    import platformdirs

    folder: Path = getattr(platformdirs, function)("keyplan", appauthor=False)
    return folder


def shown(text: str) -> str:
    """User text made safe for a terminal: no control characters, one line."""
    return clean_line(text)


class Context:
    """What every command needs: the arguments, the config, today, and the database."""

    def __init__(self, args: argparse.Namespace, out: TextIO) -> None:
        self.args = args
        self.out = out
        self.today = date.today()
        self.db_path: Path = args.db or default_db_path()
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(config_path())
        return self._config

    def open(self, *, write: bool) -> Repository:
        from store.repository import Repository

        if write:
            return Repository.for_writing(self.db_path)
        return Repository(self.db_path, write=False)

    def load(self) -> Portfolio:
        """The portfolio, for a command that reads only: a missing file is an error here, not
        an empty portfolio (a mistyped --db would pass every check)."""
        if not self.db_path.exists():
            raise PlanFileError(
                f"{self.db_path}: no such database (keyplan --db PATH starts one; "
                "keyplan demo --db PATH fills one with examples)"
            )
        with self.open(write=False) as repo:
            return repo.load()

    def evaluate(self, account: Account) -> Checklist:
        return evaluate(account, self.today, self.config.checklist)

    @property
    def colour(self) -> bool:
        """Colour only for a terminal, and never with NO_COLOR, TERM=dumb or --json."""
        return (
            self.out.isatty()
            and "NO_COLOR" not in os.environ
            and os.environ.get("TERM", "") != "dumb"
            and not getattr(self.args, "json", False)
        )

    def paint(self, text: str, style: str) -> str:
        if not self.colour:
            return text
        return f"{ANSI[style]}{text}\x1b[0m"

    def print(self, line: str = "") -> None:
        print(line, file=self.out)


def select_accounts(
    portfolio: Portfolio, names: Sequence[str], *, all_: bool = False
) -> list[Account]:
    """The named accounts (case-insensitively), or every one that is not archived."""
    if not names:
        return list(portfolio.accounts) if all_ else portfolio.active()
    chosen = []
    for name in names:
        account = portfolio.by_name(name)
        if account is None:
            raise UnknownAccountError(f'no account named "{shown(name)}"')
        chosen.append(account)
    return chosen


def table(
    rows: list[list[str]], out: Callable[[str], None], paint: Callable[[int, str], str]
) -> None:
    """Print rows as aligned columns (by terminal cells, so wide characters line up); the
    last column is not padded. `paint(column, padded_cell)` may colour a cell."""
    from rich.cells import cell_len

    if not rows:
        return
    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [
            paint(i, cell + " " * (width - cell_len(cell)))
            for i, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        out("  ".join([*cells, row[-1]]).rstrip())


# --- Commands ----------------------------------------------------------------------------


def require_terminal() -> None:
    """The app needs a real terminal; say so (and what works without one) instead of failing."""
    if os.environ.get("TERM", "") == "dumb":
        problem = "TERM=dumb cannot show the app"
    elif not (sys.stdin.isatty() and sys.stdout.isatty()):
        problem = "the app needs a terminal"
    else:
        return
    raise KeyplanError(f"{problem}; try keyplan check or keyplan accounts")


def cmd_app(ctx: Context) -> int:
    from tui.app import check_keys, make_app, run_app

    check_keys(ctx.config, str(config_path()))
    # Open the database first: a bad file is the problem to report, terminal or not.
    app = make_app(ctx.db_path, config=ctx.config)
    try:
        require_terminal()
    except KeyplanError:
        app.repository.close()
        raise
    return run_app(app, mouse=not ctx.args.no_mouse)


def cmd_demo(ctx: Context) -> int:
    from plan.demo import demo_accounts
    from plan.edits import AddAccount
    from plan.history import History

    if not ctx.args.no_open:
        require_terminal()
    with ctx.open(write=True) as repo:
        portfolio = repo.load()
        history = History(portfolio)
        added = []
        for account in demo_accounts(ctx.today):
            if portfolio.by_name(account.name) is None:
                history.do(AddAccount(account.id, account=account, index=len(portfolio.accounts)))
                added.append(account.id)
        if added:
            repo.save(portfolio, changed=added)
    if ctx.args.no_open:
        if added:
            ctx.print(f"{len(added)} demo accounts added to {ctx.db_path}")
        else:
            ctx.print(f"the demo accounts are in {ctx.db_path} already: nothing added")
        return EXIT_OK
    return cmd_app(ctx)


def account_summary(ctx: Context, account: Account) -> dict[str, Any]:
    checklist = ctx.evaluate(account)
    return {
        "name": account.name,
        "owner": account.owner,
        "segment": account.segment,
        "archived": account.archived,
        "reviewed": account.reviewed.isoformat() if account.reviewed else None,
        "score": {"passed": checklist.passed, "total": checklist.total},
        "next_fix": checklist.next_fix.rule if checklist.next_fix else None,
        "next_fix_message": checklist.next_fix.message if checklist.next_fix else None,
        "tactics_ahead": checklist.tactics_ahead,
    }


def cmd_accounts(ctx: Context) -> int:
    args = ctx.args
    portfolio = ctx.load()

    def wanted(account: Account) -> bool:
        # Part of the name, in any case, as review mode's owner: and segment: filters take it.
        return (args.owner or "").casefold() in account.owner.casefold() and (
            args.segment or ""
        ).casefold() in account.segment.casefold()

    accounts = [a for a in select_accounts(portfolio, [], all_=args.all) if wanted(a)]
    summaries = [account_summary(ctx, a) for a in accounts]
    if args.sort == "score":
        summaries.sort(
            key=lambda s: (s["score"]["passed"] / max(s["score"]["total"], 1), s["reviewed"] or "")
        )
    elif args.sort == "reviewed":
        summaries.sort(key=lambda s: s["reviewed"] or "")
    elif args.sort == "name":
        summaries.sort(key=lambda s: s["name"].casefold())
    if args.json:
        ctx.print(json.dumps({"accounts": summaries}, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not summaries:
        hidden = not args.all and any(a.archived and wanted(a) for a in portfolio.accounts)
        note = " (archived ones are hidden: --all shows them)" if hidden else ""
        ctx.print(f"no accounts{note}")
        return EXIT_OK
    rows = [["ACCOUNT", "OWNER", "SCORE", "REVIEWED", "NEXT FIX"]]
    for s in summaries:
        score = f"{s['score']['passed']}/{s['score']['total']}"
        flag = " ⚠" if s["tactics_ahead"] else ""
        name = shown(s["name"]) + (" (archived)" if s["archived"] else "")
        fix = f"{s['next_fix']} {shown(s['next_fix_message'])}" if s["next_fix"] else "—"
        rows.append([name, shown(s["owner"]) or "—", score + flag, s["reviewed"] or "never", fix])

    def paint(column: int, cell: str) -> str:
        if column != 2 or cell.startswith("SCORE"):
            return cell
        passed, total = cell.split()[0].split("/")
        return ctx.paint(cell, "pass" if passed == total else "fail")

    table(rows, ctx.print, paint)
    return EXIT_OK


def cmd_check(ctx: Context) -> int:
    args = ctx.args
    accounts = select_accounts(ctx.load(), args.names)
    failing = {"fail", "warn"} if args.strict else {"fail"}
    any_failed = False
    report = []
    since = parse_since(args.since)
    for account in accounts:
        checklist = ctx.evaluate(account)
        any_failed |= any(r.status in failing for r in checklist.results)
        report.append((account, checklist))
    if args.json:
        documents = []
        for account, checklist in report:
            document = check_json(account, checklist)
            if args.since is not None:
                from plan.review import changed_nodes  # only --since needs it: a lazy import

                document["changed"] = [
                    {"node": n.id, "kind": n.KIND, "title": n.title, "updated": n.updated}
                    for n in changed_nodes(account, since or account.reviewed)
                ]
            documents.append(document)
        ctx.print(json.dumps({"accounts": documents}, ensure_ascii=False, indent=2))
    else:
        for account, checklist in report:
            print_checklist(ctx, account, checklist)
            if args.since is not None:
                print_changes(ctx, account, since or account.reviewed)
    return EXIT_FAILED if any_failed else EXIT_OK


def parse_since(value: str | None) -> date | None:
    """`--since DATE`; `--since` alone means since each account's last review (None here)."""
    if value is None or value == SINCE_REVIEW:
        return None
    return parse_date(value)


def print_changes(ctx: Context, account: Account, since: date | None) -> None:
    if since is None:
        ctx.print("  changes: never reviewed, so the whole plan is new")
    else:
        from plan.review import changed_nodes

        nodes = changed_nodes(account, since)
        ctx.print(f"  changed since {since.isoformat()}: {len(nodes) or 'nothing'}")
        for node in nodes:
            ctx.print(f"    {node.KIND:<9} {shown(node.title)}  ({node.updated[:10]})")
    ctx.print()


def check_json(account: Account, checklist: Checklist) -> dict[str, Any]:
    return {
        "name": account.name,
        "score": {"passed": checklist.passed, "total": checklist.total},
        "tactics_ahead": checklist.tactics_ahead,
        "next_fix": checklist.next_fix.rule if checklist.next_fix else None,
        "results": [
            {
                "rule": r.rule,
                "status": r.status,
                "node": r.nodes[0] if r.nodes else None,
                "nodes": list(r.nodes),
                "message": r.message,
            }
            for r in checklist.results
        ],
    }


def print_checklist(ctx: Context, account: Account, checklist: Checklist) -> None:
    headline = f"{ctx.paint(shown(account.name), 'bold')}  {checklist.score}"
    if checklist.tactics_ahead:
        headline += "  " + ctx.paint("⚠ tactics ahead of strategy", "warn")
    ctx.print(headline)
    for result in checklist.results:
        mark = ctx.paint(MARKS[result.status], result.status)
        ctx.print(f"  {mark} {result.rule}  {shown(result.message)}")
    if checklist.next_fix:
        ctx.print(f"  next fix: {checklist.next_fix.rule} {shown(checklist.next_fix.message)}")
    ctx.print()


def cmd_export(ctx: Context) -> int:
    args = ctx.args
    accounts = select_accounts(ctx.load(), args.names)
    if args.agenda:
        from plan.agenda import export_agenda

        text = export_agenda(accounts, ctx.today, ctx.config.checklist)
    else:
        from plan.markdown_export import export_markdown

        text = export_markdown(
            accounts, ctx.today, checklist=not args.no_checklist, config=ctx.config.checklist
        )
    if args.output is None:
        ctx.out.write(text)
        return EXIT_OK
    from store.files import atomic_write_bytes

    try:
        atomic_write_bytes(args.output, text.encode(), mode=0o644)
    except OSError as error:
        raise KeyplanError(f"{args.output}: cannot write: {error.strerror}") from None
    return EXIT_OK


def read_plan_file(path: str) -> tuple[bytes, str]:
    """The bytes of a plan file (`-` for standard input) and the name errors should use."""
    if path == "-":
        return sys.stdin.buffer.read(), "stdin"
    try:
        return Path(path).read_bytes(), path
    except OSError as error:
        raise KeyplanError(f"{path}: cannot read: {error.strerror}") from None


def cmd_import(ctx: Context) -> int:
    from plan.edits import ReplaceAccounts
    from plan.history import History
    from plan.markdown import decode_plan, merge_import, parse_markdown

    args = ctx.args
    data, source = read_plan_file(args.file)
    # Parse before opening the database: a bad file is reported without touching it.
    imported = parse_markdown(decode_plan(data, source), source)
    mode = "replace" if args.replace else "rename" if args.rename else "refuse"
    with ctx.open(write=True) as repo:
        portfolio = repo.load()
        accounts = merge_import(portfolio.accounts, imported, mode)
        History(portfolio).do(ReplaceAccounts("", accounts=accounts))
        repo.save(portfolio, changed=[a.id for a in imported])
    # --rename gives an imported account a new name: find them by id, not by name or object.
    ids = {a.id for a in imported}
    names = ", ".join(shown(a.name) for a in accounts if a.id in ids)
    ctx.print(f"imported {len(imported)} account(s): {names}")
    return EXIT_OK


def cmd_review(ctx: Context) -> int:
    from plan.edits import mark_reviewed
    from plan.history import History

    with ctx.open(write=True) as repo:
        portfolio = repo.load()
        account = select_accounts(portfolio, [ctx.args.name])[0]
        History(portfolio).do(mark_reviewed(portfolio, account.id, ctx.today, ctx.args.note))
        repo.save(portfolio, changed=[account.id])
    ctx.print(f"{shown(account.name)}: reviewed {ctx.today.isoformat()}")
    return EXIT_OK


# --- The parser --------------------------------------------------------------------------
