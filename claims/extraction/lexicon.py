"""Word lists the rules read. Generic English words only."""

# Verbs of saying and reporting: cue for quotations and for reported speech with a clause.
SPEECH = set("""say tell add claim deny accuse report announce state argue insist note explain write ask
reply respond warn vow promise predict suggest acknowledge admit assert contend declare maintain
allege confirm recall tweet conclude testify stress emphasize emphasise observe remark comment concede
complain boast brag charge counter caution estimate reveal disclose reiterate repeat mention joke quip
hint signal pledge threaten urge agree post inform assure retort exclaim shout yell whisper mutter
scream forecast lament muse clarify proclaim speculate tout insist affirm reason rule
continue point declare predict posit recount describe""".split())

# Verbs whose clause complement is an attributed claim (reported speech, evidence, belief).
CLAUSE = SPEECH - {"ask", "continue", "describe", "post", "urge", "charge", "counter", "reason"} | set(
    """show find indicate demonstrate learn believe think fear worry expect know hope
    acknowledge estimate calculate project suspect doubt feel realize recognize understand""".split())
EVIDENCE = set("show find indicate demonstrate reveal suggest".split())
BELIEF = set("believe think fear worry expect know hope suspect doubt feel realize recognize understand".split())
# Verbs whose infinitive complement is the claim: "X vowed to Y".
XCOMP = set("vow promise pledge threaten claim deny refuse plan vow predict expect".split())
# Verbs whose object is the claim: "X denied the report", "X accused Y of Z".
DOBJ = set("deny accuse confirm announce dispute reject predict acknowledge admit blame".split())
QUOTE_ONLY = {"continue", "ask", "describe", "post", "reason", "charge", "counter", "joke", "quip"}

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
# "X criticized Y", "X urged Y to Z", "X wants Y".
STANCE = set("""call criticize criticise praise endorse support back thank mock dismiss condemn blast slam
attack describe want urge ask oppose reject question blame cite applaud welcome defend tout propose
demand recommend refer decry denounce lambaste ridicule hail credit challenge label dub brand
encourage advocate favor favour prefer""".split())

# Verbs of seeming: "X seemed to Y", "it appears that Y" -- an assertion with no named source.
SEEM = {"seem", "appear"}
# Verbs whose object is the addressee, not the claim ("told reporters", "warned voters").
ADDRESSEE = set("tell ask inform assure warn urge remind thank caution".split())
# Nouns that carry an attributed claim: "allegations that Y", "his decision to Y", "X's view that Y".
CLAIM_NOUNS = set("""allegation claim assertion accusation argument belief view contention insistence
suggestion promise pledge vow warning threat prediction charge notion statement announcement
decision plan proposal call demand hope expectation fear admission denial complaint
criticism concern""".split())
# Verbs whose object or complement states a position, a topic or an intention of the subject:
# "X discussed Y", "X spoke about Y", "X sought to Y", "X sees Y as Z", "X voted to Y".
POSITION = set("""talk discuss mention offer name express highlight echo focus point agree respond
identify list ignore apologize recognize reference congratulate cheer rail hope question""".split())
STANCE = STANCE | POSITION
# Verbs of saying whose direct object is what was said ("half said so", "X says the plan is dead").
SAY_OBJECT = set("say claim repeat reiterate state assert tweet write".split())
