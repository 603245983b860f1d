"""URL map: staff console under /console/, resident portal under /portal/, API under /api/v1/."""

from django.urls import include, path
from django.views.generic import RedirectView

from gongzhi.api.urls import api
from gongzhi.core import views as core_views

urlpatterns = [
    path("", RedirectView.as_view(url="/portal/", permanent=False)),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # /accounts/ (login, second factor, password) and /console/accounts/ (三员 pages).
    path("", include("gongzhi.accounts.urls")),
    path("console/", include("gongzhi.console.urls")),
    path("console/regions/", include("gongzhi.regions.urls")),
    path("console/organisations/", include("gongzhi.organisations.urls")),
    path("console/residents/", include("gongzhi.residents.urls")),
    path("console/audit/", include("gongzhi.ledger.urls")),
    path("console/cases/", include("gongzhi.cases.urls")),
    path("console/tasks/", include("gongzhi.core.urls")),
    path("console/open311/", include("gongzhi.service_requests.console_urls")),
    path("console/outreach/", include("gongzhi.outreach.urls")),
    path("console/consultations/", include("gongzhi.consultations.urls")),
    path("console/polls/", include("gongzhi.polls.urls")),
    path("console/disclosures/", include("gongzhi.disclosures.urls")),
    path("console/elections/", include("gongzhi.elections.urls")),
    path("console/opinions/", include("gongzhi.opinions.urls")),
    path("console/dashboards/", include("gongzhi.dashboards.urls")),
    path("console/policy/", include("gongzhi.policy.urls")),
    path("portal/", include("gongzhi.portal.urls")),
    # 居务公开 (R2.3f): public pages, readable without logging in.
    path("gongkai/", include("gongzhi.disclosures.public_urls")),
    # 委员会选举 (R2.3d): published voter lists, proxies, candidates and results.
    path("xuanju/", include("gongzhi.elections.public_urls")),
    path("open311/v2/", include("gongzhi.service_requests.urls")),
    path("api/v1/", api.urls),
]

# Every refused permission is written to the ledger (PERMISSION_DENIED).
handler403 = "gongzhi.accounts.views.permission_denied"
