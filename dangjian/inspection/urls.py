from django.urls import path

from dangjian.inspection import views

app_name = "inspection"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.round_create, name="round_create"),
    path("supervision/", views.supervision, name="supervision"),
    path("import-template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("<int:pk>/import/", views.findings_import, name="import"),
    path("<int:pk>/lookback/", views.lookback, name="lookback"),
    path("<int:pk>/notice.docx", views.notice_docx, name="notice"),
    path("<int:pk>/plan.docx", views.plan_docx, name="plan"),
    path("<int:pk>/ledger.xlsx", views.ledger_xlsx, name="ledger"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/new/", views.finding_create, name="finding_create_loose"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/link/", views.finding_link, name="finding_link"),
    path("findings/<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("findings/<int:pk>/accept/", views.finding_decide, {"decision": "accept"}, name="accept"),
    path("findings/<int:pk>/refuse/", views.finding_decide, {"decision": "refuse"}, name="refuse"),
    path("findings/<int:pk>/evidence/", views.evidence_upload, {"kind": "finding"}, name="finding_evidence"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/status/", views.measure_transition, name="measure_transition"),
    path("measures/<int:pk>/progress/", views.measure_progress, name="measure_progress"),
    path("measures/<int:pk>/evidence/", views.evidence_upload, {"kind": "measure"}, name="measure_evidence"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
