"""The extraction tests need spaCy and the model only, never Django settings."""
import pytest

from claims.extraction import extract


@pytest.fixture(scope="session")
def run():
    return extract


def spans_ok(text, claim):
    pieces = [text[a:b] for a, b in claim.content_spans]
    assert claim.content == " ".join(pieces)
    for a, b in claim.speaker_spans + claim.cue_spans:
        assert 0 <= a < b <= len(text)
    return True
