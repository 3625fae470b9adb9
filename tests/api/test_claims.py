"""Claims: filters, search, ordering, cursor pagination, and the workflow actions."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Article, Claim, ClaimTransition, Evidence, Note, Outlet, Rating, Speaker

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def api(client_for, reader):
    return client_for(reader)


def test_a_claim_carries_speaker_article_offsets_and_rating(api, published_claim):
    body = api.get(f"/api/v1/claims/{published_claim.pk}/").json()
    assert body["speaker"] == {"id": published_claim.speaker_id, "name": "Jane Minister", "title": "Minister of Truth"}
    assert body["article"]["outlet"]["name"] == "Daily Planet"
    assert (body["content_start"], body["content_end"]) == (published_claim.content_start, published_claim.content_end)
    assert body["rating"]["label"] == "False" and body["rating"]["value"] == 2
    assert body["public_url"].endswith(f"/fact-checks/{published_claim.pk}/")


def test_an_unpublished_claim_has_no_public_url(api, new_claim):
    assert api.get(f"/api/v1/claims/{new_claim.pk}/").json()["public_url"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=new", ["a"]),
        ("status=published&status=new", ["a", "b"]),
        ("kind=indirect", ["c"]),
        ("rating=false", ["b"]),
        ("min_checkworthiness=0.8", ["c"]),
    ],
)
def test_filters_select_the_matching_claims(api, make_claim, query, expected):
    made = {
        "a": make_claim(checkworthiness=0.1),
        "b": make_claim(status=Claim.Status.PUBLISHED, checkworthiness=0.2),
        "c": make_claim(status=Claim.Status.TRIAGED, kind=Claim.Kind.INDIRECT, checkworthiness=0.9),
    }
    assert sorted(ids(api.get(f"/api/v1/claims/?{query}"))) == sorted(made[key].pk for key in expected)


def test_rating_filter_accepts_an_id_as_well_as_a_slug(api, make_claim):
    published = make_claim(status=Claim.Status.PUBLISHED)
    make_claim()
    assert ids(api.get(f"/api/v1/claims/?rating={Rating.objects.get(slug='false').pk}")) == [published.pk]


def test_speaker_outlet_and_article_filters(api, make_claim, article):
    other_outlet = Outlet.objects.create(name="Gazette")
    other_article = Article.objects.create(url="https://gazette.example/1", outlet=other_outlet)
    other_speaker = Speaker.objects.create(name="Bob", normalized_name="bob")
    mine = make_claim()
    theirs = make_claim(article=other_article, speaker=other_speaker)
    assert ids(api.get(f"/api/v1/claims/?speaker={other_speaker.pk}")) == [theirs.pk]
    assert ids(api.get(f"/api/v1/claims/?outlet={other_outlet.pk}")) == [theirs.pk]
    assert ids(api.get(f"/api/v1/claims/?article={article.pk}")) == [mine.pk]


def test_date_range_filters(api, make_claim):
    now = timezone.now()
    old = make_claim()
    Claim.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=10))
    recent = make_claim(status=Claim.Status.PUBLISHED, published_at=now - timedelta(days=1))
    after = (now - timedelta(days=5)).isoformat().replace("+00:00", "Z")
    assert ids(api.get("/api/v1/claims/", {"created_after": after})) == [recent.pk]
    assert ids(api.get("/api/v1/claims/", {"created_before": after})) == [old.pk]
    assert ids(api.get("/api/v1/claims/", {"published_after": after})) == [recent.pk]
    assert ids(api.get("/api/v1/claims/", {"published_before": after})) == []


@pytest.mark.parametrize(
    "query",
    ["status=bogus", "min_checkworthiness=2", "speaker=abc", "speaker=1.5", "created_after=yesterday",
     "speaker=99999999999999999999999", "cursor=not-a-cursor", "page_size=0"],
)
def test_bad_filter_values_answer_400_naming_the_parameter(api, query):
    response = api.get(f"/api/v1/claims/?{query}")
    assert response.status_code == 400, response.content
    assert query.split("=")[0] in response.json()["error"]["fields"]


def test_search_finds_claims_by_their_words(api, make_claim):
    hit = make_claim(content="Unemployment fell to its lowest level in decades")
    make_claim(content="The bridge will open next spring")
    assert ids(api.get("/api/v1/claims/", {"q": "unemployment decades"})) == [hit.pk]
    assert ids(api.get("/api/v1/claims/", {"q": "nothing-like-this"})) == []


def test_ordering_by_checkworthiness(api, make_claim):
    low, high, mid = make_claim(checkworthiness=0.1), make_claim(checkworthiness=0.9), make_claim(checkworthiness=0.5)
    assert ids(api.get("/api/v1/claims/?ordering=-checkworthiness")) == [high.pk, mid.pk, low.pk]
    assert ids(api.get("/api/v1/claims/?ordering=checkworthiness")) == [low.pk, mid.pk, high.pk]


def _walk(api, url: str) -> tuple[list[int], list[str]]:
    seen: list[int] = []
    pages: list[str] = []
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        pages.append(url)
        url = body["next"]
    return seen, pages


@pytest.mark.parametrize("ordering", ["-created_at", "checkworthiness", "-checkworthiness"])
def test_cursor_pages_visit_every_claim_once_even_with_tied_scores(api, article, speaker, ordering):
    # 25 claims sharing 3 scores: ties across page boundaries must neither repeat nor skip.
    Claim.objects.bulk_create(
        Claim(article=article, kind="direct", content=f"c{i}", content_start=i * 10, content_end=i * 10 + 5,
              speaker=speaker, checkworthiness=(i % 3) / 2, fingerprint=f"f{i}")
        for i in range(25)
    )
    seen, pages = _walk(api, f"/api/v1/claims/?page_size=4&ordering={ordering}")
    assert sorted(seen) == sorted(Claim.objects.values_list("pk", flat=True))
    assert len(pages) == 7
    scores = [Claim.objects.get(pk=pk).checkworthiness for pk in seen]
    if "checkworthiness" in ordering:
        assert scores == sorted(scores, reverse=ordering.startswith("-"))


def test_previous_links_walk_back_to_the_same_pages(api, article, speaker):
    Claim.objects.bulk_create(
        Claim(article=article, kind="direct", content=f"c{i}", content_start=i * 10, content_end=i * 10 + 5,
              checkworthiness=0.5, fingerprint=f"f{i}")
        for i in range(9)
    )
    first = api.get("/api/v1/claims/?page_size=4").json()
    second = api.get(first["next"]).json()
    back = api.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]
    assert first["previous"] is None


def test_page_size_is_capped_at_200(api, article):
    Claim.objects.bulk_create(
        Claim(article=article, kind="direct", content=f"c{i}", content_start=i * 10, content_end=i * 10 + 5,
              fingerprint=f"f{i}")
        for i in range(205)
    )
    assert len(ids(api.get("/api/v1/claims/?page_size=1000"))) == 200
    assert len(ids(api.get("/api/v1/claims/"))) == 50


# --- workflow actions ----------------------------------------------------------------------------


def test_a_claim_moves_through_the_workflow_via_the_transition_endpoint(client_for, researcher, new_claim):
    research = client_for(researcher)
    url = f"/api/v1/claims/{new_claim.pk}/transition/"
    response = research.post(url, {"to": "triaged", "note": "worth checking"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["claim"]["status"] == "triaged"
    assert ClaimTransition.objects.filter(claim=new_claim, to_status="triaged", actor=researcher).exists()
    assert "triaged" not in research.get(url).json()["available_transitions"]
    assert research.get(url).json()["status"] == "triaged"


def test_an_impossible_transition_is_a_409_and_changes_nothing(client_for, editor, new_claim):
    response = client_for(editor).post(
        f"/api/v1/claims/{new_claim.pk}/transition/", {"to": "corrected"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"
    new_claim.refresh_from_db()
    assert new_claim.status == "new"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"to": "flying"}, "to"), ({"to": "triaged", "assignee": 987654}, "assignee"),
     ({"to": "triaged", "rating": 987654}, "rating"), ({"to": "triaged", "status": "published"}, "status")],
)
def test_transition_input_is_validated(client_for, editor, new_claim, body, field):
    response = client_for(editor).post(f"/api/v1/claims/{new_claim.pk}/transition/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_evidence_is_added_through_the_service_and_listed(client_for, researcher, new_claim):
    client = client_for(researcher)
    url = f"/api/v1/claims/{new_claim.pk}/evidence/"
    created = client.post(url, {"url": "https://stats.example/t1", "stance": "contradicts"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["added_by"] == "researcher"
    duplicate = client.post(url, {"url": "https://stats.example/t1"}, format="json")
    assert duplicate.status_code == 400 and "url" in duplicate.json()["error"]["fields"]
    assert [row["url"] for row in client.get(url).json()] == ["https://stats.example/t1"]
    assert Evidence.objects.filter(claim=new_claim).count() == 1


def test_evidence_cannot_set_its_author(client_for, researcher, editor, new_claim):
    response = client_for(researcher).post(
        f"/api/v1/claims/{new_claim.pk}/evidence/", {"url": "https://x.example/", "added_by": editor.pk},
        format="json",
    )
    assert response.status_code == 400
    assert Evidence.objects.count() == 0


def test_notes_are_written_by_their_author(client_for, researcher, new_claim):
    client = client_for(researcher)
    response = client.post(f"/api/v1/claims/{new_claim.pk}/notes/", {"body": "Ask the ministry"}, format="json")
    assert response.status_code == 201
    assert Note.objects.get().author == researcher
    assert client.get(f"/api/v1/claims/{new_claim.pk}/notes/").json()[0]["body"] == "Ask the ministry"


def test_claimreview_feed_lists_published_checks_newest_first(client_for, make_claim):
    older = make_claim(status=Claim.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=2))
    newer = make_claim(status=Claim.Status.CORRECTED, published_at=timezone.now() - timedelta(days=1))
    make_claim()
    body = client_for(None).get("/api/v1/claimreviews/").json()
    assert [item["claimReviewed"] for item in body["results"]] == [newer.content, older.content]
    assert all(item["@type"] == "ClaimReview" for item in body["results"])


def test_speakers_carry_published_claim_counts_per_rating(client_for, reader, make_claim):
    make_claim(status=Claim.Status.PUBLISHED)
    make_claim(status=Claim.Status.PUBLISHED)
    make_claim(status=Claim.Status.PUBLISHED, rating=Rating.objects.get(slug="true"))
    make_claim()
    row = client_for(reader).get("/api/v1/speakers/").json()["results"][0]
    assert row["ratings"] == {"false": 2, "true": 1}
    assert row["claim_count"] == 4


@pytest.mark.parametrize(
    ("value", "status"), [("0007-09-22T03:42:29+21:43", 200), ("0001-01-01T00:00:00+05:00", 400)]
)
def test_dates_are_normalised_to_utc_and_out_of_range_ones_refused(api, value, status):
    # PostgreSQL refuses offsets past 15:59; year 1 shifted back to UTC falls off the calendar.
    response = api.get("/api/v1/claims/", {"created_after": value})
    assert response.status_code == status, response.content


@pytest.mark.parametrize("internal", [True, False])
def test_the_fast_claim_rendering_matches_drfs_generic_rendering(make_claim, reader, rf, internal):
    from rest_framework.request import Request

    from claims.api.serializers import ClaimSerializer
    from claims.selectors.api import claim_queryset

    bare_article = Article.objects.create(url="https://nowhere.example/x")  # no outlet, no dates
    # A denial, a question and a score with a binary tail: the fields the fast path renders itself.
    corrected = make_claim(status=Claim.Status.CORRECTED, spans=[[1, 5]], checkworthiness_reasons=["number"],
                           corrected_at=timezone.now(), stance=Claim.Stance.DENIES, is_question=True,
                           checkworthiness=0.19999999999999998)
    orphan = make_claim(speaker=None, article=bare_article)
    context = {"request": Request(rf.get("/")), "internal": internal}
    rows = list(claim_queryset(user=reader).filter(pk__in=[corrected.pk, orphan.pk]))
    assert len(rows) == 2
    for claim in rows:
        serializer = ClaimSerializer(claim, context=context)
        assert serializer.to_representation(claim) == serializer.generic_representation(claim)


@pytest.mark.parametrize("internal", [True, False])
def test_the_fast_summary_rendering_matches_drfs_generic_rendering(make_claim, reader, rf, internal):
    from rest_framework.request import Request

    from claims.api.serializers import CLAIM_SUMMARY_FIELDS, ClaimRowRenderer, ClaimSummarySerializer
    from claims.selectors.api import claim_queryset

    bare_article = Article.objects.create(url="https://nowhere.example/s")
    published = make_claim(status=Claim.Status.PUBLISHED, published_at=timezone.now(), stance=Claim.Stance.ASKS,
                           is_question=True, checkworthiness=0.19999999999999998)
    orphan = make_claim(speaker=None, article=bare_article)
    context = {"request": Request(rf.get("/")), "internal": internal}
    render = ClaimRowRenderer(context=context, full=False)
    visible = claim_queryset(user=reader).filter(pk__in=[published.pk, orphan.pk])
    rows = {row["id"]: row for row in visible.values(*CLAIM_SUMMARY_FIELDS)}
    assert len(rows) == 2
    for claim in visible:
        serializer = ClaimSummarySerializer(claim, context=context)
        generic = serializer.generic_representation(claim)
        assert render(rows[claim.pk]) == generic == serializer.to_representation(claim)


@pytest.mark.parametrize("role", ["reader", "nobody"])
def test_a_claim_reads_the_same_in_the_list_as_in_its_detail(client_for, request, make_claim, role):
    from claims.api.serializers import ClaimSummarySerializer

    bare_article = Article.objects.create(url="https://nowhere.example/y")
    make_claim(status=Claim.Status.CORRECTED, spans=[[1, 5]], corrected_at=timezone.now())
    make_claim(status=Claim.Status.PUBLISHED, speaker=None, article=bare_article)
    make_claim()
    client = client_for(request.getfixturevalue(role))
    summaries = client.get("/api/v1/claims/").json()["results"]
    full_rows = client.get("/api/v1/claims/?view=full").json()["results"]
    assert summaries and [row["id"] for row in summaries] == [row["id"] for row in full_rows]
    for summary, full in zip(summaries, full_rows, strict=True):
        detail = client.get(summary["api_url"]).json()
        assert full == detail
        assert summary == ClaimSummarySerializer.from_full(detail)


def test_list_rows_are_summaries_unless_the_full_view_is_asked_for(api, published_claim):
    summary = api.get("/api/v1/claims/").json()["results"][0]
    assert "conclusion" not in summary and "sentence" not in summary and "outlet" not in summary["article"]
    assert summary["speaker"]["name"] == "Jane Minister" and summary["rating"]["slug"] == published_claim.rating.slug
    assert api.get("/api/v1/claims/?view=summary").json()["results"][0] == summary
    full = api.get("/api/v1/claims/?view=full").json()["results"][0]
    assert full["conclusion"] == "It shrank." and full["article"]["outlet"]["name"] == "Daily Planet"


def test_an_unknown_list_view_is_a_400_naming_the_parameter(api, published_claim):
    response = api.get("/api/v1/claims/?view=everything")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["fields"] == {"view": ["Must be one of: summary, full."]}


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "Asia/Kolkata"])
@pytest.mark.parametrize("output_format", ["iso-8601", "%Y-%m-%d %H:%M:%S%z"])
def test_the_fast_datetime_rendering_is_drfs(settings, zone, output_format):
    import datetime as dt

    from rest_framework.fields import DateTimeField

    from claims.api.serializers import DateTimeRenderer

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DATETIME_FORMAT": output_format}
    values = [
        None,
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),  # the night Paris moves to summer time
        dt.datetime(2026, 11, 27, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        dt.datetime(2026, 11, 27, 12, 0),  # naive: DRF makes it aware in the current zone
        dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
    ]
    with timezone.override(zone):
        render = DateTimeRenderer()
        for value in values:
            assert render(value) == DateTimeField().to_representation(value), value


def test_the_claim_filterset_is_set_up_as_django_filter_sets_it_up(rf):
    """ClaimFilter skips django-filter's deepcopy of its filters; otherwise it must be the same."""
    from django.http import QueryDict
    from django_filters.filterset import BaseFilterSet

    from claims.api.filters import ClaimFilter

    data = QueryDict("status=new&status=triaged&rating=false&q=budget&min_checkworthiness=0.2")
    request = rf.get("/api/v1/claims/")
    ours = ClaimFilter(data=data, queryset=Claim.objects.all(), request=request)
    stock = ClaimFilter.__new__(ClaimFilter)
    BaseFilterSet.__init__(stock, data=data, queryset=Claim.objects.all(), request=request)

    assert vars(ours).keys() == vars(stock).keys()
    for name in ("is_bound", "data", "request", "form_prefix"):
        assert getattr(ours, name) == getattr(stock, name)
    assert list(ours.filters) == list(stock.filters)
    for name, bound in ours.filters.items():
        original = stock.filters[name]
        assert type(bound) is type(original) and vars(bound).keys() == vars(original).keys()
        assert bound.parent is ours and bound.model is Claim
        assert bound is not ClaimFilter.base_filters[name]
    # `method=` filters call back into their own FilterSet, not a shared one.
    assert ours.filters["rating"].filter.f is ours.filters["rating"]
    assert not hasattr(ClaimFilter.base_filters["rating"], "parent")
    assert ours.is_valid() and stock.is_valid()
    assert str(ours.qs.query) == str(stock.qs.query)
    assert ours.form.cleaned_data == stock.form.cleaned_data


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=new&kind=direct",
        "status=new&status=triaged&rating=false&q=budget&min_checkworthiness=0.2",
        "speaker=7&outlet=3&article=2&created_after=2026-01-01T00:00:00Z&said_before=2026-02-01",
        "speaker=abc&min_checkworthiness=2&created_after=yesterday",
        "status=nonsense&unknown=1",
    ],
)
def test_a_request_validates_only_what_it_sent_with_the_whole_forms_outcome(query):
    from django.http import QueryDict

    from claims.api.filters import ClaimFilter

    ours = ClaimFilter(data=QueryDict(query), queryset=Claim.objects.all())
    whole = ClaimFilter(data=QueryDict(query), queryset=Claim.objects.all())
    whole.whole_form = True
    assert list(whole.form.fields) == list(ClaimFilter.base_filters)
    assert set(ours.form.fields) <= set(whole.form.fields)
    assert ours.is_valid() == whole.is_valid()
    assert ours.errors == whole.errors
    if ours.is_valid():
        assert str(ours.qs.query) == str(whole.qs.query)
        sent = {name: value for name, value in whole.form.cleaned_data.items() if value not in (None, "", [])}
        assert {name: value for name, value in ours.form.cleaned_data.items() if value not in (None, "", [])} == sent


