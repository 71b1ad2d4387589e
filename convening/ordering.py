"""Moving one item up or down a list that staff order by hand (rooms, tracks, tiers, speakers...)."""

from __future__ import annotations

from typing import Any


def renumber(order: list[Any], attribute: str = "position") -> None:
    """Number the items 0, 1, 2... in list order, so positions never leave gaps."""
    for number, item in enumerate(order):
        setattr(item, attribute, number)


def move(order: list[Any], item: Any, offset: int, attribute: str = "position") -> bool:
    """Move `item` by `offset` places in `order` and renumber; False (nothing changed) at either end."""
    index = order.index(item)
    target = index + offset
    if offset == 0 or not 0 <= target < len(order):
        return False
    order.insert(target, order.pop(index))
    renumber(order, attribute)
    return True
