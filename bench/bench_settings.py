"""Settings for the API benchmark only: production settings plus a URLconf with a bare view to
compare against, and no throttling. Never used by the product."""
from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}  # noqa: F405
