"""Why a solver refused its input: every problem found, in words staff can act on."""

from __future__ import annotations


class SolverProblem(ValueError):
    """The input cannot be solved as it is; `messages` lists each problem, naming the person or workshop."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages
