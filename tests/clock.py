"""A settable clock for the state store tests, so change times are known exactly."""

from __future__ import annotations


class Clock:
    """A clock that stands still until told to move (`tick`); pass it as the store's `clock`."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float = 1.0) -> float:
        self.now += seconds
        return self.now
