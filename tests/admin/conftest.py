from tests.admin.workflow_fixtures import *  # noqa: F401,F403
