from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/m/", permanent=False)),
    path("console/", include("smartunion.console.urls")),
    path("m/", include("smartunion.mobile.urls")),
    path("api/v1/", include("smartunion.api.urls")),
]
