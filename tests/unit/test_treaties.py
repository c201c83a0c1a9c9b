"""Treaty texts: manifest, split into articles, rule-based provisions (etl/sources/treaties.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.errors import SourceFileError
from etl.sources import treaties
from etl.sources.treaties import (
    Article,
    ParsedTreaty,
    Provision,
    detect_provisions,
    parse_manifest,
    parse_treaty,
    provision_types,
    roman_to_int,
    split_articles,
)

TREATIES_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "treaties"
MANIFEST_HEADER = "file,title,signed_date,parties,source_url,completeness,notes\n"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _by_number(articles: list[Article] | tuple[Article, ...]) -> dict[str, Article]:
    return {a.number: a for a in articles}


def _types(provisions: list[Provision] | tuple[Provision, ...], number: str) -> set[str]:
    return {p.provision_type for p in provisions if p.article_number == number}


def _one(provisions: list[Provision] | tuple[Provision, ...], number: str, kind: str) -> Provision:
    found = [p for p in provisions if p.article_number == number and p.provision_type == kind]
    assert found, f"no {kind} in article {number}; found {_types(provisions, number)}"
    return found[0]


def _provisions(text: str, parties: list[str]) -> list[Provision]:
    return [p for a in split_articles(text) for p in detect_provisions(a, parties)]


@pytest.fixture(scope="module")
def real() -> dict[str, ParsedTreaty]:
    if not (TREATIES_DIR / "MANIFEST.csv").is_file():
        pytest.skip(f"shared treaty texts not found at {TREATIES_DIR}")
    return {m.treaty_id: parse_treaty(m) for m in parse_manifest(TREATIES_DIR / "MANIFEST.csv")}


@pytest.fixture(scope="module")
def nato(real: dict[str, ParsedTreaty]) -> ParsedTreaty:
    return real["north_atlantic_treaty_1949"]


@pytest.fixture(scope="module")
def anzus(real: dict[str, ParsedTreaty]) -> ParsedTreaty:
    return real["anzus_security_treaty_1951"]


# --------------------------------------------------------------------------------------------
# the manifest
# --------------------------------------------------------------------------------------------


def test_real_manifest_lists_both_treaties(real: dict[str, ParsedTreaty]) -> None:
    nato = real["north_atlantic_treaty_1949"].meta
    anzus = real["anzus_security_treaty_1951"].meta
    assert list(real) == ["north_atlantic_treaty_1949", "anzus_security_treaty_1951"]
    assert nato.signed_date == date(1949, 4, 4)
    assert nato.title == "North Atlantic Treaty"
    assert len(nato.parties) == 12 and "United Kingdom" in nato.parties
    assert anzus.parties == ("Australia", "New Zealand", "United States")
    assert anzus.path == TREATIES_DIR / "anzus_security_treaty_1951.txt"
    assert anzus.manifest_line == 3
    assert nato.completeness == "full"


def _write_manifest(tmp_path: Path, *rows: str, texts: tuple[str, ...] = ("a_1950.txt",)) -> Path:
    for name in texts:
        (tmp_path / name).write_text("Article 1\n\nThe Parties agree.\n", encoding="utf-8")
    manifest = tmp_path / "MANIFEST.csv"
    manifest.write_text(MANIFEST_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return manifest


def test_manifest_splits_parties_and_derives_treaty_id(tmp_path: Path) -> None:
    manifest = _write_manifest(
        tmp_path, "Pact of Amity 1950.txt,Pact,1950-01-02, Ruritania ; Freedonia ;,,partial,",
        texts=("Pact of Amity 1950.txt",),
    )
    [meta] = parse_manifest(manifest)
    assert meta.treaty_id == "pact_of_amity_1950"
    assert meta.parties == ("Ruritania", "Freedonia")
    assert meta.signed_date == date(1950, 1, 2)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (",Pact,1950-01-02,Ruritania;Freedonia,,full,", "'file' is empty"),
        ("a_1950.txt,Pact,2 January 1950,Ruritania;Freedonia,,full,", "YYYY-MM-DD"),
        ("a_1950.txt,Pact,1950-02-30,Ruritania;Freedonia,,full,", "YYYY-MM-DD"),
        ("a_1950.txt,Pact,19500102,Ruritania;Freedonia,,full,", "YYYY-MM-DD"),
        ("missing_1950.txt,Pact,1950-01-02,Ruritania;Freedonia,,full,", "not found beside"),
        ("a_1950.txt,Pact,1950-01-02,,,full,", "'parties' is empty"),
        ("../a_1950.txt,Pact,1950-01-02,Ruritania,,full,", "bare file name"),
    ],
)
def test_manifest_bad_row_names_file_and_line(tmp_path: Path, row: str, expected: str) -> None:
    other = "b_1951.txt,Other,1951-01-02,Ruritania;Freedonia,,full,"
    manifest = _write_manifest(tmp_path, other, row, texts=("a_1950.txt", "b_1951.txt"))
    with pytest.raises(SourceFileError) as info:
        parse_manifest(manifest)
    assert info.value.path == str(manifest)
    assert info.value.line == 3
    assert expected in info.value.message


# --------------------------------------------------------------------------------------------
# the real texts: articles
# --------------------------------------------------------------------------------------------


def test_nato_has_preamble_fourteen_articles_and_final_clauses(nato: ParsedTreaty) -> None:
    kinds = [a.kind for a in nato.articles]
    articles = [a for a in nato.articles if a.kind == "article"]
    assert kinds[0] == "preamble" and kinds[-1] == "final_clauses"
    assert [a.number for a in articles] == [str(n) for n in range(1, 15)]
    assert [a.ordinal for a in articles] == list(range(1, 15))
    assert articles[4].heading == "Article 5" and articles[4].label == "5"
    assert nato.articles[0].body.startswith("NORTH ATLANTIC TREATY")
    assert nato.articles[0].body.endswith("They therefore agree to this North Atlantic Treaty:")


def test_nato_testimonium_is_not_part_of_article_14(nato: ParsedTreaty) -> None:
    parts = _by_number(nato.articles)
    assert "witness" not in parts["14"].body.lower()
    assert parts["14"].body.endswith("to the Governments of the other signatories.")
    assert parts["final_clauses"].body.startswith("In witness whereof")


def test_anzus_has_eleven_roman_articles(anzus: ParsedTreaty) -> None:
    articles = [a for a in anzus.articles if a.kind == "article"]
    assert len(articles) == 11
    assert [a.label for a in articles][:5] == ["I", "II", "III", "IV", "V"]
    assert [a.number for a in articles] == [str(n) for n in range(1, 12)]
    assert _by_number(anzus.articles)["4"].heading == "ARTICLE IV"
    assert anzus.articles[0].body.startswith("The Parties to this Treaty,")
    final = _by_number(anzus.articles)["final_clauses"]
    assert final.body.startswith("IN WITNESS WHEREOF") and final.body.endswith("JOHN J. SPARKMAN")
    assert "WITNESS" not in _by_number(anzus.articles)["11"].body


def test_part_offsets_point_into_the_text(real: dict[str, ParsedTreaty]) -> None:
    for treaty in real.values():
        previous_end = 0
        for part in treaty.articles:
            assert treaty.text[part.body_start:part.body_end] == part.body
            assert treaty.text[part.start:part.end].startswith(part.heading)
            assert treaty.text[part.start:part.end].endswith(part.body)
            assert part.start >= previous_end
            previous_end = part.end


# --------------------------------------------------------------------------------------------
# the real texts: provisions
# --------------------------------------------------------------------------------------------


def test_nato_article_5_is_mutual_collective_defence(nato: ParsedTreaty) -> None:
    defence = [p for p in nato.provisions if p.provision_type == "collective_defence"]
    assert {p.article_number for p in defence} == {"5"}
    assert {p.binding for p in defence} == {"all_parties"}
    assert {p.obligated_party for p in defence} == {"all"}
    assert "considered an attack against them all" in defence[0].snippet


def test_nato_other_articles(nato: ParsedTreaty) -> None:
    p = nato.provisions
    assert _types(p, "4") == {"consultation"}
    assert "geographic_scope" in _types(p, "6")
    assert _types(p, "13") == {"duration_withdrawal"}
    assert "self-help and mutual aid" in _one(p, "3", "military_aid").snippet
    assert _types(p, "1") == {"non_aggression"}
    # Article 12 (consult to review the Treaty after ten years) is neither consultation in the
    # alliance sense nor a withdrawal clause; Articles 2, 7-11 and 14 carry none of the types.
    for number in ("2", "7", "8", "9", "10", "11", "12", "14"):
        assert _types(p, number) == set(), number


def test_anzus_provisions(anzus: ParsedTreaty) -> None:
    p = anzus.provisions
    defence = _one(p, "4", "collective_defence")
    assert (defence.binding, defence.obligated_party, defence.beneficiary) == (
        "all_parties", "all", "all")
    assert defence.snippet.endswith("act to meet the common danger")
    assert _types(p, "3") == {"consultation"}
    assert _types(p, "2") == {"military_aid"}
    assert _types(p, "5") == {"geographic_scope"}
    assert _types(p, "10") == {"duration_withdrawal"}
    assert "remain in force indefinitely" in {x.snippet for x in p if x.article_number == "10"}
    for number in ("6", "7", "8", "9", "11"):
        assert _types(p, number) == set(), number


def test_real_spans_are_the_snippets(real: dict[str, ParsedTreaty]) -> None:
    for treaty in real.values():
        assert treaty.provisions
        for p in treaty.provisions:
            assert treaty.text[p.start:p.end] == p.snippet


def test_preamble_gives_no_provisions_unless_asked(anzus: ParsedTreaty) -> None:
    preamble = anzus.articles[0]
    assert preamble.kind == "preamble"
    assert detect_provisions(preamble, anzus.meta.parties) == []
    found = detect_provisions(preamble, anzus.meta.parties, include_non_operative=True)
    # "... may also station armed forces in and about Japan" is a recital, not an obligation.
    assert "bases_facilities" in {p.provision_type for p in found}


# --------------------------------------------------------------------------------------------
# hand-made texts: splitting
# --------------------------------------------------------------------------------------------

NESTED = """\
TREATY OF AMITY

