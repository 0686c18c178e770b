"""The optional config.toml: checklist settings and key bindings, checked before use."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from plan.errors import ConfigError

# The checklist's rule ids in table order. They live here rather than in plan.rules because
# plan.rules imports ChecklistConfig; the rules' own tests check that the two agree.
RULE_IDS: tuple[str, ...] = (
    "M1",
    "M2",
    "O1",
    "O2",
    "O3",
    "S1",
    "S2",
    "T1",
    "T2",
    "T3",
    "T4",
    "R1",
)

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


class ChecklistConfig(NamedTuple):
    """How the checklist is run: the review interval and the rules switched off."""

    review_interval_days: int = 90
    disabled: frozenset[str] = frozenset()


class Config(NamedTuple):
    """Everything config.toml can set."""

    checklist: ChecklistConfig = ChecklistConfig()
    keys: Mapping[str, str] = MappingProxyType({})  # read-only: one default for all


def load_config(path: Path) -> Config:
    """The config in this file; the defaults when there is no file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    return parse_config(text, str(path))


def parse_config(text: str, source: str = "config.toml") -> Config:
    """The config written in this TOML text; ConfigError names what is wrong and where."""
    import tomllib  # only when there is a config file: most runs have none

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_toml_problem(source, str(error))) from None
    unknown = sorted(set(document) - {"checklist", "keys"})
    if unknown:
        raise ConfigError(f"{source}: unknown section [{unknown[0]}] (known: [checklist], [keys])")
    return Config(
        checklist=_checklist(_table(document, "checklist", source), source),
        keys=MappingProxyType(_keys(_table(document, "keys", source), source)),
    )


def _toml_problem(source: str, reason: str) -> str:
    position = _TOML_POSITION.search(reason)
    if position:
        reason = reason[: position.start()]
        return f"{source}: line {position.group(1)}: invalid TOML ({reason})"
    reason = _TOML_AT_END.sub(" at end of file", reason)
    return f"{source}: invalid TOML ({reason})"


def _table(document: dict[str, Any], name: str, source: str) -> dict[str, Any]:
    table = document.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [{name}] must be a table")
    return table


def _checklist(table: dict[str, Any], source: str) -> ChecklistConfig:
    unknown = sorted(set(table) - {"review_interval_days", "disabled"})
    if unknown:
        raise ConfigError(
            f'{source}: [checklist] unknown key "{unknown[0]}" '
            "(known: review_interval_days, disabled)"
        )
    interval = table.get("review_interval_days", ChecklistConfig().review_interval_days)
    # bool is an int to Python, but `review_interval_days = true` is a typo, not a day count.
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise ConfigError(
            f"{source}: [checklist] review_interval_days must be a whole number of days, 1 or more"
        )
    disabled = table.get("disabled", [])
    if not isinstance(disabled, list) or not all(isinstance(item, str) for item in disabled):
        raise ConfigError(f'{source}: [checklist] disabled must be a list of rule ids, e.g. ["R1"]')
    for item in disabled:
        if item.strip().upper() not in RULE_IDS:
            raise ConfigError(
                f'{source}: [checklist] disabled: unknown rule "{item}" '
                f"(known: {', '.join(RULE_IDS)})"
            )
    return ChecklistConfig(
        review_interval_days=interval,
        disabled=frozenset(item.strip().upper() for item in disabled),
    )


def _keys(table: dict[str, Any], source: str) -> dict[str, str]:
    for binding, key in table.items():
        if not isinstance(key, str) or not key.strip():
            raise ConfigError(
                f'{source}: [keys] {binding} must be a key written as a string, e.g. "ctrl+s"'
            )
    return {binding: key.strip() for binding, key in table.items()}
