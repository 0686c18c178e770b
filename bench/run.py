"""The benchmark of DESIGN.md's performance targets, each measured against a floor in the same run.

    python -m bench.run --size M [--json] [--repeat 9]

It reports; it does not gate. The exit status is 0 whatever the numbers, and 1 only when a
measurement could not be taken (the report then says which, and why).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import math
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if not __package__:
    # `python bench/run.py`, as the Makefile runs it, puts bench/ on the path, not the project.
    sys.path.insert(0, str(ROOT))

from bench.generate import SIZES, Size, write_database  # noqa: E402

SCREEN = (120, 40)
KEY_INTERVAL = 0.05
EDIT_ROUNDS_PER_REPEAT = 10
METRICS = ("startup_ratio", "edit_p95_ms", "save_ratio", "check_ratio", "export_ratio", "rss_mb")

# Runs in a fresh interpreter, for keyplan and for the floor alike. The autopilot starts once
# the app has mounted; `call_after_refresh` then fires when the screen has been painted. That
# moment is taken on the system-wide monotonic clock, so the parent can subtract the moment it
# started the process. Peak memory is read after the app has exited, so it covers the whole
# run; Linux's VmHWM rather than ru_maxrss, which keeps the forking parent's peak across exec.
STARTUP_DRIVER = """
import asyncio, json, resource, sys, time
kind, db, out = sys.argv[1:4]
if kind == "floor":
    from bench.floor_app import FloorApp
    app = FloorApp()
else:
    from pathlib import Path
    from tui.app import make_app
    app = make_app(Path(db))
shown_ns = 0

async def first_screen(pilot):
    global shown_ns
    painted = asyncio.Event()
    pilot.app.call_after_refresh(painted.set)
    await painted.wait()
    shown_ns = time.monotonic_ns()
    pilot.app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=first_screen)
try:
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(out, "w") as file:
    json.dump({"shown_ns": shown_ns, "peak_kb": peak_kb}, file)
"""

CLI = "from tui.cli import run; run()"  # what the `keyplan` script runs
JSON_LOAD = "import json, sys; json.load(open(sys.argv[1]))"


class BenchError(Exception):
    """A measurement could not be taken: a process failed, or the app raised."""


@dataclass(frozen=True, slots=True)
class Target:
    """A row of DESIGN.md's table: the reported number must not exceed `limit`."""

    key: str
    limit: float
    unit: str

    def shown(self, value: float, digits: str = ".2f") -> str:
        return f"{value:{digits}}×" if self.unit == "×" else f"{value:{digits}} {self.unit}"


def targets(size: Size) -> list[Target]:
    """The targets at this size; S is held to M's, the smallest size DESIGN.md names."""
    return [
        Target("startup_ratio", 2.0 if size.name == "L" else 1.3, "×"),
        Target("edit_p95_ms", 16.0, "ms"),
        Target("save_ratio", 1.5, "×"),
        Target("check_ratio", 3.0, "×"),
        Target("export_ratio", 3.0, "×"),
        Target("rss_mb", 250.0, "MB"),
    ]


def p95(samples: Sequence[float]) -> float:
    """The nearest-rank 95th percentile: always one of the samples, never an interpolation."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def ratio(runs: dict[str, list[float]]) -> float:
    """keyplan's median over the floor's median."""
    return statistics.median(runs["keyplan"]) / statistics.median(runs["floor"])


def run_python(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """This Python on `args`, from the project's folder: no input, output dropped, errors kept."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )


# --- Start-up and memory: a process from its start to the first full screen -----------------


def first_screen(kind: str, db: Path, out: Path) -> tuple[float, float]:
    """(seconds from process start to the first full screen, peak resident MB) of one run."""
    started = time.monotonic_ns()
    result = run_python(["-c", STARTUP_DRIVER, kind, str(db), str(out)])
    if result.returncode != 0 or not out.exists():
        raise BenchError(f"the {kind} start-up driver failed:\n{result.stderr.strip()}")
    report = json.loads(out.read_text())
    out.unlink()
    return (report["shown_ns"] - started) / 1e9, report["peak_kb"] / 1024


def measure_startup(db: Path, work: Path, repeat: int) -> dict[str, dict[str, list[float]]]:
    """Keyplan and the floor app alternately, after one unmeasured run of each warms the caches."""
    out = work / "first-screen.json"
    seconds: dict[str, list[float]] = {"keyplan": [], "floor": []}
    peak: dict[str, list[float]] = {"keyplan": [], "floor": []}
    for kind in ("floor", "keyplan"):
        first_screen(kind, db, out)
    for _ in range(repeat):
        for kind in ("floor", "keyplan"):
            took, most = first_screen(kind, db, out)
            seconds[kind].append(took)
            peak[kind].append(most)
    return {"startup_s": seconds, "rss_mb": peak}


