"""A screen compositor that redraws the rows an update changed, not every row around them.

For each frame Textual's compositor takes the box around everything to repaint and has each
widget that overlaps that box draw itself whole. An edit of a plan repaints part of the tree,
a few rows of the checklist and the details pane, and so the box is the screen's right
two-thirds: the checklist drew all its 38 rows (with its scrollbar), and the containers behind
drew theirs, for 3 rows that changed, a quarter of an edit's frame. `BandedCompositor` has each
widget draw only the bands of rows where it meets a region to repaint.

Which rows reach the terminal is unchanged: the spans of the regions to repaint. Each chop of
a row (the cells between two widget edges) still comes from the front-most widget there, as
that widget meets the region which put the chop in a span and so draws that row.

It overrides a private part of Textual's Compositor, so keyplan pins its Textual version;
tests/test_render_caches.py writes each frame to a model terminal and compares its cells with
the screen drawn afresh by Textual's own compositor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip


class BandedCompositor(Compositor):
    """Textual's Compositor, with partial updates drawn in bands of rows (see above)."""

    def render_partial_update(self) -> ChopsUpdate | None:
        update_regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        if not update_regions:
            return None
        screen_region = self.size.region
        regions = [region.intersection(screen_region) for region in update_regions]
        regions = [region for region in regions if region]
        if not regions:
            return None
        spans = list(self._regions_to_spans(update_regions))
        chops = self._render_bands(regions)
        chop_ends = [cut_set[1:] for cut_set in self.cuts]
        return ChopsUpdate(chops, spans, chop_ends)

    def _render_bands(self, regions: list[Region]) -> Sequence[Mapping[int, Strip | None]]:
        """Compositor._render_chops, each widget drawn in the bands where it meets `regions`."""
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        crop = Region.from_union(regions)
        intersection = Region.intersection
        # Front to back: the first strip put in a chop is the one on top.
        for widget, (region, clip) in self.visible_widgets.items():
            shown = intersection(region, clip)
            if not crop.overlaps(shown):
                continue
            first_cut, last_cut = shown.column_span
            for top, bottom in _bands(shown, regions):
                band = Region(shown.x, top, shown.width, bottom - top)
                strips = widget.render_lines(band.translate(-region.offset))
                for y, strip in zip(band.line_range, strips, strict=False):
                    chops_line = chops[y]
                    final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                    cut_strips = strip.divide([cut - shown.x for cut in final_cuts[1:]])
                    for cut, cut_strip in zip(final_cuts, cut_strips, strict=False):
                        if chops_line.get(cut) is None:
                            chops_line[cut] = cut_strip
        return chops


def _bands(shown: Region, regions: Iterable[Region]) -> list[tuple[int, int]]:
    """The rows, as merged (top, bottom) ranges, where `shown` meets any of `regions`."""
    ranges = sorted(
        (meet.y, meet.bottom) for region in regions if (meet := shown.intersection(region))
    )
    bands: list[tuple[int, int]] = []
    for top, bottom in ranges:
        if bands and top <= bands[-1][1]:
            if bottom > bands[-1][1]:
                bands[-1] = (bands[-1][0], bottom)
        else:
            bands.append((top, bottom))
    return bands


def use_banded_compositor(screen: Screen[object]) -> None:
    """Give a screen, as it is made, the compositor above."""
    screen._compositor = BandedCompositor()
