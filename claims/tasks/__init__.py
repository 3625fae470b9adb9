"""Celery tasks, thin: ids in, a service called, retries declared. One module per area."""
from .alerts import *  # noqa: F401,F403
from .bulk import *  # noqa: F401,F403
from .corrections import *  # noqa: F401,F403
from .feeds import *  # noqa: F401,F403
from .pipeline import *  # noqa: F401,F403
from .versions import *  # noqa: F401,F403
from .webhooks import *  # noqa: F401,F403
