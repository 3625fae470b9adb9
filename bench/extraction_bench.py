#!/usr/bin/env python3
"""Benchmark of claims.extraction. Prints a markdown section, then one JSON line.

    .venv/bin/python bench/extraction_bench.py [--quick]

1. words/second of extract_many vs spaCy's own nlp.pipe (same model, same enabled components,
   same texts, same run); target ratio >= 0.9.
2. two processes vs one (each process loads the model once); target >= 1.8x.
   The same again on the texts hard-wrapped at 70 columns (the normalisation that rejoins them
   included in extract_many's time).
   Speakers: the share of claims with no resolved speaker, and the share whose speaker mention is
   a pronoun left unresolved (on the generated texts, and on the development gold when
   ../shared/extraction/polnear_dev.jsonl is there: only counted, never copied).
3. resident memory of the loaded model (RSS delta in a fresh process).
4. a pathological megabyte (one paragraph, unbalanced quote marks everywhere) vs an ordinary
   megabyte: the time ratio shows the work stays linear.
All texts are generated here; no corpus text is used.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FIRST = "Ada Tom Lena Omar Mia Karl Nora Hugo Sara Paul Ruth Lars".split()
LAST = "Brook Becker Ortiz Diaz Wong Osei Quist Sanz Lind Mendes Adler Holm".split()
TITLES = ["Finance Minister", "Mayor", "Senator", "the agency's director", "an economist at the institute"]
ORGS = ["The port authority", "The health ministry", "The county council", "State media", "The union"]
THINGS = ["the bridge", "the budget", "the new rail line", "the harbour", "the school plan", "exports"]
VERBS = ["said", "told reporters", "added", "warned", "claimed", "insisted"]


def _doc(rng: random.Random, paragraphs: int = 8) -> str:
    out = []
    for _ in range(paragraphs):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        thing, n = rng.choice(THINGS), rng.randint(2, 900)
        kind = rng.randrange(5)
        if kind == 0:
            out.append(f"\u201c{thing.capitalize()} will cost {n} million dollars more than planned,\u201d "
                       f"said {rng.choice(TITLES)} {name}. \u201cWe have no other choice this year.\u201d")
        elif kind == 1:
            out.append(f"{name}, {rng.choice(TITLES)}, {rng.choice(VERBS)} that {thing} had grown by {n} "
                       f"percent since the last election, the largest rise in a decade.")
        elif kind == 2:
            out.append(f"According to {rng.choice(ORGS).lower()}, {thing} will reopen in {n % 12 + 1} months. "
                       f"{rng.choice(ORGS)} denied the report on Tuesday.")
        elif kind == 3:
            out.append(f"The weather was cold on the day {thing} opened, and {n} people came to watch "
                       f"the ceremony from the river bank before the rain began.")
        else:
            out.append(f"{rng.choice(ORGS)} said it \u201cfully\u201d supports {thing}, while {name} "
                       f"accused the council of hiding {n} pages of the audit.")
    return "\n\n".join(out)


def texts(n_docs: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [_doc(rng) for _ in range(n_docs)]


def wrapped(ts: list[str], width: int = 70) -> list[str]:
    """The texts as wire copy arrives: one newline between paragraphs, lines hard-wrapped."""
    import textwrap
    return ["\n".join(textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False)
                      for p in t.split("\n\n")) for t in ts]


PRONOUN_WORDS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them"}


def speaker_shares(texts_: list[str]) -> tuple[int, float, float]:
    """(claims, share with no resolved speaker, share with a pronoun mention left unresolved)."""
    from claims.extraction import extract_many
    n = none = pron = 0
    for t, claims in zip(texts_, extract_many(texts_), strict=True):
        for c in claims:
            n += 1
            if not c.speaker:
                none += 1
                if c.speaker_spans and t[c.speaker_spans[0][0]:c.speaker_spans[0][1]].lower() in PRONOUN_WORDS:
                    pron += 1
    return n, none / max(1, n), pron / max(1, n)


def dev_texts() -> list[str]:
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared",
                        "extraction", "polnear_dev.jsonl")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def words(ts) -> int:
    return sum(len(t.split()) for t in ts)


def rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _rss_child(q):
    before = rss_kb()
    from claims.extraction import extract, get_nlp
    get_nlp()
    extract("Warm up, the minister said.")
    q.put((before, rss_kb()))


def _work(ts):
    from claims.extraction import extract_many
    t = time.perf_counter()
    extract_many(ts)
    return time.perf_counter() - t


def _init():
    from claims.extraction import extract, get_nlp
    get_nlp()
    extract("Warm up, the minister said.")


def timed(fn, repeat=2):
    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        d = time.perf_counter() - t
        best = d if best is None else min(best, d)
    return best


def main():
    quick = "--quick" in sys.argv
    from claims.extraction import extract, extract_many, get_nlp, model_name
    from claims.extraction.quotes import find_quotes
    nlp = get_nlp()
    corpus = texts(40 if quick else 150)
    w = words(corpus)
    extract_many(corpus[:5])  # warm up
    t_spacy = timed(lambda: list(nlp.pipe(corpus, batch_size=16)))
    t_ext = timed(lambda: extract_many(corpus))
    wps_spacy, wps_ext = w / t_spacy, w / t_ext
    wrapped_corpus = wrapped(corpus)
    t_spacy_w = timed(lambda: list(nlp.pipe(wrapped_corpus, batch_size=16)))
    t_ext_w = timed(lambda: extract_many(wrapped_corpus))
    gen_claims, gen_none, gen_pron = speaker_shares(corpus)
    dev = dev_texts()
    dev_claims, dev_none, dev_pron = speaker_shares(dev) if dev else (0, 0.0, 0.0)

    # 2 processes vs 1: the same texts, each process loading the model once
    ctx = mp.get_context("spawn")
    halves = [corpus[0::2], corpus[1::2]]
    with ctx.Pool(1, initializer=_init) as pool:
        t = time.perf_counter()
        pool.map(_work, [corpus])
        t1 = time.perf_counter() - t
    with ctx.Pool(2, initializer=_init) as pool:
        pool.map(_init_noop, [0, 1])
        t = time.perf_counter()
        pool.map(_work, halves)
        t2 = time.perf_counter() - t

    q = ctx.Queue()
    p = ctx.Process(target=_rss_child, args=(q,))
    p.start()
    before, after = q.get()
    p.join()

    # linear time: an ordinary megabyte vs a pathological one of the same size
    size = 200_000 if quick else 1_000_000
    ordinary = ""
    rng = random.Random(11)
    while len(ordinary) < size:
        ordinary += _doc(rng) + "\n\n"
    ordinary = ordinary[:size]
    unit = 'Officials said "the plan is ready and the money is there while the council waits. '
    patho = (unit * (size // len(unit) + 1))[:size]  # one paragraph, no quote ever closes
    marks = '"' * size
    t_ord = timed(lambda: extract(ordinary), 1)
    t_pat = timed(lambda: extract(patho), 1)
    tq_ord = timed(lambda: find_quotes(ordinary), 1)
    tq_marks = timed(lambda: find_quotes(marks), 1)
    t_marks_full = timed(lambda: extract('"' * (size // 20)), 1)

    r = dict(
        model=model_name(),
        components=nlp.pipe_names,
        docs=len(corpus),
        words=w,
        spacy_wps=round(wps_spacy),
        extract_wps=round(wps_ext),
        ratio=round(wps_ext / wps_spacy, 3),
        wrapped_ratio=round(t_spacy_w / t_ext_w, 3),
        speakers_generated=dict(
            claims=gen_claims, no_speaker=round(gen_none, 3), pronoun_unresolved=round(gen_pron, 3)
        ),
        speakers_dev=dict(claims=dev_claims, no_speaker=round(dev_none, 3), pronoun_unresolved=round(dev_pron, 3)),
        one_process_s=round(t1, 2),
        two_process_s=round(t2, 2),
        speedup=round(t1 / t2, 2),
        model_rss_mb=round((after - before) / 1024, 1),
        megabyte_chars=size,
        ordinary_s=round(t_ord, 2),
        pathological_s=round(t_pat, 2),
        pathological_ratio=round(t_pat / t_ord, 2),
        quote_pairing_ordinary_s=round(tq_ord, 3),
        quote_pairing_all_marks_s=round(tq_marks, 3),
        quote_marks_only_s=round(t_marks_full, 2),
        cpus=os.cpu_count(),
    )
    print("## Extraction benchmark\n")
    print(
        f"Model `{r['model']}` with components {', '.join(r['components'])}; "
        f"{r['docs']} generated documents, {r['words']} words; {r['cpus']} CPUs.\n"
    )
    print("| measure | value | target |\n| --- | --- | --- |")
    print(f"| spaCy nlp.pipe | {r['spacy_wps']} words/s | |")
    print(f"| extract_many | {r['extract_wps']} words/s | |")
    print(f"| extract_many / nlp.pipe | {r['ratio']} | >= 0.9 |")
    print(
        f"| extract_many / nlp.pipe, texts hard-wrapped at 70 columns (normalisation included) | "
        f"{r['wrapped_ratio']} | >= 0.9 |"
    )
    for label, key in (("generated texts", "speakers_generated"), ("development set", "speakers_dev")):
        sp = r[key]
        if sp["claims"]:
            print(f"| claims with no resolved speaker, {label} ({sp['claims']} claims) | {sp['no_speaker']:.1%} | |")
            print(f"| claims whose pronoun speaker is left unresolved, {label} | {sp['pronoun_unresolved']:.1%} | |")
    print(f"| 1 process / 2 processes | {r['one_process_s']} s / {r['two_process_s']} s = {r['speedup']}x | >= 1.8x |")
    print(f"| model resident memory (RSS delta) | {r['model_rss_mb']} MB | |")
    print(f"| ordinary {size} chars | {r['ordinary_s']} s | |")
    print(
        f"| pathological {size} chars (one paragraph, unclosed quotes) | {r['pathological_s']} s "
        f"(ratio {r['pathological_ratio']}) | about 1 |"
    )
    print(
        f"| quote pairing: ordinary / {size} quote marks | {r['quote_pairing_ordinary_s']} s / "
        f"{r['quote_pairing_all_marks_s']} s | linear |"
    )
    print(f"| extract() on {size // 20} quote marks | {r['quote_marks_only_s']} s | no crash |")
    print()
    print(json.dumps(r))


def _init_noop(_):
    return None


if __name__ == "__main__":
    main()
