"""`manage.py ingest`: files, directories and URLs in, a summary out, non-zero on failures."""
from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article

pytestmark = pytest.mark.django_db(transaction=True)


def _run(*args: str) -> tuple[str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", *args, "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_it_ingests_files_and_directories_and_skips_duplicates(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text('"Rates will fall next year," the governor said.\n', encoding="utf-8")
    sub = tmp_path / "more"
    sub.mkdir()
    (sub / "b.md").write_text("The minister said that exports rose by 4 percent.\n", encoding="utf-8")
    (sub / "ignored.bin").write_bytes(b"\x00\x01")
    (sub / "copy.txt").write_text('"Rates will fall next year," the governor said.\n', encoding="utf-8")

    output, error = _run(str(tmp_path / "a.txt"), str(sub))
    assert error is None
    assert "Created 2, duplicates skipped 1" in output
    assert Article.objects.filter(status="done").count() == 2
    claims_found = int(output.split("claims found ")[1].split(",")[0])
    assert claims_found >= 2


def test_it_reports_each_failure_with_its_reason_and_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 said the owner".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "good.txt").write_text('"Open all night," the owner said.', encoding="utf-8")
    output, error = _run(
        str(tmp_path / "latin1.txt"), str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt"),
        "ftp://example.org/file", str(tmp_path / "good.txt"),
    )
    assert error is not None and "4 input(s) failed" in str(error)
    assert "Created 1" in output
    assert "latin1.txt: The file is not valid UTF-8" in output
    assert "empty.txt: The text is empty." in output
    assert "missing.txt: no such file" in output
    assert "ftp://example.org/file: Only http and https" in output


def test_a_url_to_a_private_address_fails_with_the_reason_on_the_row(tmp_path: Path) -> None:
    output, error = _run("http://127.0.0.1:9/story")
    assert error is not None
    article = Article.objects.get()
    assert article.status == "failed"
    assert article.error and article.error in output


def test_it_needs_at_least_one_input() -> None:
    _, error = _run()
    assert error is not None and "at least one" in str(error)
