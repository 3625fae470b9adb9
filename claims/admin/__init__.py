"""One module per admin screen; importing them registers the ModelAdmins."""
from . import articles, claims, dashboard, feeds, speakers, subscriptions  # noqa: F401
