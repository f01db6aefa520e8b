"""SLEDAI-2K and the clinical SLEDAI-2K (Gladman 2002) against worked examples SD-01..08,
their thresholds, the 10-day window, descriptors scored or given as raw values, and unknowns."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.scores.base import Derivation
from cartscreen.scores.sle_2019 import Sle2019Components, eular_acr_2019_sle
from cartscreen.scores.sledai_2k import (
    ARITHMETIC_MAXIMUM,
    CLINICAL_ARITHMETIC_MAXIMUM,
    DESCRIPTOR_KEYS,
    DESCRIPTORS,
    RAW_VALUE_FIELDS,
    SEROLOGICAL,
    SledaiComponents,
    clinical_sledai_2k,
    fields_of,
    sledai_2k,
)

VISIT = date(2025, 3, 15)
# The descriptors recorded present or absent in the worked examples; the six that may also be
# given as raw values are given as raw values there.
BOOL_FIELDS = [
    name for name, info in SledaiComponents.model_fields.items()
    if info.annotation == (bool | None) and name not in RAW_VALUE_FIELDS
]
# Raw values that meet no descriptor: how the worked examples' "absent" is recorded.
NORMAL_VALUES: dict[str, Any] = {
    "highest_urine_rbc_per_hpf": 0.0,
    "highest_proteinuria_g_per_24h": 0.1,
    "highest_urine_wbc_per_hpf": 0.0,
    "highest_temperature_c": 36.8,
    "lowest_platelets_10e9_per_l": 250.0,
    "lowest_wbc_10e9_per_l": 6.0,
}


def recorded(*present: str, **values: Any) -> SledaiComponents:
    """Every descriptor recorded: those named present at the visit, the rest absent or normal
    (the worked examples' convention), with any field overridden by keyword."""
    fields: dict[str, Any] = {name: False for name in BOOL_FIELDS}
    fields.update(NORMAL_VALUES)
    fields.update({name: True for name in present})
    fields.update(values)
    return SledaiComponents(**fields)


def day(offset: int) -> date:
    return VISIT + timedelta(days=offset)


def item(derivation: Derivation, key: str) -> tuple[str, str | None]:
    found = next(i for i in derivation.items if i.key == key)
    return found.status, found.note


def status(derivation: Derivation, key: str) -> str:
    return item(derivation, key)[0]


# --- worked examples ----------------------------------------------------------------------------

WORKED = [
    pytest.param(
        recorded("arthritis", "rash", "low_complement", "increased_dna_binding"), 10, 6,
        id="SD-01",
    ),
    pytest.param(
        recorded("seizure", "urinary_casts", "low_complement", "increased_dna_binding",
                 highest_proteinuria_g_per_24h=1.2, highest_urine_rbc_per_hpf=12.0,
                 highest_temperature_c=38.6),
        25, 21, id="SD-02",
    ),
    pytest.param(recorded("low_complement", "increased_dna_binding"), 4, 0, id="SD-03"),
    pytest.param(
        recorded(lowest_wbc_10e9_per_l=3.5, lowest_platelets_10e9_per_l=90.0,
                 highest_proteinuria_g_per_24h=0.50),
        1, 1, id="SD-04",
    ),
    pytest.param(
        recorded(*BOOL_FIELDS, highest_urine_rbc_per_hpf=20.0, highest_proteinuria_g_per_24h=2.0,
                 highest_urine_wbc_per_hpf=20.0, highest_temperature_c=39.0,
                 lowest_platelets_10e9_per_l=50.0, lowest_wbc_10e9_per_l=2.0),
        105, 101, id="SD-05",
    ),
    pytest.param(
        recorded("vasculitis", "mucosal_ulcers", "alopecia", highest_urine_wbc_per_hpf=8.0,
                 lowest_wbc_10e9_per_l=2.6),
        17, 17, id="SD-06",
    ),
    pytest.param(recorded("seizure", "rash", last_present={"seizure": day(-12)}), 2, 2,
                 id="SD-07"),
]


@pytest.mark.parametrize(("components", "total", "clinical_total"), WORKED)
def test_worked_example(components: SledaiComponents, total: int, clinical_total: int) -> None:
    derivation = sledai_2k(components, VISIT)
    assert derivation.total == total
    assert derivation.maximum == total
    assert derivation.missing == ()
    clinical = clinical_sledai_2k(components, VISIT)
    assert clinical.total == clinical_total
    assert clinical.maximum == clinical_total
    assert clinical.missing == ()


@pytest.mark.parametrize("visits", [
    pytest.param(
        (recorded(highest_temperature_c=38.2, explained_by_other_cause=["fever"]),
         recorded(highest_temperature_c=38.0)),
        id="SD-08",
    ),
])
def test_fever_with_infection_or_not_above_38_scores_nothing(
    visits: tuple[SledaiComponents, SledaiComponents],
) -> None:
    with_infection, at_38 = (sledai_2k(visit, VISIT) for visit in visits)
    assert with_infection.total == 0
    assert item(with_infection, "fever") == (
        "excluded", "38.2 °C (counts above 38); explained by another cause",
    )
    assert at_38.total == 0
    assert item(at_38, "fever") == ("absent", "38 °C (counts above 38)")


def test_sd_01_arithmetic() -> None:
    components = recorded("arthritis", "rash", "low_complement", "increased_dna_binding")
    assert sledai_2k(components, VISIT).arithmetic() == (
        "arthritis 4 + rash 2 + low complement 2 + increased DNA binding 2 = 10"
    )
    assert clinical_sledai_2k(components, VISIT).arithmetic() == "arthritis 4 + rash 2 = 6"


def test_sd_02_reads_the_urine_and_temperature_values() -> None:
    derivation = sledai_2k(recorded(
        "seizure", "urinary_casts", "low_complement", "increased_dna_binding",
        highest_proteinuria_g_per_24h=1.2, highest_urine_rbc_per_hpf=12.0,
        highest_temperature_c=38.6,
    ), VISIT)
    assert item(derivation, "hematuria") == ("counted", "12 RBC/hpf (counts above 5)")
    assert item(derivation, "proteinuria") == ("counted", "1.2 g/24 h (counts above 0.5)")
    assert item(derivation, "fever") == ("counted", "38.6 °C (counts above 38)")


def test_sd_07_seizure_12_days_before_the_visit_is_outside_the_window() -> None:
    derivation = sledai_2k(
        recorded("seizure", "rash", last_present={"seizure": day(-12)}), VISIT
    )
    assert item(derivation, "seizure") == (
        "excluded", "last present 2025-03-03, 12 days before the visit: outside the 10-day "
        "window",
    )
    assert status(derivation, "rash") == "counted"


def test_sd_05_range_is_0_to_105_and_clinical_0_to_101() -> None:
    assert ARITHMETIC_MAXIMUM == 105
    assert CLINICAL_ARITHMETIC_MAXIMUM == 101
    assert [weight for _, _, weight in DESCRIPTORS].count(8) == 8
    assert [weight for _, _, weight in DESCRIPTORS].count(4) == 6
    assert [weight for _, _, weight in DESCRIPTORS].count(2) == 7
    assert [weight for _, _, weight in DESCRIPTORS].count(1) == 3


# --- thresholds on both sides -------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "key", "counts"), [
    pytest.param("highest_temperature_c", 38.0, "fever", False, id="fever 38.0: no"),
    pytest.param("highest_temperature_c", 38.1, "fever", True, id="fever 38.1: yes"),
    pytest.param("highest_temperature_c", 38.2, "fever", True,
                 id="fever 38.2: yes (the 2019 SLE criteria would not count it)"),
    pytest.param("lowest_wbc_10e9_per_l", 3.0, "leukopenia", False, id="WBC 3.0: no"),
    pytest.param("lowest_wbc_10e9_per_l", 2.9, "leukopenia", True, id="WBC 2.9: yes"),
    pytest.param("lowest_wbc_10e9_per_l", 3.5, "leukopenia", False,
                 id="WBC 3.5: no (the 2019 SLE criteria would count it)"),
    pytest.param("lowest_platelets_10e9_per_l", 100.0, "thrombocytopenia", False,
                 id="platelets 100: no"),
    pytest.param("lowest_platelets_10e9_per_l", 99.0, "thrombocytopenia", True,
                 id="platelets 99: yes"),
    pytest.param("highest_proteinuria_g_per_24h", 0.5, "proteinuria", False,
                 id="proteinuria 0.5: no"),
    pytest.param("highest_proteinuria_g_per_24h", 0.51, "proteinuria", True,
                 id="proteinuria 0.51: yes"),
    pytest.param("highest_urine_rbc_per_hpf", 5.0, "hematuria", False, id="5 RBC/hpf: no"),
    pytest.param("highest_urine_rbc_per_hpf", 6.0, "hematuria", True, id="6 RBC/hpf: yes"),
    pytest.param("highest_urine_wbc_per_hpf", 5.0, "pyuria", False, id="5 WBC/hpf: no"),
    pytest.param("highest_urine_wbc_per_hpf", 6.0, "pyuria", True, id="6 WBC/hpf: yes"),
])
def test_raw_value_thresholds(field: str, value: float, key: str, counts: bool) -> None:
    derivation = sledai_2k(recorded(**{field: value}), VISIT)
    assert status(derivation, key) == ("counted" if counts else "absent")
    weight = next(weight for k, _, weight in DESCRIPTORS if k == key)
    assert derivation.total == (weight if counts else 0)


