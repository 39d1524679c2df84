from django.urls import path

from consultation import api, exports

guideline = "guidelines/<slug:org>/<slug:slug>/"
version = f"{guideline}versions/<int:number>/"

urlpatterns = [
    path("guidelines/", api.GuidelineList.as_view(), name="api-guidelines"),
    path(guideline, api.GuidelineDetail.as_view(), name="api-guideline"),
    path(f"{guideline}versions/", api.VersionCreate.as_view(), name="api-versions"),
    path(version, api.VersionDetail.as_view(), name="api-version"),
    path(f"{version}comments/", api.CommentList.as_view(), name="api-version-comments"),
    path(f"{version}comments/export.csv", exports.comments_csv, name="api-version-comments-csv"),
    path(f"{version}comments/export.json", exports.comments_json, name="api-version-comments-json"),
    path(f"{version}comments/<int:pk>/endorsements/", api.CommentEndorse.as_view(), name="api-comment-endorse"),
    path(f"{version}comments/<int:pk>/response/", api.CommentRespond.as_view(), name="api-comment-response"),
    path(f"{version}responses/", api.ClauseRespond.as_view(), name="api-clause-responses"),
    path(f"{version}cluster-responses/", api.ClusterRespond.as_view(), name="api-cluster-responses"),
    path(f"{version}period/", api.PeriodSchedule.as_view(), name="api-period"),
    path(f"{version}period/extensions/", api.PeriodExtend.as_view(), name="api-period-extensions"),
    path(f"{version}final/", api.PublishFinal.as_view(), name="api-final"),
]
