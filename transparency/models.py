from django.db import models


class Tally(models.Model):
    """The counts of one month for one thing the statistics are about (an organization, a system, a guideline, a
    clause, a topic, a version, a reviewer label, or everything). Pages read only these rows, so their cost does not
    grow with the number of appeals; `transparency.fold` keeps them up to date from the public record.

    `counts` maps a figure to a number: `filed`, `outcome:upheld`, … and histograms of days as `decision_days:12`,
    so medians and percentiles come from the histogram, never from the appeals."""

    ALL, ORGANIZATION, SYSTEM, GUIDELINE, CLAUSE = "all", "organization", "system", "guideline", "clause"
    TOPIC, ORGANIZATION_TOPIC, VERSION, REVIEWER = "topic", "organization_topic", "version", "reviewer"

    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=250, help_text="acme, acme/helper, acme/refusals/R-4.2, medical, v3, a handle…")
    scope = models.CharField(max_length=250, blank=True, help_text="The key of what it belongs to, for breakdowns.")
    month = models.DateField(help_text="The first day of the month counted.")
    counts = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dimension", "key", "month"], name="one_tally_per_month")]
        indexes = [models.Index(fields=["dimension", "scope", "month"])]

    def __str__(self) -> str:
        return f"{self.dimension} {self.key} {self.month:%Y-%m}"


class FoldMark(models.Model):
    """How far into the public record the tallies are folded: the seq of the last entry counted. Its row lock
    serializes folds, and it moves in the same transaction as the counts, so no entry is counted twice or missed."""

    name = models.CharField(max_length=40, primary_key=True)
    seq = models.BigIntegerField(default=0)
    folded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at #{self.seq}"
