"""URLs of the régie, mounted at /regie/ on each commune's site: screens here, the API (api_urls) and the
documents and public verification (documents_urls) beside them."""

from django.urls import URLPattern, URLResolver

from . import api_urls, documents_urls

app_name = "regie"
urlpatterns: list[URLPattern | URLResolver] = [
    *api_urls.urlpatterns,
    *documents_urls.urlpatterns,
]