# --- Commands: `keyplan check` and `keyplan export` against json.load ------------------------


def process_seconds(args: Sequence[str], ok: Collection[int] = (0,)) -> float:
    """Seconds a Python process with these arguments takes, start to exit, output discarded."""
    started = time.perf_counter()
    result = run_python(args)
    elapsed = time.perf_counter() - started
    if result.returncode not in ok:
        raise BenchError(
            f"python {shlex.join(args)} exited {result.returncode}:\n{result.stderr.strip()}"
        )
    return elapsed


def keyplan_has(command: str) -> bool:
    """Whether the `keyplan` command line has this subcommand (export came after the bench)."""
    result = subprocess.run(
        [sys.executable, "-c", CLI, command, "--help"], cwd=ROOT, capture_output=True, check=False
    )
    return result.returncode == 0


def measure_command(name: str, db: Path, repeat: int) -> dict[str, list[float]]:
    """`keyplan NAME --db DB` and the json.load floor alternately, after one unmeasured run each.

    `check` exits 1 when a rule fails, as it does on any realistic database: that is a finding,
    not a failure.
    """
    if not keyplan_has(name):
        raise BenchError(f"keyplan has no {name} command")
    command = ["-c", CLI, name, "--db", str(db)]
    floor = ["-c", JSON_LOAD, str(db)]
    ok = (0, 1) if name == "check" else (0,)
    runs: dict[str, list[float]] = {"keyplan": [], "floor": []}
    process_seconds(floor)
    process_seconds(command, ok)
    for _ in range(repeat):
        runs["floor"].append(process_seconds(floor))
        runs["keyplan"].append(process_seconds(command, ok))
    return runs


# --- Save: Repository.save of everything against json.dumps + write + fsync ------------------


def dump_and_fsync(data: Any, folder: Path) -> float:
    """Seconds to serialise `data` with the standard library and make it durable in `folder`."""
    fd, name = tempfile.mkstemp(dir=folder, suffix=".floor")
    try:
        started = time.perf_counter()
        with open(fd, "wb") as file:
            file.write(json.dumps(data).encode())
            file.flush()
            os.fsync(file.fileno())
        return time.perf_counter() - started
    finally:
        os.unlink(name)


def measure_save(db: Path, work: Path, repeat: int) -> dict[str, list[float]]:
    """On a copy of the database, so the other measurements read the file as generated."""
    from store.repository import Repository

    copy = work / "save.json"
    shutil.copyfile(db, copy)
    data = json.loads(copy.read_bytes())
    runs: dict[str, list[float]] = {"keyplan": [], "floor": []}
    with Repository(copy) as repository:
        portfolio = repository.load()
        for _ in range(repeat):
            runs["floor"].append(dump_and_fsync(data, work))
            started = time.perf_counter()
            repository.save(portfolio)
            runs["keyplan"].append(time.perf_counter() - started)
    return runs


# --- Edits: from the keypress (or the edit call) to the tree and checklist on screen ----------


