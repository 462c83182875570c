"""The room's counts cannot go negative (issue 19, item 8: ``pool_free: -2`` after a flood of page requests).

Voila hands a visitor a pool entry that may still be waiting out its ``fill_delay``, before its kernel
reserves a place; counting that as one free entry less drove the count below zero, and the room then
turned visitors away with a warm kernel unused. :class:`PoolCount` owes such a visitor the entry instead.
"""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from stepguide.serve.room import PoolCount

EVENTS = st.lists(st.sampled_from(["take", "reserve", "fail"]), max_size=60)


@settings(max_examples=300, deadline=None)
@given(EVENTS)
def test_property_the_pool_counts_never_go_negative(events: list[str]) -> None:
    pool, counted = PoolCount(), []  # counted: reserve()'s answer for each entry that has not failed
    reserves = takes = 0
    for event in events:
        if event == "take":
            pool.take()
            takes += 1
        elif event == "reserve":
            counted.append(pool.reserve())
            reserves += 1
        elif counted:
            pool.fail(counted.pop())
        assert pool.free >= 0 and pool.owed >= 0, (events, pool)
        assert not (pool.free and pool.owed), "a visitor owed an entry while another is free"
    if "fail" not in events:  # every entry reserved is either still free or went to a visitor
        assert pool.free - pool.owed == reserves - takes


def test_a_visitor_who_took_an_entry_before_it_reserved_is_paid_back_not_counted_twice() -> None:
    pool = PoolCount()
    pool.take()  # the flood's visitor took the entry during its fill_delay
    assert (pool.free, pool.owed) == (0, 1)
    assert pool.reserve() is False  # the entry starts: it is that visitor's, not free for the next one
    assert (pool.free, pool.owed) == (0, 0)
    assert pool.reserve() is True and pool.free == 1  # the refill: free for the next visitor
    pool.fail(True)
    assert (pool.free, pool.owed) == (0, 0)
