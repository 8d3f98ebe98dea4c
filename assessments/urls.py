from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("skills/", views.skills, name="skills"),
    path("skills/export.csv", views.skills_csv, name="skills_csv"),
    path("depth-points/", views.depth_points, name="depth_points"),
    path("lessons/<slug:slug>/prompts/<int:section_id>/", views.prompt_answers, name="prompt_answers"),
    path("lessons/<slug:slug>/your-turn/", views.turn, name="turn"),
    path("lessons/<slug:slug>/your-turn/snapshot/", views.turn_snapshot, name="turn_snapshot"),
    path("lessons/<slug:slug>/your-turn/reflections/<int:number>/", views.turn_reflection, name="turn_reflection"),
    path("lessons/<slug:slug>/your-turn/success/", views.turn_success, name="turn_success"),
    path("lessons/<slug:slug>/your-turn/complete/", views.turn_complete, name="turn_complete"),
]
