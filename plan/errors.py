"""The one small hierarchy of expected errors; each carries a message fit to show a user."""

from __future__ import annotations


class KeyplanError(Exception):
    """An expected problem: the CLI prints it as one line, the app as a notification."""

    @property
    def message(self) -> str:
        return str(self)


class ValidationError(KeyplanError):
    """An edit or a value was refused; nothing was changed."""


class ConfigError(KeyplanError):
    """The config file cannot be read."""


class UnknownAccountError(KeyplanError):
    """No account has the name asked for."""


class PlanFileError(KeyplanError):
    """The database file is not usable: not JSON, not keyplan's, a newer schema, unreadable."""


class LockedError(KeyplanError):
    """Another keyplan holds the database for writing."""


class StaleFileError(KeyplanError):
    """The database changed on disk since it was read; saving would overwrite that change."""


class SaveError(KeyplanError):
    """Writing the database failed (disk full, no permission, ...)."""


class MarkdownError(KeyplanError):
    """A plan file could not be read; `problems` holds every `file:line: what` found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