def test_required_and_checkbox_filters_are_validated_even_when_not_sent():
    import django_filters
    from django import forms
    from django.http import QueryDict

    from claims.api.filters import ReusableFilterSet

    class Strict(ReusableFilterSet):
        kind = django_filters.CharFilter(required=True)
        published = django_filters.BooleanFilter(
            field_name="published_at", lookup_expr="isnull", exclude=True, widget=forms.CheckboxInput
        )
        speaker = django_filters.NumberFilter(field_name="speaker_id")

        class Meta:
            model = Claim
            fields: list[str] = []

    missing = Strict(data=QueryDict("speaker=1"), queryset=Claim.objects.all())
    assert not missing.is_valid() and "kind" in missing.errors
    unticked = Strict(data=QueryDict("kind=direct"), queryset=Claim.objects.all())
    assert unticked.is_valid() and unticked.form.cleaned_data["published"] is False
    assert "published_at" in str(unticked.qs.query)


def test_the_browsable_api_shows_every_filter(client_for, reader):
    client = client_for(reader)
    page = client.get("/api/v1/claims/?status=new", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("min_checkworthiness", "said_after", "speaker", "q"):
        assert f'name="{name}"' in html, name


def test_filtersets_reuse_one_form_class_but_no_form(rf):
    from django.http import QueryDict

    from claims.api.filters import ClaimFilter

    first = ClaimFilter(data=QueryDict("speaker=abc"), queryset=Claim.objects.all())
    second = ClaimFilter(data=QueryDict("speaker=7"), queryset=Claim.objects.all())
    assert type(first.form) is type(second.form)
    assert first.form is not second.form and first.form.fields["speaker"] is not second.form.fields["speaker"]
    assert not first.is_valid() and "speaker" in first.errors
    assert second.is_valid() and second.form.cleaned_data["speaker"] == 7


# --- stance, questions and the rounded score (issue 14 §3, issue 16 §5) -----------------------------


def test_the_claim_model_knows_exactly_the_extractors_stances():
    from claims.extraction.types import STANCES

    assert tuple(Claim.Stance.values) == STANCES


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stance=denies", ["denial"]),
        ("stance=denies&stance=accuses", ["denial", "accusation"]),
        ("stance=asserts", ["assertion"]),
        ("is_question=true", ["question"]),
        ("stance=asks&is_question=true", ["question"]),
    ],
)
def test_claims_filter_by_stance_and_question(api, make_claim, query, expected):
    made = {
        "assertion": make_claim(),
        "denial": make_claim(stance=Claim.Stance.DENIES, cue="denied"),
        "accusation": make_claim(stance=Claim.Stance.ACCUSES, cue="accused"),
        "question": make_claim(stance=Claim.Stance.ASKS, cue="asked", is_question=True),
    }
    assert sorted(ids(api.get(f"/api/v1/claims/?{query}"))) == sorted(made[key].pk for key in expected)


