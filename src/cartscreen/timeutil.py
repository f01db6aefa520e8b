"""Calendar arithmetic for screening windows and ages.

Registry windows are calendar windows ("within 3 months before screening"), so months are
counted on the calendar, not as 30-day blocks: 3 months before 2026-05-31 is 2026-02-28.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (or earlier), clipped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    day_of_month = day.day
    if day_of_month > 28:  # every month has the first 28 days
        day_of_month = min(day_of_month, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day_of_month)


def whole_years(birth: date, on: date) -> int:
    """Completed years of age on a date, as a registry means "5 years old"."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def decimal_years(birth: date, on: date) -> float:
    """Age in decimal years (for equations such as CKiD U25 that take a continuous age)."""
    return (on - birth).days / 365.25


def window_start(screening: date, *, days: int = 0, weeks: int = 0, months: int = 0) -> date:
    """The first day of a look-back window that ends on the screening date."""
    return add_months(screening, -months) - timedelta(days=days, weeks=weeks)
