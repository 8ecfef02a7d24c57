"""A dashboard tile: what the dashboard shows for one count. Each area builds its own."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    title: str
    value: int
    detail: str
    url: str | None = None
    tone: str = ""  # "bad": needs someone's attention; "busy": work under way
    group: str = "overview"  # the dashboard shows each group as a row of its own
