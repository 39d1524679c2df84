from django.urls import path

from consultation import feeds, moderation_views, opinion_views, outcome_views, publish_views, suggestion_views, views

version = "guidelines/<slug:org>/<slug:slug>/v<int:number>/"
publish = "publish/<slug:org>/<slug:slug>/"

urlpatterns = [
    path("guidelines/", views.guideline_list, name="guideline-list"),
    path("guidelines/<slug:org>/<slug:slug>/", views.guideline_detail, name="guideline"),
    path(version, views.version_detail, name="guideline-version"),
    path(f"{version}diff/<int:other>/", views.version_diff, name="guideline-version-diff"),
    path(f"{version}clauses/<str:key>/", views.clause_comments, name="clause-comments"),
    path(f"{version}clauses/<str:key>/suggestions/", suggestion_views.clause_suggestions, name="clause-suggestions"),
    path(f"{version}suggestions/<int:pk>/", suggestion_views.suggestion_detail, name="suggestion"),
    path(f"{version}suggestions/<int:pk>/stance/", suggestion_views.take_stance, name="suggestion-stance"),
    path(f"{version}suggestions/<int:pk>/decision/", suggestion_views.decide, name="suggestion-decide"),
    path(f"feeds/{version}suggestions/", feeds.SuggestionsFeed(), name="feed-suggestions"),
    path(f"{version}outcome/", outcome_views.version_outcome, name="version-outcome"),
    path(f"{version}comments/new/", views.post_comment, name="comment-new"),
    path(f"{version}comments/", views.comment_search, name="comment-search"),
    path(f"{version}comments/<int:pk>/", views.comment_detail, name="comment"),
    path(f"{version}clusters/<int:pk>/", views.comment_cluster, name="comment-cluster"),
    path(f"{version}comments/<int:pk>/endorse/", views.endorse_comment, name="comment-endorse"),
    path(f"{version}comments/<int:pk>/report/", views.report_comment, name="comment-report"),
    path(f"{version}opinions/", opinion_views.opinions, name="version-opinions"),
    path(f"{version}opinions/vote/", opinion_views.vote, name="opinion-vote"),
    path(f"{version}opinions/statements/new/", opinion_views.new_statement, name="statement-new"),
    path("activity/", views.activity, name="activity"),
    path("comments/", views.comment_list, name="comment-list"),
    path("feeds/consultations/", feeds.ConsultationsFeed(), name="feed-consultations"),
    path("feeds/guidelines/<slug:org>/<slug:slug>/", feeds.GuidelineFeed(), name="feed-guideline"),
    path("feeds/closeouts/", feeds.CloseOutsFeed(), name="feed-closeouts"),
    path("publish/", publish_views.publish_home, name="publish-home"),
    path(publish, publish_views.publish_guideline, name="publish-guideline"),
    path(f"{publish}drafts/new/", publish_views.new_draft, name="publish-new-draft"),
    path(f"{publish}drafts/import/", publish_views.import_draft, name="publish-import"),
    path(f"{publish}v<int:number>/", publish_views.publish_version, name="publish-version"),
    path(f"{publish}v<int:number>/clauses/add/", publish_views.add_clause, name="publish-clause-add"),
    path(f"{publish}v<int:number>/clauses/<str:key>/edit/", publish_views.edit_clause, name="publish-clause-edit"),
    path(f"{publish}v<int:number>/clauses/<str:key>/move/", publish_views.move_clause, name="publish-clause-move"),
    path(
        f"{publish}v<int:number>/clauses/<str:key>/remove/", publish_views.remove_clause, name="publish-clause-remove"
    ),
    path(f"{publish}v<int:number>/period/", publish_views.schedule_period, name="publish-schedule"),
    path(f"{publish}v<int:number>/period/extend/", publish_views.extend_period, name="publish-extend"),
    path(f"{publish}v<int:number>/responses/", publish_views.responses, name="publish-responses"),
    path(f"{publish}v<int:number>/responses/new/", publish_views.respond, name="publish-respond"),
    path(f"{publish}v<int:number>/final/", publish_views.publish_final, name="publish-final"),
    path(
        f"{publish}v<int:number>/suggestions/draft/",
        suggestion_views.start_suggested_draft,
        name="publish-suggestions-draft",
    ),
    path("moderation/comments/", moderation_views.queue, name="comment-moderation-queue"),
    path("moderation/comments/<int:pk>/hide/", moderation_views.hide, name="moderation-hide"),
    path("moderation/statements/", opinion_views.statement_queue, name="statement-moderation-queue"),
    path("moderation/statements/<int:pk>/", opinion_views.moderate, name="moderation-statement"),
    path("moderation/bursts/", moderation_views.burst_list, name="comment-moderation-bursts"),
    path("moderation/bursts/<int:pk>/hide/", moderation_views.hide_burst, name="moderation-hide-burst"),
    path("moderation/comments/<int:pk>/restore/", moderation_views.restore, name="moderation-restore"),
    path("moderation/comments/<int:pk>/dismiss/", moderation_views.dismiss, name="moderation-dismiss"),
]
