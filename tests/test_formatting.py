"""Money, dates and times read the way people write them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from convening.formatting import clock, date_range, local_datetime, money


def test_money() -> None:
    assert money(0) == "Free"
    assert money(25000) == "$250"
    assert money(123456) == "$1,234.56"
    assert money(1250, "EUR") == "€12.50"
    assert money(500, "CHF") == "5 CHF"
    assert money(-1500) == "-$15"


def test_date_ranges() -> None:
    assert date_range(date(2027, 6, 15), date(2027, 6, 17)) == "June 15–17, 2027"
    assert date_range(date(2027, 6, 30), date(2027, 7, 2)) == "June 30 – July 2, 2027"
    assert date_range(date(2027, 12, 31), date(2028, 1, 2)) == "December 31, 2027 – January 2, 2028"
    assert date_range(date(2027, 6, 15), date(2027, 6, 15)) == "Tuesday, June 15, 2027"


def test_times_in_the_convening_time_zone() -> None:
    moment = datetime(2027, 6, 15, 14, 30, tzinfo=UTC)
    assert local_datetime(moment, "America/Chicago") == "Tuesday, June 15, 2027 at 9:30 AM CDT"
    assert local_datetime(moment, "America/Los_Angeles") == "Tuesday, June 15, 2027 at 7:30 AM PDT"
    assert clock(datetime(2027, 6, 15, 0, 5, tzinfo=UTC)) == "12:05 AM"
    assert clock(datetime(2027, 6, 15, 12, 0, tzinfo=UTC)) == "12:00 PM"
