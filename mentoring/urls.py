from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/join/", views.join_with_code, name="join_code"),
    path("cohorts/join/<str:code>/", views.join, name="join"),
    path("cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("cohorts/<int:pk>/leave/", views.leave, name="leave"),
    path("attempts/<int:attempt_id>/share/", views.share, name="share"),
    path("shared/<int:attempt_id>/", views.attempt, name="attempt"),
    path("feedback/<int:feedback_id>/reply/", views.reply, name="reply"),
    path("feedback/<int:feedback_id>/report/", views.report, name="report"),
    path("feedback/<int:feedback_id>/hide/", views.hide, name="hide"),
    path("mentor/", views.mentor_home, name="mentor_home"),
    path("mentor/cohorts/<int:pk>/", views.mentor_cohort, name="mentor_cohort"),
    path("mentor/cohorts/<int:pk>/<slug:table>.csv", views.mentor_csv, name="mentor_csv"),
    path("reports/", views.reports, name="reports"),
    path("reports/<slug:table>.csv", views.reports_csv, name="reports_csv"),
]
