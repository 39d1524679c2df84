import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """The demo files appeals with attachments, more than one person's daily limit."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.APPEALS_PER_DAY = 1000
