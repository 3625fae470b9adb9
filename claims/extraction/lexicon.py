"""Word lists the rules read. Generic English words only."""

from pathlib import Path

from .types import STANCES

CUES_FILE = Path(__file__).with_name("cues.tsv")
# The constructions a cue word can take part in (the last column of cues.tsv):
CONSTRUCTIONS = {
    "speech": "a verb of saying: attributes quotations and reported clauses",
    "clause": "its clausal complement is an attributed claim (X said/found/believes that Y)",
    "evidence": "a source of evidence (a study found, polls show)",
    "belief": "a belief or perception of its subject",
    "xcomp": "its infinitive complement is the claim (X vowed to Y)",
    "dobj": "its object is the claim (X denied the report, X accused Y of Z)",
    "quote_only": "a cue for a quotation only, never for a reported clause (asked, continued)",
    "stance": "its objects are what the source asserts or wants (X called Y a liar, X urged Y to Z)",
    "position": "states a position, topic or intention of the subject (X discussed Y)",
    "seem": "seeming: an assertion with no named source (X seemed to Y)",
    "addressee": "its object is the addressee, not the claim (told reporters)",
    "say_object": "a verb of saying whose direct object is what was said (half said so)",
    "regard": "with an object and an 'as' phrase, a view of the subject (X sees Y as Z)",
    "belief_state": "an adjective after 'be' with a clause: a belief of the subject (X is convinced that Y)",
    "claim_noun": "a noun that carries an attributed claim (allegations that Y, his decision to Y)",
}


