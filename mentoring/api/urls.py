"""Mentoring's paths under /api/v1/ (mounted by courseplatform.api_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("cohorts/", views.CohortListView.as_view(), name="cohort-list"),
    path("cohorts/join/", views.CohortJoinView.as_view(), name="cohort-join"),
    path("cohorts/<int:pk>/leave/", views.CohortLeaveView.as_view(), name="cohort-leave"),
    path("cohorts/attempts/", views.AttemptListView.as_view(), name="cohort-attempt-list"),
    path("cohorts/attempts/<int:pk>/share/", views.ShareView.as_view(), name="cohort-attempt-share"),
    path("feedback/", views.FeedbackListView.as_view(), name="feedback-list"),
    path("feedback/<int:pk>/reply/", views.FeedbackReplyView.as_view(), name="feedback-reply"),
    path("feedback/<int:pk>/report/", views.FeedbackReportView.as_view(), name="feedback-report"),
]
