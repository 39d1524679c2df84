from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change a public record that is only ever added to."""


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes of public history are refused like single ones."""

    def update(self, **kwargs):
        raise AppendOnlyError(self.model.refusal)

    def delete(self):
        raise AppendOnlyError(self.model.refusal)


class AppendOnlyModel(models.Model):
    """A row of the public history: stored once, never changed or deleted."""

    refusal = "This history is never rewritten."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(self.refusal)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(self.refusal)


class SentNotice(models.Model):
    """One email that went out, by a key naming its event and recipient, so a retried task never sends it twice."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
