"""URLs of the base domain: the operators' console and the operators' API."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import twofactor_views, views
from .console import api as console_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("jamaa.platform.console.urls")),
    # No LOGIN_REDIRECT_URL here ("home" is a commune's page): after login, the fleet.
    path("login/", twofactor_views.LoginView.as_view(next_page="console-communes"), name="login"),
    # Every console user has a second factor: the code step, or the enrolment step the first time.
    path("login/verify/", twofactor_views.login_verify, name="login-verify"),
    path("login/enrol/", twofactor_views.login_enrol, name="login-enrol"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("api/communes/", console_api.CommuneListApi.as_view(), name="api-communes"),
    path("api/communes/<slug:slug>/suspend/", console_api.CommuneSuspendApi.as_view(), name="api-commune-suspend"),
    path("api/communes/<slug:slug>/resume/", console_api.CommuneResumeApi.as_view(), name="api-commune-resume"),
    path("api/communes/<slug:slug>/archive/", console_api.CommuneArchiveApi.as_view(), name="api-commune-archive"),
    path("api/auth/token/", console_api.OperatorTokenApi.as_view(), name="api-token"),
    # Only this urlconf's endpoints: the request's urlconf is this one, but the generator defaults to ROOT_URLCONF.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(
            urlconf="jamaa.platform.urls_public",
            custom_settings={
                "TITLE": "Jamaa operators' API",
                "DESCRIPTION": "The fleet of communes, on the base domain: staff read, the operators group writes.",
            },
        ),
        name="api-schema",
    ),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

# Central support and the platform's invoicing (issue 25): their console pages and their API.
urlpatterns += [
    path("support/", include("jamaa.platform.support.urls")),
    path("billing/", include("jamaa.platform.billing.urls")),
    path("api/support/", include("jamaa.platform.support.api_urls")),
    path("api/billing/", include("jamaa.platform.billing.api_urls")),
]

# Styled error pages with a way back, in the reader's language (the 500 page needs no database).
handler403 = "jamaa.platform.kernel.pages.forbidden"
handler404 = "jamaa.platform.kernel.pages.not_found"
handler500 = "jamaa.platform.kernel.pages.server_error"
