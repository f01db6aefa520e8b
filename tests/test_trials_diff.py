"""`cartscreen trials diff`: an encoded trial against a ClinicalTrials.gov API v2 record.

Records are built in the suite (tests/registry_records.py) from each bundled trial's kept
registry text and metadata, then changed the way a registry record changes: STEAM's current
record (ages ≥5 with no upper limit, active not recruiting, updated 2026-02-04), a sentence
added, removed or reworded. Commands run through the real entry point; the rules (sentences,
similarity, record dates, ages) are also tested in-process, where that reads better.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from cartscreen.drift.compare import REWORDED_AT, compare, compare_sentences, encoded_version
from cartscreen.drift.record import RecordProblem, parse_record, read_record
from cartscreen.drift.sentences import Sentence, similarity, split_sentences, tokens
from registry_records import (
    bundled,
    kept_text,
    record_of,
    v2_markdown,
    v2_record,
    write_record,
)
from tests_support import ROOT, TRIAL_IDS, run

STEAM = "NCT06222853"
JDM = "NCT06569472"  # its kept text lost ≥, ≤, γ and ①…④ in the scrape
LIVE_VACCINE = "Received live vaccine within 4 weeks before screening"  # STEAM's E9
# Clears the screen, moves the cursor back to draw a fake verdict, rings the bell, a bidi
# override; then Rich markup and an emoji code that must print as written.
HOSTILE = ("\x1b[2J\rNCT06222853 matches\x07\u202eX[bold red]R[/][link=http://evil.example]"
           "L:smile:")


Run = subprocess.CompletedProcess[str]


def _diff(*args: str | Path) -> Run:
    return run("trials", "diff", *args)


def _json(*args: str | Path) -> tuple[int, dict[str, Any], str]:
    result = _diff(*args, "--format", "json")
    return result.returncode, json.loads(result.stdout), result.stderr


def _steam_text(*replacements: tuple[str, str]) -> str:
    text = kept_text(STEAM)
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _changed(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["field"]: f for f in entry["metadata"] if f["changed"]}


# --- records that match ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matching_records(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, dict[str, Any]]:
    """One run over a folder of each bundled trial's record, twice: its kept text as scraped,
    and the same text as the v2 API writes it (markdown lists, "\\<" for "<")."""
    folder = tmp_path_factory.mktemp("records")
    for trial_id in TRIAL_IDS:
        write_record(folder / f"{trial_id}-scraped.json", record_of(trial_id))
        write_record(folder / f"{trial_id}-markdown.json",
                     record_of(trial_id, v2_markdown(kept_text(trial_id))))
    return _diff(folder), _json(folder)[1]


@pytest.mark.parametrize("trial_id", TRIAL_IDS)
def test_records_built_from_the_kept_text_and_metadata_match(
        trial_id: str, matching_records: tuple[Run, dict[str, Any]]) -> None:
    table, report = matching_records
    assert table.returncode == 0, table.stdout + table.stderr
    assert table.stderr == f"{2 * len(TRIAL_IDS)} records: {2 * len(TRIAL_IDS)} match\n"
    for form in ("scraped", "markdown"):
        (entry,) = [e for e in report["records"] if e["file"].endswith(f"{trial_id}-{form}.json")]
        assert (entry["trial_id"], entry["outcome"]) == (trial_id, "matches")
        assert entry["sentences"]["changes"] == []
        assert not any(field["changed"] for field in entry["metadata"])
        assert f"{trial_id}  matches  {entry['file']}" in table.stdout


def test_a_record_with_the_symbols_the_scrape_lost_still_matches(tmp_path: Path) -> None:
    # The registry writes ≥5, TIF-1γ and ①…; the kept text has "=5", "TIF-1?" and "?".
    restored = (kept_text(JDM).replace("Age: =5", "Age: ≥5").replace("TIF-1?", "TIF-1γ")
                .replace("must<br> be met:?", "must<br> be met:①"))
    code, report, _ = _json(write_record(tmp_path / "jdm.json", record_of(JDM, restored)))
    assert code == 0
    (entry,) = report["records"]
    assert entry["outcome"] == "matches"
    assert entry["sentences"]["lost_symbol_matches"] == 3
    assert any("symbol the scrape lost" in note for note in entry["notes"])


def test_a_symbol_the_kept_text_has_is_not_read_as_another(tmp_path: Path) -> None:
    # STEAM's scrape kept its symbols: "≥Grade 2 GVHD" against the record's "≤Grade 2" is a
    # change, even though a lost "≥" or "≤" would both have been scraped as "=".
    record = record_of(STEAM, _steam_text(("or ≥Grade 2 GVHD", "or ≤Grade 2 GVHD")))
    code, report, _ = _json(write_record(tmp_path / "steam.json", record))
    assert code == 1
    (change,) = report["records"][0]["sentences"]["changes"]
    assert change["change"] == "reworded"
    assert change["criteria"] == ["E7a", "E7b"]
    assert "[-≥-]{+≤+}Grade" in change["word_diff"]


# --- STEAM's current record ----------------------------------------------------------------


def _steam_now() -> dict[str, Any]:
    """STEAM's record as updated on 2026-02-04: ages ≥5 with no upper limit, active, not
    recruiting (its eligibility text as kept)."""
    return record_of(STEAM, minimum_age="5 Years", maximum_age=None,
                     status="ACTIVE_NOT_RECRUITING", updated="2026-02-04")


def test_steams_current_record_is_an_age_change_touching_I1(tmp_path: Path) -> None:
    code, report, stderr = _json(STEAM, write_record(tmp_path / "steam.json", _steam_now()))
    assert code == 1
    assert stderr == "1 record: 1 differs\n"
    (entry,) = report["records"]
    assert entry["outcome"] == "differs"
    changed = _changed(entry)
    assert set(changed) == {"maximum_age", "status", "record_date"}
    age = changed["maximum_age"]
    assert (age["trial"], age["record"], age["criteria"]) == ("18 years (inclusive)", None,
                                                              ["I1"])
    assert "no maximum age" in age["message"] and "I1" in age["message"]
    assert (changed["status"]["trial"], changed["status"]["record"]) == (
        "Recruiting", "ACTIVE_NOT_RECRUITING")
    assert (changed["record_date"]["trial"], changed["record_date"]["record"]) == (
        "updated 2024-01-25", "updated 2026-02-04")
    assert "after the version encoded" in changed["record_date"]["message"]
    assert entry["sentences"]["changes"] == []


def test_steams_current_record_in_the_table(tmp_path: Path) -> None:
    result = _diff(STEAM, write_record(tmp_path / "steam.json", _steam_now()), "--width", "100")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{STEAM}  differs  {tmp_path / 'steam.json'}"
    rows = [" ".join(line.replace("│", " ").split()) for line in lines]
    assert "maximum age 18 years (inclusive) none (no limit) I1" in rows
    assert "status Recruiting ACTIVE_NOT_RECRUITING" in rows
    assert "record date updated 2024-01-25 updated 2026-02-04" in rows
    assert "minimum age" not in result.stdout  # unchanged fields are not listed
    assert "Criteria to review against the record: I1." in rows


# --- sentences added, removed, reworded ----------------------------------------------------


def _edited_steam_text() -> str:
    """STEAM's kept text with E9's window changed, E8d's sentence gone, and a sentence no
    criterion quotes added."""
    return _steam_text(
        (LIVE_VACCINE, LIVE_VACCINE.replace("4 weeks", "8 weeks")),
        ("Or syphilis test positive; ", ""),
        ("12. Patients who", "12. Received rituximab within 6 months before screening; "
                             "13. Patients who"))


def _edited_steam() -> dict[str, Any]:
    return record_of(STEAM, _edited_steam_text())


def test_a_sentence_added_removed_and_reworded_each_with_its_criteria(tmp_path: Path) -> None:
    code, report, _ = _json(write_record(tmp_path / "steam.json", _edited_steam()))
    assert code == 1
    (entry,) = report["records"]
    assert _changed(entry) == {}
    changes = {c["change"]: c for c in entry["sentences"]["changes"]}
    assert len(changes) == len(entry["sentences"]["changes"]) == 3
    reworded = changes["reworded"]
    assert (reworded["section"], reworded["criteria"]) == ("exclusion", ["E9"])
    assert (reworded["before"], reworded["after"]) == (
        LIVE_VACCINE, LIVE_VACCINE.replace("4 weeks", "8 weeks"))
    assert reworded["word_diff"] == "Received live vaccine within [-4-]{+8+} weeks before screening"
    assert reworded["words"][1:3] == [{"op": "delete", "text": " 4"},
                                      {"op": "insert", "text": " 8"}]
    assert reworded["similarity"] == pytest.approx(14 / 16)
    removed = changes["removed"]
    assert (removed["before"], removed["after"], removed["criteria"]) == (
        "Or syphilis test positive", None, ["E8d"])
    added = changes["added"]
    assert (added["before"], added["after"], added["criteria"]) == (
        None, "Received rituximab within 6 months before screening", [])
    counts = entry["sentences"]
    assert (counts["kept"], counts["record"], counts["unchanged"]) == (33, 33, 31)


def test_the_table_shows_the_word_diff_and_says_an_added_sentence_has_no_criterion(
        tmp_path: Path) -> None:
    result = _diff(write_record(tmp_path / "steam.json", _edited_steam()), "--width", "120")
    assert result.returncode == 1
    rows = [" ".join(line.replace("│", " ").split()) for line in result.stdout.splitlines()]
    assert ("reworded exclusion Received live vaccine within [-4-]{+8+} weeks before "
            "screening E9") in rows
    assert "removed exclusion [-Or syphilis test positive-] E8d" in rows
    assert ("added exclusion {+Received rituximab within 6 months before screening+} none"
            in rows)
    assert ("1 added sentence is quoted by no criterion: the screen does not apply it."
            in rows)
    assert "Criteria to review against the record: E8d, E9." in rows


# Similarity is difflib's ratio on the words: 2 × words in common / words of both. The kept
# sentence has 8 words; each record sentence keeps its first 6 in order.
AT_THRESHOLD = LIVE_VACCINE.replace("before screening",
                                    "of any planned lymphodepleting chemotherapy dose")  # 12 words
BELOW_THRESHOLD = AT_THRESHOLD + " today"  # 13 words


def test_the_similarity_of_the_boundary_sentences() -> None:
    kept = _sentence(LIVE_VACCINE)
    assert similarity(kept, _sentence(AT_THRESHOLD)) == REWORDED_AT == 2 * 6 / (8 + 12)
    assert similarity(kept, _sentence(BELOW_THRESHOLD)) == 2 * 6 / (8 + 13) < REWORDED_AT
    # Punctuation and symbols are not words: they never decide the pairing.
    assert similarity(kept, _sentence(LIVE_VACCINE.replace("4", "≥4;"))) == 1.0


@pytest.fixture(scope="module")
def boundary_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("boundary")
    for name, sentence in (("at", AT_THRESHOLD), ("below", BELOW_THRESHOLD)):
        write_record(folder / f"{name}.json", record_of(STEAM, _steam_text((LIVE_VACCINE,
                                                                            sentence))))
    code, report, _ = _json(folder)
    assert code == 1
    return {Path(e["file"]).stem: e for e in report["records"]}


@pytest.mark.parametrize(("record", "expected"), [
    ("at", [("reworded", ["E9"])]),
    ("below", [("removed", ["E9"]), ("added", [])]),
], ids=["at-0.6-reworded", "just-below-added-and-removed"])
def test_reworded_from_a_similarity_of_0_6_and_not_below(
        record: str, expected: list[tuple[str, list[str]]],
        boundary_report: dict[str, Any]) -> None:
    changes = boundary_report[record]["sentences"]["changes"]
    assert [(c["change"], c["criteria"]) for c in changes] == expected


def _sentence(text: str) -> Sentence:
    return Sentence("exclusion", text, tokens(text))


@pytest.mark.parametrize("trial_id", TRIAL_IDS)
def test_every_kept_sentence_names_the_criteria_that_quote_it(trial_id: str) -> None:
    # Against a record with no eligibility text, every kept sentence is removed, and each
    # names the criteria that quote it: none of the registry's sentences is unaccounted for.
    text = kept_text(trial_id)
    kept = split_sentences(text)
    compared = compare_sentences(kept, [], text, bundled()[trial_id])
    assert [c.change for c in compared.changes] == ["removed"] * len(kept)
    assert all(c.criteria for c in compared.changes), [c.before for c in compared.changes
                                                       if not c.criteria]


def test_a_criterion_spanning_two_sentences_is_named_for_both() -> None:
    # NCT07184450's I5.1a quotes the lead-in and the start of item 1 ("…basically normal:
    # 1. Cardiac function: … ≥55%,"); I5.1b the rest of item 1.
    trial_id = "NCT07184450"
    text = kept_text(trial_id)
    kept = split_sentences(text)
    named = {c.before or "": c.criteria
             for c in compare_sentences(kept, [], text, bundled()[trial_id]).changes}
    assert named["The functions of important organs are basically normal"] == ("I5.1a",)
    cardiac = next(s for s in named if s.startswith("Cardiac function"))
    assert named[cardiac] == ("I5.1a", "I5.1b")


@pytest.mark.parametrize(("text", "expected"), [
    ("Inclusion Criteria:\n\n* Age \\>= 18 years\n* ECOG 0-1\n\nExclusion Criteria:\n\n"
     "1. Pregnant\n   1. or breastfeeding",
     [("inclusion", "Age >= 18 years"), ("inclusion", "ECOG 0-1"), ("exclusion", "Pregnant"),
      ("exclusion", "or breastfeeding")]),
    ("INCLUSION CRITERIA\n- a sentence wrapped\n\n  over lines; then another. And a third.",
     [("inclusion", "a sentence wrapped over lines"), ("inclusion", "then another"),
      ("inclusion", "And a third")]),
    ("Inclusion Criteria: 1. Age:5-18; 2. Diagnosed with SLE. Exclusion Criteria: 1. None.",
     [("inclusion", "Age:5-18"), ("inclusion", "Diagnosed with SLE"), ("exclusion", "None")]),
    ("Inclusion Criteria:<br><br> 6. Organs are normal:<br><br> ? Cardiac: LVEF &gt;=55%, "
     "ECG normal; ? Renal: eGFR=30",
     # "?" (a circled numeral the scrape lost, like the record's "①") is text, not a marker
     [("inclusion", "Organs are normal: ? Cardiac: LVEF >=55%, ECG normal"),
      ("inclusion", "? Renal: eGFR=30")]),
    ("Adults only (see below). 2 weeks of washout",
     [("", "Adults only (see below). 2 weeks of washout")]),
], ids=["v2-markdown", "heading-without-colon", "one-line-scrape", "br-and-entities",
        "no-heading"])
def test_how_an_eligibility_text_becomes_sentences(text: str,
                                                   expected: list[tuple[str, str]]) -> None:
    assert [(s.section, s.text) for s in split_sentences(text)] == expected


def test_a_record_without_section_headings_is_compared_without_sections() -> None:
    text = kept_text(STEAM).replace("Inclusion Criteria:", "").replace("Exclusion Criteria:", "")
    record = parse_record(record_of(STEAM, text), "record.json")
    drift = compare(bundled()[STEAM], kept_text(STEAM), "kept.txt", record)
    assert drift.matches
    assert not drift.sections_compared
    assert any("no \"Inclusion Criteria:\"" in note for note in drift.notes)


def test_the_scraped_and_the_markdown_form_give_the_same_sentences() -> None:
    for trial_id in TRIAL_IDS:
        text = kept_text(trial_id)
        assert split_sentences(v2_markdown(text)) == split_sentences(text), trial_id


# --- the record version and the ages ---------------------------------------------------------


@pytest.mark.parametrize(("named", "kind", "day"), [
    ("STEAM version: trial start 2024-01-04, updated 2024-01-25 (recruiting)", "updated",
     "2024-01-25"),
    ("page dated 30 January 2025", "seen", "2025-01-30"),
    ("current as of November 14, 2025 (launched Apr 11, 2025)", "seen", "2025-11-14"),
])
def test_the_record_version_a_trial_file_names(named: str, kind: str, day: str) -> None:
    version = encoded_version(named)
    assert version is not None
    assert (version.kind, version.day.isoformat()) == (kind, day)


def test_an_undated_version_names_no_date() -> None:
    assert encoded_version("undated copy of the ClinicalTrials.gov record") is None


def _compared(trial_id: str, **changes: Any) -> Any:
    trial = bundled()[trial_id]
    record = parse_record(record_of(trial_id, **changes), "record.json")
    return compare(trial, kept_text(trial_id), "kept.txt", record)


def _field(trial_id: str, name: str, **changes: Any) -> Any:
    return next(f for f in _compared(trial_id, **changes).fields if f.field == name)


@pytest.mark.parametrize(("updated", "changed"), [("2025-01-29", False), ("2025-01-30", False),
                                                  ("2025-01-31", True)])
def test_a_copy_seen_on_a_day_is_every_version_updated_up_to_that_day(updated: str,
                                                                       changed: bool) -> None:
    # NCT06792344 encodes the "page dated 30 January 2025".
    assert _field("NCT06792344", "record_date", updated=updated).changed is changed


@pytest.mark.parametrize(("updated", "changed"), [("2024-01-24", True), ("2024-01-25", False),
                                                  ("2024-01-26", True)])
def test_an_updated_version_is_that_day_only(updated: str, changed: bool) -> None:
    assert _field(STEAM, "record_date", updated=updated).changed is changed


def test_an_undated_copy_compares_no_date_and_says_so() -> None:
    drift = _compared(JDM, updated="2031-01-01")
    assert drift.matches
    assert any("names no dated record version" in note for note in drift.notes)


@pytest.mark.parametrize(("maximum_age", "changed"), [("16 Years", False), ("192 Months", False),
                                                      ("17 Years", True), (None, True)])
def test_an_exclusive_maximum_age_is_the_records_year_below(maximum_age: str | None,
                                                            changed: bool) -> None:
    # NCT06569472 takes ages ≥5 and <17: the 17th birthday excludes, so the oldest eligible
    # age is 16, which ClinicalTrials.gov writes "16 Years".
    field = _field(JDM, "maximum_age", maximum_age=maximum_age)
    assert field.changed is changed
    assert field.criteria == ("I1",)


@pytest.mark.parametrize(("minimum_age", "changed"), [("5 Years", False), ("60 Months", False),
                                                      ("4 Years", True), ("6 Years", True),
                                                      (None, True)])
def test_a_minimum_age_change_names_the_age_criterion(minimum_age: str | None,
                                                      changed: bool) -> None:
    field = _field("NCT06792344", "minimum_age", minimum_age=minimum_age)
    assert field.changed is changed
    assert field.criteria == ("I1b",)  # the age criterion of NCT06792344


def test_sex_and_conditions_changes() -> None:
    drift = _compared(STEAM, sex="FEMALE", conditions=["Systemic Lupus Erythematosus",
                                                       "Refractory systemic lupus  "
                                                       "erythematosus in children"])
    changed = {f.field: f for f in drift.fields if f.changed}
    assert set(changed) == {"sex", "conditions"}
    assert "no criterion applies it" in changed["sex"].message
    assert changed["conditions"].message.startswith(
        "the record adds Systemic Lupus Erythematosus (")


# --- batches: folders, other trials ----------------------------------------------------------


def test_a_folder_of_records_is_compared_record_by_record(tmp_path: Path) -> None:
    write_record(tmp_path / "a-steam.json", record_of(STEAM))
    write_record(tmp_path / "b-twin.json", record_of("NCT06934447", status="COMPLETED"))
    (tmp_path / "notes.txt").write_text("not a record", encoding="utf-8")
    code, report, stderr = _json(tmp_path)
    assert code == 1
    assert [(e["file"], e["outcome"]) for e in report["records"]] == [
        (str(tmp_path / "a-steam.json"), "matches"), (str(tmp_path / "b-twin.json"), "differs")]
    assert report["summary"] == {"records": 2, "matches": 1, "differs": 1, "errors": 0}
    assert stderr == "2 records: 1 matches, 1 differs\n"


def test_a_record_of_a_trial_not_loaded_is_one_line_and_exit_2(tmp_path: Path) -> None:
    write_record(tmp_path / "a.json", record_of(STEAM))
    write_record(tmp_path / "b.json", v2_record("NCT09999999", "Inclusion Criteria:\n\n* x"))
    result = _diff(tmp_path)
    assert result.returncode == 2
    assert f"{STEAM}  matches" in result.stdout  # the other record is still compared
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"cartscreen: {tmp_path / 'b.json'}: the record is of NCT09999999, which is not a "
        f"loaded trial (loaded: {', '.join(TRIAL_IDS)}); load its trial file with cartscreen "
        "trials --trials DIR diff …, or leave the record out")
    assert lines[1:] == ["2 records: 1 matches, 1 not compared"]


def test_a_record_of_another_trial_than_the_id_given_is_exit_2(tmp_path: Path) -> None:
    result = _diff(STEAM, write_record(tmp_path / "twin.json", record_of("NCT06934447")))
    assert result.returncode == 2
    assert "the record is of NCT06934447, not NCT06222853" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("NCT09999999", "x.json"), "unknown trial NCT09999999"),
    (("NCT06222853",), "no record given"),
    (("NCT0622285", "x.json"), "'NCT0622285' is neither a trial id"),
], ids=["unknown-id", "id-without-record", "mistyped-id"])
def test_usage_errors(args: tuple[str, ...], message: str) -> None:
    result = _diff(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_without_records_is_exit_2(tmp_path: Path) -> None:
    result = _diff(STEAM, tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"cartscreen: {tmp_path}: holds no *.json records")


# --- records that cannot be read -------------------------------------------------------------


def _broken(change: Any) -> dict[str, Any]:
    record = record_of(STEAM)
    change(record["protocolSection"])
    return record


MALFORMED: dict[str, tuple[bytes | object, str]] = {
    "not-json": (b'{"protocolSection": ', "not JSON (line 1, column 21: Expecting value)"),
    "empty": (b"", "not JSON (line 1, column 1: Expecting value)"),
    "not-utf8": (b'{"a": "\xff"}', "not JSON (not UTF-8 text)"),
    "nested-too-deep": (b"[" * 100_000, "not JSON that can be read (nested too deeply"),
    "a-list": ([], "a list, not a ClinicalTrials.gov v2 study record (an object)"),
    "search-result": ({"studies": [record_of(STEAM)]},
                      "a list of studies (the search endpoint /api/v2/studies?…)"),
    "classic-api": ({"FullStudiesResponse": {}}, "the retired classic API (v1)"),
    "no-protocol-section": ({"hasResults": False}, "no protocolSection"),
    "protocol-section-a-list": ({"protocolSection": []},
                                "protocolSection: expected an object (got a list)"),
    "min-age-a-number": (_broken(lambda p: p["eligibilityModule"].update(minimumAge=5)),
                         "protocolSection.eligibilityModule.minimumAge: expected text (got a "
                         "number)"),
    "min-age-unreadable": (_broken(lambda p: p["eligibilityModule"].update(minimumAge="5 yrs")),
                           "minimumAge: expected an age such as \"5 Years\", got '5 yrs'"),
    "conditions-text": (_broken(lambda p: p["conditionsModule"].update(conditions="Lupus")),
                        "conditionsModule.conditions: expected a list of text (got text)"),
    "criteria-a-list": (_broken(lambda p: p["eligibilityModule"].update(
        eligibilityCriteria=["a"])), "eligibilityCriteria: expected text (got a list)"),
    "no-eligibility": (_broken(lambda p: p.pop("eligibilityModule")),
                       "protocolSection.eligibilityModule.eligibilityCriteria: missing; "
                       "download the study record from https://clinicaltrials.gov/api/v2/"
                       "studies/NCT06222853"),
    "bad-id": (_broken(lambda p: p["identificationModule"].update(nctId="06222853")),
               "nctId: '06222853' is not a ClinicalTrials.gov id"),
    "bad-date": (_broken(lambda p: p["statusModule"]["lastUpdatePostDateStruct"].update(
        date="Feb 4, 2026")), "date: expected a date as YYYY-MM-DD, got 'Feb 4, 2026'"),
    "bad-sex": (_broken(lambda p: p["eligibilityModule"].update(sex="BOTH")),
                "sex: expected ALL, FEMALE or MALE, got 'BOTH'"),
}


def _write_malformed(path: Path, content: bytes | object) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
        return path
    return write_record(path, content)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_record_is_one_problem_naming_the_key_and_the_fix(case: str,
                                                                      tmp_path: Path) -> None:
    content, message = MALFORMED[case]
    path = _write_malformed(tmp_path / f"{case}.json", content)
    with pytest.raises(RecordProblem) as raised:
        read_record(path)
    line = str(raised.value)
    assert line.startswith(f"{path}: ")
    assert message in line
    assert "download the study record from https://clinicaltrials.gov/api/v2/studies/" in line
    assert "\n" not in line


def test_malformed_records_are_exit_3_and_the_others_are_still_compared(tmp_path: Path) -> None:
    for case, (content, _) in MALFORMED.items():
        _write_malformed(tmp_path / f"{case}.json", content)
    write_record(tmp_path / "steam.json", _steam_now())  # differs: exit 3 still wins over 1
    code, report, stderr = _json(tmp_path)
    assert code == 3
    lines = stderr.splitlines()
    assert len(lines) == len(MALFORMED) + 1
    for case, (_, message) in MALFORMED.items():
        assert any(line.startswith(f"cartscreen: {tmp_path / case}.json: ") and message in line
                   for line in lines), case
    assert lines[-1] == f"{len(MALFORMED) + 1} records: 1 differs, {len(MALFORMED)} not compared"
    outcomes = {Path(e["file"]).stem: e["outcome"] for e in report["records"]}
    assert outcomes.pop("steam") == "differs"
    assert set(outcomes.values()) == {"error"}


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "record.json"
    os.mkfifo(pipe)
    started = time.monotonic()
    result = _diff(pipe)
    assert result.returncode == 3
    assert f"{pipe}: not a regular file (a named pipe)" in result.stderr
    assert time.monotonic() - started < 30


def test_a_record_larger_than_16_mib_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(16 * 1024 * 1024 + 1)
    with pytest.raises(RecordProblem, match="larger than 16 MiB"):
        read_record(huge)


def test_a_record_of_many_short_sentences_is_compared_quickly() -> None:
    # A hostile record: 20,000 one-word sentences against STEAM's 33.
    text = "Inclusion Criteria:\n\n" + "; ".join(f"w{i}" for i in range(20_000))
    record = parse_record(record_of(STEAM, text), "many.json")
    started = time.monotonic()
    drift = compare(bundled()[STEAM], kept_text(STEAM), "kept.txt", record)
    assert time.monotonic() - started < 10
    assert sum(c.change == "added" for c in drift.sentences) == 20_000


# --- untrusted text --------------------------------------------------------------------------


def test_control_characters_and_markup_in_a_record_are_shown_escaped(tmp_path: Path) -> None:
    text = _steam_text(("12. Patients who", f"12. {HOSTILE}; 13. Patients who"))
    record = record_of(STEAM, text, status=f"RECRUITING{HOSTILE}")
    path = write_record(tmp_path / "hostile.json", record)
    result = _diff(path, "--width", "200")
    assert result.returncode == 1
    for raw in ("\x1b", "\r", "\x07", "\u202e"):
        assert raw not in result.stdout
    flat = " ".join(line.replace("│", " ") for line in result.stdout.splitlines())
    assert "\\x1b[2J\\rNCT06222853 matches\\x07\\u202eX[bold red]R[/]" in flat
    assert "[link=http://evil.example]L:smile:" in flat
    assert ":smile:" in flat and "😄" not in flat
    _, report, _ = _json(path)
    (added,) = [c for c in report["records"][0]["sentences"]["changes"]
                if c["change"] == "added"]
    # JSON carries the sentence as read (whitespace collapsed, closing colon dropped), its
    # control characters escaped by JSON.
    assert added["after"] == HOSTILE.replace("\r", " ").removesuffix(":")


def test_a_control_character_in_a_malformed_record_is_escaped_on_stderr(tmp_path: Path) -> None:
    record = _broken(lambda p: p["identificationModule"].update(nctId="\x1b[2J"))
    result = _diff(write_record(tmp_path / "bad.json", record))
    assert result.returncode == 3
    assert "\x1b" not in result.stderr
    assert "nctId: '\\x1b[2J' is not a ClinicalTrials.gov id" in result.stderr


# --- JSON ------------------------------------------------------------------------------------


def test_the_json_document_has_the_documented_shape(tmp_path: Path) -> None:
    write_record(tmp_path / "a.json", _edited_steam())
    (tmp_path / "b.json").write_text("{", encoding="utf-8")
    code, report, _ = _json(tmp_path)
    assert code == 3
    assert set(report) == {"schema_version", "reworded_at", "records", "summary"}
    assert (report["schema_version"], report["reworded_at"]) == (1, 0.6)
    entry, error = report["records"]
    keys = {"file", "trial_id", "outcome", "trial_file", "baseline_file", "record_date",
            "metadata", "sentences", "notes", "error"}
    assert set(entry) == set(error) == keys
    assert entry["trial_file"] == str(ROOT / "trials" / f"{STEAM}.toml")
    assert entry["baseline_file"] == str(ROOT / "trials" / "registry-text" / f"{STEAM}.txt")
    assert [f["field"] for f in entry["metadata"]] == [
        "record_date", "status", "minimum_age", "maximum_age", "sex", "conditions"]
    assert all(set(f) == {"field", "label", "trial", "record", "changed", "criteria",
                          "message"} for f in entry["metadata"])
    assert set(entry["sentences"]) == {"kept", "record", "unchanged", "lost_symbol_matches",
                                       "sections_compared", "changes"}
    for change in entry["sentences"]["changes"]:
        assert set(change) == {"change", "section", "before", "after", "criteria",
                               "similarity", "word_diff", "words"}
        if change["change"] != "reworded":
            assert change["similarity"] is change["word_diff"] is change["words"] is None
        else:
            words = change["words"]
            assert "".join(w["text"] for w in words if w["op"] != "insert") == change["before"]
            assert "".join(w["text"] for w in words if w["op"] != "delete") == change["after"]
    assert error["outcome"] == "error"
    assert error["error"]["kind"] == "unreadable"
    assert error["metadata"] == [] and error["sentences"] is None
    assert report["summary"] == {"records": 2, "matches": 0, "differs": 1, "errors": 1}


# --- trial folders -------------------------------------------------------------------------


def _steam_folder(tmp_path: Path, kept: str | None) -> Path:
    folder = tmp_path / "trials"
    folder.mkdir()
    shutil.copy(ROOT / "trials" / f"{STEAM}.toml", folder)
    if kept is not None:
        (folder / "registry-text").mkdir()
        (folder / "registry-text" / f"{STEAM}.txt").write_text(kept, encoding="utf-8")
    return folder


def test_trials_given_before_diff_are_compared_with_their_own_kept_text(tmp_path: Path) -> None:
    folder = _steam_folder(tmp_path, _steam_text(
        (LIVE_VACCINE, "Received live vaccine within 4 weeks")))
    record = write_record(tmp_path / "steam.json", record_of(STEAM))
    result = run("trials", "--trials", folder, "diff", record, "--format", "json")
    assert result.returncode == 1
    (entry,) = json.loads(result.stdout)["records"]
    assert entry["trial_file"] == str(folder / f"{STEAM}.toml")
    (change,) = entry["sentences"]["changes"]
    # The kept wording is no criterion's any more; the record's is E9's.
    assert (change["change"], change["criteria"]) == ("reworded", ["E9"])
    assert change["word_diff"] == "Received live vaccine within 4 weeks {+before screening+}"
    assert "replaces" in result.stderr


def test_a_trial_without_its_kept_text_is_exit_4(tmp_path: Path) -> None:
    folder = _steam_folder(tmp_path, None)
    record = write_record(tmp_path / "steam.json", record_of(STEAM))
    result = run("trials", "--trials", folder, "diff", record)
    assert result.returncode == 4
    assert (f"{record}: the kept registry text {folder / 'registry-text' / STEAM}.txt does "
            "not exist; save NCT06222853's registry eligibility text there") in result.stderr


def test_an_invalid_trial_file_is_exit_4(tmp_path: Path) -> None:
    folder = tmp_path / "trials"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "bad_trials" / "bad-kind.toml", folder)
    record = write_record(tmp_path / "steam.json", record_of(STEAM))
    result = run("trials", "--trials", folder, "diff", record)
    assert result.returncode == 4
    assert result.stderr.startswith("cartscreen: invalid trial file: ")


# --- offline, and readable at any width -------------------------------------------------------


def test_diff_never_opens_a_socket_or_resolves_a_name(tmp_path: Path) -> None:
    from test_no_network import run_guarded

    record = write_record(tmp_path / "steam.json", _steam_now())
    log = tmp_path / "network.log"
    result = run_guarded(("trials", "diff", str(record)), log)
    assert result.returncode == 1, result.stderr
    assert f"{STEAM}  differs" in result.stdout
    assert not log.exists(), log.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [40, 80])
def test_the_report_fits_the_width(width: int, tmp_path: Path) -> None:
    record = write_record(tmp_path / "steam.json", record_of(
        STEAM, _edited_steam_text(), maximum_age=None, status="ACTIVE_NOT_RECRUITING",
        updated="2026-02-04"))
    result = _diff(record, "--width", str(width))
    assert result.returncode == 1
    for line in result.stdout.splitlines():
        assert cell_len(line) <= width, line
    for criterion in ("I1", "E8d", "E9"):
        assert criterion in result.stdout