def test_the_two_instruments_keep_their_own_fever_and_leukopenia_thresholds() -> None:
    sledai = sledai_2k(
        recorded(highest_temperature_c=38.2, lowest_wbc_10e9_per_l=3.5), VISIT
    )
    sle = eular_acr_2019_sle(Sle2019Components(
        ana_titre=80, highest_temperature_c=38.2, lowest_wbc_10e9_per_l=3.5,
    ))
    assert (status(sledai, "fever"), status(sledai, "leukopenia")) == ("counted", "absent")
    assert (status(sle, "fever"), status(sle, "leukopenia")) == ("absent", "counted")


# --- the 10-day window --------------------------------------------------------------------------


@pytest.mark.parametrize(("offset", "expected"), [
    pytest.param(0, "counted", id="day 0: at the visit"),
    pytest.param(-1, "counted", id="day -1"),
    pytest.param(-10, "counted", id="day -10: last day of the window"),
    pytest.param(-11, "excluded", id="day -11: outside"),
    pytest.param(-12, "excluded", id="day -12: outside"),
])
def test_window_is_the_visit_and_the_10_days_before(offset: int, expected: str) -> None:
    derivation = sledai_2k(recorded("arthritis", last_present={"arthritis": day(offset)}), VISIT)
    assert status(derivation, "arthritis") == expected
    assert derivation.total == (4 if expected == "counted" else 0)
    assert derivation.missing == ()


