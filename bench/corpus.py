#!/usr/bin/env python
"""A deterministic corpus of fictional news articles written for this project.

Why generated, not downloaded: the benchmarks and the fault tests need a thousand articles that
are free to redistribute, the same on every machine, and that exercise every way a newspaper
quotes someone. Every name, place and number here is invented; the sentences are composed from
templates by a seeded `random.Random`, so `articles(seed=7)` is byte-for-byte the same list on
every run (the benchmarks compare runs, the tests need reproducible failures).

What the articles contain, on purpose:
- direct quotes with the attribution after ("...," said X), before (X said: "...") and split
  ("...," X said, "..."), with pronoun attributions (she said) after a speaker is introduced;
- partial quotes (called the plan "a reckless gamble"), indirect speech ("X said that ..."),
  "according to X", "X accused Y of ...", "X denied that ...", and "..., the agency reported";
- many speakers with titles ("Harbour Commissioner Dana Ortiz"), organisations as speakers;
- curly and straight quote marks (one style per article, as real outlets do);
- lengths from ~100 to ~3,000 words (log-uniform, so short articles dominate as on a wire).

Command line, to look at it or to feed `manage.py ingest`:

    python bench/corpus.py --count 3 --print
    python bench/corpus.py --count 1000 --out /tmp/corpus      # one .txt per article
"""
from __future__ import annotations

import argparse
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

# --- The fictional world. ---------------------------------------------------------------------

