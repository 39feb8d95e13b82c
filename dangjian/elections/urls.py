from django.urls import path

from dangjian.elections import views

app_name = "elections"
urlpatterns = [
    path("", views.election_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attendance/", views.set_attendance, name="set_attendance"),
    path("<int:pk>/counts/", views.set_counts, name="set_counts"),
    path("<int:pk>/candidate/", views.add_candidate, name="add_candidate"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/report.xlsx", views.report, name="report"),
]