def test_a_dated_descriptor_in_the_window_says_when() -> None:
    derivation = sledai_2k(recorded("arthritis", last_present={"arthritis": day(-10)}), VISIT)
    assert item(derivation, "arthritis") == (
        "counted", "last present 2025-03-05, 10 days before the visit",
    )
    assert derivation.notes[0] == (
        "window 2025-03-05 to 2025-03-15: the visit and the 10 days before it"
    )


def test_a_dated_raw_value_uses_the_same_window() -> None:
    components = recorded(highest_temperature_c=38.6, last_present={"fever": day(-11)})
    assert status(sledai_2k(components, VISIT), "fever") == "excluded"
    assert status(sledai_2k(components, day(-1)), "fever") == "counted"


def test_a_descriptor_last_present_after_the_visit_is_unknown_for_that_visit() -> None:
    derivation = sledai_2k(recorded("arthritis", last_present={"arthritis": day(3)}), VISIT)
    assert item(derivation, "arthritis") == (
        "unknown", "recorded present on 2025-03-18, 3 days after the visit: whether it was "
        "present in the window is not recorded",
    )
    assert (derivation.total, derivation.maximum) == (0, 4)
    assert derivation.missing == ("arthritis",)


# --- explained by another cause -----------------------------------------------------------------


def test_pyuria_with_infection_does_not_count() -> None:
    derivation = sledai_2k(recorded(
        highest_urine_wbc_per_hpf=20.0, explained_by_other_cause=["pyuria"],
    ), VISIT)
    assert derivation.total == 0
    assert status(derivation, "pyuria") == "excluded"


