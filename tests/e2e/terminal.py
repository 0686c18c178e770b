"""A real terminal for end-to-end tests: a program in a private tmux server, keys, the screen."""

from __future__ import annotations

import re
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

POLL = 0.05
EXIT_MARK = re.compile(r"__EXIT=(\d+)__")


class Terminal:
    """One tmux session of its own server (`tmux -L kp-e2e-<uuid>`), killed on exit.

    The program runs with exactly `env`: nothing leaks in from tmux or the test process. Name
    TERM in it, or the program gets none (tmux would give it "screen" or "tmux-256color").
    The server reads no configuration: tmux's defaults, as on a machine with no ~/.tmux.conf.
    """

    def __init__(
        self,
        name: str,
        size: tuple[int, int] = (80, 24),
        env: Mapping[str, str] | None = None,
        *,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.size = size
        self.env = dict(env or {})
        self.cwd = cwd
        self.socket = f"kp-e2e-{uuid.uuid4().hex}"
        self.socket_path: Path | None = None
        self.started = False

    def tmux(self, *args: str) -> str:
        command = ["tmux", "-u", "-L", self.socket, "-f", "/dev/null"]
        done = subprocess.run(
            [*command, *args], capture_output=True, text=True, timeout=10, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def command_line(self, argv: Sequence[str]) -> str:
        """The shell line tmux runs: the program in a clean environment, then its exit status."""
        env = " ".join(shlex.quote(f"{key}={value}") for key, value in self.env.items())
        program = shlex.join(argv)
        cd = f"cd {shlex.quote(str(self.cwd))} && " if self.cwd else ""
        # The sleep keeps the pane (and the exit status on it) until the server is killed.
        return f"{cd}env -i {env} {program}; echo __EXIT=$?__; sleep 60"

    def start(self, argv: Sequence[str]) -> None:
        width, height = self.size
        self.tmux(
            "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
            self.command_line(argv),
        )  # fmt: skip
        self.started = True
        self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())

    def stop(self) -> None:
        """End the server and everything in it, and remove its socket, which tmux leaves."""
        if self.started:
            self.started = False
            subprocess.run(
                ["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False
            )
            if self.socket_path is not None:
                self.socket_path.unlink(missing_ok=True)

    def keys(self, *keys: str) -> None:
        """Send keys by tmux name: Enter, Escape, Tab, BTab, C-r, F1, J, ..."""
        self.tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        """Type text literally."""
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def screen(self, *, escapes: bool = False, history: bool = False) -> str:
        """The visible screen as text; with `escapes`, with its colours and attributes; with
        `history`, from the first line that scrolled off, with wrapped lines joined."""
        options = (["-e"] if escapes else []) + (["-J", "-S", "-"] if history else [])
        return self.tmux("capture-pane", "-p", "-t", self.name, *options)

    def wait_until(
        self,
        ready: Callable[[str], bool],
        what: str,
        timeout: float = 10.0,
        *,
        escapes: bool = False,
    ) -> str:
        """Poll the screen until `ready(screen)`, and return that screen; fail showing it."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen(escapes=escapes)
            if ready(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} after {timeout}s; the screen:\n{self.screen()}")
            time.sleep(POLL)

    def wait_for(self, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        """Poll the screen until `pattern` (a regex) matches it."""
        regex = re.compile(pattern)
        screen = self.wait_until(regex.search, f"{pattern!r} is not on the screen", timeout)
        found = regex.search(screen)
        assert found is not None
        return found

    def wait_gone(self, pattern: str, timeout: float = 10.0) -> None:
        """Poll the screen until `pattern` no longer matches it."""
        regex = re.compile(pattern)
        self.wait_until(
            lambda screen: not regex.search(screen), f"{pattern!r} is still on the screen", timeout
        )

    def exit_status(self, timeout: float = 10.0) -> int:
        """The program's exit status, once it has ended."""
        return int(self.wait_for(EXIT_MARK.pattern, timeout).group(1))

    def resize(self, width: int, height: int) -> None:
        self.size = (width, height)
        self.tmux("resize-window", "-t", self.name, "-x", str(width), "-y", str(height))


# --- Reading colours from `screen(escapes=True)` -----------------------------------------------

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Run:
    """Text drawn with one foreground and background: "16:91", "256:208", "rgb:0,0,0"..."""

    text: str
    fg: str
    bg: str


def _colour(params: list[int]) -> tuple[str, list[int]]:
    """The colour that SGR parameters after a 38 or 48 give, and the parameters left."""
    if params[:1] == [5] and len(params) >= 2:
        return f"256:{params[1]}", params[2:]
    if params[:1] == [2] and len(params) >= 4:
        return "rgb:" + ",".join(map(str, params[1:4])), params[4:]
    return DEFAULT, params[1:]


def runs(line: str) -> list[Run]:
    """A line of captured screen split where its colours change."""
    found: list[Run] = []
    fg = bg = DEFAULT
    position = 0
    for match in [*SGR.finditer(line), None]:
        end = match.start() if match else len(line)
        if end > position:
            found.append(Run(line[position:end], fg, bg))
        if match is None:
            break
        position = match.end()
        params = [int(p) if p else 0 for p in re.split("[;:]", match.group(1))]
        while params:
            code, params = params[0], params[1:]
            if code == 0:
                fg = bg = DEFAULT
            elif 30 <= code <= 37 or 90 <= code <= 97:
                fg = f"16:{code}"
            elif 40 <= code <= 47 or 100 <= code <= 107:
                bg = f"16:{code - 10}"  # stored as its foreground twin, so fg == bg compares
            elif code == 38:
                fg, params = _colour(params)
            elif code == 48:
                bg, params = _colour(params)
            elif code == 39:
                fg = DEFAULT
            elif code == 49:
                bg = DEFAULT
    return found


def colours(screen: str) -> set[str]:
    """Every colour the screen uses, foreground and background."""
    used = set()
    for line in screen.splitlines():
        for run in runs(line):
            used |= {run.fg, run.bg}
    return used - {DEFAULT}


def colour_depth(colour: str) -> int:
    """How many colours a terminal needs to show this one: 16, 256 or 2**24."""
    return {"16": 16, "256": 256, "rgb": 2**24}[colour.split(":")[0]]


def is_grey(colour: str) -> bool:
    kind, _, value = colour.partition(":")
    if kind == "rgb":
        return len(set(value.split(","))) == 1
    if kind == "256":
        return int(value) in (0, 7, 8, 15, 16, 231) or int(value) >= 232
    return int(value) in (30, 37, 90, 97)


def unreadable(screen: str) -> list[str]:
    """Text drawn in the colour of its own background."""
    return [
        run.text
        for line in screen.splitlines()
        for run in runs(line)
        if run.fg == run.bg != DEFAULT and run.text.strip()
    ]


def colour_of(screen: str, text: str) -> str:
    """The foreground colour where `text` first appears on the screen."""
    for line in screen.splitlines():
        for run in runs(line):
            if text in run.text:
                return run.fg
    raise AssertionError(f"{text!r} is not on the screen:\n{SGR.sub('', screen)}")
