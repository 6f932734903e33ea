import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: the key self-test runs here, so that a server restored with the
# wrong FIELD_ENCRYPTION_KEYS stops at its start with the reason, not at the first sign-in with a 500.
from smartunion.core.checks import refuse_to_start_with_the_wrong_keys  # noqa: E402

refuse_to_start_with_the_wrong_keys()
