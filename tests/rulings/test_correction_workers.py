"""The production path of a correction: the correction e-mails go through Redis to two real
`celery worker` processes on the mail queue, to a real SMTP server, while the sweep queues the
same notices again; each of the three earlier recipients gets exactly one e-mail. `services`:
skipped without PostgreSQL and Redis, a failure in CI."""
from __future__ import annotations

import pytest
import redis

from claims.models import CorrectionNotice
from claims.services import corrections
from tests.conftest import wait_until
from tests.factories import rating
from tests.rulings.conftest import alerted, subscriber


@pytest.mark.services
def test_two_real_mail_workers_send_each_correction_email_once(start_worker, broker, smtp_server, published,
                                                                wf_editor) -> None:
    for name in ("ada", "bea", "cy"):
        alerted(subscriber(name), published)
    start_worker.extra_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "SITE_URL": "https://factcheck.example",
    }
    start_worker(queues="mail", name="mail-a")
    start_worker(queues="mail", name="mail-b")

    corrections.confirm_correction(claim=published, user=wf_editor, version=corrections.claim_version(published),
                                   note="The fall was 45%, not 10%.", rating=rating("true"))
    # The sweep queues the same notices a second time while the first messages are in flight.
    corrections.retry_due_notices(now=published.updated_at.replace(year=2100))

    assert wait_until(lambda: CorrectionNotice.objects.filter(status="sent").count() == 3, timeout=180)
    queue = redis.Redis.from_url(broker)
    assert wait_until(lambda: queue.llen("mail") == 0 and not queue.hlen("unacked"), timeout=60)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == [
        "ada@example.org", "bea@example.org", "cy@example.org"]
    assert all("We corrected this fact check" in m.message["Subject"] for m in smtp_server.messages)
