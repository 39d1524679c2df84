from django.urls import path

from accounts import api as accounts_api
from ledger import api as ledger_api

urlpatterns = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("record/", ledger_api.RecordList.as_view(), name="api-record"),
]
