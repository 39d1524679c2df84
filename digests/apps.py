from django.apps import AppConfig


class DigestsConfig(AppConfig):
    """Follows of guidelines, consultations and appeals; the notices, digests and unsubscribing of their email."""

    name = "digests"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consultation.followers import provide_teller
        from core.mail import provide_opt_out
        from digests import signals  # noqa: F401  (appeal steps on the record become notices)
        from digests.models import MailOptOut
        from digests.services.notices import tell_version_followers

        # Consultation and core sit below us: they reach followers and opt-outs through these hooks.
        provide_teller(tell_version_followers)
        provide_opt_out(MailOptOut.objects.covers)
