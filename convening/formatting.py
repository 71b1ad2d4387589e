"""How money, dates and times read on pages, in emails and in print."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "MXN": "MX$"}


def money(cents: int, currency: str = "USD") -> str:
    """'Free' for zero, '$250' for whole amounts, '$12.50' otherwise."""
    if cents == 0:
        return "Free"
    whole, rest = divmod(abs(cents), 100)
    amount = f"{whole:,}" if rest == 0 else f"{whole:,}.{rest:02d}"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    sign = "-" if cents < 0 else ""
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency.upper()}"


def date_range(start: date, end: date) -> str:
    """'July 21–23, 2027', 'July 30 – August 1, 2027' or across years in full."""
    if start == end:
        return f"{start:%A, %B} {start.day}, {start.year}"
    if start.year != end.year:
        return f"{start:%B} {start.day}, {start.year} – {end:%B} {end.day}, {end.year}"
    if start.month != end.month:
        return f"{start:%B} {start.day} – {end:%B} {end.day}, {end.year}"
    return f"{start:%B} {start.day}–{end.day}, {end.year}"


def clock(moment: datetime) -> str:
    """'9:00 AM' in the time zone the datetime carries."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def local_datetime(moment: datetime, zone: str) -> str:
    """'Monday, March 1, 2027 at 9:00 AM CST' in the convening's time zone."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%A, %B} {local.day}, {local.year} at {clock(local)} {local.tzname()}"
