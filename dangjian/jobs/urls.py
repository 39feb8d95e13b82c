from django.urls import path

from dangjian.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<uuid:token>/", views.detail, name="detail"),
    path("<uuid:token>/cancel/", views.cancel, name="cancel"),
    path("<uuid:token>/download/", views.download, name="download"),
]
