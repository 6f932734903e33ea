"""The WSGI application ``bench/case_queue.py`` serves: smartunion itself, plus the console's
baseline. Loaded only by the benchmark's gunicorn (``--pythonpath bench _case_queue_app:application``);
nothing in smartunion imports it.

PERFORMANCE.md: the baseline for a request path is "a trivial view behind the same middleware and
authentication as the endpoint under test". The API queue's is ``GET /api/v1/ping`` (token
authentication, django-ninja). The console queue's is ``GET /bench/console/ping/`` below, a console page
with nothing on it: the console's own decorator (``staff_required``: a signed-in session past the
second factor, the idle time-out, the scope) and its chrome (``console/base.html`` through
``render_page``: the menu for the user's flags, the language switch), without the queue. It
shares everything with the queue page but the work under test (PERFORMANCE.md, "Method").
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = __name__

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.http import require_GET  # noqa: E402

from smartunion.console.helpers import render_page, staff_required  # noqa: E402


@require_GET
@staff_required
def console_ping(request: HttpRequest) -> HttpResponse:
    return render_page(request, "console/base.html", {})


urlpatterns = [
    path("bench/console/ping/", console_ping),
    path("", include("smartunion.urls")),
]
