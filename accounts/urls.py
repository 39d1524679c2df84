from django.urls import path

from accounts import domain_views

urlpatterns = [
    path("organizations/<slug:org>/email-domains/", domain_views.email_domains, name="email-domains"),
    path("email-domains/verify/<str:token>/", domain_views.confirm, name="email-domain-confirm"),
]
