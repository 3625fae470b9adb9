"""Bulk ingestion: files, directories and URLs through the same service as the admin and the API.

    python manage.py ingest notes.txt articles/ https://example.com/story --feed https://example.com/rss
    python manage.py ingest debate.vtt town-hall.srt
    python manage.py ingest --transcript interview.txt --speaker "Carla Benn" --interviewer "Tom Reyes"
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from claims.models import Article, Claim
from claims.services.articles import decode_upload, submit_article
from claims.services.errors import DomainError
from claims.services.transcripts import TRANSCRIPT_SUFFIXES, is_transcript_name, submit_transcript

TEXT_SUFFIXES = {".txt", ".text", ".md", *TRANSCRIPT_SUFFIXES}


@dataclass
class Summary:
    created: int = 0
    duplicates: int = 0
    claims: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def _expand(inputs: list[str]) -> list[str]:
    items: list[str] = []
    for item in inputs:
        path = Path(item)
        if item.startswith(("http://", "https://")) or "://" in item:
            items.append(item)
        elif path.is_dir():
            items.extend(str(p) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        else:
            items.append(item)
    return items


class Command(BaseCommand):
    help = "Ingest articles from files, directories (*.txt, *.md) and URLs, and RSS/Atom feeds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inputs", nargs="*", metavar="PATH_OR_URL")
        parser.add_argument("--feed", action="append", default=[], metavar="URL", help="Add (or poll) a feed.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        transcripts = parser.add_argument_group(
            "transcripts", "*.vtt and *.srt files are read as transcripts; --transcript reads every file as one.")
        transcripts.add_argument("--transcript", action="store_true",
                                 help="Read the files as transcripts (plain text: `NAME: words`, Q:/A:).")
        transcripts.add_argument("--transcript-format", choices=["vtt", "srt", "text"], default=None,
                                 help="The transcripts' format (recognised from each file when not given).")
        transcripts.add_argument("--speaker", default="",
                                 help="Who speaks what a transcript attributes to no one (a speech), "
                                      "and the A: answers.")
        transcripts.add_argument("--interviewer", default="", help="Who asks a transcript's Q: questions.")
        transcripts.add_argument("--media-url", default="", metavar="URL",
                                 help="The recording; claims link to their moment in it.")

    def handle(self, *args, **options) -> None:
        inputs: list[str] = _expand(options["inputs"])
        feeds: list[str] = options["feed"]
        if not inputs and not feeds:
            raise CommandError("Give at least one file, directory, URL or --feed URL.")
        self.transcript_options = {name: options[name] for name in ("speaker", "interviewer", "media_url")}
        self.transcript_format = options["transcript_format"]
        self.all_transcripts = options["transcript"] or options["transcript_format"] is not None
        summary = Summary()
        bar = tqdm(total=len(inputs) + len(feeds), unit="item", disable=options["no_progress"], file=self.stderr)
        for item in inputs:
            self._ingest_one(item, summary)
            bar.update(1)
        for url in feeds:
            self._ingest_feed(url, summary)
            bar.update(1)
        bar.close()
        self._report(summary)
        if summary.failures:
            raise CommandError(f"{len(summary.failures)} input(s) failed; see above.")

    def _ingest_one(self, item: str, summary: Summary) -> None:
        try:
            if "://" in item:
                submission = submit_article(url=item, source=Article.Source.URL)
            else:
                path = Path(item)
                if not path.is_file():
                    raise DomainError("no such file")
                if self.all_transcripts or is_transcript_name(path.name):
                    submission = submit_transcript(data=path.read_bytes(), filename=path.name,
                                                   fmt=self.transcript_format, **self.transcript_options)
                    self._count(item, submission.article.pk, submission.created, summary)
                    return
                # No title from the file name: the text's own headline, byline and date are read
                # when it is processed (services.pipeline.header_fields).
                submission = submit_article(text=decode_upload(path.read_bytes()), source=Article.Source.FILE)
        except DomainError as exc:
            summary.failures.append((item, exc.message))
            return
        except OSError as exc:
            summary.failures.append((item, exc.strerror or str(exc)))
            return
        self._count(item, submission.article.pk, submission.created, summary)

    def _count(self, item: str, article_id: int, created: bool, summary: Summary) -> None:
        if not created:
            summary.duplicates += 1
            return
        summary.created += 1
        article = Article.objects.get(pk=article_id)
        # With a broker the work happens on workers; without one it has already run.
        if article.status == Article.Status.FAILED:
            summary.failures.append((item, article.error))
        summary.claims += article.claims.count()

    def _ingest_feed(self, url: str, summary: Summary) -> None:
        from claims.services.feeds import ensure_feed, poll_feed

        try:
            feed = ensure_feed(url=url)
            result = poll_feed(feed_id=feed.pk)
        except DomainError as exc:
            summary.failures.append((url, exc.message))
            return
        summary.created += result.created
        summary.duplicates += result.duplicates
        for error in result.errors:
            summary.failures.append((url, error))
        summary.claims += Claim.objects.filter(article__feed=feed).count()

    def _report(self, summary: Summary) -> None:
        self.stdout.write(
            f"Created {summary.created}, duplicates skipped {summary.duplicates}, "
            f"claims found {summary.claims}, failures {len(summary.failures)}."
        )
        for item, reason in summary.failures:
            self.stdout.write(f"  failed: {item}: {reason}")
