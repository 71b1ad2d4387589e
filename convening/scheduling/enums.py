"""The sign-up mode of a breakout slot, apart from the models: the program's TimeSlot stores it."""

from __future__ import annotations

import enum


class SignupMode(enum.StrEnum):
    """How a breakout slot fills: as people pick, or by staff running the assignment on ranked choices."""

    FIRST_COME = "first_come"
    RANKED = "ranked"

    @property
    def label(self) -> str:
        return {"first_come": "First come, first served", "ranked": "Ranked choices, then assignment"}[
            self.value
        ]
