"""Moved. The builders are in tests/factories.py (one per model, factory_boy) and the staff and
claim fixtures (wf_reader ... wf_admin, speaker, ready_for_review) in tests/conftest.py, where
pytest finds them without a star import. Kept only so that test files written against the old
names keep importing while they move over; new tests import tests.factories."""
from tests.factories import PASSWORD, add_sources, published, rating, staff_in_group  # noqa: F401
from tests.factories import ArticleFactory as make_article  # noqa: F401
from tests.factories import ClaimFactory as make_claim  # noqa: F401
