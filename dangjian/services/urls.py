from django.urls import path

from dangjian.services import views

app_name = "services"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("teams/", views.teams, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("records/new/", views.record_create, name="record_create"),
    path("check-ins/", views.check_ins, name="check_ins"),
    path("check-ins/new/", views.check_in_create, name="check_in_create"),
    path("check-ins/<int:pk>/report.docx", views.off_hours_report, name="off_hours_report"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("care/", views.care_events, name="care"),
    path("care/new/", views.care_event_create, name="care_create"),
    path("honors/", views.honors, name="honors"),
    path("honors/new/", views.honor_create, name="honor_create"),
    path("points/", views.points, name="points"),
    path("funds/", views.funds, name="funds"),
    path("funds/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("funds/entries/<int:pk>/reverse/", views.fund_entry_reverse, name="fund_entry_reverse"),
]
