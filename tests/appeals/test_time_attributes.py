"""Every <time datetime> is a valid HTML date or global date and time: whole seconds, never microseconds."""

import re

from tests.appeals.factories import file

VALID = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+00:00)?$")


def time_attributes(html: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]*)"', html)


def test_the_times_on_an_appeal_and_the_record_are_valid_html(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    assert appeal.filed_at.microsecond  # what the old attribute printed
    client.force_login(citizen)
    found = time_attributes(client.get(appeal.get_absolute_url()).text) + time_attributes(client.get("/record/").text)
    assert len(found) >= 3
    assert [value for value in found if not VALID.match(value)] == []
