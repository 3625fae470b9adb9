"""The articles screen: what came in, how processing went, and a form to submit more.

"Add article" is a submit form (URL, pasted text or an uploaded file) that calls the same
`submit_article` as the API and the feeds, so de-duplication and validation are identical.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from claims.admin.bulk import apply_each
from claims.models import Article, Claim, Outlet
from claims.selectors.wording import claim_sentence, score_text
from claims.services.articles import decode_upload, retry_article, submit_article
from claims.services.errors import InvalidInput
from claims.services.transcripts import is_transcript_name, submit_transcript

MAX_UPLOAD_BYTES = 10_000_000


class SubmitArticleForm(forms.Form):
    url = forms.CharField(label="URL", required=False, max_length=2048,
                          widget=forms.URLInput(attrs={"size": 80, "placeholder": "https://…"}))
    text = forms.CharField(label="or paste the text", required=False,
                           widget=forms.Textarea(attrs={"rows": 10, "cols": 80}))
    file = forms.FileField(label="or upload a text file", required=False, help_text="UTF-8 or UTF-16 plain text.")
    title = forms.CharField(required=False, max_length=500)
    byline = forms.CharField(required=False, max_length=500)
    published_at = forms.DateTimeField(label="Published at", required=False,
                                       help_text="YYYY-MM-DD HH:MM; leave empty if unknown.")
    # A speech, debate or interview (claims.services.transcripts; docs/monitoring.md).
    transcript = forms.FileField(
        label="or upload a transcript", required=False,
        help_text="WebVTT (.vtt, with <v Speaker> tags), SRT (.srt, “NAME:” prefixes or none) or plain text "
                  "(“SPEAKER NAME: words”, Q:/A:). A .vtt or .srt file uploaded above counts as a transcript too.")
    transcript_format = forms.ChoiceField(
        label="Transcript format", required=False,
        choices=[("", "Recognise it"), ("vtt", "WebVTT"), ("srt", "SRT"), ("text", "Plain text")])
    speaker = forms.CharField(
        required=False, max_length=120,
        help_text="Who speaks what the transcript attributes to no one (a speech), and the A: answers.")
    interviewer = forms.CharField(required=False, max_length=120, help_text="Who asks the Q: questions.")
    media_url = forms.CharField(
        label="Recording URL", required=False, max_length=2048,
        widget=forms.URLInput(attrs={"size": 80, "placeholder": "https://www.youtube.com/watch?v=…"}),
        help_text="Claims link to their moment in it; taken from the transcript when it names one.")

    TRANSCRIPT_FIELDS = ("transcript", "transcript_format", "speaker", "interviewer", "media_url")

    def article_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.TRANSCRIPT_FIELDS]

    def transcript_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.TRANSCRIPT_FIELDS]

    def is_transcript(self) -> bool:
        """A transcript upload, or a .vtt/.srt file given as the text file."""
        upload = self.cleaned_data.get("file")
        return bool(self.cleaned_data.get("transcript")) or (upload is not None and is_transcript_name(upload.name))

    def clean(self):
        data = super().clean()
        given = [name for name in ("url", "text", "file") if data.get(name)]
        if self.errors:
            # A field already said what is wrong with it; "give exactly one" on top only confuses.
            return data
        if data.get("transcript"):
            if given:
                raise forms.ValidationError("Upload the transcript on its own: leave the URL, text and file empty.")
            if data["transcript"].size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(f"The transcript is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB.")
            return data
        if len(given) != 1:
            raise forms.ValidationError("Give exactly one of: a URL, a text or a file.")
        upload = data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB.")
        return data


class ClaimInline(admin.TabularInline):
    model = Claim
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("statement", "kind", "status", "score")
    readonly_fields = fields
    ordering = ("content_start",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        # every row reads its speaker for the sentence: one join, not a query per claim
        return super().get_queryset(request).select_related("speaker")

    @admin.display(description="claim")
    def statement(self, obj: Claim) -> str:
        return claim_sentence(obj, max_chars=160).as_html()

    @admin.display(description="check-worthiness")
    def score(self, obj: Claim) -> str:
        return score_text(obj.checkworthiness)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "outlet", "source", "status", "error_excerpt", "claim_count", "published_at",
                    "created_at")
    list_select_related = ("outlet",)
    list_filter = ("status", "source", ("outlet", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "url", "canonical_url")
    ordering = ("-created_at",)
    actions = ("retry",)
    inlines = (ClaimInline,)
    # Adds the versions of a refetched page and their diffs (claims/templatetags/claims_versions.py).
    change_form_template = "admin/claims/article/change_form.html"

    class Media:
        css = {"all": ("claims/admin.css",)}
        js = ("claims/claims_admin.js",)
    fields = ("title", "byline", "published_at", "outlet", "url_link", "media_url",
              "canonical_url", "feed", "source", "status_live",
              "error", "attempts", "submitted_by", "created_at", "processed_at", "duplicate_of", "text")
    # Title, byline, date and outlet are editable (a pasted article's come from its header and may
    # need a fix); the rest is the record of how it came in and was processed.
    readonly_fields = ("url_link", "canonical_url", "feed", "source", "status_live", "error", "attempts",
                       "submitted_by", "created_at", "processed_at", "duplicate_of", "text")
    autocomplete_fields = ("outlet",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_claims=Count("claims"))

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, obj: Article) -> int:
        return obj.n_claims

    @admin.display(description="status")
    def status_live(self, obj: Article) -> str:
        # While the article is being processed the page refreshes itself (claims_admin.js) until
        # it is done, unless something was typed into the form.
        active = obj.status in (Article.Status.QUEUED, Article.Status.FETCHING, Article.Status.EXTRACTING)
        return format_html('<span id="fc-article-status" data-active="{}">{}</span>{}', "1" if active else "",
                           obj.get_status_display(), " (this page updates itself)" if active else "")

    @admin.display(description="error")
    def error_excerpt(self, obj: Article) -> str:
        return Truncator(obj.error).chars(80) if obj.error else ""

    @admin.display(description="URL")
    def url_link(self, obj: Article) -> str:
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.url, obj.url) if obj.url else "—"

    @admin.action(description="Retry processing")
    def retry(self, request: HttpRequest, queryset) -> None:
        if not request.user.has_perm("claims.change_article"):
            self.message_user(request, "You do not have permission to retry articles.", messages.ERROR)
            return
        retried, refused = apply_each(
            queryset, lambda article: retry_article(article_id=article.pk), lambda article: f"“{article}”"
        )
        if retried:
            self.message_user(request, f"{retried} article{'s' if retried != 1 else ''} queued again.",
                              messages.SUCCESS)
        if refused:
            self.message_user(request, "Not retried: " + "; ".join(refused[:5]), messages.WARNING)

    @staticmethod
    def _outcome(article: Article, link: str) -> tuple[int, str]:
        """The message after submitting, saying what really happened."""
        if article.status == Article.Status.DONE:
            n = article.claims.count()
            return messages.SUCCESS, format_html(
                'Article processed: <a href="{}">{}</a>, {} claim{} found.', link, article, n, "" if n == 1 else "s")
        if article.status == Article.Status.FAILED:
            return messages.ERROR, format_html('Article <a href="{}">{}</a> could not be processed: {}', link, article,
                                               article.error)
        return messages.INFO, format_html(
            'Article <a href="{}">{}</a> is {}: its claims appear on its page as soon as a worker has processed it '
            "(the page updates itself).", link, article, article.get_status_display().lower())

    # "Add article" is the submit form.
    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None) -> HttpResponse:
        if not self.has_add_permission(request):
            messages.error(request, "You do not have permission to submit articles.")
            return HttpResponseRedirect(reverse("admin:claims_article_changelist"))
        form = SubmitArticleForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            response = self._submit(request, form)
            if response is not None:
                return response
        context = {
            **self.admin_site.each_context(request),
            "title": "Submit an article",
            "form": form,
            "opts": self.model._meta,
            "has_view_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/claims/article/submit.html", context)

    def _submit(self, request: HttpRequest, form: SubmitArticleForm) -> HttpResponse | None:
        data = form.cleaned_data
        common = {"title": data["title"], "byline": data["byline"], "published_at": data["published_at"],
                  "submitted_by": request.user}
        try:
            if form.is_transcript():
                upload = data.get("transcript") or data["file"]
                submission = submit_transcript(
                    data=upload.read(), filename=upload.name, fmt=data.get("transcript_format") or None,
                    title=data["title"], speaker=data.get("speaker", ""), interviewer=data.get("interviewer", ""),
                    media_url=data.get("media_url", ""), published_at=data["published_at"], submitted_by=request.user,
                )
            elif data.get("file"):
                text = decode_upload(data["file"].read())
                submission = submit_article(text=text, source=Article.Source.FILE, **common)
            elif data.get("url"):
                submission = submit_article(url=data["url"], **common)
            else:
                submission = submit_article(text=data["text"], **common)
        except InvalidInput as exc:
            # The form is shown again with everything typed still in it.
            field = exc.field
            if form.is_transcript() and exc.field in ("file", "text"):
                field = "transcript" if data.get("transcript") else "file"
            if field in form.fields:
                form.add_error(field, exc.message)
            messages.error(request, exc.message)
            return None
        # Read back: without a broker the article was processed as it was committed.
        article = Article.objects.get(pk=submission.article.pk)
        link = reverse("admin:claims_article_change", args=[article.pk])
        if submission.created:
            messages.add_message(request, *self._outcome(article, link))
        else:
            messages.warning(request, format_html('We already have this article: <a href="{}">{}</a>.', link, article))
        return HttpResponseRedirect(link)


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    """Outlets: named by a user, by a page's domain or by a pasted article's dateline."""

    list_display = ("name", "domain", "created_at")
    search_fields = ("name", "domain")
    ordering = ("name",)
