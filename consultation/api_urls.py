from django.urls import path

from consultation import exports
from consultation.api import comments, guidelines, opinions, outcomes, publishing, suggestions

guideline = "guidelines/<slug:org>/<slug:slug>/"
version = f"{guideline}versions/<int:number>/"

urlpatterns = [
    path("guidelines/", guidelines.GuidelineList.as_view(), name="api-guidelines"),
    path(guideline, guidelines.GuidelineDetail.as_view(), name="api-guideline"),
    path(f"{guideline}versions/", guidelines.VersionCreate.as_view(), name="api-versions"),
    path(version, guidelines.VersionDetail.as_view(), name="api-version"),
    path(f"{version}comments/", comments.CommentList.as_view(), name="api-version-comments"),
    path(f"{version}comments/export.csv", exports.comments_csv, name="api-version-comments-csv"),
    path(f"{version}comments/export.json", exports.comments_json, name="api-version-comments-json"),
    path(f"{version}comments/<int:pk>/endorsements/", comments.CommentEndorse.as_view(), name="api-comment-endorse"),
    path(f"{version}comments/<int:pk>/response/", publishing.CommentRespond.as_view(), name="api-comment-response"),
    path(f"{version}responses/", publishing.ClauseRespond.as_view(), name="api-clause-responses"),
    path(f"{version}cluster-responses/", publishing.ClusterRespond.as_view(), name="api-cluster-responses"),
    path(f"{version}period/", publishing.PeriodSchedule.as_view(), name="api-period"),
    path(f"{version}period/extensions/", publishing.PeriodExtend.as_view(), name="api-period-extensions"),
    path(f"{version}final/", publishing.PublishFinal.as_view(), name="api-final"),
    path(f"{version}suggestions/", suggestions.SuggestionList.as_view(), name="api-suggestions"),
    path(
        f"{version}suggestions/<int:pk>/stance/", suggestions.SuggestionStance.as_view(), name="api-suggestion-stance"
    ),
    path(
        f"{version}suggestions/<int:pk>/decision/",
        suggestions.SuggestionDecide.as_view(),
        name="api-suggestion-decision",
    ),
    path(f"{version}outcome/", outcomes.VersionOutcome.as_view(), name="api-version-outcome"),
    path(f"{version}statements/", opinions.StatementList.as_view(), name="api-statements"),
    path(f"{version}statements/<int:pk>/vote/", opinions.StatementVote.as_view(), name="api-statement-vote"),
    path(f"{version}opinion-groups/", opinions.OpinionGroupsDetail.as_view(), name="api-opinion-groups"),
    path(
        f"{version}opinion-groups/participants/",
        opinions.GroupParticipants.as_view(),
        name="api-opinion-groups-participants",
    ),
    path(
        f"{version}opinion-groups/recompute/", opinions.OpinionGroupsRecompute.as_view(), name="api-opinion-recompute"
    ),
]
