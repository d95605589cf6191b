"""Play / pause take each click once: a second callback for the same click changes nothing."""

from __future__ import annotations

import pytest

from backprop import NetworkSpec, run
from backprop.derivation.steps import backward_steps
from backprop.ui import animation, play_switch


@pytest.fixture
def session(monkeypatch) -> dict:
    state: dict = {}
    monkeypatch.setattr(play_switch.st, "session_state", state)
    monkeypatch.setattr(animation.st, "session_state", state)
    return state


def test_a_click_taken_is_not_taken_again(session):
    key = "_playing"
    play = play_switch.args(key)  # the Play button, drawn while paused
    assert play_switch.take(key, *play) and play_switch.playing(key)
    pause = play_switch.args(key)  # the Pause button drawn after it
    assert play_switch.take(key, *pause) and not play_switch.playing(key)
    assert not play_switch.take(key, *pause)  # the same click's second call
    assert not play_switch.take(key, *play)  # a call with an earlier drawing's arguments
    assert not play_switch.playing(key)
    play_switch.put(key, False)  # a pause from the code (a hand on the controls) is a change too
    assert not play_switch.take(key, *play_switch.args(key)[:1], pause[1])
    assert play_switch.take(key, *play_switch.args(key)) and play_switch.playing(key)


def test_step_through_play_takes_a_click_once(session):
    steps = backward_steps(run(NetworkSpec()))
    session[animation.STEP_KEY] = 2
    animation.set_playing(*animation.play_args(), steps)
    assert animation.playing()
    stale = (True, 0)
    pause = animation.play_args()
    animation.set_playing(*pause, steps)
    animation.set_playing(*pause, steps)
    animation.set_playing(*stale, steps)
    assert not animation.playing()
