r"""A guided walk through the source notes ("传播"), every step checked on the current network.

The notes, section by section, as data: each statement as the notes write it (LaTeX,
typos kept), then its checks on the trace (SymPy, numbers, shapes, finite differences),
verified or refuted with the evidence; each of the nine mistakes of docs/notes.md (and four
more slips, 10 to 13) where it occurs, refuted and corrected; the steps the notes leave
out, filled in and checked.
Language-free: the page translates the catalogue keys ``notes.section.<key>.*``,
``notes.step.<key>.*``, ``notes.mistake.<key>.*`` and ``notes.evidence.<key>``.

>>> from backprop import NetworkSpec, run
>>> tour = walk(run(NetworkSpec()))
>>> [section.key for section in tour.sections][:3]
['forward_single', 'forward_batch', 'backward_intro']
>>> [mistake.number for mistake in tour.mistakes]
[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
>>> all(step.holds for step in tour.steps)
True
"""

from __future__ import annotations

from dataclasses import dataclass

from backprop.core.network import Trace
from backprop.teaching.notes_walk import backward, chain, errata, forward, omitted
from backprop.teaching.notes_walk.checks import FD_BUDGET, FD_ENTRIES, Focus, focus
from backprop.teaching.notes_walk.model import Check, Evidence, Mistake, Section, Step

FIGURES = ("fp-single-dense", "bp-full", "bp-single-dense")
# The walk reruns the network some hundred times (finite differences, single samples,
# difference quotients): past this many multiply-adds per forward pass it would take
# minutes. A 784-512-256-10 network with m = 256 is 1.4e8 and takes a few seconds.
MAX_MACS = 200_000_000


def forward_macs(spec) -> int:
    r"""Multiply-adds of one forward pass: m Σ_l n_{l-1} n_l.

    >>> from backprop import NetworkSpec
    >>> forward_macs(NetworkSpec(sizes=(3, 4, 2), batch=4))
    80
    """
    return spec.m * sum(n_in * n_out for n_in, n_out in zip(spec.sizes[:-1], spec.sizes[1:], strict=True))


def fits(spec) -> bool:
    """Whether the walk runs on this network in seconds (``forward_macs`` at most MAX_MACS)."""
    return forward_macs(spec) <= MAX_MACS


def thinned(spec) -> bool:
    """Whether finite differences judge fewer entries per check than usual here (to stay fast)."""
    return 4 * forward_macs(spec) > FD_BUDGET // FD_ENTRIES


@dataclass(frozen=True)
class Walk:
    r"""The notes' sections, in order, checked on one trace and one focus (layer, sample, entries)."""

    focus: Focus
    sections: tuple[Section, ...]

    @property
    def steps(self) -> list[Step]:
        return [item for section in self.sections for item in section.items if isinstance(item, Step)]

    @property
    def mistakes(self) -> list[Mistake]:
        found = [item for section in self.sections for item in section.items if isinstance(item, Mistake)]
        return sorted(found, key=lambda mistake: mistake.number)


def walk(
    trace: Trace, l: int | None = None, sample: int = 0, a_entry=(0, 0), w_entry=(0, 0), b_entry: int = 0
) -> Walk:
    r"""The whole walk for layer l (default the last), sample ``sample`` and the chosen entries (0-based).

    Raises InvalidInput naming the field if the layer, sample or an entry is out of range.
    """
    f = focus(trace, l, sample, a_entry, w_entry, b_entry)
    chain_a, chain_W, chain_b = (chain.steps(trace, f, key) for key in ("a", "W", "b"))
    # the matrix steps' finite differences (last check) also serve mistakes 8 and 9
    shared = {"A_prev": chain_a[-1].checks[-1], "W": chain_W[-1].checks[-1], "b": chain_b[-1].checks[-1]}
    wrong = {mistake.number: mistake for mistake in errata.all_mistakes(trace, f, shared)}
    single = forward.single_sample(trace, f)
    sections = (
        Section("forward_single", (single[0], wrong[1], wrong[2], *single[1:]), "fp-single-dense"),
        Section("forward_batch", (*forward.batch(trace, f), wrong[12], wrong[13])),
        Section("backward_intro", (wrong[7], backward.forward_values(trace, f)), "bp-full"),
        Section(
            "broken",
            (wrong[3], backward.differential(trace, f), wrong[10], wrong[4], wrong[5], wrong[8]),
            "bp-single-dense",
        ),
        Section("chain_a", (chain_a[0], wrong[6], *chain_a[1:3], wrong[11], *chain_a[3:])),
        Section("chain_W", tuple(chain_W)),
        Section("chain_b", tuple(chain_b)),
        Section("omitted", tuple(omitted.omitted_steps(trace, f))),
        Section("layout", (wrong[9],)),
    )
    return Walk(f, sections)


__all__ = [
    "Check",
    "Evidence",
    "FIGURES",
    "Focus",
    "MAX_MACS",
    "Mistake",
    "Section",
    "Step",
    "Walk",
    "fits",
    "forward_macs",
    "thinned",
    "walk",
]