FIRST_NAMES = {
    "Dana": "she", "Paul": "he", "Amara": "she", "Tomasz": "he", "Lucia": "she", "Kwame": "he",
    "Ingrid": "she", "Rafael": "he", "Mei": "she", "Oskar": "he", "Priya": "she", "Hamid": "he",
    "Elena": "she", "Jonas": "he", "Fatima": "she", "Declan": "he", "Yuki": "she", "Mateo": "he",
    "Nadia": "she", "Viktor": "he", "Sofia": "she", "Emeka": "he", "Greta": "she", "Arjun": "he",
    "Leila": "she", "Bruno": "he", "Hana": "she", "Samuel": "he", "Maren": "she", "Idris": "he",
    "Clara": "she", "Felix": "he", "Zainab": "she", "Lorenzo": "he", "Astrid": "she", "Kofi": "he",
}
LAST_NAMES = [
    "Ortiz", "Mbeki", "Lindqvist", "Okafor", "Brennan", "Castellano", "Novak", "Haddad", "Sato",
    "Kowalski", "Adeyemi", "Fontaine", "Rasmussen", "Delgado", "Whitcombe", "Nakamura", "Petrov",
    "Abernathy", "Quispe", "Varga", "Osei", "Halvorsen", "Marchetti", "Iyer", "Szabo", "Mwangi",
    "Calloway", "Dubois", "Esposito", "Farrow", "Grimaldi", "Holloway", "Janssen", "Kiplagat",
]
TITLES = [
    "Mayor", "Deputy Mayor", "Health Minister", "Finance Minister", "Transport Minister",
    "Senator", "Councillor", "Harbour Commissioner", "Water Commissioner", "Police Chief",
    "Fire Chief", "Governor", "Education Secretary", "Housing Minister", "Judge",
    "Professor", "Dr.", "Chief Executive", "Union leader", "Opposition leader",
]
ROLES = [  # appositive titles: "Dana Ortiz, the city's chief economist, said ..."
    "the city's chief economist", "a spokesperson for the Ports Authority", "the head of the Water Board",
    "a senior researcher at Eastvale University", "the chair of the budget committee",
    "a spokesperson for the farmers' union", "the regional director of public health",
    "a lawyer for the tenants' association", "the treasurer of Northgate council",
]
ORGANIZATIONS = [
    "the Ports Authority", "the Water Board", "the Ministry of Health", "the Statistics Office",
    "the Transit Commission", "Northgate Council", "the Housing Agency", "the Teachers' Union",
    "Eastvale University", "the Farmers' Cooperative", "the Energy Regulator", "the Audit Office",
]
AGENCIES = ["the agency", "the Statistics Office", "the ministry", "the regulator", "the Audit Office"]
PLACES = [
    "Harbour City", "Northgate", "Eastvale", "Port Ellery", "Saltmarsh", "Kingsbridge",
    "Westhollow", "Redcliff", "Ambergate", "Lowmoor",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
PERIODS = ["last year", "since 2019", "in the past decade", "this quarter", "over five years",
           "since the election", "in the last twelve months", "since March"]

TOPICS: dict[str, dict[str, list[str]]] = {
    "water": {
        "metric": ["reservoir levels", "household water use", "leakage from the mains", "the price of water"],
        "thing": ["the desalination plant", "the new pipeline", "the rationing scheme", "the dam repairs"],
        "people": ["households", "farmers", "residents"],
        "keyword": ["reservoir", "rationing", "drought"],
    },
    "housing": {
        "metric": ["average rents", "the number of empty homes", "house prices", "evictions"],
        "thing": ["the social housing programme", "the rent cap", "the Lowmoor estate", "the new planning code"],
        "people": ["tenants", "first-time buyers", "families"],
        "keyword": ["rents", "housing", "eviction"],
    },
    "transport": {
        "metric": ["bus ridership", "journey times", "fare revenue", "road deaths"],
        "thing": ["the tram extension", "the ring road", "the harbour bridge", "the cycle network"],
        "people": ["commuters", "drivers", "cyclists"],
        "keyword": ["tram", "bridge", "fares"],
    },
    "health": {
        "metric": ["waiting times", "hospital admissions", "vaccination rates", "ambulance response times"],
        "thing": ["the new clinic", "the nurses' contract", "the screening programme", "the children's ward"],
        "people": ["patients", "nurses", "doctors"],
        "keyword": ["hospital", "vaccination", "waiting times"],
    },
    "budget": {
        "metric": ["the deficit", "council tax", "public debt", "spending on consultants"],
        "thing": ["the budget", "the pension reform", "the spending review", "the audit"],
        "people": ["taxpayers", "pensioners", "small businesses"],
        "keyword": ["budget", "deficit", "tax"],
    },
    "energy": {
        "metric": ["electricity prices", "wind output", "gas imports", "carbon emissions"],
        "thing": ["the offshore wind farm", "the coal plant closure", "the grid upgrade", "the heat pump grant"],
        "people": ["consumers", "miners", "engineers"],
        "keyword": ["wind farm", "emissions", "electricity"],
    },
    "schools": {
        "metric": ["class sizes", "exam pass rates", "teacher vacancies", "truancy"],
        "thing": ["the school meals scheme", "the new curriculum", "the Redcliff academy", "the tutoring fund"],
        "people": ["pupils", "teachers", "parents"],
        "keyword": ["schools", "teachers", "exam"],
    },
    "crime": {
        "metric": ["burglaries", "violent crime", "police numbers", "court backlogs"],
        "thing": ["the new police station", "the street lighting plan", "the youth programme", "the camera network"],
        "people": ["officers", "victims", "shopkeepers"],
        "keyword": ["police", "crime", "burglaries"],
    },
}
EVALUATIVE = ["a reckless gamble", "a historic step", "a waste of public money", "long overdue",
              "deeply flawed", "a betrayal of voters", "the best deal on the table", "pure fantasy",
              "a cynical stunt", "a lifeline for the region"]
ACCUSATIONS = ["hiding the true cost of {thing}", "misleading voters about {metric}",
               "sitting on the audit of {thing}", "inflating the figures for {metric}",
               "ignoring warnings about {thing}"]
FILLER = [
    "The meeting in {place} lasted more than three hours.",
    "Officials did not respond to a request for comment by the time of publication.",
    "The figures were published one {month} morning with little notice.",
    "Several hundred people gathered outside the town hall in {place}.",
    "The debate is expected to continue when the council meets again in {month}.",
    "Records seen by this newspaper show the decision was taken in {month}.",
    "Critics have long argued that {thing} was poorly planned.",
    "The question of {metric} has dominated local politics in {place} for years.",
    "A final vote on {thing} is scheduled for {month}.",
    "Residents of {place} have followed the dispute closely.",
    "The report runs to more than two hundred pages.",
    "Neither side has released the full correspondence.",
]


@dataclass(frozen=True)
class CorpusArticle:
    """One generated article: its text plus what the generator put in it (for the benchmark's
    subscriptions and for sanity checks; the extractor is never told)."""

    number: int
    title: str
    text: str
    topic: str
    curly: bool
    speakers: tuple[str, ...] = field(default_factory=tuple)
    keywords: tuple[str, ...] = field(default_factory=tuple)

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class _Speaker:
    full: str
    surname: str
    pronoun: str
    title: str  # "" when introduced with an appositive role instead
    role: str
    introduced: bool = False


class _Writer:
    """Composes one article. Keeps track of who has been introduced so the first mention carries
    the full name and title and later ones use the surname or a pronoun, as reporters write."""

    def __init__(self, rng: random.Random, topic: str, curly: bool) -> None:
        self.rng = rng
        self.topic = TOPICS[topic]
        self.open, self.close = ("\u201c", "\u201d") if curly else ('"', '"')
        self.place = rng.choice(PLACES)
        self.cast = [self._new_speaker() for _ in range(rng.randint(2, 5))]
        self.last: _Speaker | None = None

    # -- vocabulary
    def _new_speaker(self) -> _Speaker:
        first = self.rng.choice(list(FIRST_NAMES))
        last = self.rng.choice(LAST_NAMES)
        use_role = self.rng.random() < 0.3
        return _Speaker(
            full=f"{first} {last}", surname=last, pronoun=FIRST_NAMES[first],
            title="" if use_role else self.rng.choice(TITLES), role=self.rng.choice(ROLES) if use_role else "",
        )

    def fill(self, template: str) -> str:
        return template.format(
            metric=self.rng.choice(self.topic["metric"]), thing=self.rng.choice(self.topic["thing"]),
            people=self.rng.choice(self.topic["people"]), place=self.place, month=self.rng.choice(MONTHS),
            period=self.rng.choice(PERIODS), org=self.rng.choice(ORGANIZATIONS),
        )

    def statement(self) -> str:
        """A check-worthy sentence body (no final period, lower-case start)."""
        r = self.rng
        pct = f"{r.randint(2, 60)}{'.' + str(r.randint(1, 9)) if r.random() < 0.4 else ''} percent"
        templates = [
            f"{{metric}} {r.choice(['rose', 'fell', 'climbed', 'dropped'])} by {pct} {{period}}",
            f"{{thing}} will be finished by {{month}} and will cost {r.randint(3, 900)} million",
            f"more than {r.randint(2, 90) * 1000:,} {{people}} were affected {{period}}",
            f"{{org}} spent {r.randint(2, 400)} million on {{thing}} {{period}}",
            f"{{metric}} in {{place}} are the {r.choice(['highest', 'lowest'])} in the country",
            f"not a single one of the {r.randint(10, 400)} promised projects has been delivered",
            f"{{thing}} has already saved {r.randint(5, 120)} million",
            "{metric} have doubled {period}",
        ]
        return self.fill(r.choice(templates))

    def opinion(self) -> str:
        r = self.rng
        return self.fill(r.choice([
            "we will not accept {thing} in its current form",
            "the people of {place} deserve better than this",
            "nobody has explained where the money for {thing} will come from",
            "this is about {people}, not about politics",
            "we warned the council about {metric} a year ago",
        ]))

    # -- attributions
    def speaker(self) -> tuple[_Speaker, str, str]:
        """(speaker, how to name them now, how to name them at the start of a sentence)."""
        if self.last is not None and self.last.introduced and self.rng.random() < 0.35:
            s = self.last
            return s, s.pronoun, s.pronoun.capitalize()
        s = self.rng.choice(self.cast)
        self.last = s
        if not s.introduced:
            s.introduced = True
            if s.title:
                name = f"{s.title} {s.full}"
                return s, name, name
            return s, f"{s.full}, {s.role},", f"{s.full}, {s.role},"
        return s, s.surname, s.surname

    def q(self, text: str) -> str:
        return f"{self.open}{text}{self.close}"

    @staticmethod
    def cap(text: str) -> str:
        return text[:1].upper() + text[1:]

    def quote_sentence(self) -> str:
        r = self.rng
        kind = r.choice(["after", "after", "before", "split", "partial", "indirect", "according",
                         "accused", "denied", "agency", "after_inverted"])
        body = self.statement() if r.random() < 0.7 else self.opinion()
        if kind == "agency":
            return f"{self.cap(body)}, {r.choice(AGENCIES)} reported."
        s, name, lead = self.speaker()
        if kind in ("indirect", "denied"):
            body = self.statement()  # "we ..." reads wrongly in reported speech
        if kind == "after":
            return f"{self.q(self.cap(body) + ',')} {name} said."
        if kind == "after_inverted":
            if name in ("he", "she"):
                return f"{self.q(self.cap(body) + ',')} {name} said."
            return f"{self.q(self.cap(body) + ',')} said {name.rstrip(',')}."
        if kind == "before":
            return f"{lead} said: {self.q(self.cap(body) + '.')}"
        if kind == "split":
            other = self.opinion()
            if r.random() < 0.3:  # the quote resumes in a new sentence
                return f"{self.q(self.cap(body) + ',')} {name} said. {self.q(self.cap(other) + '.')}"
            return f"{self.q(self.cap(body) + ',')} {name.rstrip(',')} said, {self.q(other + '.')}"
        if kind == "partial":
            verb = r.choice(["called", "described"])
            joiner = " as " if verb == "described" else " "
            return f"{lead} {verb} {self.fill('{thing}')}{joiner}{self.q(r.choice(EVALUATIVE))}."
        if kind == "indirect":
            verb = r.choice(["said", "told reporters", "claimed", "insisted", "told the council"])
            return f"{lead} {verb} that {body}."
        if kind == "according":
            who = s.surname if name in ("he", "she") else name.rstrip(",")
            return f"According to {who}, {self.statement()}."
        if kind == "accused":
            return f"{lead} accused {r.choice(ORGANIZATIONS)} of {self.fill(r.choice(ACCUSATIONS))}."
        return f"{lead} denied that {body}."  # denied

    def paragraph(self) -> str:
        r = self.rng
        sentences = []
        for _ in range(r.randint(2, 4)):
            if r.random() < 0.6:
                sentences.append(self.quote_sentence())
            else:
                sentences.append(self.fill(r.choice(FILLER)))
        return " ".join(sentences)


def article(number: int, *, seed: int = 7, min_words: int = 100, max_words: int = 3000) -> CorpusArticle:
    """Article `number` of the corpus for `seed`: independent of the others, so any slice of the
    corpus can be generated alone (the fault test wants 200 short ones, the benchmark 1,000)."""
    rng = random.Random(f"{seed}:{number}:{min_words}:{max_words}")
    topic = rng.choice(sorted(TOPICS))
    curly = rng.random() < 0.5
    writer = _Writer(rng, topic, curly)
    # Log-uniform length: many short wire items, a tail of long features.
    target = int(math.exp(rng.uniform(math.log(min_words), math.log(max_words))))
    headline_thing = writer.fill("{thing}")
    title = f"{writer.cap(headline_thing)}: {rng.choice(['row deepens', 'new figures', 'council split', 'questions mount', 'vote looms'])} in {writer.place}"
    # The dateline carries the article number so no two articles share a fingerprint.
    paragraphs = [f"{writer.place.upper()}, {rng.choice(MONTHS)} {rng.randint(1, 28)} (report {seed}-{number})."]
    words = len(paragraphs[0].split())
    while words < target:
        para = writer.paragraph()
        paragraphs.append(para)
        words += len(para.split())
    speakers = tuple(s.full for s in writer.cast if s.introduced)
    return CorpusArticle(
        number=number,
        title=title,
        text="\n\n".join(paragraphs) + "\n",
        topic=topic,
        curly=curly,
        speakers=speakers,
        keywords=tuple(TOPICS[topic]["keyword"]),
    )


def articles(count: int = 1000, *, seed: int = 7, min_words: int = 100, max_words: int = 3000) -> list[CorpusArticle]:
    return [article(i, seed=seed, min_words=min_words, max_words=max_words) for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--min-words", type=int, default=100)
    parser.add_argument("--max-words", type=int, default=3000)
    parser.add_argument("--out", type=Path, help="write one UTF-8 .txt file per article here")
    parser.add_argument("--print", action="store_true", help="print the articles to stdout")
    args = parser.parse_args(argv)
    corpus = articles(args.count, seed=args.seed, min_words=args.min_words, max_words=args.max_words)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for item in corpus:
            (args.out / f"article_{item.number:04d}.txt").write_text(item.title + "\n\n" + item.text, encoding="utf-8")
    if args.print:
        for item in corpus:
            print(f"# {item.title}\n\n{item.text}")
    total = sum(item.words for item in corpus)
    print(
        f"{len(corpus)} articles, {total:,} words (min {min(i.words for i in corpus)}, "
        f"max {max(i.words for i in corpus)})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
