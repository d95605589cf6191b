"""The load beside the browser tests (stress.py) is bounded: capped, shared, killed, asked for plainly."""

from __future__ import annotations

import pytest
import stress


def test_burners_are_started_shared_and_killed_by_the_block_that_started_them() -> None:
    with stress.cpu_stress(workers=2, seconds=60) as outer:
        assert len(outer) == 2 and all(b.poll() is None for b in outer)
        with stress.cpu_stress(workers=2) as inner:  # two already spin: none more
            assert {b.pid for b in inner} == {b.pid for b in outer}
        with stress.cpu_stress(workers=3) as more:
            assert len(more) == 3
            extra = [b for b in more if b not in outer]
        assert all(b.poll() is not None for b in extra) and all(b.poll() is None for b in outer)
    assert all(b.poll() is not None for b in outer) and not stress.running()


def test_a_burner_ends_by_itself_at_its_cap() -> None:
    burner = stress._burner(seconds=0.5)
    try:
        assert burner.wait(timeout=60) == 0  # an event (the process's exit), not a sleep
    finally:
        burner.kill()


@pytest.mark.parametrize(("raw", "workers"), [(None, 0), ("", 0), ("0", 0), ("2", 2), (" 3 ", 3)])
def test_the_switch_reads_a_count(raw, workers) -> None:
    environ = {} if raw is None else {stress.ENV: raw}
    assert stress.workers_from_env(environ) == workers


@pytest.mark.parametrize("raw", ["two", "-1", "2.5", "99"])
def test_the_switch_refuses_anything_else_naming_it(raw) -> None:
    with pytest.raises(ValueError, match=rf"{stress.ENV}='{raw}'.*0 to {stress.MAX_WORKERS}"):
        stress.workers_from_env({stress.ENV: raw})
