from django.urls import path

from dangjian.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.create, name="create"),
    path("transfer-in/", views.transfer_in, name="transfer_in"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/reveal/<str:field>/", views.reveal, name="reveal"),
    path("<int:pk>/transfer-out/", views.transfer_out, name="transfer_out"),
    path("<int:pk>/transfer/", views.transfer_internal, name="transfer_internal"),
]
