from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dangjian.core.api import router

urlpatterns = [
    path("", include("dangjian.core.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("roster/", include("dangjian.members.roster_urls")),
    path("life/", include("dangjian.life.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("recruitment/", include("dangjian.recruitment.urls")),
    path("elections/", include("dangjian.elections.urls")),
    path("services/", include("dangjian.services.urls")),
    path("reports/", include("dangjian.reports.urls")),
    path("jobs/", include("dangjian.jobs.urls")),
    path("audit/", include("dangjian.audit.urls")),
    path("inspection/", include("dangjian.inspection.urls")),
    path("selfcheck/", include("dangjian.selfcheck.urls")),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "dangjian.core.views.not_found"
handler403 = "dangjian.core.views.forbidden"
handler500 = "dangjian.core.views.server_error"
