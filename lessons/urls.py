from django.urls import path

from . import views

app_name = "lessons"

urlpatterns = [
    path("tracks/<slug:slug>/", views.track_detail, name="track"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<slug:slug>/progress/", views.lesson_progress, name="progress"),
]
