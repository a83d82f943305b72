"""How the main screen shares its width between the song and the side panel (the chat, and a proposal or
melody sketches when one is open), from 60x20 up.

The song keeps most of the width: at 80 columns the side panel takes a third (26 columns; 33 with a
proposal open), at 120 columns 39 and 50. Under 80 columns both give up width so that everything fits the
screen: at 60 columns the panel takes 22 (27 with a proposal) and the song the rest. A page of chords over
lyrics cannot wrap (each chord stands over its syllable): when its widest line does not fit beside the
panel, the panel goes below the song instead of cutting the lines off."""

from __future__ import annotations

NARROW = 80  # below this many columns, the narrow shares
#: (share of the width, fewest columns, most columns) of the side panel: (normal, narrow) x (chat, open)
SHARES = {
    (False, False): (0.33, 24, 48),
    (False, True): (0.42, 30, 62),
    (True, False): (0.38, 20, 48),
    (True, True): (0.45, 24, 62),
}


def side_width(width: int, open_panel: bool) -> int:
    """Columns for the side panel on a screen `width` columns wide (with a proposal or sketches open, or
    only the chat), its left border included."""
    share, least, most = SHARES[(width < NARROW, open_panel)]
    return max(least, min(most, int(width * share)))


def stacks(width: int, open_panel: bool, widest: int, gutter: int) -> bool:
    """Whether the side panel goes below the song: a song that keeps its columns (`widest` cells in its
    widest line, shown after a gutter of `gutter` cells, with room for the cursor after the line and for
    the scroll bar) does not fit beside it."""
    return widest + gutter + 2 > width - side_width(width, open_panel)