async def edit_samples(db: Path, work: Path, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per edit on a large account of the app, open in Textual's test harness.

    A sample runs from posting the key to the app (move: J, then K) or calling the app's edit
    path `run_edit` (title edit, add, delete; their dialogs are left out) to the last frame the
    app hands to the terminal before every widget on the screen has handled what was queued
    and the screen has been painted, twice over: the moment the screen shows the whole edit.
    That check starts once the edit's first frame is out, so its markers do not queue ahead of
    it. "idle" is the check alone, with no edit (so no frame): what the waiting costs, a gauge
    of the machine's speed. Pilot's press and pause are not used: each sleeps
    20 ms or more, waiting for the process to look idle.
    """
    from textual import events

    from plan.edits import AddNode, Edit, add_child, delete_node, edit_fields
    from tui.app import make_app

    copy = work / "edit.json"
    shutil.copyfile(db, copy)
    app = make_app(copy)
    samples: dict[str, list[float]] = {k: [] for k in ("idle", "title", "add", "delete", "move")}

    async def handled_and_painted() -> None:
        pumps = [app, *app.screen.walk_children(with_self=True)]
        handled = [asyncio.Event() for _ in pumps]
        for pump, event in zip(pumps, handled, strict=True):
            if not pump.call_later(event.set):
                event.set()
        for event in handled:
            await event.wait()
        painted = asyncio.Event()
        app.call_after_refresh(painted.set)
        await painted.wait()

    async def settled() -> None:
        # Twice: what a widget posts while it handles the edit (the tree's new highlight, a key
        # passed on to the screen's binding) lands behind the first markers, and before these.
        await handled_and_painted()
        await handled_and_painted()

    frames: list[float] = []
    framed = asyncio.Event()
    display = app._display

    def displayed(screen: Any, update: Any) -> None:
        if update is not None:  # a frame: the moment it goes to the terminal
            frames.append(time.perf_counter())
            framed.set()
        display(screen, update)

    app._display = displayed  # type: ignore[method-assign]

    async def timed(kind: str, action: Callable[[], object]) -> object:
        # Keys this far apart, as from a fast typist: Textual's 60 fps screen timer is then idle
        # and paints at once, rather than at the next frame of a burst.
        await asyncio.sleep(KEY_INTERVAL)
        frames.clear()
        framed.clear()
        started = time.perf_counter()
        result = action()
        if kind != "idle":
            # Markers queued at once would run before the screen's timer paints the edit, and
            # put the harness's own 2-4 ms into every sample.
            try:
                await asyncio.wait_for(framed.wait(), timeout=5)
            except TimeoutError:
                raise BenchError(f"the {kind} edit drew no frame in 5 s") from None
        await settled()
        shown = time.perf_counter() if kind == "idle" else frames[-1]
        samples[kind].append((shown - started) * 1000)
        return result

    def press(key: str) -> Callable[[], None]:
        return lambda: app.post_message(events.Key(key, key))

    def through_app(build: Callable[[], Edit]) -> Callable[[], Edit | None]:
        return lambda: app.run_edit(build)

    async with app.run_test(size=SCREEN):
        active = app.portfolio.active()
        largest = max(account.node_count() for account in active)
        # The middle one of the largest accounts: neither end of the list is a best case.
        candidates = [a for a in active if a.node_count() == largest]
        account = candidates[len(candidates) // 2]
        strategy = max(
            (s for o in account.mission.objectives for s in o.strategies),
            key=lambda s: len(s.tactics),
        )
        tactic = strategy.tactics[len(strategy.tactics) // 2]
        app.editor.open_node(account.id, tactic.id)
        await settled()
        for round_ in range(rounds):
            title = f"Call the CFO about the renewal, take {round_}"
            await timed("idle", lambda: None)
            edit = partial(edit_fields, app.portfolio, account.id, tactic.id, {"title": title})
            await timed("title", through_app(edit))
            if tactic.title != title:
                raise BenchError("the app did not apply the title edit")
            added = await timed("add", through_app(partial(add_child, account, strategy.id, title)))
            if not isinstance(added, AddNode) or added.node is None:
                raise BenchError(f"the app refused to add a tactic: {added!r}")
            await timed("delete", through_app(partial(delete_node, account, added.node.id)))
            app.editor.open_node(account.id, tactic.id)
            await settled()
            place = strategy.tactics.index(tactic)
            await timed("move", press("J"))
            if strategy.tactics.index(tactic) != place + 1:
                raise BenchError("J did not move the tactic down: the bench measured nothing")
            await timed("move", press("K"))
        # Nothing of this run is kept: a save that fired now would only race the exit.
        app.workspace.take_dirty()
    return samples


# --- The report ----------------------------------------------------------------------------


def attempt(errors: dict[str, str], name: str, measure: Callable[[], Any]) -> Any:
    """The measurement's result; None, with the reason kept in `errors`, if it failed."""
    try:
        return measure()
    except BenchError as error:
        errors[name] = str(error)
    except Exception:  # the app under test raised: report it, measure the rest
        errors[name] = traceback.format_exc().strip()
    return None


PACKAGES = ("plan", "store", "widgets", "tui", "bench")


def compile_bytecode() -> None:
    """Compile keyplan's modules, as installing a package does (pip compiles its bytecode).

    Run from a checkout with PYTHONDONTWRITEBYTECODE set, as CI and this machine do, every
    process would otherwise compile each module again (15-20 ms for keyplan), while the
    floors' Textual came installed with its bytecode.
    """
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def run_benchmark(size: Size, repeat: int, work: Path, seed: int = 0) -> dict[str, Any]:
    """Generate the database into `work`, measure everything, return the --json object."""
    compile_bytecode()
    db = work / f"bench-{size.name}.json"
    started = time.perf_counter()
    portfolio = write_database(db, size, seed)
    database = {
        "accounts": len(portfolio.accounts),
        "nodes": sum(account.node_count() for account in portfolio.accounts),
        "bytes": db.stat().st_size,
        "seed": seed,
        "generate_s": time.perf_counter() - started,
    }
    # Not kept: the in-process measurements would pay for it in every garbage collection.
    del portfolio
    rounds = EDIT_ROUNDS_PER_REPEAT * repeat

    errors: dict[str, str] = {}
    startup = attempt(errors, "startup", lambda: measure_startup(db, work, repeat))
    edits = attempt(errors, "edit", lambda: asyncio.run(edit_samples(db, work, rounds)))
    save = attempt(errors, "save", lambda: measure_save(db, work, repeat))
    check = attempt(errors, "check", lambda: measure_command("check", db, repeat))
    export = attempt(errors, "export", lambda: measure_command("export", db, repeat))

    edit_all = [ms for kind, runs in (edits or {}).items() if kind != "idle" for ms in runs]
    return {
        "size": size.name,
        "startup_ratio": ratio(startup["startup_s"]) if startup else None,
        "edit_p95_ms": p95(edit_all) if edit_all else None,
        "save_ratio": ratio(save) if save else None,
        "check_ratio": ratio(check) if check else None,
        "export_ratio": ratio(export) if export else None,
        "rss_mb": max(startup["rss_mb"]["keyplan"]) if startup else None,
        "raw": {
            "database": database,
            "repeat": repeat,
            "startup_s": startup and startup["startup_s"],
            "rss_mb": startup and startup["rss_mb"],
            "edit_ms": edits,
            "edit_p95_ms_by_kind": edits and {kind: p95(runs) for kind, runs in edits.items()},
            "save_s": save,
            "check_s": check,
            "export_s": export,
            "errors": errors,
        },
    }


def _median_ms(seconds: Sequence[float]) -> str:
    return f"{statistics.median(seconds) * 1000:,.0f} ms"


def _sides(raw: dict[str, Any], key: str) -> tuple[str, str]:
    """What keyplan measured and what its floor measured, for the metric's row."""
    if key == "edit_p95_ms":
        edits = raw["edit_ms"]
        measured = [ms for kind, runs in edits.items() if kind != "idle" for ms in runs]
        return (
            f"median {statistics.median(measured):.1f} ms",
            f"idle {statistics.median(edits['idle']):.1f} ms",
        )
    if key == "rss_mb":
        return f"{max(raw['rss_mb']['keyplan']):.0f} MB", f"{max(raw['rss_mb']['floor']):.0f} MB"
    runs = raw[key.replace("_ratio", "_s")]
    return _median_ms(runs["keyplan"]), _median_ms(runs["floor"])


def table(report: dict[str, Any]) -> str:
    """The report as rows: keyplan's median, the floor's, the result, the target, the verdict."""
    raw = report["raw"]
    database = raw["database"]
    rows = [("measure", "keyplan", "floor", "result", "target", "")]
    for target in targets(SIZES[report["size"]]):
        value = report[target.key]
        if value is None:
            rows.append(
                (target.key, "—", "—", "not measured", f"≤ {target.shown(target.limit, 'g')}", "")
            )
            continue
        verdict = "pass" if value <= target.limit else "MISS"
        sides = _sides(raw, target.key)
        rows.append(
            (
                target.key,
                *sides,
                target.shown(value),
                f"≤ {target.shown(target.limit, 'g')}",
                verdict,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        f"keyplan benchmark, size {report['size']}: {database['accounts']} accounts, "
        f"{database['nodes']:,} nodes, {database['bytes'] / 1e6:.1f} MB; "
        f"medians of {raw['repeat']} runs",
        *("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows),
    ]
    if raw["edit_p95_ms_by_kind"]:
        kinds = ", ".join(f"{k} {v:.1f} ms" for k, v in raw["edit_p95_ms_by_kind"].items())
        lines.append(f"edit p95 by kind: {kinds}")
    for name, error in raw["errors"].items():
        lines.append(f"{name} not measured: {error}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description="Measure keyplan against DESIGN.md's targets."
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    # Nine: on this 2-core machine a burst of other load slowed three runs in a row now and
    # then, enough to move a median of five by 0.1x; a median of nine holds against it.
    parser.add_argument("--repeat", type=int, default=9, help="runs of each measurement")
    parser.add_argument("--seed", type=int, default=0, help="the generator's seed")
    parser.add_argument(
        "--dir", type=Path, help="an empty folder for the database and its working copies"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    size = SIZES[args.size]
    try:
        if args.dir is not None:
            args.dir.mkdir(parents=True, exist_ok=True)
            report = run_benchmark(size, args.repeat, args.dir, args.seed)
        else:
            with tempfile.TemporaryDirectory(prefix="keyplan-bench-") as work:
                report = run_benchmark(size, args.repeat, Path(work), args.seed)
    except FileExistsError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 1 if report["raw"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
