"""`make run`'s demo includes a council debate's captions: its claims have their speakers, times and
links to their moment of the recording."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from claims.models import Article, Claim

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_has_a_debate_whose_claims_link_to_their_moment(settings) -> None:
    settings.DEBUG = True
    settings.FACTCHECK_DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=StringIO())
    debate = Article.objects.get(source=Article.Source.TRANSCRIPT)
    assert debate.status == Article.Status.DONE, debate.error
    assert debate.media_url == "https://www.youtube.com/watch?v=portAlderDebate"
    claim = Claim.objects.select_related("speaker").get(article=debate, content__contains="70 percent")
    assert (claim.speaker.name, claim.speaker_title) == ("Helena Strand", "Mayor")
    assert (claim.start_seconds, claim.end_seconds) == (8.4, 15.8)
    assert Claim.objects.filter(article=debate, speaker__name="Tomas Brightwater").exists()