The High Contracting Parties have agreed as follows:

Article 1

1. The Parties shall consult each other.
2. Each Party shall:
   (a) report to the Council;
   (b) inform the other Party.
Article 2 of the Charter of the United Nations is recalled.

ARTICLE 2 - Review

1. The Council meets yearly.
2. The Council may review
Article 51 of the Charter of the United Nations.
3. It reports.

Art. 3. This Treaty shall remain in force for ten years.
"""


def test_nested_numbering_does_not_split_articles() -> None:
    parts = split_articles(NESTED)
    assert [(a.kind, a.number) for a in parts] == [
        ("preamble", "preamble"), ("article", "1"), ("article", "2"), ("article", "3")]
    first, second, third = parts[1:]
    assert first.body.startswith("1. The Parties")
    assert first.body.endswith("Article 2 of the Charter of the United Nations is recalled.")
    assert second.heading == "ARTICLE 2 - Review"
    assert "Article 51 of the Charter" in second.body and second.body.endswith("3. It reports.")
    assert third.heading == "Art. 3."
    assert third.body == "This Treaty shall remain in force for ten years."


BARE_ROMAN = """\
AGREEMENT

The Parties agree:

I.

The Parties will consult together whenever either of them is threatened.

II.

1. Each Party keeps forces.
2. Each Party trains them.

