from django.db import models
from django.urls import reverse

from consultation.models.comments import Comment
from consultation.models.guidelines import GuidelineVersion


class CommentCluster(models.Model):
    """Comments on one clause of one version (or its general comments) that say the same thing in (nearly) the same
    words: a mass campaign, or a single
    distinct comment (size 1).

    Its id is its representative's id, the first comment of the cluster, so "show each cluster once" is
    `cluster_id = id` without a join. Members are only ever added; `size` counts them and is kept by the clustering
    task in the same transaction that assigns them.
    """

    representative = models.OneToOneField(Comment, primary_key=True, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="clusters")
    size = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-size", "pk"]
        indexes = [models.Index(fields=["version", "-size"], name="cluster_version_size")]

    def __str__(self) -> str:
        return f"Cluster {self.pk} of {self.size} on {self.version_id}"

    def get_absolute_url(self) -> str:
        version = self.version
        guideline = version.guideline
        return reverse("comment-cluster", args=[guideline.organization.slug, guideline.slug, version.number, self.pk])

    @property
    def others(self) -> int:
        return self.size - 1

    @property
    def is_campaign(self) -> bool:
        return self.size > 1


class CommentFingerprint(models.Model):
    """A clustered comment's MinHash signature, kept so later comments can be compared with it in another process."""

    comment = models.OneToOneField(Comment, primary_key=True, on_delete=models.PROTECT, related_name="fingerprint")
    cluster = models.ForeignKey(CommentCluster, on_delete=models.PROTECT, related_name="+")
    signature = models.BinaryField()

    def __str__(self) -> str:
        return f"Fingerprint of comment {self.comment_id}"


class CommentBand(models.Model):
    """One LSH band of a fingerprint: comments sharing a band key are candidates for near-duplicates.

    The key hashes the version, the band's number and its values, so one index on `key` serves every version."""

    key = models.BigIntegerField()
    fingerprint = models.ForeignKey(CommentFingerprint, on_delete=models.PROTECT, related_name="bands")

    class Meta:
        indexes = [models.Index(fields=["key"], name="comment_band_key")]

    def __str__(self) -> str:
        return f"Band {self.key}"
