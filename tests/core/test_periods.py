import pytest

from station_app.core.codes import PeriodUnit
from station_app.core.errors import ValidationError
from station_app.core.periods import parse_period, period_containing, periods_of_year


@pytest.mark.parametrize("raw,expected", [
    ("2021-03", "2021-03"), ("2021年3月", "2021-03"), ("2021-Q1", "2021-Q1"), ("2021年第一季度", "2021-Q1"),
    ("2021Q4", "2021-Q4"), ("2021", "2021"), ("2021年", "2021"),
])
def test_period_spellings(raw, expected):
    assert str(parse_period(raw)) == expected


def test_bad_period():
    with pytest.raises(ValidationError, match="无法识别的期间"):
        parse_period("2021-13")


def test_year_covers_quarter_and_month():
    year, q1, march = parse_period("2021"), parse_period("2021-Q1"), parse_period("2021-03")
    assert year.covers(q1) and q1.covers(march) and not march.covers(q1)
    assert len(periods_of_year(2021, PeriodUnit.MONTH)) == 12
    assert str(period_containing(march.start, PeriodUnit.QUARTER)) == "2021-Q1"
