"""Python-side cost of one full dashboard update (issue 4: well under ~50 ms per slider step).

Builds one :class:`stepguide.ui.pages.dashboard.Dashboard` and makes 200 random input
changes (mostly Step 2 CK slider steps, as when someone drags it, plus other
inputs), timing each change from the widget assignment until every output
widget and chart spec is updated. Without a kernel, widget messages go to a
no-op comm, so this is the kernel's own work, not network time.

    python benchmarks/bench_update.py [--steps 200] [--seed 4]
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from stepguide.rules.inputs import FLAGS
from stepguide.ui.pages.dashboard import Dashboard


def random_changes(d: Dashboard, rng: random.Random) -> list[Callable[[], None]]:
    """Setter functions a user could trigger; Step 2 CK steps dominate, as when dragging the slider."""
    i = d.inputs

    def step(key: str) -> Callable[[], None]:
        def run() -> None:
            slider = i[key]
            slider.value = min(slider.max, max(slider.min, slider.value + rng.choice((-1, 1))))
        return run

    def pick(key: str) -> Callable[[], None]:
        options = [o[1] if isinstance(o, tuple) else o for o in i[key].options]
        return lambda: setattr(i[key], "value", rng.choice(options))

    def toggle(key: str) -> Callable[[], None]:
        return lambda: setattr(i[key], "value", not i[key].value)

    weighted = [step("step2")] * 12 + [step("step1")] * 4
    weighted += [pick(k) for k in ("specialty", "month", "applicant", "stage", "step1_mode", "failed_exam")]
    weighted += [toggle(k) for k in FLAGS]
    return weighted


def measure(steps: int = 200, seed: int = 4) -> list[float]:
    """Seconds per update for ``steps`` random input changes."""
    rng = random.Random(seed)
    d = Dashboard(step1=240, step2=240)
    changes = random_changes(d, rng)
    for _ in range(20):  # warm caches (data tables, template parsing)
        rng.choice(changes)()
    times = []
    for _ in range(steps):
        change = rng.choice(changes)
        start = time.perf_counter()
        change()
        times.append(time.perf_counter() - start)
    assert d.error.value == "", d.error.value
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    times = sorted(measure(args.steps, args.seed))
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(f"dashboard update over {len(times)} random steps: median {statistics.median(times) * 1e3:.1f} ms, "
          f"p95 {p95 * 1e3:.1f} ms, max {times[-1] * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
