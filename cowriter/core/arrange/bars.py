"""The bars of a timeline: where each starts (song beats), how long it is and what meter it is in.

Song beats are units of the meter's denominator (`core.timeline`); patterns are written in quarter notes,
so a bar converts between the two (`quarters * unit / 4` beats).
"""

from __future__ import annotations

from dataclasses import dataclass

from cowriter.core.timeline import Meter, MeterChange, Timeline


@dataclass(frozen=True, slots=True)
class Bar:
    number: int  # 1-based, as in the timeline
    start: float  # song beats
    meter: Meter
    phase: float = 0.0  # quarter notes since the section began (two-bar patterns continue across bars)
    section_index: int = 0

    @property
    def beats(self) -> float:
        return float(self.meter.beats)

    @property
    def quarters(self) -> float:
        return self.meter.beats * 4.0 / self.meter.unit

    @property
    def end(self) -> float:
        return self.start + self.beats

    def beat_of(self, quarters: float) -> float:
        """Song beat of a position `quarters` into the bar."""
        return self.start + quarters * self.meter.unit / 4.0

    def beats_of(self, quarters: float) -> float:
        """A length in quarter notes as song beats of this bar's meter."""
        return quarters * self.meter.unit / 4.0


def meter_at_bar(meters: tuple[MeterChange, ...], number: int) -> MeterChange:
    current = meters[0] if meters else MeterChange(0.0, 1, Meter())
    for change in meters:
        if change.bar <= number:
            current = change
    return current


def bars_of(timeline: Timeline) -> list[Bar]:
    """Every bar of the timeline with its start, meter and phase within its section."""
    meters = tuple(sorted(timeline.meters, key=lambda m: m.bar)) or (MeterChange(0.0, 1, Meter()),)
    marks = sorted(timeline.sections, key=lambda s: s.bar)
    bars: list[Bar] = []
    phase, current_mark = 0.0, -1
    for number in range(1, timeline.bars + 1):
        change = meter_at_bar(meters, number)
        start = change.start + (number - change.bar) * change.meter.beats
        mark_bar, index = 1, 0
        for mark in marks:
            if mark.bar <= number:
                mark_bar, index = mark.bar, mark.section_index
        if mark_bar != current_mark:
            phase, current_mark = 0.0, mark_bar
        bar = Bar(number, start, change.meter, phase, index)
        bars.append(bar)
        phase += bar.quarters
    return bars
