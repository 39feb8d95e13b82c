from django.urls import path

from dangjian.life import views

app_name = "life"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.my_record, name="me"),
    path("members/<int:member_id>/", views.member_record, name="member"),
    path("orgs/<int:org_id>/", views.org_overview, name="org"),
    path("orgs/<int:org_id>/compliance/", views.compliance, name="compliance"),
    path("orgs/<int:org_id>/record/", views.record, name="record"),
    path("orgs/<int:org_id>/record/expected/", views.expected_fragment, name="record_expected"),
    path("orgs/<int:org_id>/talks/", views.talks, name="talks"),
    path("orgs/<int:org_id>/appraisals/", views.appraisals, name="appraisals"),
    path("orgs/<int:org_id>/duty-reports/", views.duty_reports, name="duty_reports"),
    path("orgs/<int:org_id>/plan/", views.study_plan, name="plan"),
    path("orgs/<int:org_id>/ledger.xlsx", views.ledger, name="ledger"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
