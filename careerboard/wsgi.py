"""WSGI entry point, served by gunicorn in production."""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerboard.settings")

application = get_wsgi_application()

# What a worker keeps for its whole life (the modules, settings, models and URL patterns: most of
# its objects) is set aside from the garbage collector, which otherwise walks all of it on each
# full collection: 115-170 ms in the middle of a request, every hundred or so searches, measured
# on the long tail (benchmarks/README.md); 10-25 ms once frozen.
import_module(settings.ROOT_URLCONF)
gc.freeze()
