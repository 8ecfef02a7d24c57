"""Opening hours: the week of a location, in HHmm integers as Fluent writes them.

A day is (start, end): (0, 0) is closed, (0, 2400) is open all day, otherwise
0 <= start < end <= 2400 with minutes under 60. Times are local to the location's time zone.
"""
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]  # Python's weekday() order
DAY_NAMES = dict(zip(DAYS, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]))
CLOSED = (0, 0)
ALL_DAY = (0, 2400)


def hhmm_label(value: int) -> str:
    return f"{value // 100:02d}:{value % 100:02d}"


def hhmm_parse(raw) -> int:
    """Accept 900, "900", "0900" or "09:00"; raise ValueError with a readable message."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError("must be a time as HHmm, e.g. 0900")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip().replace(":", "")
    if not text.isdigit() or len(text) > 4:
        raise ValueError(f"{raw!r} is not a time as HHmm, e.g. 0900")
    value = int(text)
    if value % 100 >= 60 or value > 2400:
        raise ValueError(f"{raw!r} is not a time of day (00:00 to 24:00)")
    return value


def day_errors(day: str, start: int, end: int) -> list[str]:
    """What is wrong with one day's hours, in words a store manager understands."""
    name = DAY_NAMES[day]
    errors = []
    for label, value in (("Opening", start), ("Closing", end)):
        if not 0 <= value <= 2400 or value % 100 >= 60:
            errors.append(f"{label} time {value} on {name} is not a time of day.")
    if errors or (start, end) == CLOSED:
        return errors
    if start == 2400:
        errors.append(f"Opening time 24:00 on {name} is the end of the day; open at 00:00 instead.")
    elif end == start:
        errors.append(f"Opening and closing time are both {hhmm_label(start)} on {name}; mark the day closed instead.")
    elif end < start:
        errors.append(f"Closing time {hhmm_label(end)} is before opening time {hhmm_label(start)} on {name}.")
    return errors


@dataclass(frozen=True)
class DayHours:
    day: str
    start: int
    end: int

    @property
    def name(self) -> str:
        return DAY_NAMES[self.day]

    @property
    def closed(self) -> bool:
        return (self.start, self.end) == CLOSED

    @property
    def all_day(self) -> bool:
        return (self.start, self.end) == ALL_DAY

    @property
    def label(self) -> str:
        if self.closed:
            return "Closed"
        if self.all_day:
            return "Open 24 hours"
        return f"{hhmm_label(self.start)}–{hhmm_label(self.end)}"

    def open_at(self, hhmm: int) -> bool:
        return not self.closed and self.start <= hhmm < self.end


def local_now(time_zone: str, at: datetime) -> tuple[str, int]:
    """The weekday key and HHmm of an aware instant in a time zone (DST included)."""
    local = at.astimezone(ZoneInfo(time_zone))
    return DAYS[local.weekday()], local.hour * 100 + local.minute
