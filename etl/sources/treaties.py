"""Alliance treaty texts: the manifest, the split into articles, and rule-based provisions.

Everything here is pure: a path or a string in, frozen dataclasses out; nothing touches a database.

The manifest
============
``MANIFEST.csv`` sits beside the ``.txt`` texts, one row per treaty:
``file,title,signed_date,parties,source_url,completeness,notes``. ``parties`` is a ``;``-separated
list of the parties' names as the project spells them. A treaty's ``treaty_id`` is its file stem,
lower case with runs of other characters turned into ``_`` (``north_atlantic_treaty_1949``). A row
without a file or title, with a date that is not ``YYYY-MM-DD``, without parties, or whose file is
not beside the manifest stops the load with a ``SourceFileError`` naming the manifest and the line.

Parts of a text
===============
``split_articles`` cuts a text into parts, in document order, each an ``Article`` whose ``kind`` is

==================  =========================  ================================================
kind                number                     what it holds
==================  =========================  ================================================
``preamble``        ``"preamble"``             the title and recitals before the first article
``article``         ``"1"``, ``"2"``, ...      one operative article (number in Arabic digits;
                                               ``label`` keeps it as written, e.g. ``"IV"``)
``final_clauses``   ``"final_clauses"``        the testimonium ("In witness whereof", "Done
                                               at ...") and the signatures after the last article
``annex``           ``"annex_1"``, ...         an annex, appendix, schedule, protocol, exchange
                                               of notes or agreed minute after the last article
==================  =========================  ================================================

Headings are found at the start of a line only:

* **Article headings**: ``Article``/``ARTICLE``/``article`` or ``Art.``, then an Arabic or Roman
  numeral or a number word up to twenty (``ARTICLE IV``, ``Article 5``, ``Art. 3.``, ``Article
  First``), then nothing, or a separator (``.``, ``:``, ``)``, a dash) and a title or the
  article's first sentence, or a capitalised title. A line such as "Article 51 of the Charter ..."
  (a lower-case word after the number) is a cross-reference, not a heading.
* **Bare numerals** (``IV.``, ``5.``, or a Roman numeral alone on its line) are used only when the
  text has no Article heading at all. Numerals alone on their line are preferred to numerals that
  open a paragraph, and Roman numerals to Arabic ones when both run in sequence, so that numbered
  paragraphs inside Roman-numbered articles do not split them. Bare numerals need a run of two.
* **Sequence**: of all candidate headings, the longest run numbered ``n, n+1, n+2, ...`` in
  document order is kept. So "1.", "2.", "(a)" inside an article never start one when the text uses
  "Article N", a stray cross-reference at the start of a line is skipped, and a protocol's own
  "Article I" after the treaty's last article stays inside the protocol.
* **After the last article**: the first testimonium line ("In witness whereof", "In faith
  whereof", "Done at/in", "Signed at") starts ``final_clauses``; each annex heading line (``ANNEX``,
  ``Appendix``, ``Schedule``, ``Protocol``, ``Exchange of notes``, ``Agreed minute``: a short line,
  not a sentence) starts an ``annex``. A testimonium after an annex belongs to that annex.

Offsets are character offsets in the text as given: ``text[a.start:a.end]`` is the whole part
(heading and body, outer whitespace trimmed) and ``text[a.body_start:a.body_end] == a.body``.

Provisions
==========
``detect_provisions`` runs the rules below (``RULES``, in this order) over one part's body,
ignoring case; ``[...]`` is a gap of a few words within one clause (no ``.`` or ``;``). A rule
yields one ``Provision`` per match, but one clause (see below) gives at most one provision of a
type: where rules of the same type match in the same clause or overlap, the one listed first wins
(NATO Article 1 is one clause, so ``refrain_from_force`` stands for ``peaceful_settlement`` too).
The preamble and final clauses state purposes and formalities, not obligations, so they yield
nothing unless ``include_non_operative=True``.

===================== ============================== ===============================================
provision_type        rule                           matches
===================== ============================== ===============================================
collective_defence    attack_on_one_is_attack_on_all "armed attack against/on one [...] considered/
                                                     deemed/regarded an attack against them all"
collective_defence    act_to_meet_common_danger      "[armed attack ...] act to meet the common
                                                     danger(s)"
collective_defence    assist_party_attacked          "assist / afford / come to the aid of the
                                                     Party [...] attacked" or "[...] victim of
                                                     (armed) attack/aggression"
collective_defence    defend_against_attack          "defend / protect / the defence of / the
                                                     security of [...] against (armed) attack or
                                                     aggression" (one-sided guarantees)
consultation          consult_whenever_threatened    "consult (together) [...] whenever [...]
                                                     threatened / endangered"
consultation          consult_in_event_of_threat     "consult / hold consultations [...] in the
                                                     event of / in case of / if / when [...]
                                                     threat / attack / aggression / danger"
non_aggression        refrain_from_force             "refrain [...] from the threat or use of force"
non_aggression        peaceful_settlement            "settle [...] disputes [...] by peaceful means"
non_aggression        no_attack_on_each_other        "not (to) attack / resort to war / commit
                                                     aggression", "desist/abstain/refrain from
                                                     any act of violence / aggression / attack"
neutrality            remain_neutral                 "remain / observe / maintain (a benevolent,
                                                     strict) neutrality / neutral"
neutrality            no_aid_to_attacker             "not / in no manner [...] lend / give / render
                                                     [...] aid / support [...] to the aggressor /
                                                     attacker / third power"
bases_facilities      grant_base_rights              "grants / accords / affords / allows / permits
                                                     [...] the right to dispose / station /
                                                     maintain / establish / use / deploy [...]
                                                     forces / bases / facilities / troops"
bases_facilities      forces_in_and_about            "station / dispose / deploy / maintain [...]
                                                     land / sea / air / armed forces in and about"
bases_facilities      use_of_bases                   "use of / access to / make available [...]
                                                     bases / facilities and areas / airfields /
                                                     military installations"
military_aid          self_help_and_mutual_aid       "self-help and mutual aid [... capacity to
                                                     resist armed attack]"
military_aid          capacity_to_resist_attack      "maintain / develop [...] capacity to resist
                                                     armed attack"
military_aid          provide_military_assistance    "provide / furnish / render / supply / extend
                                                     [...] military / defence aid / assistance /
                                                     equipment / supplies / training"
duration_withdrawal   cease_to_be_party              "[after the Treaty has been in force for N
                                                     years, ...] cease to be a party / member,
                                                     withdraw from / denounce the treaty [...
                                                     notice (of denunciation)]"
duration_withdrawal   remain_in_force                "remain / continue in force [indefinitely /
                                                     for N years / until ...]"
duration_withdrawal   terminate_on_notice            "terminate / expire [...] notice", "notice of
                                                     termination / denunciation / withdrawal"
geographic_scope      deemed_to_include_attack_on    "armed attack on [...] is deemed to include an
                                                     armed attack" (the article defining the area)
geographic_scope      attack_in_named_area           "armed attack [against/on one or any of the
                                                     Parties / the territory of ...] in <Capitalised
                                                     Place>" ("in Europe or North America", "in the
                                                     Pacific Area")
===================== ============================== ===============================================

Who is bound
------------
The clause of a match runs from the previous ``.``, ``;``, ``:`` or blank line to the next. If,
before the match, the clause names parties from the manifest as the subject of an obligation verb
("The United States undertakes", "Ruritania grants", "Australia and New Zealand agree": a party
name, or names joined by commas and "and", then shall/will/undertakes/agrees/grants/accords/commits/
pledges/guarantees/declares/recognises/binds/assumes/affords/permits/allows/promises/is obliged or
bound), the nearest such subject decides: naming every party makes the obligation mutual, naming
fewer makes it ``one_way`` with ``obligated_party`` the names so found (manifest spelling, ``"; "``
between several) and ``beneficiary`` the other parties named later in the clause (or, in a
bilateral treaty, the other party; ``None`` if no one is named). Otherwise the obligation falls on
the parties as a body ("The Parties agree", "Each Party", "any of the Parties", "This Treaty shall
remain in force"): ``binding = "all_parties"`` and ``obligated_party = beneficiary = "all"``.

The rules are a transparent first pass, tuned on the North Atlantic Treaty and ANZUS and on the
usual wording of post-1945 alliance treaties; their matches are evidence for a coder to check, not
a replacement for ATOP's hand coding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from etl.errors import SourceFileError
from etl.sources.base import read_csv_records

MANIFEST_REQUIRED = ("file", "title", "signed_date", "parties")
MANIFEST_OPTIONAL = ("source_url", "completeness", "notes")

ALL_PARTIES = "all_parties"
ONE_WAY = "one_way"
ALL = "all"

PREAMBLE = "preamble"
ARTICLE = "article"
FINAL_CLAUSES = "final_clauses"
ANNEX = "annex"


# --------------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TreatyMeta:
    """One row of ``MANIFEST.csv``: a treaty text and what is known about it."""

    treaty_id: str
    file: str
    path: Path
    title: str
    signed_date: date
    parties: tuple[str, ...]
    source_url: str
    completeness: str
    notes: str
    manifest_line: int


@dataclass(frozen=True)
class Article:
    """One part of a treaty text: the preamble, an article, the final clauses or an annex.

    ``number`` is the normalised key ("4" for "ARTICLE IV", "preamble", "final_clauses",
    "annex_1"); ``label`` the numeral as written ("IV"; "" for parts without one); ``ordinal`` the
    place in the document (0 for the preamble, then 1, 2, ... whether or not a preamble exists).
    """

    number: str
    label: str
    ordinal: int
    kind: str
    heading: str
    body: str
    start: int
    end: int
    body_start: int

    @property
    def body_end(self) -> int:
        return self.body_start + len(self.body)


@dataclass(frozen=True)
class ProvisionType:
    """A provision type and its one-line definition."""

    name: str
    definition: str


@dataclass(frozen=True)
class ProvisionRule:
    """A named regular expression whose matches are evidence of one provision type."""

    name: str
    provision_type: str
    pattern: re.Pattern[str]
    doc: str


@dataclass(frozen=True)
class Provision:
    """A provision found in one part of a treaty, with the text that shows it.

    ``start``/``end`` are offsets in the full treaty text, so ``text[start:end] == snippet``.
    """

    provision_type: str
    rule: str
    article_number: str
    start: int
    end: int
    snippet: str
    binding: str
    obligated_party: str | None
    beneficiary: str | None


@dataclass(frozen=True)
class ParsedTreaty:
    """A treaty text split into parts, with the provisions found in them."""

    meta: TreatyMeta
    text: str
    articles: tuple[Article, ...]
    provisions: tuple[Provision, ...]


# --------------------------------------------------------------------------------------------
# Provision types and rules
# --------------------------------------------------------------------------------------------

_PROVISION_TYPES = (
    ProvisionType(
        "collective_defence",
        "Casus foederis: an armed attack on a party obliges the others to assist it or to act.",
    ),
    ProvisionType(
        "consultation",
        "The parties consult when one of them is threatened or a crisis arises.",
    ),
    ProvisionType(
        "non_aggression",
        "The parties refrain from force against each other and settle disputes peacefully.",
    ),
    ProvisionType(
        "neutrality",
        "A party stays neutral, or gives the attacker no aid, when another party is at war.",
    ),
    ProvisionType(
        "bases_facilities",
        "A party grants bases, facilities or the right to station forces on its territory.",
    ),
    ProvisionType(
        "military_aid",
        "The parties give each other military aid or build up their capacity to resist attack.",
    ),
    ProvisionType(
        "duration_withdrawal",
        "How long the treaty lasts and how a party may leave it (term, notice, denunciation).",
    ),
    ProvisionType(
        "geographic_scope",
        "The area in which an attack triggers the treaty's obligations.",
    ),
)


def provision_types() -> list[ProvisionType]:
    """The provision types in their documented order, each with a one-line definition."""
    return list(_PROVISION_TYPES)


_GAP = r"[^.;]{0,%d}?"  # a few words within one clause
_PARTY_WORD = r"(?:high\s+contracting\s+|contracting\s+)?part(?:y|ies)"


def _rule(name: str, provision_type: str, doc: str, pattern: str) -> ProvisionRule:
    return ProvisionRule(name, provision_type, re.compile(pattern, re.IGNORECASE), doc)


RULES: tuple[ProvisionRule, ...] = (
    _rule(
        "attack_on_one_is_attack_on_all", "collective_defence",
        "An armed attack on one party is to be considered an attack on them all.",
        r"\barmed\s+attack\s+(?:against|on|upon)\s+(?:one|any|either)\b" + _GAP % 200
        + r"\b(?:considered|deemed|regarded)\s+(?:as\s+)?an\s+(?:armed\s+)?attack\s+"
        r"(?:against|on|upon)\s+(?:them\s+all|all|both|each)\b",
    ),
    _rule(
        "act_to_meet_common_danger", "collective_defence",
        "Each party will act to meet the common danger of an armed attack (ANZUS, US-Japan).",
        r"(?:\barmed\s+attack\b" + _GAP % 250 + r")?\bact\s+to\s+meet\s+the\s+common\s+dangers?\b",
    ),
    _rule(
        "assist_party_attacked", "collective_defence",
        "The parties will assist (afford aid to, come to the aid of) the party attacked.",
        r"\b(?:assist|afford|aid|help|come\s+to\s+the\s+(?:aid|assistance)\s+of)\s+(?:to\s+)?"
        r"(?:the\s+)?(?:other\s+)?" + _PARTY_WORD + r"\b" + _GAP % 60
        + r"\b(?:attacked|victim\s+of\s+(?:an?\s+)?(?:armed\s+)?(?:attack|aggression))",
    ),
    _rule(
        "defend_against_attack", "collective_defence",
        "A party undertakes to defend (protect, guarantee the security of) another against attack.",
        r"\b(?:defends?|protects?|guarantees?|(?:the|its)\s+defen[cs]e\s+of|(?:the|its)\s+security\s+of)"
        r"\b" + _GAP % 120 + r"\bagainst\s+(?:an?\s+|any\s+)?(?:(?:external|armed|foreign)\s+)*"
        r"(?:attacks?|aggression)\b",
    ),
    _rule(
        "consult_whenever_threatened", "consultation",
        "The parties will consult together whenever one of them is threatened.",
        r"\bconsult\b" + _GAP % 40 + r"\bwhenever\b" + _GAP % 200
        + r"\b(?:threatened|endangered|jeopardi[sz]ed)\b",
    ),
    _rule(
        "consult_in_event_of_threat", "consultation",
        "The parties will consult in the event of (if, when) a threat, attack or danger.",
        r"\b(?:consult|hold\s+consultations|enter\s+into\s+consultations?)\b" + _GAP % 120
        + r"\b(?:in\s+the\s+event\s+of|in\s+case\s+of|if|when)\b" + _GAP % 160
        + r"\b(?:threat\w*|attack\w*|aggression|danger\w*|endanger\w*)",
    ),
    _rule(
        "refrain_from_force", "non_aggression",
        "The parties refrain from the threat or use of force.",
        r"\brefrain\b" + _GAP % 80
        + r"\bfrom\s+(?:the\s+)?threat\s+or\s+(?:the\s+)?use\s+of\s+force",
    ),
    _rule(
        "peaceful_settlement", "non_aggression",
        "The parties settle their disputes by peaceful means.",
        r"\bsettle\b" + _GAP % 80 + r"\bdisputes?\b" + _GAP % 80 + r"\bby\s+peaceful\s+means\b",
    ),
    _rule(
        "no_attack_on_each_other", "non_aggression",
        "The parties will not attack each other, resort to war or commit aggression.",
        r"\b(?:not\s+(?:to\s+)?(?:attack|resort\s+to\s+war|commit\s+(?:any\s+)?(?:act\s+of\s+)?"
        r"aggression)|(?:desist|abstain|refrain)\s+from\s+(?:any\s+)?(?:act\s+of\s+violence|"
        r"aggressi\w+|attack))\b",
    ),
    _rule(
        "remain_neutral", "neutrality",
        "A party remains (observes, maintains) neutrality.",
        r"\b(?:remain|observe|maintain|preserve)\s+(?:an?\s+)?(?:attitude\s+of\s+)?"
        r"(?:(?:benevolent|strict|friendly)\s+)?neutral(?:ity)?\b",
    ),
    _rule(
        "no_aid_to_attacker", "neutrality",
        "A party will in no manner lend aid or support to the aggressor or third power.",
        r"\b(?:not|no\s+manner|no\s+way|neither)\b" + _GAP % 40
        + r"\b(?:lend|give|render|provide|afford)\b" + _GAP % 30 + r"\b(?:aid|assistance|support)\b"
        + _GAP % 30 + r"\b(?:aggressor|attacker|third\s+(?:power|party|state|country))\b",
    ),
    _rule(
        "grant_base_rights", "bases_facilities",
        "A party grants another the right to station (dispose, maintain) forces or use bases.",
        r"\b(?:grants?|accords?|affords?|allows?|permits?)\b" + _GAP % 80
        + r"\bright\b" + _GAP % 80
        + r"\bto\s+(?:dispose|station|maintain|establish|use|deploy|base)\b" + _GAP % 120
        + r"\b(?:forces|bases|facilities|installations|troops)\b",
    ),
    _rule(
        "forces_in_and_about", "bases_facilities",
        "Land, sea or air forces are stationed (disposed) in and about a party's territory.",
        r"\b(?:station|dispose|deploy|maintain|base)\w*\b" + _GAP % 80
        + r"\b(?:land|sea|air|armed|military|naval)\b" + _GAP % 40
        + r"\bforces\s+in\s+and\s+about\b",
    ),
    _rule(
        "use_of_bases", "bases_facilities",
        "A party makes bases, facilities and areas or installations available to another.",
        r"\b(?:use\s+of|access\s+to|make\s+available|place\s+at\s+the\s+disposal\s+of)\b"
        + _GAP % 60 + r"\b(?:military\s+bases|bases|base\s+facilities|facilities\s+and\s+areas|"
        r"airfields|naval\s+(?:stations|facilities)|military\s+(?:facilities|installations))\b",
    ),
    _rule(
        "self_help_and_mutual_aid", "military_aid",
        "Continuous and effective self-help and mutual aid (NATO Article 3, ANZUS Article II).",
        r"\bself[-\s]help\s+and\s+mutual\s+aid\b(?:" + _GAP % 160
        + r"\bcapacity\s+to\s+resist\s+(?:an?\s+)?armed\s+attack\b)?",
    ),
    _rule(
        "capacity_to_resist_attack", "military_aid",
        "The parties maintain and develop their capacity to resist armed attack.",
        r"\b(?:maintain|develop)\b" + _GAP % 80 + r"\bcapacity\s+to\s+resist\s+(?:an?\s+)?"
        r"armed\s+attack\b",
    ),
    _rule(
        "provide_military_assistance", "military_aid",
        "A party provides (furnishes, supplies) military aid, equipment or training.",
        r"\b(?:provide|furnish|render|supply|make\s+available|extend)\b" + _GAP % 40
        + r"\b(?:military|defen[cs]e)\s+"
        r"(?:aid|assistance|equipment|materials?|supplies|training)\b",
    ),
    _rule(
        "cease_to_be_party", "duration_withdrawal",
        "After a term, a party may cease to be a party (withdraw, denounce) on notice.",
        r"(?:\bafter\s+(?:the|this)\s+treaty\s+has\s+been\s+in\s+force\s+for\s+[\w-]+\s+years\b"
        + _GAP % 60 + r")?\b(?:cease\s+to\s+be\s+(?:a\s+)?(?:party|member)|withdraw\s+from\s+"
        r"(?:this|the)\s+(?:treaty|agreement|alliance)|denounce\s+(?:this|the)\s+(?:treaty|"
        r"agreement))\b(?:" + _GAP % 160 + r"\bnotice\b(?:\s+of\s+(?:denunciation|withdrawal|"
        r"termination))?)?",
    ),
    _rule(
        "remain_in_force", "duration_withdrawal",
        "The treaty remains in force indefinitely, for a term of years, or until an event.",
        r"\b(?:remain|continue)\s+in\s+force\b(?:\s+(?:indefinitely|for\s+(?:a\s+(?:period|term)"
        r"\s+of\s+)?[\w-]+\s+years?|until\b" + _GAP % 80 + r"(?=[.;])))?",
    ),
    _rule(
        "terminate_on_notice", "duration_withdrawal",
        "The treaty terminates (expires) on notice of termination, denunciation or withdrawal.",
        r"\b(?:terminat\w+|expire\w*)\b" + _GAP % 100 + r"\bnotice\b|\bnotice\s+of\s+"
        r"(?:termination|denunciation|withdrawal|intention\s+to\s+terminate)\b",
    ),
    _rule(
        "deemed_to_include_attack_on", "geographic_scope",
        "An armed attack on a party is deemed to include an attack on listed territories.",
        r"\barmed\s+attack\s+on\b" + _GAP % 80
        + r"\bis\s+deemed\s+to\s+include\s+an\s+armed\s+attack\b",
    ),
    _rule(
        "attack_in_named_area", "geographic_scope",
        "The casus foederis names an area: an armed attack ... in Europe or North America.",
        r"\barmed\s+attack\s+(?:(?:against|on|upon)\s+(?:one\s+or\s+more\s+of\s+(?:them|the\s+"
        r"parties)|(?:any|either|each)\s+(?:(?:one\s+)?of\s+(?:them|the\s+parties)|party)|(?:the\s+)?"
        r"(?:metropolitan\s+)?territor(?:y|ies)\s+of\s+" + _GAP % 40 + r")\s+)?in\s+"
        r"(?-i:(?:the\s+)?[A-Z][\w-]*(?:\s+(?:(?:or|and|of|the)\s+)?[A-Z][\w-]*)*)",
    ),
)


# --------------------------------------------------------------------------------------------
# The manifest
# --------------------------------------------------------------------------------------------


def treaty_id_from_file(file: str) -> str:
    """``"North Atlantic Treaty 1949.txt"`` -> ``"north_atlantic_treaty_1949"``."""
    return re.sub(r"[^a-z0-9]+", "_", Path(file).stem.lower()).strip("_")


def _manifest_row(manifest: Path, line: int, record: dict[str, str]) -> TreatyMeta:
    def fail(message: str) -> SourceFileError:
        return SourceFileError(manifest, line, message)

    file = record["file"].strip()
    if not file:
        raise fail("column 'file' is empty; expected the name of a treaty text beside the manifest")
    if Path(file).name != file:
        raise fail(f"expected a bare file name beside the manifest in 'file', found {file!r}")
    path = manifest.parent / file
    if not path.is_file():
        raise fail(f"treaty text {file!r} not found beside the manifest (looked for {path})")
    title = record["title"].strip()
    if not title:
        raise fail("column 'title' is empty; expected the treaty's title")
    raw_date = record["signed_date"].strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw_date):
            raise ValueError
        signed = date.fromisoformat(raw_date)
    except ValueError:
        raise fail(f"expected signed_date as YYYY-MM-DD, found {raw_date!r}") from None
    parties = tuple(p.strip() for p in record["parties"].split(";") if p.strip())
    if not parties:
        raise fail("column 'parties' is empty; expected party names separated by ';'")
    if len(set(parties)) != len(parties):
        raise fail(f"a party is listed twice in {record['parties']!r}")
    treaty_id = treaty_id_from_file(file)
    if not treaty_id:
        raise fail(f"cannot derive a treaty_id from the file name {file!r}")
    return TreatyMeta(
        treaty_id=treaty_id,
        file=file,
        path=path,
        title=title,
        signed_date=signed,
        parties=parties,
        source_url=record.get("source_url", "").strip(),
        completeness=record.get("completeness", "").strip(),
        notes=record.get("notes", "").strip(),
        manifest_line=line,
    )


def parse_manifest(path: str | Path) -> list[TreatyMeta]:
    """The treaties listed in ``MANIFEST.csv``, in file order.

    Raises ``SourceFileError`` (manifest path and line) for a row with no file or title, a date
    that is not YYYY-MM-DD, no parties, a file not beside the manifest, or a repeated treaty_id.
    """
    manifest = Path(path)
    treaties: list[TreatyMeta] = []
    seen: dict[str, int] = {}
    for line, record, _raw in read_csv_records(manifest, MANIFEST_REQUIRED):
        meta = _manifest_row(manifest, line, record)
        if meta.treaty_id in seen:
            raise SourceFileError(
                manifest, line,
                f"treaty_id {meta.treaty_id!r} repeats the row on line {seen[meta.treaty_id]}",
            )
        seen[meta.treaty_id] = line
        treaties.append(meta)
    return treaties


def read_treaty_text(meta: TreatyMeta) -> str:
    """The treaty's text as UTF-8 (a byte-order mark dropped); raises ``SourceFileError``."""
    try:
        data = meta.path.read_bytes()
    except OSError as exc:
        raise SourceFileError(meta.path, None, f"cannot read the treaty text: {exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFileError(meta.path, line, f"not UTF-8 text: {exc.reason}") from None
    if not text.strip():
        raise SourceFileError(meta.path, None, "the treaty text is empty")
    return text


# --------------------------------------------------------------------------------------------
# Splitting a text into parts
# --------------------------------------------------------------------------------------------

_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_WORD_VALUES = {w: i + 1 for words in (_NUMBER_WORDS, _ORDINAL_WORDS) for i, w in enumerate(words)}
_WORD_LABEL = "|".join(sorted(_WORD_VALUES, key=len, reverse=True))

_ROMAN_RE = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

_ARTICLE_HEADING_RE = re.compile(
    r"^[^\S\n]*(?P<word>article|art\.)[^\S\n]*(?P<label>\d{1,3}|[ivxlcdm]{1,8}|"
    + _WORD_LABEL + r")\b(?P<rest>[^\r\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
_BARE_HEADING_RE = re.compile(
    r"^[^\S\n]*(?P<label>\d{1,3}|[IVXLCDM]{1,8})(?P<sep>\.)?(?P<rest>[^\r\n]*)", re.MULTILINE
)
_SEPARATOR_RE = re.compile(r"[^\S\n]*(?P<sep>[.:)\-\u2013\u2014]?)[^\S\n]*")
_TESTIMONIUM_RE = re.compile(
    r"^[^\S\n]*(?:in\s+(?:witness|faith|testimony)\s+(?:whereof|thereof)|done\s+(?:at|in)\b"
    r"|signed\s+at\b)",
    re.IGNORECASE | re.MULTILINE,
)
_ANNEX_HEADING_RE = re.compile(
    r"^[^\S\n]*(?P<word>annex|appendix|schedule|(?:additional\s+)?protocol|exchange\s+of\s+notes"
    r"|agreed\s+minutes?)\b(?P<rest>[^\r\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
_ANNEX_LABEL_RE = re.compile(r"[^\S\n]+(?P<label>\d{1,3}|[IVXLCDM]{1,8}|[A-Z])\b")


def roman_to_int(label: str) -> int | None:
    """The value of a Roman numeral in either case ("iv" -> 4), or None if it is not one."""
    upper = label.upper()
    if not upper or not _ROMAN_RE.fullmatch(upper):
        return None
    total = 0
    for char, following in zip(upper, [*upper[1:], ""], strict=True):
        value = _ROMAN_VALUES[char]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def _numeral_value(label: str) -> int | None:
    """``"4"``, ``"IV"``, ``"Four"`` or ``"Fourth"`` -> 4 (words up to twenty)."""
    if label.isdigit():
        return int(label)
    return _WORD_VALUES.get(label.lower()) or roman_to_int(label)


@dataclass(frozen=True)
class _Heading:
    """A candidate heading: where it starts, its text as kept, and where its body begins."""

    start: int
    body_start: int
    heading: str
    label: str
    value: int
    own_line: bool
    roman: bool


def _is_title(rest: str) -> bool:
    """A short heading title after the numeral, not the article's first sentence."""
    return rest.isupper() or (len(rest) <= 60 and not rest.rstrip().endswith((".", ";", ":", ",")))


def _article_heading(text: str, match: re.Match[str]) -> _Heading | None:
    label = match.group("label")
    value = _numeral_value(label)
    if value is None or value == 0:
        return None
    start = match.start("word")
    rest_start = match.start("rest")
    sep = _SEPARATOR_RE.match(text, rest_start)
    assert sep is not None  # the pattern can match the empty string
    after = text[sep.end():match.end()].rstrip()
    line_end = match.end()
    if not after:
        return _Heading(start, line_end, text[start:line_end].rstrip(), label, value, True,
                        not label.isdigit())
    if not sep.group("sep") and not after[0].isupper():
        return None  # "Article 51 of the Charter ...": a cross-reference
    if _is_title(after):
        return _Heading(start, line_end, text[start:line_end].rstrip(), label, value, True,
                        not label.isdigit())
    heading = text[start:sep.end()].rstrip()
    return _Heading(start, sep.end(), heading, label, value, False, not label.isdigit())


def _bare_heading(text: str, match: re.Match[str]) -> _Heading | None:
    label = match.group("label")
    value = _numeral_value(label)
    if value is None or value == 0:
        return None
    rest = match.group("rest")
    start = match.start("label")
    if not rest.strip():
        return _Heading(start, match.end(), text[start:match.end()].rstrip(), label, value, True,
                        not label.isdigit())
    if not match.group("sep") or not rest[0].isspace():
        return None  # "1949 ...", "1.2", "IVth": not a heading
    body_start = match.start("rest") + len(rest) - len(rest.lstrip())
    return _Heading(start, body_start, text[start:match.end("sep")], label, value, False,
                    not label.isdigit())


def _longest_run(candidates: Sequence[_Heading]) -> list[_Heading]:
    """The longest run of candidates numbered n, n+1, n+2, ... in document order."""
    if not candidates:
        return []
    length = [1] * len(candidates)
    previous = [-1] * len(candidates)
    for i, cand in enumerate(candidates):
        for j in range(i):
            if candidates[j].value == cand.value - 1 and length[j] + 1 > length[i]:
                length[i] = length[j] + 1
                previous[i] = j
    best = max(range(len(candidates)), key=lambda i: (length[i], -i))
    run: list[_Heading] = []
    index = best
    while index != -1:
        run.append(candidates[index])
        index = previous[index]
    return run[::-1]


def _article_headings(text: str) -> list[_Heading]:
    """Headings with the word "Article"; failing those, a run of bare numerals."""
    worded = [h for m in _ARTICLE_HEADING_RE.finditer(text) if (h := _article_heading(text, m))]
    if worded:
        return _longest_run(worded)
    bare = [h for m in _BARE_HEADING_RE.finditer(text) if (h := _bare_heading(text, m))]
    for pool in ([h for h in bare if h.own_line], bare):
        runs = [_longest_run([h for h in pool if h.roman]),
                _longest_run([h for h in pool if not h.roman])]
        best = max(runs, key=len)  # Roman first on a tie
        if len(best) >= 2:
            return best
    return []


@dataclass(frozen=True)
class _Boundary:
    start: int
    body_start: int
    kind: str
    number: str
    label: str
    heading: str


def _closing_boundaries(text: str, search_from: int) -> list[_Boundary]:
    """The final clauses and annexes that start after ``search_from``."""
    annexes: list[_Boundary] = []
    for match in _ANNEX_HEADING_RE.finditer(text, search_from):
        rest = match.group("rest")
        stripped = rest.strip()
        line = text[match.start("word"):match.end()].rstrip()
        if len(line) > 120 or re.search(r"[.;]\s+\S", stripped):
            continue
        if stripped and not line.isupper() and stripped.endswith((".", ";", ",")) and len(
                stripped) > 4:
            continue  # "Annex I forms an integral part of this Treaty." is a sentence
        label_match = _ANNEX_LABEL_RE.match(rest)
        label = label_match.group("label") if label_match else ""
        annexes.append(_Boundary(match.start("word"), match.end(), ANNEX,
                                 f"annex_{len(annexes) + 1}", label, line))
    limit = annexes[0].start if annexes else len(text)
    testimonium = _TESTIMONIUM_RE.search(text, search_from, limit)
    closing = list(annexes)
    if testimonium:
        start = testimonium.end() - len(testimonium.group().lstrip())
        closing.insert(0, _Boundary(start, start, FINAL_CLAUSES, FINAL_CLAUSES, "", ""))
    return closing


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_articles(text: str) -> list[Article]:
    """Split a treaty text into its preamble, articles, final clauses and annexes (in order).

    See the module docstring for the heading rules. A text with no heading at all is one
    ``preamble`` part; an empty text gives no parts.
    """
    headings = _article_headings(text)
    boundaries = [
        _Boundary(h.start, h.body_start, ARTICLE, str(h.value), h.label, h.heading)
        for h in headings
    ]
    boundaries += _closing_boundaries(text, headings[-1].body_start if headings else 0)
    parts: list[Article] = []
    first = boundaries[0].start if boundaries else len(text)
    pre_start, pre_end = _trimmed(text, 0, first)
    if pre_end > pre_start:
        parts.append(Article(PREAMBLE, "", 0, PREAMBLE, "", text[pre_start:pre_end], pre_start,
                             pre_end, pre_start))
    for index, bound in enumerate(boundaries):
        stop = boundaries[index + 1].start if index + 1 < len(boundaries) else len(text)
        body_start, body_end = _trimmed(text, bound.body_start, stop)
        end = body_end if body_end > body_start else bound.start + len(bound.heading)
        parts.append(Article(bound.number, bound.label, index + 1, bound.kind, bound.heading,
                             text[body_start:body_end], bound.start, end, body_start))
    return parts


# --------------------------------------------------------------------------------------------
# Provisions and who they bind
# --------------------------------------------------------------------------------------------

_CLAUSE_BREAK_RE = re.compile(r"[.;:](?=\s)|\n[^\S\n]*\n")
_OBLIGATION_VERB = (
    r"(?:hereby\s+|also\s+|further\s+|jointly\s+|each\s+)?(?:shall|will|undertakes?|agrees?|"
    r"grants?|accords?|commits?|pledges?|guarantees?|declares?|recogni[sz]es?|binds?|assumes?|"
    r"affords?|permits?|allows?|promises?|is\s+(?:obliged|bound|committed))\b"
)


def _party_pattern(name: str) -> str:
    """A party's name as the text may write it: "United States" also matches "... of America"."""
    words = r"\s+".join(re.escape(word) for word in name.split())
    suffix = r"(?:\s+of(?:\s+the)?\s+(?-i:[A-Z][\w'-]*)(?:\s+(?-i:[A-Z][\w'-]*))*)?"
    return rf"\b{words}{suffix}(?![\w-])"


@dataclass(frozen=True)
class _PartyMatcher:
    parties: tuple[str, ...]
    any_party: re.Pattern[str]
    each: tuple[re.Pattern[str], ...]
    subject: re.Pattern[str]


def _party_matcher(parties: Sequence[str]) -> _PartyMatcher | None:
    names = tuple(p for p in parties if p.strip())
    if not names:
        return None
    alternatives = "|".join(_party_pattern(p) for p in sorted(names, key=len, reverse=True))
    one = rf"(?:the\s+)?(?:government\s+of\s+(?:the\s+)?)?(?:{alternatives})"
    subject = rf"(?P<subject>{one}(?:\s*,\s*{one})*(?:\s*,?\s+and\s+{one})?)\s+{_OBLIGATION_VERB}"
    return _PartyMatcher(
        parties=names,
        any_party=re.compile(one, re.IGNORECASE),
        each=tuple(re.compile(_party_pattern(p), re.IGNORECASE) for p in names),
        subject=re.compile(subject, re.IGNORECASE),
    )


def _names_in(matcher: _PartyMatcher, fragment: str) -> list[str]:
    """The parties named in a fragment, in order of first mention, manifest spelling."""
    found: list[tuple[int, str]] = []
    for name, pattern in zip(matcher.parties, matcher.each, strict=True):
        hit = pattern.search(fragment)
        if hit:
            found.append((hit.start(), name))
    return [name for _, name in sorted(found)]


def _clause_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    clause_start = 0
    for brk in _CLAUSE_BREAK_RE.finditer(body, 0, start):
        clause_start = brk.end()
    after = _CLAUSE_BREAK_RE.search(body, end)
    return clause_start, after.start() if after else len(body)


def _binding(
    body: str, start: int, end: int, matcher: _PartyMatcher | None
) -> tuple[str, str | None, str | None]:
    """``(binding, obligated_party, beneficiary)`` of the match ``body[start:end]``."""
    if matcher is None:
        return ALL_PARTIES, ALL, ALL
    clause_start, clause_end = _clause_bounds(body, start, end)
    subjects = [s for s in matcher.subject.finditer(body, clause_start, end) if s.start() < start]
    if not subjects:
        return ALL_PARTIES, ALL, ALL
    subject = subjects[-1]
    obligated = _names_in(matcher, subject.group("subject"))
    if set(obligated) == set(matcher.parties) and len(obligated) > 1:
        return ALL_PARTIES, ALL, ALL
    others = [n for n in _names_in(matcher, body[subject.end():clause_end]) if n not in obligated]
    if not others and len(matcher.parties) == 2:
        others = [n for n in matcher.parties if n not in obligated]
    return ONE_WAY, "; ".join(obligated), "; ".join(others) or None


def _rule_matches(body: str) -> list[tuple[int, ProvisionRule, re.Match[str]]]:
    """Every rule's matches; a match is dropped where an earlier rule (or an earlier match of the
    same rule) of the same type already holds text in the same clause."""
    kept: list[tuple[int, ProvisionRule, re.Match[str], tuple[int, int]]] = []
    for order, rule in enumerate(RULES):
        for match in rule.pattern.finditer(body):
            if match.end() == match.start():
                continue
            clause = _clause_bounds(body, match.start(), match.end())
            taken = any(
                r.provision_type == rule.provision_type
                and (c == clause or (match.start() < m.end() and m.start() < match.end()))
                for _, r, m, c in kept
            )
            if not taken:
                kept.append((order, rule, match, clause))
    kept.sort(key=lambda item: (item[2].start(), item[0]))
    return [(order, rule, match) for order, rule, match, _ in kept]


def detect_provisions(
    article: Article, parties: Sequence[str], *, include_non_operative: bool = False
) -> list[Provision]:
    """The provisions that the rules in ``RULES`` find in one part of a treaty, in text order.

    ``parties`` are the manifest's party names, used to tell one-way obligations from mutual
    ones. Offsets are in the full text the part came from. The preamble and final clauses give
    nothing unless ``include_non_operative`` is set.
    """
    if article.kind in (PREAMBLE, FINAL_CLAUSES) and not include_non_operative:
        return []
    matcher = _party_matcher(parties)
    provisions = []
    for _order, rule, match in _rule_matches(article.body):
        binding, obligated, beneficiary = _binding(article.body, match.start(), match.end(),
                                                   matcher)
        provisions.append(Provision(
            provision_type=rule.provision_type,
            rule=rule.name,
            article_number=article.number,
            start=article.body_start + match.start(),
            end=article.body_start + match.end(),
            snippet=match.group(),
            binding=binding,
            obligated_party=obligated,
            beneficiary=beneficiary,
        ))
    return provisions


def parse_treaty(meta: TreatyMeta, text: str | None = None) -> ParsedTreaty:
    """A manifest entry's text split into parts, with every part's provisions."""
    if text is None:
        text = read_treaty_text(meta)
    articles = tuple(split_articles(text))
    provisions = tuple(p for a in articles for p in detect_provisions(a, meta.parties))
    return ParsedTreaty(meta, text, articles, provisions)
