from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/export/", views.ProfileExportView.as_view(), name="profile_export"),
    path("profile/delete/", views.ProfileDeleteView.as_view(), name="profile_delete"),
]
