"""Turns on a shared engine: one holder at a time, first asked first served."""

from __future__ import annotations

import threading

from app.engine.turns import EngineTurns


def test_turns_pass_on_in_the_order_asked() -> None:
    turns = EngineTurns()
    called: list[str] = []
    first = turns.ask(lambda: called.append("first"))
    second = turns.ask(lambda: called.append("second"))
    third = turns.ask(lambda: called.append("third"))
    assert first.at_once and first.granted and not called  # granted when asked: no callback
    assert not second.granted and not third.granted and turns.waiting == 2
    turns.done(first)
    assert called == ["second"] and second.granted and not third.granted
    turns.done(second)
    assert called == ["second", "third"] and third.granted
    turns.done(third)
    assert not turns.held and turns.waiting == 0
    assert turns.ask().at_once


def test_a_waiting_turn_given_back_leaves_the_line_and_giving_back_twice_is_harmless() -> None:
    turns = EngineTurns()
    called: list[str] = []
    holder = turns.ask()
    withdrawn = turns.ask(lambda: called.append("withdrawn"))
    last = turns.ask(lambda: called.append("last"))
    turns.done(withdrawn)
    turns.done(withdrawn)
    assert turns.waiting == 1
    turns.done(holder)
    turns.done(holder)  # no longer the holder: nothing happens
    assert called == ["last"] and last.granted and not withdrawn.granted and turns.waiting == 0


def test_a_turn_passed_on_from_another_thread_wakes_its_waiter() -> None:
    turns = EngineTurns()
    holder = turns.ask()
    waiter = turns.ask()
    assert not waiter.wait(0.01)
    releaser = threading.Thread(target=turns.done, args=(holder,))
    releaser.start()
    assert waiter.wait(10)
    releaser.join()
