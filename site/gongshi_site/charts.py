"""Bar charts as accessible inline SVG, built with ElementTree.

A chart is an image with a text alternative (role="img", <title> and <desc> named by
aria-labelledby); the page puts a table with the same numbers beside it. Colours are
presentation attributes the stylesheet may override (关怀版), never style attributes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
WIDTH = 420
ROW_HEIGHT = 44
LABEL_SIZE = 14
BAR_HEIGHT = 18
VALUE_ROOM = 48  # right of the longest bar, for its number
BAR_COLOUR = "#9f1d20"
TEXT_COLOUR = "#262626"


def bar_chart(chart_id: str, title: str, description: str, bars: list[tuple[str, int]]) -> str:
    """An SVG document fragment: one labelled horizontal bar per (label, value)."""
    height = max(1, len(bars)) * ROW_HEIGHT + 8
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": str(WIDTH),
            "height": str(height),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": "chart",
            "focusable": "false",
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    largest = max((value for _, value in bars), default=0) or 1
    for index, (label, value) in enumerate(bars):
        top = index * ROW_HEIGHT
        row = ET.SubElement(svg, "g", {"class": "chart-row"})
        text = ET.SubElement(
            row,
            "text",
            {
                "x": "0",
                "y": str(top + LABEL_SIZE + 2),
                "font-size": str(LABEL_SIZE),
                "fill": TEXT_COLOUR,
                "class": "chart-label",
            },
        )
        text.text = label
        width = round((WIDTH - VALUE_ROOM) * value / largest)
        bar_top = top + LABEL_SIZE + 8
        ET.SubElement(
            row,
            "rect",
            {
                "x": "0",
                "y": str(bar_top),
                "width": str(width),
                "height": str(BAR_HEIGHT),
                "fill": BAR_COLOUR,
                "class": "chart-bar",
            },
        )
        number = ET.SubElement(
            row,
            "text",
            {
                "x": str(width + 8),
                "y": str(bar_top + BAR_HEIGHT - 4),
                "font-size": str(LABEL_SIZE),
                "fill": TEXT_COLOUR,
                "class": "chart-value",
            },
        )
        number.text = str(value)
    return ET.tostring(svg, encoding="unicode", short_empty_elements=True)