def test_an_explanation_for_an_absent_descriptor_leaves_it_absent() -> None:
    derivation = sledai_2k(recorded(explained_by_other_cause=["seizure"]), VISIT)
    assert status(derivation, "seizure") == "absent"


def test_an_unrecorded_descriptor_explained_by_another_cause_is_not_missing() -> None:
    derivation = sledai_2k(recorded(
        highest_temperature_c=None, explained_by_other_cause=["fever"],
    ), VISIT)
    assert (derivation.total, derivation.maximum) == (0, 0)
    assert derivation.missing == ()


# --- unrecorded descriptors ---------------------------------------------------------------------


def test_nothing_recorded_is_0_to_105_and_names_every_descriptor() -> None:
    derivation = sledai_2k(SledaiComponents(), VISIT)
    assert (derivation.total, derivation.maximum) == (0, 105)
    assert derivation.missing == DESCRIPTOR_KEYS
    assert derivation.reaches(4) is None
    clinical = clinical_sledai_2k(SledaiComponents(), VISIT)
    assert (clinical.total, clinical.maximum) == (0, 101)
    assert clinical.missing == tuple(key for key in DESCRIPTOR_KEYS if key not in SEROLOGICAL)


def test_a_threshold_reached_already_is_decided_despite_unrecorded_descriptors() -> None:
    derivation = sledai_2k(SledaiComponents(arthritis=True, rash=True, alopecia=True), VISIT)
    assert derivation.total == 8
    assert derivation.reaches(8) is True
    assert derivation.reaches(9) is None


def test_an_unrecorded_descriptor_is_named_and_can_still_reach_a_threshold() -> None:
    derivation = sledai_2k(recorded("arthritis", "rash", seizure=None), VISIT)
    assert (derivation.total, derivation.maximum) == (6, 14)
    assert derivation.missing == ("seizure",)
    assert status(derivation, "seizure") == "unknown"
    assert derivation.reaches(8) is None


def test_unrecorded_descriptors_too_light_for_a_threshold_decide_it() -> None:
    derivation = sledai_2k(recorded("arthritis", rash=None, lowest_wbc_10e9_per_l=None), VISIT)
    assert (derivation.total, derivation.maximum) == (4, 7)
    assert derivation.missing == ("rash", "leukopenia")
    assert derivation.reaches(8) is False


def test_the_clinical_score_ignores_unrecorded_serology() -> None:
    components = recorded("arthritis", low_complement=None, increased_dna_binding=None)
    assert sledai_2k(components, VISIT).missing == ("low_complement", "increased_dna_binding")
    clinical = clinical_sledai_2k(components, VISIT)
    assert (clinical.total, clinical.maximum) == (4, 4)
    assert clinical.missing == ()
    assert {i.key for i in clinical.items}.isdisjoint(SEROLOGICAL)


# --- the components model -----------------------------------------------------------------------


def test_descriptor_keys_are_the_24_descriptors_and_name_model_fields() -> None:
    assert len(DESCRIPTOR_KEYS) == 24
    assert tuple(key for key, _, _ in DESCRIPTORS) == DESCRIPTOR_KEYS
    assert set(SledaiComponents.model_fields) == {
        *DESCRIPTOR_KEYS, *RAW_VALUE_FIELDS.values(), "last_present", "explained_by_other_cause",
    }
    assert fields_of("seizure") == ("seizure",)
    assert fields_of("fever") == ("fever", "highest_temperature_c")


@pytest.mark.parametrize(("fields", "message"), [
    pytest.param({"seizure": False, "last_present": {"seizure": VISIT}},
                 "last_present.seizure is given but seizure is not recorded present",
                 id="dated but absent"),
    pytest.param({"last_present": {"rash": VISIT}},
                 "last_present.rash is given but rash is not recorded present",
                 id="dated but unrecorded"),
    pytest.param({"highest_temperature_c": 37.5, "last_present": {"fever": VISIT}},
                 "last_present.fever is given but neither fever nor highest_temperature_c "
                 "records it present",
                 id="dated raw value below its threshold"),
    pytest.param({"fever": False, "last_present": {"fever": VISIT}},
                 "last_present.fever is given but neither fever nor highest_temperature_c "
                 "records it present",
                 id="dated but scored absent"),
])
def test_a_date_last_present_needs_the_descriptor_present(
    fields: dict[str, Any], message: str,
) -> None:
    with pytest.raises(ValidationError, match=message):
        SledaiComponents(**fields)


