from django.urls import path

from digests import views

urlpatterns = [
    path("guidelines/<slug:org>/<slug:slug>/follow/", views.follow_guideline, name="guideline-follow"),
    path("guidelines/<slug:org>/<slug:slug>/v<int:number>/follow/", views.follow_version, name="version-follow"),
    path("appeals/<public_id:public_id>/follow/", views.follow_appeal, name="appeal-follow"),
    path("accounts/follows/", views.follows, name="follows"),
    path("accounts/follows/<int:pk>/", views.change_follow, name="follow-change"),
    path("accounts/follows/email-again/", views.resume_mail, name="follows-resume-mail"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
