"""End-to-end fixtures: the real keyplan in a private tmux server, on a copy of the demo plans."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal

ROOT = Path(__file__).resolve().parents[2]
KEYPLAN = [sys.executable, "-m", "tui.cli"]
NO_TMUX = "tmux is not installed: apt-get install tmux to run the end-to-end tests"
READY = r"saved · 6 accounts"

Launch = Callable[..., Terminal]


@pytest.fixture(autouse=True)
def need_tmux() -> None:
    if shutil.which("tmux") is None:
        pytest.skip(NO_TMUX)


def program_env(term: str, **extra: str) -> dict[str, str]:
    """All a program in the terminal sees: the private HOME and XDG folders of the root
    conftest, a UTF-8 locale, TERM, and whatever the test adds (COLORTERM, NO_COLOR...)."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")}
    return {**env, "LANG": "C.UTF-8", "TERM": term, **extra}


def run_keyplan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`keyplan ARGS...` with no terminal at all: output captured, input from nowhere."""
    return subprocess.run(
        [*KEYPLAN, *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plans, written once by `keyplan demo --no-open` and copied for each test."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "plans.json"
    env = {"PATH": os.environ["PATH"], "HOME": str(folder), "LANG": "C.UTF-8"}
    done = run_keyplan("demo", "--db", str(db), "--no-open", env=env)
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    db = tmp_path / "plans.json"
    shutil.copyfile(demo_template, db)
    return db


@pytest.fixture
def launch() -> Iterator[Launch]:
    """Start `keyplan ARGS...` in a terminal of its own; every one is ended after the test.

    `launch(*args, term=..., size=(80, 24), **env)`; env names extra variables, e.g.
    COLORTERM="truecolor" or NO_COLOR="1".
    """
    with ExitStack() as stack:

        def start(
            *args: str, term: str = "xterm-256color", size: tuple[int, int] = (80, 24), **env: str
        ) -> Terminal:
            terminal = Terminal("keyplan", size, program_env(term, **env), cwd=ROOT)
            stack.enter_context(terminal)
            terminal.start([*KEYPLAN, *args])
            return terminal

        yield start
