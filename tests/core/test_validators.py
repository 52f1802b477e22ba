from datetime import date, datetime, time

import pytest

from station_app.core import validators as v
from station_app.core.errors import ValidationError
from station_app.core.i18n import set_language


@pytest.mark.parametrize("number", [
    "11010519491231002X",  # GB 11643-1999's own example
    "440524188001010014",
    "110101199003078515",
])
def test_resident_id_accepts_real_check_digits(number):
    assert v.resident_id(number.lower()) == number


def test_check_digit_computation():
    assert v.id_check_digit("11010519491231002") == "X"
    assert v.id_check_digit("44052418800101001") == "4"


@pytest.mark.parametrize("number,fragment", [
    ("110105194912310021", "校验位错误（应为X）"),
    ("11010519491231002", "应为18位"),
    ("11010519491331002X", "出生日期19491331不存在"),
    ("1101051949123100AX", "前17位应为数字"),
])
def test_resident_id_rejects(number, fragment):
    with pytest.raises(ValidationError) as e:
        v.resident_id(number)
    assert fragment in str(e.value)


def test_messages_switch_to_english():
    set_language("en")
    with pytest.raises(ValidationError) as e:
        v.resident_id("110105194912310021")
    assert "check character is wrong (expected X)" in str(e.value)


@pytest.mark.parametrize("raw,expected", [
    ("13812341234", "13812341234"), ("+86 138 1234 1234", "13812341234"), ("022-2345678", "022-2345678"),
    ("01062345678", "01062345678"), ("0571-87654321-801", "0571-87654321-801"),
])
def test_phone_accepts(raw, expected):
    assert v.phone(raw) == expected


@pytest.mark.parametrize("raw", ["12812341234", "1381234123", "12345", "电话"])
def test_phone_rejects(raw):
    with pytest.raises(ValidationError):
        v.phone(raw)


@pytest.mark.parametrize("raw", ["2021-03-05", "2021/3/5", "2021.3.5", "2021年3月5日", "20210305"])
def test_dates_as_clerks_type_them(raw):
    assert v.parse_date(raw) == date(2021, 3, 5)


def test_impossible_date_is_named():
    with pytest.raises(ValidationError) as e:
        v.parse_date("2021-02-30")
    assert "日期不存在" in str(e.value)


@pytest.mark.parametrize("raw,expected", [("9:00", time(9)), ("09:00", time(9)), ("9点", time(9)),
                                          ("9点半", time(9, 30)), ("14时", time(14)), ("14:05", time(14, 5))])
def test_times(raw, expected):
    assert v.parse_time(raw) == expected


def test_shift_span():
    start = datetime(2021, 3, 5, 9)
    assert v.shift_span(start, datetime(2021, 3, 5, 13)) == 4.0
    with pytest.raises(ValidationError, match="结束时间应晚于开始时间"):
        v.shift_span(start, start)
    with pytest.raises(ValidationError, match="不能超过24小时"):
        v.shift_span(start, datetime(2021, 3, 6, 10))