III.

Any Party may withdraw from this Treaty one year after notice.
"""


def test_bare_roman_numerals_are_headings_when_no_article_word() -> None:
    parts = split_articles(BARE_ROMAN)
    articles = [a for a in parts if a.kind == "article"]
    assert [(a.number, a.label) for a in articles] == [("1", "I"), ("2", "II"), ("3", "III")]
    assert articles[1].body == "1. Each Party keeps forces.\n2. Each Party trains them."
    assert parts[0].body == "AGREEMENT\n\nThe Parties agree:"
    assert _types(_provisions(BARE_ROMAN, ["Ruritania", "Freedonia"]), "1") == {"consultation"}


def test_bare_roman_beats_nested_arabic_paragraphs() -> None:
    text = "I. The Parties agree.\n1. First point.\n2. Second point.\nII. They consult.\n"
    articles = [a for a in split_articles(text) if a.kind == "article"]
    assert [a.label for a in articles] == ["I", "II"]
    assert articles[0].body == "The Parties agree.\n1. First point.\n2. Second point."


def test_bare_numerals_alone_on_a_line_beat_paragraph_numbers() -> None:
    text = "1.\nThe Parties agree:\n1. to consult;\n2. to report.\n\n2.\nThey meet.\n\n3.\nEnd.\n"
    articles = split_articles(text)
    assert [(a.number, a.heading) for a in articles] == [("1", "1."), ("2", "2."), ("3", "3.")]
    assert articles[0].body == "The Parties agree:\n1. to consult;\n2. to report."


def test_bare_arabic_numerals_must_run_in_sequence() -> None:
    text = "1. The Parties agree to consult.\n\n2. The Parties keep forces.\n7. A stray line.\n"
    parts = split_articles(text)
    assert [a.number for a in parts] == ["1", "2"]
    assert parts[1].body == "The Parties keep forces.\n7. A stray line."


def test_preamble_only() -> None:
    text = "\n  A declaration of friendship between the peoples.\nNo numbered article here.\n\n"
    [part] = split_articles(text)
    assert (part.kind, part.number, part.ordinal, part.heading) == ("preamble", "preamble", 0, "")
    assert part.body == (
        "A declaration of friendship between the peoples.\nNo numbered article here.")
    assert text[part.start:part.end] == part.body
    assert split_articles("") == []


ANNEXED = """\
Article 1
The United States undertakes to defend the territory of Ruritania against armed attack.

