"""The editorial workflow: every editorial write on a claim goes through here -- its status
(`transition`), assignee (`assign`), proposed rating, same-claim link and speaker -- and retiring
a rating label. Evidence and notes are written by `claims.services.evidence` and re-exported here,
so callers find every editorial write in one module.

One table (`TRANSITIONS`) says which moves exist, which permission each needs and which guards
(evidence, four eyes, a conclusion, a rating, a speaker) each runs; the constants beside it
(`NEXT_STATUS`, `RATED_TARGETS`, `RATABLE_STATUSES`, `OPEN_STATUSES`) are the rest of the rules the
admin, the API and the public pages ask instead of keeping copies. Permissions are checked here, on
the server, at the moment of the action: hiding a button is a courtesy, not a control.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, ClaimContribution, ClaimTransition, Rating, Speaker
from claims.selectors.access import PUBLIC_STATUSES, is_public  # noqa: F401 - PUBLIC_STATUSES: access's, for callers
from claims.selectors.access import can as _can
from claims.selectors.contributions import has_contributed
from claims.services.contributions import record_contribution
from claims.services.errors import InvalidInput, InvalidTransition, NotAllowed

# Re-exported so callers find every editorial write in one module (the API imports from here).
from claims.services.evidence import (  # noqa: F401
    EVIDENCE_FIELDS,
    add_evidence,
    add_note,
    check_keeps_evidence,
    check_may_edit_evidence,
    clean_evidence_fields,
    merge_speakers,
    remove_evidence,
    update_evidence,
)

S = Claim.Status
OPEN_STATUSES = (S.NEW, S.TRIAGED, S.RESEARCHING, S.IN_REVIEW)
# Where a rating is given: submitting for review (the proposed one), publishing, correcting.
RATED_TARGETS = frozenset({S.IN_REVIEW, S.PUBLISHED, S.CORRECTED})
# Where a researcher may propose a rating before review.
RATABLE_STATUSES = (S.TRIAGED, S.RESEARCHING, S.IN_REVIEW)
# "Move on": the usual next step from each status (the admin's bulk action).
NEXT_STATUS = {S.NEW: S.TRIAGED, S.TRIAGED: S.RESEARCHING, S.RESEARCHING: S.IN_REVIEW, S.IN_REVIEW: S.PUBLISHED}


@dataclass
class Move:
    """What one call to `transition` is about to do; guards read and fill it."""

    claim: Claim
    to: str
    user: AbstractBaseUser
    note: str
    assignee: AbstractBaseUser | None
    rating: Rating | None
    conclusion: str | None


Guard = Callable[[Move], None]


@dataclass(frozen=True)
class Rule:
    label: str
    permission: str
    # Who may act (beyond the permission): also used to decide which buttons a user sees.
    actor_guards: tuple[Guard, ...] = ()
    # What the claim must look like: checked only when the move is attempted, so the button
    # stays visible and the refusal explains what is missing.
    guards: tuple[Guard, ...] = ()
    needs_note: bool = False
    note_hint: str = field(default="")


def _label(status: str) -> str:
    return S(status).label.lower()


# --- guards -------------------------------------------------------------------------------------


def _resolve_assignee(move: Move) -> None:
    # Explicit assignee > the one already set > the person starting the research.
    assignee = move.assignee or move.claim.assignee or move.user
    if not _can(assignee, "research_claim"):
        raise InvalidInput(
            f"{assignee} cannot research claims (not in the Researcher or Editor group).", field="assignee"
        )
    if assignee.pk != move.user.pk and assignee.pk != move.claim.assignee_id and not _can(move.user, "assign_claim"):
        raise NotAllowed("Only an editor can assign a claim to someone else.")
    move.assignee = assignee


def _only_assignee_or_editor(move: Move) -> None:
    claim = move.claim
    if claim.assignee_id and claim.assignee_id != move.user.pk and not _can(move.user, "assign_claim"):
        raise NotAllowed(f"Only the assignee ({claim.assignee}) or an editor can submit this research for review.")


def _check_rating(rating: Rating | None) -> Rating:
    if rating is None:
        raise InvalidInput("Choose a rating.", field="rating")
    if not isinstance(rating, Rating):
        raise InvalidInput("The rating is not a rating label.", field="rating")
    if rating.retired:
        raise InvalidInput(f"The rating '{rating.label}' is retired; choose a current label.", field="rating")
    return rating


def _needs_proposed_rating(move: Move) -> None:
    move.rating = _check_rating(move.rating or move.claim.proposed_rating)


def _needs_conclusion(move: Move) -> None:
    conclusion = move.conclusion if move.conclusion is not None else move.claim.conclusion
    if not (conclusion or "").strip():
        raise InvalidInput("Write a conclusion first.", field="conclusion")
    move.conclusion = conclusion.strip()


def _needs_speaker(move: Move) -> None:
    if move.claim.speaker_id is None:
        raise InvalidTransition("A fact check needs a speaker: attribute the claim to a speaker before publishing.")


def independent_source_count(claim: Claim) -> int:
    """Evidence items sharing an independence group are one source; a blank group is its own."""
    groups = set()
    for evidence_id, group in claim.evidence.values_list("id", "independence_group"):
        group = (group or "").strip().casefold()
        groups.add(group or f"#{evidence_id}")
    return len(groups)


def required_sources() -> int:
    minimum = max(1, settings.FACTCHECK_EVIDENCE_MIN_SOURCES)
    if settings.FACTCHECK_REQUIRE_INDEPENDENT_SOURCES:
        minimum = max(2, minimum)
    return minimum


def evidence_rule_text() -> str:
    """The evidence rule in words, for the claim page."""
    needed = required_sources()
    if settings.FACTCHECK_REQUIRE_INDEPENDENT_SOURCES:
        return f"Publishing needs evidence from at least {needed} independent sources."
    return f"Publishing needs at least {needed} evidence item{'s' if needed > 1 else ''}."


def _needs_evidence(move: Move) -> None:
    needed = required_sources()
    if settings.FACTCHECK_REQUIRE_INDEPENDENT_SOURCES:
        have = independent_source_count(move.claim)
        if have < needed:
            raise InvalidTransition(
                f"Publishing needs evidence from at least {needed} independent sources; this claim has {have} "
                "(items sharing an independence group count as one source)."
            )
    else:
        have = move.claim.evidence.count()
        if have < needed:
            raise InvalidTransition(
                f"Publishing needs at least {needed} evidence item{'s' if needed > 1 else ''}; this claim has {have}."
            )


def _four_eyes(move: Move) -> None:
    """Decided from who actually did the research (ClaimContribution, written by the services),
    not from the assignee field an editor can point at someone else."""
    if not settings.FACTCHECK_FOUR_EYES:
        return
    if move.claim.researcher_id == move.user.pk or has_contributed(claim=move.claim, user=move.user):
        raise NotAllowed(
            "Four-eyes rule: you worked on this claim's research (started it, gathered evidence, proposed "
            "the rating or conclusion, or submitted it), so another editor must publish it."
        )


def _same_words(a: str | None, b: str | None) -> bool:
    # A browser sends the textarea back with CRLF line ends: compare the words, not the bytes.
    return " ".join((a or "").split()) == " ".join((b or "").split())


def _publishes_the_reviewed_verdict(move: Move) -> None:
    """The publisher approves what was researched and reviewed; a different verdict is new research."""
    claim = move.claim
    if move.rating is not None and move.rating.pk != claim.proposed_rating_id:
        raise InvalidInput(
            "Publishing uses the proposed rating. To publish a different one, send the claim back to "
            "research with your reason.",
            field="rating",
        )
    if move.conclusion is not None and not _same_words(move.conclusion, claim.conclusion):
        raise InvalidInput(
            "Publishing uses the reviewed conclusion. To change it, send the claim back to research with your reason.",
            field="conclusion",
        )
    if move.conclusion is not None:
        move.conclusion = claim.conclusion  # the reviewed text, verbatim


def _correction_rating(move: Move) -> None:
    # Keeping the published label is always fine, even if it has been retired since.
    if move.rating is not None and move.rating.pk != move.claim.rating_id:
        _check_rating(move.rating)


TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.NEW, S.TRIAGED): Rule("Triage", "triage_claim"),
    (S.NEW, S.DISMISSED): Rule("Dismiss", "triage_claim"),
    (S.TRIAGED, S.DISMISSED): Rule("Dismiss", "triage_claim"),
    (S.DISMISSED, S.NEW): Rule("Reopen", "triage_claim", needs_note=True, note_hint="why it deserves another look"),
    (S.TRIAGED, S.RESEARCHING): Rule("Start research", "research_claim", actor_guards=(_resolve_assignee,)),
    (S.RESEARCHING, S.IN_REVIEW): Rule(
        "Submit for review",
        "research_claim",
        actor_guards=(_only_assignee_or_editor,),
        guards=(_needs_proposed_rating, _needs_conclusion),
    ),
    (S.IN_REVIEW, S.RESEARCHING): Rule("Send back", "publish_claim", needs_note=True, note_hint="what is missing"),
    (S.IN_REVIEW, S.PUBLISHED): Rule(
        "Publish",
        "publish_claim",
        actor_guards=(_four_eyes,),
        guards=(
            _publishes_the_reviewed_verdict,
            _needs_proposed_rating,
            _needs_conclusion,
            _needs_speaker,
            _needs_evidence,
        ),
    ),
    (S.PUBLISHED, S.CORRECTED): Rule(
        "Correct",
        "correct_claim",
        guards=(_correction_rating, _needs_evidence),
        needs_note=True,
        note_hint="the correction note readers will see",
    ),
    (S.CORRECTED, S.CORRECTED): Rule(
        "Correct again",
        "correct_claim",
        guards=(_correction_rating, _needs_evidence),
        needs_note=True,
        note_hint="the correction note readers will see",
    ),
}


def rule_for(*, from_status: str, to: str) -> Rule | None:
    return TRANSITIONS.get((from_status, to))


def _actor_refusal(rule: Rule, move: Move) -> str | None:
    """Why this user may not make this move (an actor guard's message), or None if they may."""
    try:
        for guard in rule.actor_guards:
            guard(move)
    except (NotAllowed, InvalidInput) as exc:
        return exc.message
    return None


def _actor_may(rule: Rule, move: Move) -> bool:
    return _can(move.user, rule.permission) and _actor_refusal(rule, move) is None


def available_transitions(*, claim: Claim, user: AbstractBaseUser) -> list[str]:
    """The target statuses this user may try from the claim's current status (for buttons and API)."""
    targets = []
    for (source, target), rule in TRANSITIONS.items():
        if source != claim.status:
            continue
        move = Move(claim=claim, to=target, user=user, note="", assignee=None, rating=None, conclusion=None)
        if _actor_may(rule, move):
            targets.append(target)
    return targets


def transition_refusals(*, claim: Claim, user: AbstractBaseUser) -> list[tuple[str, str]]:
    """The moves from the claim's status that this user holds the permission for but may not make
    on this claim (the four-eyes rule, someone else's assignment), each as (button label, reason
    in words). The claim page shows the reason where the button would be, instead of a button
    that would only be refused, and instead of silently showing nothing."""
    refused: list[tuple[str, str]] = []
    for (source, target), rule in TRANSITIONS.items():
        if source != claim.status or not _can(user, rule.permission):
            continue
        move = Move(claim=claim, to=target, user=user, note="", assignee=None, rating=None, conclusion=None)
        reason = _actor_refusal(rule, move)
        if reason is not None:
            refused.append((rule.label, reason))
    return refused


def _lock(claim: Claim) -> Claim:
    # Two editors clicking at once: the second waits and then sees the first one's status.
    # `of=self`: PostgreSQL cannot lock the nullable side of the outer joins select_related adds.
    related = ("rating", "proposed_rating", "assignee")
    return Claim.objects.select_for_update(of=("self",)).select_related(*related).get(pk=claim.pk)


def _record(*, claim: Claim, from_status: str, user: AbstractBaseUser, note: str,
            before: tuple[Rating | None, str] | None = None) -> ClaimTransition:
    from claims.services.webhooks import queue_transition_events

    row = ClaimTransition.objects.create(
        claim=claim, from_status=from_status, to_status=claim.status, actor=user, note=note
    )
    if before is not None:
        # A correction: the verdict before and after, and the e-mails to everyone told before, in
        # the same transaction (they exist exactly when the correction does), ahead of the
        # claim.corrected event, which carries the verdict before.
        from claims.services.corrections import record_correction

        record_correction(transition=row, claim=claim, old_rating=before[0], old_conclusion=before[1], user=user)
    # In the transition's transaction: the webhook events exist exactly when the move does.
    queue_transition_events(transition=row)
    return row


def _save(claim: Claim, *, user: AbstractBaseUser, reason: str, fields: list[str]) -> None:
    # simple_history reads these two attributes when it writes the historical row.
    claim._history_user = user
    claim._change_reason = reason[:100]
    claim.save(update_fields=[*fields, "updated_at"])


def transition(
    *,
    claim: Claim,
    to: str,
    user: AbstractBaseUser,
    note: str = "",
    assignee: AbstractBaseUser | None = None,
    rating: Rating | None = None,
    conclusion: str | None = None,
) -> Claim:
    """Move a claim to status `to`, checking permission and guards; records a ClaimTransition.

    `assignee` is used when research starts; `rating` and `conclusion` when submitting for review,
    publishing or correcting (a correction is the only way a published rating changes)."""
    if to not in S.values:
        raise InvalidInput(f"'{to}' is not a claim status.", field="to")
    note = (note or "").strip()
    with transaction.atomic():
        claim = _lock(claim)
        rule = TRANSITIONS.get((claim.status, to))
        if rule is None:
            allowed = ", ".join(_label(t) for (f, t) in TRANSITIONS if f == claim.status) or "nowhere"
            raise InvalidTransition(
                f"A {_label(claim.status)} claim cannot move to {_label(to)}; from here it can go to: {allowed}."
            )
        if not _can(user, rule.permission):
            raise NotAllowed(f"You do not have permission to {rule.label.lower()} claims.")
        if rating is not None and to not in RATED_TARGETS:
            raise InvalidInput(
                "A rating can only be given when submitting for review, publishing or correcting.", field="rating"
            )
        if rule.needs_note and not note:
            raise InvalidInput(f"Add a note: {rule.note_hint}.", field="note")
        move = Move(claim=claim, to=to, user=user, note=note, assignee=assignee, rating=rating, conclusion=conclusion)
        for guard in (*rule.actor_guards, *rule.guards):
            guard(move)

        from_status = claim.status
        claim.status = to
        fields = ["status"]
        now = timezone.now()
        worked: list[str] = []
        if to == S.RESEARCHING and from_status == S.TRIAGED:
            claim.assignee = move.assignee
            claim.researcher = move.assignee
            fields += ["assignee", "researcher"]
            if move.assignee.pk == user.pk:
                worked.append(ClaimContribution.Kind.RESEARCH)
        elif to == S.IN_REVIEW:
            worked.append(ClaimContribution.Kind.SUBMITTED)
            if move.rating is not None and move.rating.pk != claim.proposed_rating_id:
                worked.append(ClaimContribution.Kind.RATING)
            if not _same_words(move.conclusion, claim.conclusion):
                worked.append(ClaimContribution.Kind.CONCLUSION)
            claim.proposed_rating = move.rating
            claim.conclusion = move.conclusion or ""
            if claim.researcher_id is None:
                claim.researcher = user
            fields += ["proposed_rating", "conclusion", "researcher"]
        elif to == S.PUBLISHED:
            claim.rating = move.rating
            claim.conclusion = move.conclusion or ""
            claim.published_at = now
            fields += ["rating", "conclusion", "published_at"]
        elif to == S.CORRECTED:
            before = (claim.rating, claim.conclusion)  # what readers and subscribers were told
            if move.rating is not None:
                claim.rating = move.rating
            if conclusion is not None and conclusion.strip():
                claim.conclusion = conclusion.strip()
            claim.correction_note = note
            claim.corrected_at = now
            fields += ["rating", "conclusion", "correction_note", "corrected_at"]
        _save(
            claim, user=user, reason=f"{from_status} → {to}: {note}" if note else f"{from_status} → {to}", fields=fields
        )
        _record(claim=claim, from_status=from_status, user=user, note=note,
                before=before if to == S.CORRECTED else None)
        if worked:
            record_contribution(claim=claim, user=user, kinds=worked)
    return claim


# --- the other editorial writes -------------------------------------------------------------------


def assign(*, claim: Claim, assignee: AbstractBaseUser | None, user: AbstractBaseUser) -> Claim:
    """Give an open claim to a researcher. Anyone who researches may take a claim for themselves;
    giving it to someone else (or taking it away) is an editor's call."""
    with transaction.atomic():
        claim = _lock(claim)
        if claim.status not in OPEN_STATUSES:
            raise InvalidTransition(f"A {_label(claim.status)} claim cannot be assigned.")
        self_assign = assignee is not None and assignee.pk == getattr(user, "pk", None)
        if not (_can(user, "assign_claim") or (self_assign and _can(user, "research_claim"))):
            raise NotAllowed("Only an editor can assign claims to others; researchers can assign claims to themselves.")
        if assignee is None:
            if claim.status == S.RESEARCHING:
                raise InvalidInput(
                    "A claim under research needs an assignee; assign someone else instead.", field="assignee"
                )
        elif not _can(assignee, "research_claim"):
            raise InvalidInput(
                f"{assignee} cannot research claims (not in the Researcher or Editor group).", field="assignee"
            )
        if claim.assignee_id == getattr(assignee, "pk", None):
            return claim
        claim.assignee = assignee
        fields = ["assignee"]
        if claim.status == S.RESEARCHING:
            claim.researcher = assignee
            fields.append("researcher")
        _save(claim, user=user, reason=f"assigned to {assignee}" if assignee else "unassigned", fields=fields)
    return claim


def propose_rating(*, claim: Claim, rating: Rating, user: AbstractBaseUser) -> Claim:
    """A researcher's suggested label; the published rating is set only by publishing or correcting."""
    with transaction.atomic():
        claim = _lock(claim)
        if not _can(user, "research_claim"):
            raise NotAllowed("You do not have permission to propose ratings.")
        if is_public(claim):
            raise InvalidTransition("This fact check is published: its rating changes only through a correction.")
        if claim.status not in RATABLE_STATUSES:
            raise InvalidTransition(f"A {_label(claim.status)} claim cannot be rated; triage it first.")
        claim.proposed_rating = _check_rating(rating)
        _save(claim, user=user, reason=f"proposed rating {rating.label}", fields=["proposed_rating"])
        record_contribution(claim=claim, user=user, kinds=[ClaimContribution.Kind.RATING])
    return claim


def confirm_same_claim(*, claim: Claim, earlier: Claim, user: AbstractBaseUser) -> Claim:
    """An editor confirms that `claim` repeats `earlier`: the link lets readers and alerts find
    the existing fact check. Chains are flattened to the first claim so links never loop."""
    if not _can(user, "publish_claim"):
        raise NotAllowed("Only an editor can confirm that two claims are the same.")
    with transaction.atomic():
        claim = _lock(claim)
        root = Claim.objects.select_related("same_as").get(pk=earlier.pk)
        seen = {root.pk}
        while root.same_as_id is not None and root.same_as_id not in seen:
            seen.add(root.same_as_id)
            root = Claim.objects.get(pk=root.same_as_id)
        if root.pk == claim.pk or claim.pk in seen:
            raise InvalidInput("A claim cannot be the same as itself.", field="earlier")
        if (root.created_at, root.pk) > (claim.created_at, claim.pk):
            raise InvalidInput("Link a claim to an earlier one, not a later one.", field="earlier")
        claim.same_as = root
        _save(claim, user=user, reason=f"same claim as #{root.pk}", fields=["same_as"])
        # Repeats of this claim now point at the original too.
        Claim.objects.filter(same_as=claim).update(same_as=root)
    return claim


def may_propose_rating(*, claim: Claim, user: AbstractBaseUser) -> bool:
    """Whether the claim page offers this user a rating to propose (propose_rating's own rule)."""
    return claim.status in RATABLE_STATUSES and _can(user, "research_claim")


SPEAKER_FIXED = "This fact check is published; its speaker cannot change."


def speaker_is_fixed(claim: Claim) -> bool:
    """A published fact check's speaker is part of the verdict readers saw: it changes only by
    sending the claim back through the workflow, never by editing the field."""
    return is_public(claim)


def change_speaker(*, claim: Claim, speaker: Speaker | None, user: AbstractBaseUser) -> Claim:
    """Correct who made a claim (the extractor's guess was wrong). Refused on a published fact check."""
    if not _can(user, "change_claim"):
        raise NotAllowed("You do not have permission to change claims.")
    with transaction.atomic():
        claim = _lock(claim)
        if claim.speaker_id == getattr(speaker, "pk", None):
            return claim
        if speaker_is_fixed(claim):
            raise InvalidInput(SPEAKER_FIXED, field="speaker")
        claim.speaker = speaker
        _save(claim, user=user, reason="speaker corrected", fields=["speaker"])
    return claim


def retire_rating(*, rating: Rating, user: AbstractBaseUser) -> Rating:
    """Retire a label: no new claim gets it; published fact checks keep it (labels are never deleted)."""
    if not _can(user, "change_rating"):
        raise NotAllowed("Only an administrator can retire rating labels.")
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        if rating.retired:
            raise InvalidInput(f"'{rating.label}' is already retired.")
        rating.retired = True
        rating.save(update_fields=["retired"])
    return rating
