import base64

import pytest
from django.core.management import call_command

from ledger.checkpoints import latest_checkpoint, publish_checkpoint
from ledger.kinds import EntryKind
from ledger.models import Checkpoint
from ledger.notes import verify_note
from ledger.selectors import root_at
from ledger.services import append
from ledger.tasks import publish_checkpoint as publish_checkpoint_task

pytestmark = pytest.mark.django_db


def record(count: int) -> None:
    for n in range(count):
        append(kind=EntryKind.SCALE_FILLER, subject=f"thing:{n}", payload={"n": n})


def test_a_checkpoint_is_a_signed_note_of_origin_size_and_root(record_key):
    record(3)
    checkpoint = publish_checkpoint()
    root = base64.b64encode(root_at(3)).decode()
    assert (checkpoint.size, checkpoint.root_hash) == (3, root)
    assert verify_note(checkpoint.note, record_key.verifier) == f"testserver/record\n3\n{root}\n"
    assert checkpoint.note.endswith("\n") and "\n\n— testserver/record " in checkpoint.note


def test_no_checkpoint_is_published_when_the_record_has_not_grown():
    assert publish_checkpoint() is None
    record(2)
    first = publish_checkpoint()
    assert publish_checkpoint() is None
    record(1)
    assert publish_checkpoint().size == 3
    assert latest_checkpoint().size == 3
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [first.size, 3]


def test_the_beat_task_publishes_a_checkpoint():
    record(2)
    assert publish_checkpoint_task.delay().get() == 2


def test_publish_checkpoint_command(capsys):
    record(4)
    call_command("publish_checkpoint")
    assert "Published checkpoint 4" in capsys.readouterr().out
    call_command("publish_checkpoint")
    assert "not grown" in capsys.readouterr().out


def test_beat_publishes_a_checkpoint_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["publish-record-checkpoint"]
    assert (entry["task"], entry["schedule"]) == ("ledger.tasks.publish_checkpoint", 60)