def _load(path: Path = CUES_FILE) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(stance of each word, words of each construction) from the cue lexicon file."""
    stance: dict[str, str] = {}
    groups: dict[str, set[str]] = {k: set() for k in CONSTRUCTIONS}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("word\t"):
            continue
        word, pos, st, cons = (line.split("\t") + [""] * 4)[:4]
        if st not in STANCES or any(c not in CONSTRUCTIONS for c in cons.split(",") if c):
            raise ValueError(f"{path.name}:{n}: unknown stance or construction in {line!r}")
        stance[f"{pos}:{word}"] = st
        for c in cons.split(","):
            if c:
                groups[c].add(word)
    return stance, groups


STANCE_OF, _GROUPS = _load()

# Verbs of saying and reporting: cue for quotations and for reported speech with a clause.
SPEECH = _GROUPS["speech"]
# Verbs whose clause complement is an attributed claim (reported speech, evidence, belief).
CLAUSE = _GROUPS["clause"]
EVIDENCE = _GROUPS["evidence"]
BELIEF = _GROUPS["belief"]
# Verbs whose infinitive complement is the claim: "X vowed to Y".
XCOMP = _GROUPS["xcomp"]
# Verbs whose object is the claim: "X denied the report", "X accused Y of Z".
DOBJ = _GROUPS["dobj"]
QUOTE_ONLY = _GROUPS["quote_only"]


def stance_of(word: str | None, pos: str = "verb") -> str:
    """The stance a cue gives its claim ("denied" -> denies); `asserts` for any other cue or none."""
    if not word:
        return "asserts"
    return STANCE_OF.get(f"{pos}:{word.lower()}", "asserts")


PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "they": "p", "them": "p", "it": "n",
            "we": "p", "i": "s", "you": "s"}
ORG_WORDS = set("""agency ministry department government administration office council committee
commission party campaign company firm group bank court police army military board union
house senate congress parliament team network newspaper paper outlet service spokesman
spokeswoman spokesperson authority authorities media press ministry embassy
regime cabinet white kremlin pentagon""".split())
GROUP_WORDS = set("""officials sources experts analysts critics supporters residents people lawmakers
democrats republicans aides advisers advisors observers diplomats economists scientists researchers
officers voters leaders authorities members activists protesters""".split())
MEDIA_WORDS = set("media newspaper agency network broadcaster outlet report study poll polls survey data".split())

HONORIFIC_M = {"mr", "mr.", "sir", "lord", "king", "prince"}
HONORIFIC_F = {"mrs", "mrs.", "ms", "ms.", "miss", "madam", "dame", "lady", "queen", "princess"}
# A small list of common given names to keep pronoun resolution gender-consistent.
MALE_NAMES = set("""james john robert michael william david richard joseph thomas charles christopher
daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald
edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon
benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam
nathan henry douglas zachary peter kyle noah ethan jeremy walter christian keith roger terry austin
sean gerald carl harold dylan arthur lawrence jordan jesse bryan billy bruce gabriel joe logan alan
juan albert willie elijah wayne randy vincent mason roy ralph bobby russell bradley philip eugene
bill mike jim tom bob dick ted chuck mitch newt rand marco barack vladimir xi sergei kim moon
boris emmanuel olaf narendra recep benjamin bernie hunter rudy rex ben""".split())
FEMALE_NAMES = set("""mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa
nancy betty sandra margaret ashley kimberly emily donna michelle carol amanda melissa deborah
stephanie dorothy rebecca sharon laura cynthia amy kathleen angela shirley brenda emma anna pamela
nicole samantha katherine christine helen debra rachel carolyn janet maria catherine heather diane
olivia julie joyce victoria ruth virginia lauren kelly christina joan evelyn judith andrea hannah
megan cheryl jacqueline martha madison teresa gloria sara janice ann kathryn abigail sophia frances
jean alice judy isabella julia grace amber denise danielle marilyn beverly charlotte natalie theresa
diana brittany doris kayla alexis lori marie hillary kamala condoleezza angela theresa jill
nikki elizabeth sarah kellyanne huma chelsea ivanka melania michelle""".split())

# Verbs of stance whose objects are what the source asserts or wants: "X called Y a liar",
# "X criticized Y", "X urged Y to Z", "X wants Y"; and verbs that state a position, a topic or an
# intention of the subject: "X discussed Y", "X spoke about Y".
POSITION = _GROUPS["position"]
STANCE = _GROUPS["stance"] | POSITION
# Verbs of seeming: "X seemed to Y", "it appears that Y" -- an assertion with no named source.
SEEM = _GROUPS["seem"]
# Verbs whose object is the addressee, not the claim ("told reporters", "warned voters").
ADDRESSEE = _GROUPS["addressee"]
# Nouns that carry an attributed claim: "allegations that Y", "his decision to Y", "X's view that Y".
CLAIM_NOUNS = _GROUPS["claim_noun"]
# Verbs of saying whose direct object is what was said ("half said so", "X says the plan is dead").
SAY_OBJECT = _GROUPS["say_object"]
# "X is convinced/confident/sure that Y": adjectives of belief (pos "adj" in cues.tsv).
BELIEF_STATES = _GROUPS["belief_state"]
# Verbs of regarding: "X sees Y as Z", "X views Y as Z".
REGARD = _GROUPS["regard"]

# Documents and data that speak for someone: "a statement saying Y" is the words of whoever issued
# it; "a study found Y", "polls show Y" stay sources of their own kind.
DOCUMENT_NOUNS = set("""statement memo memorandum letter note report study survey poll analysis document
email e-mail tweet post message release filing notice complaint ruling order audit review
transcript record records data figures imagery footage video photo photos images""".split())
# Subjects that are no source at all: "Only time will tell", "The move suggests".
NO_SOURCE = set("""time move step decision fact result situation incident development event change
outcome shift trend news""".split())
# Family names that come first in Korean, Chinese, Vietnamese and Japanese names ("Park Seo-yeon",
# "Nguyen Van Long"): a later "Park" is the same person.
FAMILY_FIRST = set("""kim lee park choi jung jeong kang cho yoon jang lim han oh seo shin kwon hwang ahn song
yoo hong jeon ko moon yang son bae baek heo nam ryu wang li zhang liu chen yang huang zhao wu zhou xu
sun ma zhu hu guo he lin luo gao zheng xie tang deng feng han cao xi nguyen tran le pham hoang phan vu
vo dang bui do ho ngo duong ly""".split())
