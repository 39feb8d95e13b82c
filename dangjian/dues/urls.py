from django.urls import path

from dangjian.dues import views

app_name = "dues"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("org/<int:org_id>/", views.overview, name="overview"),
    path("org/<int:org_id>/grid/", views.grid, name="grid"),
    path("org/<int:org_id>/arrears/", views.arrears, name="arrears"),
    path("org/<int:org_id>/ledger.xlsx", views.ledger_export, name="ledger"),
    path("org/<int:org_id>/import/", views.import_bases, name="import"),
    path("org/<int:org_id>/remittances/", views.remittances, name="remittances"),
    path("org/<int:org_id>/remittances/new/", views.remittance_new, name="remittance_new"),
    path("remittances/<int:pk>/reverse/", views.remittance_reverse, name="remittance_reverse"),
    path("member/<int:pk>/", views.member, name="member"),
    path("member/<int:pk>/base/", views.base_new, name="base_new"),
    path("member/<int:pk>/payment/", views.payment_new, name="payment_new"),
    path("payment/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("payment/<int:pk>/refund/", views.payment_refund, name="payment_refund"),
]
