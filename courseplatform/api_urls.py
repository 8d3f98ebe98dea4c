"""URLs under /api/: v1 of the mobile client's API, its OpenAPI schema and docs.

Paths are the contract in DESIGN.md; within v1 they are only ever added to.
The last pattern answers every other /api/ path with a JSON 404.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import MeExportView, MeView
from assessments.api import views as assessments_api
from courseplatform.api.errors import not_found
from lessons import api as lessons_api
from mentoring.api import urls as mentoring_urls

app_name = "api"

v1 = [
    path("me/", MeView.as_view(), name="me"),
    path("me/export/", MeExportView.as_view(), name="me-export"),
    path("tracks/", lessons_api.TrackListView.as_view(), name="track-list"),
    path("tracks/<slug:slug>/", lessons_api.TrackDetailView.as_view(), name="track-detail"),
    path("lessons/<slug:slug>/", assessments_api.LessonDetailView.as_view(), name="lesson-detail"),
    path("lessons/<slug:slug>/progress/", lessons_api.LessonProgressView.as_view(), name="lesson-progress"),
    path("lessons/<slug:slug>/prompt-response/", assessments_api.PromptResponseView.as_view(),
         name="lesson-prompt-response"),
    path("lessons/<slug:slug>/prompt-response/draft/", assessments_api.PromptDraftView.as_view(),
         name="lesson-prompt-response-draft"),
    path("lessons/<slug:slug>/your-turn/reflections/<int:step>/draft/", assessments_api.ReflectionDraftView.as_view(),
         name="turn-reflection-draft"),
    path("lessons/<slug:slug>/your-turn/snapshots/", assessments_api.SnapshotCreateView.as_view(),
         name="turn-snapshots"),
    path("lessons/<slug:slug>/your-turn/reflections/<int:step>/", assessments_api.ReflectionView.as_view(),
         name="turn-reflection"),
    path("lessons/<slug:slug>/your-turn/complete/", assessments_api.TurnCompleteView.as_view(), name="turn-complete"),
    path("snapshots/", assessments_api.SnapshotListView.as_view(), name="snapshot-list"),
    path("snapshots/compare/", assessments_api.SnapshotCompareView.as_view(), name="snapshot-compare"),
    path("snapshots/<int:pk>/", assessments_api.SnapshotDetailView.as_view(), name="snapshot-detail"),
    path("depth-points/", assessments_api.DepthPointsView.as_view(), name="depth-points"),
    path("dashboard/", assessments_api.DashboardView.as_view(), name="dashboard"),
    path("dashboard/notices/read/", assessments_api.NoticesReadView.as_view(), name="dashboard-notices-read"),
    path("skills/", assessments_api.SkillsHistoryView.as_view(), name="skills"),
    path("skills/export.csv", assessments_api.SkillsCsvView.as_view(), name="skills-export-csv"),
    path("", include(mentoring_urls)),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script as a file (docs/?script=), not inline:
    # the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", not_found, name="not-found"),
]
