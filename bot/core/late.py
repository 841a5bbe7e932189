"""A collaborator two parts need of each other, handed over once by the composition root.

The conversation service escalates to the handoff service, which reads and writes conversations; the
handoff service posts to the Slack desk, whose buttons call the handoff service. One of each pair is
built first and given a `Late` slot at construction; the composition root (bot/app/web.py,
bot/app/channel_setup.py) fills it once the other exists. Every such link is named in a constructor,
and filled in one place, once: filling it twice is an error, not a silent swap.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Late(Generic[T]):
    __slots__ = ("_name", "_value")

    def __init__(self, name: str, value: T | None = None) -> None:
        self._name = name
        self._value = value

    def fill(self, value: T) -> None:
        if self._value is not None:
            raise RuntimeError(f"{self._name} is already connected")
        self._value = value

    def get(self) -> T | None:
        """The collaborator, or None while it is not connected (then the part goes without it, as before)."""
        return self._value
