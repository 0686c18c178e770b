"""The `keyplan` command line: opens the app, or checks, lists, exports and reviews plans."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from plan.errors import KeyplanError
from tui.commands import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    SINCE_REVIEW,
    Context,
    cmd_accounts,
    cmd_app,
    cmd_check,
    cmd_demo,
    cmd_export,
    cmd_import,
    cmd_review,
    shown,
)

VERSION = "0.1.0"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keyplan",
        description="Write and review Key Account Development Plans: Mission, Objectives, "
        "Strategies, Tactics — strategy before tactics.",
    )
    parser.add_argument("--version", action="version", version=f"keyplan {VERSION}")
    db_help = "the database file (default: $KEYPLAN_DB, else plans.json in your data folder)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS, help=db_help)
    parser.add_argument("--db", type=Path, default=None, help=db_help)
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse")
    parser.set_defaults(run=cmd_app)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help="add the demo plans and open the app")
    demo.add_argument("--no-open", action="store_true", help="only add the demo plans")
    demo.add_argument("--no-mouse", action="store_true", help="do not capture the mouse")
    demo.set_defaults(run=cmd_demo)

    accounts = sub.add_parser("accounts", parents=[common], help="list accounts with their score")
    accounts.add_argument("--json", action="store_true", help="print JSON")
    accounts.add_argument("--all", action="store_true", help="include archived accounts")
    accounts.add_argument(
        "--sort",
        choices=("score", "reviewed", "name"),
        help="order of the list: worst score first, least recently reviewed first, or by name "
        "(default: as stored, the app's order)",
    )
    accounts.add_argument("--owner", help="only accounts whose owner contains this (any case)")
    accounts.add_argument("--segment", help="only accounts whose segment contains this (any case)")
    accounts.set_defaults(run=cmd_accounts)

    check = sub.add_parser(
        "check",
        parents=[common],
        help="run the checklist (exit 0 all pass, 1 any fail, 2 bad input)",
    )
    check.add_argument("names", nargs="*", metavar="NAME", help="accounts to check (default: all)")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument("--strict", action="store_true", help="warnings count as failures")
    check.add_argument(
        "--since",
        nargs="?",
        const=SINCE_REVIEW,
        metavar="YYYY-MM-DD",
        help="also list the nodes changed since that date (alone: since each last review)",
    )
    check.set_defaults(run=cmd_check)

    export = sub.add_parser(
        "export", parents=[common], help="the plans as Markdown, or the review-meeting agenda"
    )
    export.add_argument("names", nargs="*", metavar="NAME", help="accounts (default: all active)")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    export.add_argument("--no-checklist", action="store_true", help="leave out the checklist")
    export.add_argument(
        "--agenda", action="store_true", help="the review-meeting agenda, worst plan first"
    )
    export.set_defaults(run=cmd_export)

    importing = sub.add_parser(
        "import", parents=[common], help="read a Markdown plan file (all or nothing)"
    )
    importing.add_argument("file", metavar="FILE", help="the plan file, or - for standard input")
    clash = importing.add_mutually_exclusive_group()
    clash.add_argument("--replace", action="store_true", help="replace accounts of the same name")
    clash.add_argument("--rename", action="store_true", help='import a clash as "NAME (2)"')
    importing.set_defaults(run=cmd_import)

    review = sub.add_parser(
        "review", parents=[common], help="mark an account reviewed today, with a dated note"
    )
    review.add_argument("name", metavar="NAME", help="the account")
    review.add_argument("--note", default="", help="a one-line review note")
    review.set_defaults(run=cmd_review)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context(args, out or sys.stdout)
    collecting = gc.isenabled()
    if args.run not in (cmd_app, cmd_demo):
        # A command reads, prints and exits: the cyclic collector would only rescan the plans
        # it loaded, some 20 times (11 ms of `keyplan export`'s 150 at 200 accounts).
        gc.disable()
    try:
        return args.run(ctx)
    except KeyplanError as error:
        for line in str(error).splitlines() or ["error"]:
            print(f"keyplan: {shown(line)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `keyplan check | head`: the reader left; not an error worth a traceback.
        sys.stderr.close()
        return EXIT_OK
    finally:
        if collecting:
            gc.enable()


def run() -> None:
    """The `keyplan` command: `main`, then the end of the process.

    A command ends the process at once, once its output is flushed: Python would otherwise
    free every object of the plans it loaded, one by one (9 ms of `keyplan export`'s 110 at
    200 accounts), for nothing. The app, and anything else that imported Textual, exits the
    usual way, which restores the terminal.
    """
    code = main()
    if "textual" in sys.modules:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (`keyplan check | head`) or stream has nothing more to take.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