@pytest.mark.parametrize("query", ["stance=shrugs", "is_question=maybe"])
def test_an_unknown_stance_or_question_flag_is_a_400_naming_the_parameter(api, query):
    response = api.get(f"/api/v1/claims/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["error"]["fields"]


def test_is_question_false_leaves_the_questions_out(api, make_claim):
    plain = make_claim()
    make_claim(stance=Claim.Stance.ASKS, cue="asked", is_question=True)
    assert ids(api.get("/api/v1/claims/?is_question=false")) == [plain.pk]


@pytest.mark.parametrize("view", ["", "view=full", "detail"])
def test_every_claim_shape_carries_its_stance_question_flag_and_a_rounded_score(api, make_claim, view):
    claim = make_claim(stance=Claim.Stance.DENIES, cue="denied", is_question=False, checkworthiness=0.19999999999999998)
    url = f"/api/v1/claims/{claim.pk}/" if view == "detail" else f"/api/v1/claims/?{view}"
    body = api.get(url).json()
    row = body if view == "detail" else body["results"][0]
    assert (row["stance"], row["is_question"], row["checkworthiness"]) == ("denies", False, 0.2)


def test_the_schema_documents_the_stances_a_claim_can_carry():
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/v1/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert set(parameters["stance"]["schema"]["items"]["enum"]) == set(Claim.Stance.values)
    for shape in ("Claim", "ClaimSummary"):
        assert "stance" in schema["components"]["schemas"][shape]["properties"], shape