@pytest.mark.parametrize("fields", [
    pytest.param({"highest_temperature_c": 100.4}, id="fever in °F"),
    pytest.param({"lowest_wbc_10e9_per_l": 2600.0}, id="WBC per mm³"),
    pytest.param({"lowest_platelets_10e9_per_l": 90000.0}, id="platelets per mm³"),
    pytest.param({"highest_proteinuria_g_per_24h": 1200.0}, id="proteinuria in mg"),
    pytest.param({"highest_urine_rbc_per_hpf": -1.0}, id="negative cell count"),
    pytest.param({"seizure": "yes"}, id="not a boolean"),
    pytest.param({"seizure": 1}, id="1 for true"),
    pytest.param({"nephritis": True}, id="unknown key"),
    pytest.param({"explained_by_other_cause": ["nephritis"]}, id="explained: not a descriptor"),
])
def test_bad_components_are_validation_errors(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        SledaiComponents(**fields)


# --- descriptors scored present or absent, or given as raw values --------------------------------

# Each descriptor that may be given as a raw value: (key, a raw value that counts, one that does
# not). Each pair sits on either side of the threshold.
RAW_PAIRS: list[tuple[str, float, float]] = [
    ("hematuria", 6.0, 5.0),
    ("proteinuria", 0.51, 0.5),
    ("pyuria", 6.0, 5.0),
    ("fever", 38.1, 38.0),
    ("thrombocytopenia", 99.0, 100.0),
    ("leukopenia", 2.9, 3.0),
]
RAW_FIELDS: dict[str, str] = dict(RAW_VALUE_FIELDS)


def scored(*present: str, **values: Any) -> SledaiComponents:
    """Every descriptor recorded present or absent, none as a raw value: the named ones
    present, the rest absent, then any field overridden by keyword."""
    fields: dict[str, Any] = {key: False for key in DESCRIPTOR_KEYS}
    fields.update({name: True for name in present})
    fields.update(values)
    return SledaiComponents(**fields)


def test_complete_components_scored_only_as_present_or_absent_are_decided() -> None:
    derivation = sledai_2k(scored("arthritis", "proteinuria", "fever", "leukopenia"), VISIT)
    assert (derivation.total, derivation.maximum) == (4 + 4 + 1 + 1, 10)
    assert derivation.missing == ()
    assert derivation.arithmetic() == "arthritis 4 + proteinuria 4 + fever 1 + leukopenia 1 = 10"


def test_every_descriptor_scored_present_is_105() -> None:
    derivation = sledai_2k(scored(*DESCRIPTOR_KEYS), VISIT)
    assert (derivation.total, derivation.maximum) == (105, 105)
    assert clinical_sledai_2k(scored(*DESCRIPTOR_KEYS), VISIT).total == 101


@pytest.mark.parametrize("key", list(RAW_VALUE_FIELDS))
def test_a_descriptor_scored_present_counts_its_weight_and_absent_nothing(key: str) -> None:
    weight = next(weight for k, _, weight in DESCRIPTORS if k == key)
    present = sledai_2k(scored(key), VISIT)
    absent = sledai_2k(scored(), VISIT)
    assert (present.total, status(present, key)) == (weight, "counted")
    assert (absent.total, status(absent, key)) == (0, "absent")
    assert item(present, key)[1] is None  # no raw value to show


@pytest.mark.parametrize(("key", "counts", "normal"), RAW_PAIRS)
def test_scored_and_raw_value_that_agree_are_read_with_the_raw_value_shown(
    key: str, counts: float, normal: float,
) -> None:
    raw_field = RAW_FIELDS[key]
    present = sledai_2k(scored(key, **{raw_field: counts}), VISIT)
    absent = sledai_2k(scored(**{raw_field: normal}), VISIT)
    assert status(present, key) == "counted"
    assert status(absent, key) == "absent"
    note = item(present, key)[1]
    assert note is not None and "counts" in note


@pytest.mark.parametrize(("key", "counts", "normal"), RAW_PAIRS)
def test_scored_present_with_a_raw_value_short_of_the_threshold_is_a_contradiction(
    key: str, counts: float, normal: float,
) -> None:
    raw_field = RAW_FIELDS[key]
    with pytest.raises(ValidationError) as raised:
        SledaiComponents(**{key: True, raw_field: normal})
    message = str(raised.value)
    assert (f"{key} contradicts {raw_field} (read at the SLEDAI-2K threshold); correct one of "
            "the two") in message
    assert "explained_by_other_cause" not in message


@pytest.mark.parametrize(("key", "counts", "normal"), RAW_PAIRS)
def test_scored_absent_with_a_raw_value_past_the_threshold_is_a_contradiction(
    key: str, counts: float, normal: float,
) -> None:
    raw_field = RAW_FIELDS[key]
    with pytest.raises(ValidationError) as raised:
        SledaiComponents(**{key: False, raw_field: counts})
    message = str(raised.value)
    assert (f"{key} contradicts {raw_field} (read at the SLEDAI-2K threshold); correct one of "
            f"the two, or give only {raw_field} and list {key} in explained_by_other_cause if "
            "another cause explains it") in message


def test_the_contradiction_message_names_keys_never_the_value() -> None:
    with pytest.raises(ValidationError) as raised:
        SledaiComponents(proteinuria=True, highest_proteinuria_g_per_24h=0.37)
    (error,) = raised.value.errors()
    assert "0.37" not in error["msg"]
    assert error["msg"] == ("Value error, proteinuria contradicts highest_proteinuria_g_per_24h "
                            "(read at the SLEDAI-2K threshold); correct one of the two")


def test_scored_absent_past_the_threshold_is_consistent_when_another_cause_explains_it() -> None:
    derivation = sledai_2k(scored(highest_temperature_c=38.9,
                                  explained_by_other_cause=["fever"]), VISIT)
    assert status(derivation, "fever") == "excluded"
    assert derivation.total == 0


def test_a_descriptor_scored_present_but_explained_by_another_cause_does_not_count() -> None:
    derivation = sledai_2k(scored("pyuria", explained_by_other_cause=["pyuria"]), VISIT)
    assert status(derivation, "pyuria") == "excluded"
    assert derivation.total == 0


@pytest.mark.parametrize(("offset", "expected"), [(-10, "counted"), (-11, "excluded")])
def test_a_scored_descriptor_dated_last_present_uses_the_window(offset: int,
                                                                 expected: str) -> None:
    derivation = sledai_2k(scored("thrombocytopenia",
                                  last_present={"thrombocytopenia": day(offset)}), VISIT)
    assert status(derivation, "thrombocytopenia") == expected


@pytest.mark.parametrize("key", list(RAW_VALUE_FIELDS))
def test_neither_form_given_names_the_scored_key_and_says_the_raw_value_also_does(
    key: str,
) -> None:
    fields: dict[str, Any] = {k: False for k in DESCRIPTOR_KEYS}
    fields[key] = None
    derivation = sledai_2k(SledaiComponents(**fields), VISIT)
    weight = next(weight for k, _, weight in DESCRIPTORS if k == key)
    assert derivation.missing == (key,)
    assert (derivation.total, derivation.maximum) == (0, weight)
    assert item(derivation, key) == (
        "unknown", f"not recorded: give {key} (present or absent) or {RAW_FIELDS[key]}",
    )


@pytest.mark.parametrize("key", list(RAW_VALUE_FIELDS))
def test_either_form_alone_settles_a_descriptor(key: str) -> None:
    counts = next(value for k, value, _ in RAW_PAIRS if k == key)
    by_raw = sledai_2k(scored(**{key: None, RAW_FIELDS[key]: counts}), VISIT)
    by_score = sledai_2k(scored(key), VISIT)
    assert by_raw.missing == by_score.missing == ()
    assert by_raw.total == by_score.total


@pytest.mark.parametrize("value", [1, "yes"], ids=["1 for true", "text"])
def test_a_scored_lab_descriptor_must_be_a_boolean(value: object) -> None:
    with pytest.raises(ValidationError):
        SledaiComponents.model_validate({"hematuria": value})
