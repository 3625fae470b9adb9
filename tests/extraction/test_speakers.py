"""Speakers: full names, titles, conjunctions, and resolution within a document."""
from claims.extraction import extract


def by(text, needle):
    for c in extract(text):
        if needle in c.content:
            return c
    raise AssertionError([c.content for c in extract(text)])


def test_it_widens_the_speaker_to_the_full_name_and_title():
    text = "Deputy Energy Minister Hugo Sanz said the pipeline would open in May."
    c = by(text, "pipeline")
    assert c.speaker == "Hugo Sanz"
    assert "Energy Minister" in (c.speaker_title or "")
    a, b = c.speaker_spans[0]
    assert text[a:b] == "Deputy Energy Minister Hugo Sanz"


def test_it_keeps_an_appositive_as_the_title():
    text = "Nora Quist, an economist at the Baltic Institute, said wages would rise by 4 percent."
    c = by(text, "wages")
    assert c.speaker == "Nora Quist"
    assert c.speaker_title.startswith("an economist")


def test_it_keeps_conjoined_speakers_together():
    text = "Lisbon and Madrid said the agreement would be signed next month."
    c = by(text, "agreement")
    assert "Lisbon" in c.speaker and "Madrid" in c.speaker


def test_it_resolves_he_and_the_surname_to_the_full_name():
    text = ("Anton Weller, a historian at the national archive, said the letters were authentic. "
            "The paper was made before 1900, he added. "
            "Weller said the ink had been tested twice.")
    assert by(text, "paper was made").speaker == "Anton Weller"
    assert by(text, "ink").speaker == "Anton Weller"
    c = by(text, "paper was made")
    a, b = c.speaker_spans[0]
    assert text[a:b] == "he"


def test_it_resolves_a_description_to_the_person_with_that_title():
    text = ("Lars Holm, a professor of law at the city university, said the ruling was unusual. "
            "The professor said the court had never ruled this way before.")
    assert by(text, "court had never").speaker == "Lars Holm"


def test_it_leaves_a_pronoun_unresolved_rather_than_guess_the_wrong_gender():
    text = ("Peter Vance spoke first at the meeting. "
            "She said the school would need new buses.")
    c = by(text, "buses")
    assert c.speaker is None
    a, b = c.speaker_spans[0]
    assert text[a:b] == "She"
