"""bench.link end to end on a few sets, so the benchmark cannot rot (no timing is asserted)."""

from __future__ import annotations

from bench import link


def test_messages_go_round_through_the_folders_and_directly() -> None:
    figures = link.measure(2)
    assert figures.messages == 8
    assert (figures.link_applied, figures.link_dead) == (8, 0)  # one echo receipt per message
    assert figures.link_seconds > 0
    assert figures.direct_seconds > 0


def test_the_customs_simulator_answers_the_link_without_dead_letters() -> None:
    figures = link.measure(1, simulator=True)
    assert figures.link_dead == 0
    assert figures.link_applied >= 4  # the simulator answers each message, often more than once
