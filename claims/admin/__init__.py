"""One module per admin screen; importing them registers the ModelAdmins."""
from django.contrib import admin as _admin

from . import articles, claims, dashboard, feeds, private_feeds, speakers, subscriptions, webhooks  # noqa: F401

# The app list is one click away (breadcrumbs, "Home"); the claims list needs the width more than a
# second copy of it beside every page (issue 16: the list reads well from 1280 px).
_admin.site.enable_nav_sidebar = False
