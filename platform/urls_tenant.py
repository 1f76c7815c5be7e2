"""URLs of a commune's site (`<slug>.<base domain>`). Modules add theirs under their own prefix."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import api, staff, twofactor_views, views
from .kernel import views as kernel_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("login/", twofactor_views.LoginView.as_view(), name="login"),
    path("login/verify/", twofactor_views.login_verify, name="login-verify"),
    path("login/enrol/", twofactor_views.login_enrol, name="login-enrol"),
    path("account/security/", twofactor_views.account_security, name="account-security"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("language/", views.set_language, name="set_language"),
    # The one-time link printed when a commune is created (and usable for password resets).
    path(
        "password/set/<uidb64>/<token>/",
        views.PasswordSetView.as_view(success_url="/password/set/done/"),
        name="password_set",
    ),
    path("password/set/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("staff/", staff.staff_list, name="staff-list"),
    path("staff/new/", staff.staff_create, name="staff-create"),
    path("staff/<int:user_id>/roles/", staff.staff_roles, name="staff-roles"),
    path("staff/<int:user_id>/active/", staff.staff_active, name="staff-active"),
    path("verify/<str:kind>/<str:code>/", kernel_views.document_verify, name="document-verify"),
    path("api/me/", api.MeApi.as_view(), name="api-me"),
    path("api/auth/token/", api.TokenObtainApi.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from a URL (no inline script: a strict CSP allows it).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]


# Each enabled module's URLs, mounted at /<code>/ (see "How to add a module" in the README).
from jamaa.modules import registry  # noqa: E402

for _info in registry.available().values():
    urlpatterns.append(path(f"{_info.code}/", include(f"{_info.app}.urls")))

# Styled error pages with a way back, in the reader's language (the 500 page needs no database); under /api/,
# unmatched addresses and refused requests answer in the error shape (see views).
handler403 = "jamaa.platform.kernel.pages.forbidden"
handler404 = views.not_found
handler400 = views.bad_request
handler500 = "jamaa.platform.kernel.pages.server_error"

# Central support's pages on a commune's site: entering/ending a read-only support session, the administrator's list.
urlpatterns.append(path("support/", include("jamaa.platform.support.tenant_urls")))
