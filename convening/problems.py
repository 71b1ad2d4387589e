"""The one exception for a change refused as a whole, shared by every service that checks forms."""

from __future__ import annotations


class Refused(ValueError):
    """A change refused as a whole; `problems` says, per form field, what to do about each."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems
