from django.urls import include, path

from accounts import api as accounts_api
from ledger import api as ledger_api

urlpatterns = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("record/", ledger_api.RecordList.as_view(), name="api-record"),
    path("", include("consultation.api_urls")),
    path("", include("appeals.api_urls")),
]
