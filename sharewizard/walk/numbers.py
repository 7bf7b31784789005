"""Choices past nine, typed as numbers one key at a time: the same keys in `decide` and `train`."""

from __future__ import annotations


class TypedNumber:
    """The choice number typed so far: `1` then `2` is 12, when there are 12 choices.

    A digit that would make a number past the last choice starts a new number, so with 12
    choices `2` then `1` is 1, not 21; so do any other key in between and a pause of a second.
    """

    PAUSE = 1.0

    def __init__(self, count: int) -> None:
        self.count = count
        self.text = ""
        self.last = 0.0

    def add(self, digit: str, *, after_digit: bool) -> int | None:
        """The choice now pointed at (1 = the first), or None if the digits name none."""
        import time

        now = time.monotonic()
        joined = self.text + digit if after_digit and now - self.last < self.PAUSE else digit
        self.last = now
        self.text = joined if 1 <= int(joined) <= self.count else digit
        number = int(self.text)
        return number if 1 <= number <= self.count else None
