"""Error types.

The tree::

    ValueError
     └── TwinScheduleError          one bad input; carries every problem found
          ├── ConfigError            a partnership file, dict or imported calendar is wrong
          └── OutputError            feeds cannot be written where asked

Each problem names where it is (a path such as ``schools[1] (nairobi).timezone``: a
school by its position and its id) and what is wrong, with what would be right when
that is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with an input: ``path`` says where, ``message`` what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def with_prefix(self, prefix: str) -> Problem:
        """The same problem under a parent path."""
        if not prefix:
            return self
        if not self.path:
            return Problem(path=prefix, message=self.message)
        sep = "" if self.path.startswith("[") else "."
        return Problem(path=f"{prefix}{sep}{self.path}", message=self.message)


class TwinScheduleError(ValueError):
    """Bad input: ``problems`` holds every problem found, ``source`` the file if any."""

    def __init__(self, problems: Iterable[Problem], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self.report())

    def report(self) -> str:
        """The problems as text, one per line, headed by the source and their number."""
        n = len(self.problems)
        head = f"{self.source}: " if self.source else ""
        lines = [f"{head}{n} problem{'s' if n != 1 else ''}"]
        lines.extend(f"  {p}" for p in self.problems)
        return "\n".join(lines)


class ConfigError(TwinScheduleError):
    """A partnership (file, dict or imported calendar) is not valid."""


class OutputError(TwinScheduleError):
    """Feeds cannot be written where they were asked for."""