Article 2
Ruritania grants to the United States the right to station land, air and sea forces
in and about its territory.
Annex I forms an integral part of this Agreement.

IN WITNESS WHEREOF the undersigned have signed this Agreement.

DONE at Ruritania City, 1 May 1950.

ANNEX I
LIST OF BASES
1. Port Alpha.
2. Airfield Beta.

Annex II - Status of forces
Article 1
Members of the forces respect the law of Ruritania.
"""


def test_annex_and_testimonium_after_the_last_article() -> None:
    parts = split_articles(ANNEXED)
    assert [(a.kind, a.number, a.ordinal) for a in parts] == [
        ("article", "1", 1), ("article", "2", 2), ("final_clauses", "final_clauses", 3),
        ("annex", "annex_1", 4), ("annex", "annex_2", 5)]
    article_2, final, annex_1, annex_2 = parts[1:]
    assert article_2.body.endswith("Annex I forms an integral part of this Agreement.")
    assert final.body.startswith("IN WITNESS WHEREOF") and final.body.endswith("1 May 1950.")
    assert (annex_1.heading, annex_1.label) == ("ANNEX I", "I")
    assert annex_1.body == "LIST OF BASES\n1. Port Alpha.\n2. Airfield Beta."
    assert annex_2.heading == "Annex II - Status of forces"
    assert annex_2.body.startswith("Article 1\nMembers of the forces")


# --------------------------------------------------------------------------------------------
# hand-made texts: provisions and who is bound
# --------------------------------------------------------------------------------------------

PAIR = ["United States", "Ruritania"]


def test_one_sided_guarantee_is_one_way() -> None:
    [p] = [p for p in _provisions(ANNEXED, PAIR) if p.article_number == "1"]
    assert (p.provision_type, p.rule) == ("collective_defence", "defend_against_attack")
    assert (p.binding, p.obligated_party, p.beneficiary) == (
        "one_way", "United States", "Ruritania")
    assert ANNEXED[p.start:p.end] == p.snippet == (
        "defend the territory of Ruritania against armed attack")


def test_base_rights_grant_is_one_way() -> None:
    provisions = [p for p in _provisions(ANNEXED, PAIR) if p.article_number == "2"]
    assert [p.provision_type for p in provisions] == ["bases_facilities"]
    grant = provisions[0]
    assert (grant.binding, grant.obligated_party, grant.beneficiary) == (
        "one_way", "Ruritania", "United States")
    assert ANNEXED[grant.start:grant.end] == grant.snippet
    assert grant.snippet.startswith("grants to the United States the right to station")
    one_line = (
        "Article 1\nRuritania grants to the United States the right to station land, air and sea "
        "forces in and about its territory.\n"
    )
    [p] = _provisions(one_line, PAIR)
    assert (p.provision_type, p.binding, p.obligated_party, p.beneficiary) == (
        "bases_facilities", "one_way", "Ruritania", "United States")
    assert one_line[p.start:p.end] == p.snippet


def test_long_party_name_and_joint_subject() -> None:
    text = (
        "Article 1\nThe Government of the United States of America shall provide military "
        "assistance to Freedonia.\n\nArticle 2\nRuritania, Freedonia and the United States agree "
        "that an armed attack against any of them shall be considered an attack against them all.\n"
    )
    parties = ["Ruritania", "Freedonia", "United States"]
    aid, defence = _provisions(text, parties)
    assert (aid.provision_type, aid.binding, aid.obligated_party, aid.beneficiary) == (
        "military_aid", "one_way", "United States", "Freedonia")
    assert (defence.provision_type, defence.binding, defence.obligated_party) == (
        "collective_defence", "all_parties", "all")


def test_mutual_wording_is_all_parties() -> None:
    text = "Article 1\nEach Party undertakes to assist the Party so attacked.\n"
    [p] = _provisions(text, PAIR)
    assert (p.provision_type, p.binding, p.obligated_party, p.beneficiary) == (
        "collective_defence", "all_parties", "all", "all")


RULE_EXAMPLES = {
    "attack_on_one_is_attack_on_all": "The Parties agree that an armed attack against either of "
    "them shall be regarded as an attack against both.",
    "act_to_meet_common_danger": "Each Party declares that it would act to meet the common "
    "dangers.",
    "assist_party_attacked": "The other Contracting Parties shall come to the aid of the Party "
    "which is the victim of armed aggression.",
    "defend_against_attack": "Ruritania guarantees the independence of Freedonia against any "
    "external aggression.",
    "consult_whenever_threatened": "The Parties shall consult whenever the independence of either "
    "is endangered.",
    "consult_in_event_of_threat": "The Parties shall hold consultations in the event of a threat "
    "to peace.",
    "refrain_from_force": "The Parties shall refrain from the threat or use of force against "
    "each other.",
    "peaceful_settlement": "The Parties shall settle their disputes by peaceful means.",
    "no_attack_on_each_other": "Each Party undertakes to desist from any act of violence against "
    "the other.",
    "remain_neutral": "The other Party shall observe benevolent neutrality.",
    "no_aid_to_attacker": "The other Party shall in no manner lend its support to this third "
    "power.",
    "grant_base_rights": "Ruritania accords the United States the right to use its airfields "
    "for its forces.",
    "forces_in_and_about": "The United States may station its land forces in and about Ruritania.",
    "use_of_bases": "Ruritania shall make available to the United States facilities and areas.",
    "self_help_and_mutual_aid": "The Parties will rely on self-help and mutual aid.",
    "capacity_to_resist_attack": "The Parties shall develop their capacity to resist armed attack.",
    "provide_military_assistance": "The United States shall furnish military equipment to "
    "Ruritania.",
    "cease_to_be_party": "Either Party may withdraw from this Agreement.",
    "remain_in_force": "This Agreement shall continue in force until the Parties agree otherwise.",
    "terminate_on_notice": "This Agreement shall terminate six months after either Party gives "
    "notice.",
    "deemed_to_include_attack_on": "An armed attack on either Party is deemed to include an armed "
    "attack on its island territories.",
    "attack_in_named_area": "The Parties recognise that an armed attack in the Caribbean Sea "
    "endangers them.",
}


def test_every_rule_has_an_example() -> None:
    assert set(RULE_EXAMPLES) == {r.name for r in treaties.RULES}


@pytest.mark.parametrize("rule", sorted(RULE_EXAMPLES))
def test_rule_fires_on_its_example(rule: str) -> None:
    text = f"Article 1\n{RULE_EXAMPLES[rule]}\n"
    found = _provisions(text, PAIR)
    assert rule in {p.rule for p in found}, [(p.rule, p.snippet) for p in found]
    for p in found:
        assert text[p.start:p.end] == p.snippet


# --------------------------------------------------------------------------------------------
# the rule table and helpers
# --------------------------------------------------------------------------------------------


def test_provision_types_are_ordered_and_defined() -> None:
    types = provision_types()
    assert [t.name for t in types] == [
        "collective_defence", "consultation", "non_aggression", "neutrality",
        "bases_facilities", "military_aid", "duration_withdrawal", "geographic_scope"]
    assert all(t.definition and "\n" not in t.definition for t in types)


def test_every_rule_is_typed_named_and_documented() -> None:
    names = [r.name for r in treaties.RULES]
    assert len(names) == len(set(names))
    known = {t.name for t in provision_types()}
    doc = treaties.__doc__ or ""
    for rule in treaties.RULES:
        assert rule.provision_type in known, rule.name
        assert rule.doc, rule.name
        assert f"{rule.provision_type:<21} {rule.name}" in doc, f"{rule.name} not in the docstring"


def test_roman_numerals() -> None:
    assert [roman_to_int(x) for x in ("I", "iv", "IX", "XIV", "xl", "MCMXLIX")] == [
        1, 4, 9, 14, 40, 1949]
    assert roman_to_int("IIII") is None and roman_to_int("") is None and roman_to_int("VX") is None
