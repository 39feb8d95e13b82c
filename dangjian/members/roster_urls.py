"""The Excel roster: import (upload → preview → confirm), its template, and the export."""

from django.urls import path

from dangjian.members import roster_views

app_name = "roster"
urlpatterns = [
    path("import/", roster_views.import_upload, name="import"),
    path("import/commit/", roster_views.import_commit, name="import_commit"),
    path("template/", roster_views.template_download, name="template"),
    path("export/", roster_views.export, name="export"),
]
