from django.urls import path

from dangjian.selfcheck import views

app_name = "selfcheck"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="progress"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="cancel"),
    path("runs/<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/send/", views.finding_send, name="send"),
    path("compare/<slug:a_key>/<int:a_id>/<slug:b_key>/<int:b_id>/", views.compare, name="compare"),
]
