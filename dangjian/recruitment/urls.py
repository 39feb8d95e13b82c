from django.urls import path

from dangjian.recruitment import views

app_name = "recruitment"
urlpatterns = [
    path("", views.file_list, name="list"),
    path("new/", views.create, name="create"),
    path("ledger.xlsx", views.ledger, name="ledger"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/", views.record_step, name="record_step"),
    path("<int:pk>/sponsor/", views.add_sponsor, name="add_sponsor"),
    path("<int:pk>/cultivation/", views.add_cultivation, name="add_cultivation"),
    path("<int:pk>/document/", views.add_document, name="add_document"),
    path("<int:pk>/extension/", views.add_extension, name="add_extension"),
    path("<int:pk>/training/", views.set_training, name="set_training"),
]
