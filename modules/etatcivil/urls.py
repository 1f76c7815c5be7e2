from django.urls import URLPattern, URLResolver

app_name = "etatcivil"
urlpatterns: list[URLPattern | URLResolver] = []
