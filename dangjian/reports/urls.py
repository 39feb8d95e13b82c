from django.urls import path

from dangjian.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dash, name="dashboard"),
    path("survey/", views.survey, name="survey"),
    path("documents/", views.reports, name="documents"),
]
