"""A device's message budget: how fast one device's pages may send their kernels messages (issue 19, item 2).

:class:`stepguide.serve.room.RoomKernelManager` keeps one :class:`Bucket` per device and
:class:`stepguide.serve.hooks.NoDelayKernelWebsocketConnection` waits on it before reading a page's next message.
"""
from __future__ import annotations

import time


class Bucket:
    """A token bucket: ``rate`` messages a second on average, ``burst`` at once (issue 19, item 2: one device's
    slider flood, unpaced, made another visitor's slowest answer 531 ms instead of 20 ms)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.at = float(burst), time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens, self.at = min(self.burst, self.tokens + (now - self.at) * self.rate), now

    def take(self) -> bool:
        """Spend one message if the budget allows it now."""
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def wait(self) -> float:
        """Seconds until one message is allowed."""
        self._refill()
        return max(0.0, (1 - self.tokens) / self.rate)

    def full(self) -> bool:
        self._refill()
        return self.tokens >= self.burst
