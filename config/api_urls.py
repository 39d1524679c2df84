from django.urls import include, path

from accounts import api as accounts_api
from ledger import api as ledger_api

urlpatterns = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("record/", ledger_api.RecordList.as_view(), name="api-record"),
    path("record/checkpoints/", ledger_api.CheckpointList.as_view(), name="api-record-checkpoints"),
    path(
        "record/checkpoints/<int:size>/cosignatures/",
        ledger_api.CosignatureCreate.as_view(),
        name="api-record-cosignatures",
    ),
    path("record/<int:seq>/proof/", ledger_api.InclusionProof.as_view(), name="api-record-proof"),
    path("record/consistency/", ledger_api.ConsistencyProof.as_view(), name="api-record-consistency"),
    path("", include("consultation.api_urls")),
    path("", include("appeals.api_urls")),
    path("", include("audits.api_urls")),
    path("", include("transparency.api_urls")),
]
