import pytest

from claims.models import Speaker
from claims.services.speakers import resolve_speaker


@pytest.mark.django_db
def test_a_surname_in_one_article_and_the_full_name_in_another_become_one_speaker() -> None:
    full = resolve_speaker(name="Anthony Rinna", kind="person")
    assert resolve_speaker(name="Rinna", kind="person") == full
    assert Speaker.objects.count() == 1


@pytest.mark.django_db
def test_a_speaker_known_by_surname_is_upgraded_when_the_full_name_appears() -> None:
    short = resolve_speaker(name="Rinna", kind="person")
    full = resolve_speaker(name="Anthony Rinna", kind="person")
    assert full.pk == short.pk
    assert full.name == "Anthony Rinna"
    assert resolve_speaker(name="Rinna", kind="person").pk == short.pk


@pytest.mark.django_db
def test_an_ambiguous_surname_is_not_merged_into_anyone() -> None:
    resolve_speaker(name="Kim Jong Un", kind="person")
    resolve_speaker(name="Kim Yo Jong", kind="person")
    resolve_speaker(name="Mary Jong", kind="person")
    jong = resolve_speaker(name="Jong", kind="person")
    assert jong.name == "Jong"
    assert Speaker.objects.count() == 4


@pytest.mark.django_db
def test_organisations_keep_their_kind_and_ignore_a_leading_article() -> None:
    us = resolve_speaker(name="the United States", kind="organization")
    assert resolve_speaker(name="United States", kind="organization") == us
    assert us.kind == "organization"


@pytest.mark.django_db
@pytest.mark.parametrize("description", ["The professor", "a recent survey", "most market traders", "officials"])
def test_a_description_is_not_made_into_a_speaker(description: str) -> None:
    assert resolve_speaker(name=description, kind="person") is None
    assert Speaker.objects.count() == 0


@pytest.mark.django_db
def test_names_after_a_determiner_are_still_names() -> None:
    assert resolve_speaker(name="The Port Alder Gazette", kind="organization").name == "The Port Alder Gazette"
