"""2019 EULAR/ACR SLE classification against worked examples SLE-01..12,
its entry criterion, thresholds, domains and unknowns."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.scores.base import Derivation
from cartscreen.scores.sle_2019 import (
    ARITHMETIC_MAXIMUM,
    CATEGORY_CLASSIFIED,
    CATEGORY_NOT_CLASSIFIABLE,
    CATEGORY_NOT_CLASSIFIED,
    CRITERION_KEYS,
    DOMAINS,
    ENTRY_FIELDS,
    Sle2019Components,
    eular_acr_2019_sle,
    field_of,
)

BOOL_FIELDS = [
    name for name, info in Sle2019Components.model_fields.items()
    if info.annotation == (bool | None)
]
# Raw values that meet no criterion: how the worked examples' "absent" is recorded.
NORMAL_VALUES: dict[str, Any] = {
    "highest_temperature_c": 36.8,
    "lowest_wbc_10e9_per_l": 6.0,
    "lowest_platelets_10e9_per_l": 250.0,
    "highest_proteinuria_g_per_24h": 0.1,
}
CRITERION_FIELDS = tuple(field_of(key) for key in CRITERION_KEYS)


def recorded(*present: str, **values: Any) -> Sle2019Components:
    """Every finding recorded: those named present, the rest absent or normal (the worked
    examples' convention), with any field overridden by keyword. No equivalent positive ANA
    test unless overridden."""
    fields: dict[str, Any] = {name: False for name in BOOL_FIELDS}
    fields.update(NORMAL_VALUES)
    fields.update({name: True for name in present})
    fields.update(values)
    return Sle2019Components(**fields)


def status(derivation: Derivation, key: str) -> str:
    return next(item.status for item in derivation.items if item.key == key)


def counted(derivation: Derivation) -> list[tuple[str, float]]:
    return [(item.key, item.points) for item in derivation.items if item.status == "counted"]


# --- worked examples ----------------------------------------------------------------------------

WORKED = [
    pytest.param(
        recorded("acute_cutaneous_lupus", "low_c3", "anti_dsdna", ana_titre=160,
                 highest_temperature_c=38.6, lowest_wbc_10e9_per_l=3.2),
        20, True, id="SLE-01",
    ),
    pytest.param(
        recorded("oral_ulcers", "non_scarring_alopecia", "discoid_lupus", "joint_involvement",
                 ana_titre=80),
        10, True, id="SLE-02",
    ),
    pytest.param(
        recorded("anti_dsdna", "low_c3", "low_c4", "anticardiolipin", ana_titre=320),
        12, False, id="SLE-04",
    ),
    pytest.param(recorded("lupus_nephritis_class_iii_or_iv", ana_titre=160), 10, True,
                 id="SLE-05"),
    pytest.param(
        recorded("lupus_nephritis_class_ii_or_v", ana_titre=640,
                 highest_proteinuria_g_per_24h=0.8, lowest_wbc_10e9_per_l=3.5),
        11, True, id="SLE-06",
    ),
    pytest.param(
        recorded("delirium", "psychosis", "seizure", "autoimmune_hemolysis", ana_titre=80,
                 lowest_platelets_10e9_per_l=60.0),
        9, False, id="SLE-07",
    ),
    pytest.param(
        recorded("pleural_effusion", "acute_pericarditis", "low_c4", ana_titre=80,
                 highest_temperature_c=38.4),
        11, True, id="SLE-08",
    ),
    pytest.param(
        recorded("joint_involvement", "low_c3", ana_titre=160, highest_temperature_c=39.0,
                 explained_by_other_cause=["fever"]),
        9, False, id="SLE-09",
    ),
    pytest.param(
        recorded(*BOOL_FIELDS, ana_titre=1280, highest_temperature_c=39.5,
                 lowest_wbc_10e9_per_l=2.0, lowest_platelets_10e9_per_l=40.0,
                 highest_proteinuria_g_per_24h=3.0),
        51, True, id="SLE-10",
    ),
    pytest.param(recorded("oral_ulcers", "low_c3", "lupus_anticoagulant", ana_titre=80), 7,
                 False, id="SLE-11"),
    pytest.param(
        recorded("joint_involvement", "low_c3", ana_equivalent_positive_test=True,
                 highest_temperature_c=38.3),
        9, False, id="SLE-12",
    ),
]


@pytest.mark.parametrize(("components", "total", "classified"), WORKED)
def test_worked_example(components: Sle2019Components, total: int, classified: bool) -> None:
    derivation = eular_acr_2019_sle(components)
    assert derivation.total == total
    assert derivation.maximum == total
    assert derivation.classified is classified
    assert derivation.category == (CATEGORY_CLASSIFIED if classified else CATEGORY_NOT_CLASSIFIED)
    assert derivation.missing == ()
    assert derivation.excluded_by is None


@pytest.mark.parametrize("components", [
    pytest.param(
        recorded("acute_cutaneous_lupus", "lupus_nephritis_class_iii_or_iv", "anti_dsdna",
                 ana_titre=40),
        id="SLE-03",
    ),
])
def test_entry_criterion_not_met_is_not_classifiable(components: Sle2019Components) -> None:
    derivation = eular_acr_2019_sle(components)
    assert derivation.classified is False
    assert derivation.category == CATEGORY_NOT_CLASSIFIABLE
    assert (derivation.total, derivation.maximum, derivation.items) == (0, 0, ())
    assert derivation.missing == ()
    assert derivation.notes == (
        "entry criterion not met: ANA 1:40 (needs ≥1:80) and no equivalent positive test; "
        "the patient cannot be classified",
    )


def test_sle_01_arithmetic() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "acute_cutaneous_lupus", "low_c3", "anti_dsdna", ana_titre=160,
        highest_temperature_c=38.6, lowest_wbc_10e9_per_l=3.2,
    ))
    assert derivation.arithmetic() == (
        "fever 2 + leukopenia 3 + acute cutaneous lupus 6 + low C3 3 + anti-dsDNA 6 = 20"
    )
    assert derivation.notes[0] == "entry criterion met: ANA 1:160"


def test_sle_02_mucocutaneous_counts_only_its_highest_criterion() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "oral_ulcers", "non_scarring_alopecia", "discoid_lupus", "joint_involvement",
        ana_titre=80,
    ))
    assert counted(derivation) == [("discoid_lupus", 4), ("joint_involvement", 6)]
    assert status(derivation, "oral_ulcers") == "superseded"
    assert status(derivation, "non_scarring_alopecia") == "superseded"


def test_sle_04_immunologic_criteria_alone_do_not_classify() -> None:
    derivation = eular_acr_2019_sle(
        recorded("anti_dsdna", "low_c3", "low_c4", "anticardiolipin", ana_titre=320)
    )
    assert counted(derivation) == [
        ("anticardiolipin", 2), ("low_c3_and_low_c4", 4), ("anti_dsdna", 6),
    ]
    assert derivation.notes[-1] == "total 12 ≥ 10 but no clinical criterion counts"


def test_sle_06_renal_counts_the_biopsy_over_proteinuria() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "lupus_nephritis_class_ii_or_v", ana_titre=640, highest_proteinuria_g_per_24h=0.8,
        lowest_wbc_10e9_per_l=3.5,
    ))
    assert counted(derivation) == [("leukopenia", 3), ("lupus_nephritis_class_ii_or_v", 8)]
    assert status(derivation, "proteinuria") == "superseded"


def test_sle_07_neuropsychiatric_and_hematologic_count_once() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "delirium", "psychosis", "seizure", "autoimmune_hemolysis", ana_titre=80,
        lowest_platelets_10e9_per_l=60.0,
    ))
    assert counted(derivation) == [("thrombocytopenia", 4), ("seizure", 5)]
    assert status(derivation, "autoimmune_hemolysis") == "superseded"


def test_sle_09_fever_attributed_to_pneumonia_is_excluded() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "joint_involvement", "low_c3", ana_titre=160, highest_temperature_c=39.0,
        explained_by_other_cause=["fever"],
    ))
    fever = next(item for item in derivation.items if item.key == "fever")
    assert fever.status == "excluded"
    assert fever.note == "39 °C (counts above 38.3); explained by another cause"


def test_sle_10_maximum_is_51_with_clinical_39_and_immunologic_12() -> None:
    assert ARITHMETIC_MAXIMUM == 51
    clinical = sum(domain.highest_weight for domain in DOMAINS if domain.clinical)
    assert (clinical, ARITHMETIC_MAXIMUM - clinical) == (39, 12)
    assert eular_acr_2019_sle(Sle2019Components(ana_titre=80)).maximum == 51


def test_sle_12_fever_of_exactly_38_3_does_not_count() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "joint_involvement", "low_c3", ana_equivalent_positive_test=True,
        highest_temperature_c=38.3,
    ))
    assert status(derivation, "fever") == "absent"
    assert derivation.notes[0] == "entry criterion met: an equivalent positive ANA test"


# --- thresholds on both sides -------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "key", "counts"), [
    pytest.param("highest_temperature_c", 38.3, "fever", False, id="fever 38.3: no"),
    pytest.param("highest_temperature_c", 38.4, "fever", True, id="fever 38.4: yes"),
    pytest.param("highest_temperature_c", 38.2, "fever", False,
                 id="fever 38.2: no (SLEDAI-2K would count it)"),
    pytest.param("lowest_wbc_10e9_per_l", 4.0, "leukopenia", False, id="WBC 4.0: no"),
    pytest.param("lowest_wbc_10e9_per_l", 3.9, "leukopenia", True, id="WBC 3.9: yes"),
    pytest.param("lowest_wbc_10e9_per_l", 3.5, "leukopenia", True,
                 id="WBC 3.5: yes (SLEDAI-2K would not count it)"),
    pytest.param("lowest_platelets_10e9_per_l", 100.0, "thrombocytopenia", False,
                 id="platelets 100: no"),
    pytest.param("lowest_platelets_10e9_per_l", 99.0, "thrombocytopenia", True,
                 id="platelets 99: yes"),
    pytest.param("highest_proteinuria_g_per_24h", 0.5, "proteinuria", False,
                 id="proteinuria 0.5: no"),
    pytest.param("highest_proteinuria_g_per_24h", 0.51, "proteinuria", True,
                 id="proteinuria 0.51: yes"),
])
def test_raw_value_thresholds(field: str, value: float, key: str, counts: bool) -> None:
    derivation = eular_acr_2019_sle(recorded(ana_titre=80, **{field: value}))
    assert status(derivation, key) == ("counted" if counts else "absent")


@pytest.mark.parametrize(("titre", "classified", "category"), [
    pytest.param(80, True, CATEGORY_CLASSIFIED, id="ANA 1:80 enters"),
    pytest.param(160, True, CATEGORY_CLASSIFIED, id="ANA 1:160 enters"),
    pytest.param(40, False, CATEGORY_NOT_CLASSIFIABLE, id="ANA 1:40 does not"),
    pytest.param(0, False, CATEGORY_NOT_CLASSIFIABLE, id="ANA negative does not"),
])
def test_ana_entry_threshold(titre: int, classified: bool, category: str) -> None:
    derivation = eular_acr_2019_sle(recorded("lupus_nephritis_class_iii_or_iv", ana_titre=titre))
    assert derivation.classified is classified
    assert derivation.category == category


def test_an_equivalent_positive_test_enters_whatever_the_titre() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "lupus_nephritis_class_iii_or_iv", ana_titre=40, ana_equivalent_positive_test=True,
    ))
    assert derivation.classified is True


def test_9_points_with_a_clinical_criterion_is_not_classified() -> None:
    derivation = eular_acr_2019_sle(recorded("joint_involvement", "low_c3", ana_titre=80))
    assert (derivation.total, derivation.classified) == (9, False)
    assert derivation.notes[-1] == "total 9 is below 10"


def test_10_points_with_a_clinical_criterion_is_classified() -> None:
    derivation = eular_acr_2019_sle(recorded("seizure", "low_c3", "anti_beta2_glycoprotein_i",
                                             ana_titre=80))
    assert (derivation.total, derivation.classified) == (10, True)
    assert derivation.notes[-1] == "total 10 ≥ 10 with a clinical criterion (neuropsychiatric)"


def test_one_clinical_criterion_turns_immunologic_points_into_a_classification() -> None:
    immunologic = ("anti_dsdna", "low_c3", "low_c4")
    assert eular_acr_2019_sle(recorded(*immunologic, ana_titre=80)).classified is False
    derivation = eular_acr_2019_sle(recorded(*immunologic, "oral_ulcers", ana_titre=80))
    assert (derivation.total, derivation.classified) == (12, True)


# --- domains ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("present", "values", "points"), [
    pytest.param(("low_c3",), {}, 3, id="low C3 alone: 3"),
    pytest.param(("low_c4",), {}, 3, id="low C4 alone: 3"),
    pytest.param(("low_c3", "low_c4"), {}, 4, id="low C3 and C4: 4"),
    pytest.param(("anti_dsdna", "anti_smith"), {}, 6, id="anti-dsDNA and anti-Smith: 6"),
    pytest.param(("anticardiolipin", "anti_beta2_glycoprotein_i", "lupus_anticoagulant"), {},
                 2, id="three antiphospholipid antibodies: 2"),
    pytest.param(("pleural_effusion", "pericardial_effusion"), {}, 5, id="two effusions: 5"),
    pytest.param(("subacute_cutaneous_lupus", "discoid_lupus"), {}, 4, id="SCLE and DLE: 4"),
    pytest.param(("lupus_nephritis_class_ii_or_v", "lupus_nephritis_class_iii_or_iv"), {}, 10,
                 id="class V and class IV: 10"),
    pytest.param((), {"lowest_wbc_10e9_per_l": 2.0, "lowest_platelets_10e9_per_l": 50.0}, 4,
                 id="leukopenia and thrombocytopenia: 4"),
])
def test_each_domain_counts_its_highest_criterion_once(
    present: tuple[str, ...], values: dict[str, Any], points: int,
) -> None:
    assert eular_acr_2019_sle(recorded(*present, ana_titre=80, **values)).total == points


def test_low_c3_and_low_c4_counts_the_combined_criterion() -> None:
    derivation = eular_acr_2019_sle(recorded("low_c3", "low_c4", ana_titre=80))
    assert counted(derivation) == [("low_c3_and_low_c4", 4)]
    assert status(derivation, "low_c3") == "superseded"
    assert status(derivation, "low_c4") == "superseded"


# --- explained by another cause -----------------------------------------------------------------


def test_low_c3_explained_by_another_cause_leaves_low_c4_at_3() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "low_c3", "low_c4", ana_titre=80, explained_by_other_cause=["low_c3"],
    ))
    assert counted(derivation) == [("low_c4", 3)]
    assert status(derivation, "low_c3") == "excluded"
    assert status(derivation, "low_c3_and_low_c4") == "excluded"


def test_a_criterion_explained_by_another_cause_can_undo_a_classification() -> None:
    present = ("joint_involvement", "anti_dsdna")
    assert eular_acr_2019_sle(recorded(*present, ana_titre=80)).classified is True
    derivation = eular_acr_2019_sle(recorded(
        *present, ana_titre=80, explained_by_other_cause=["joint_involvement"],
    ))
    assert (derivation.total, derivation.classified) == (6, False)


def test_an_unrecorded_criterion_explained_by_another_cause_is_not_missing() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "joint_involvement", "low_c3", ana_titre=80, highest_temperature_c=None,
        explained_by_other_cause=["fever"],
    ))
    assert (derivation.total, derivation.maximum) == (9, 9)
    assert derivation.classified is False
    assert status(derivation, "fever") == "excluded"


# --- unrecorded findings ------------------------------------------------------------------------


def test_nothing_recorded_but_the_ana_is_unknown_and_names_every_criterion() -> None:
    derivation = eular_acr_2019_sle(Sle2019Components(ana_titre=160))
    assert derivation.classified is None
    assert (derivation.total, derivation.maximum) == (0, 51)
    assert derivation.missing == CRITERION_FIELDS


def test_an_unrecorded_criterion_that_could_reach_10_leaves_it_unknown() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "joint_involvement", "low_c3", ana_titre=80, highest_temperature_c=None,
    ))
    assert (derivation.total, derivation.maximum) == (9, 11)
    assert derivation.classified is None
    assert derivation.category is None
    assert derivation.missing == ("highest_temperature_c",)
    assert status(derivation, "fever") == "unknown"


def test_an_unrecorded_criterion_below_its_domains_counted_one_is_not_missing() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "acute_cutaneous_lupus", "low_c3", ana_titre=80, oral_ulcers=None,
    ))
    assert (derivation.total, derivation.maximum) == (9, 9)
    assert derivation.classified is False
    assert derivation.missing == ()
    assert status(derivation, "oral_ulcers") == "unknown"


def test_reaching_10_with_a_clinical_criterion_decides_despite_unrecorded_criteria() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "joint_involvement", "anti_dsdna", ana_titre=80, seizure=None, low_c3=None,
        highest_temperature_c=None,
    ))
    assert (derivation.total, derivation.maximum) == (12, 22)
    assert derivation.classified is True
    assert derivation.missing == ()


def test_immunologic_10_waits_only_for_the_clinical_criteria() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "anti_dsdna", "low_c3", "low_c4", ana_titre=80, anticardiolipin=None,
        joint_involvement=None,
    ))
    assert derivation.total == 10
    assert derivation.classified is None
    assert derivation.missing == ("joint_involvement",)


def test_the_other_complement_is_missing_when_it_would_reach_10() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "joint_involvement", "low_c3", ana_titre=80, low_c4=None,
    ))
    assert (derivation.total, derivation.maximum) == (9, 10)
    assert derivation.classified is None
    assert derivation.missing == ("low_c4",)
    assert status(derivation, "low_c3") == "counted"
    assert status(derivation, "low_c3_and_low_c4") == "unknown"


def test_unrecorded_criteria_too_light_to_reach_10_decide_not_classified() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "oral_ulcers", ana_titre=80, lupus_anticoagulant=None, low_c3=None,
    ))
    assert (derivation.total, derivation.maximum) == (2, 7)
    assert derivation.classified is False
    assert derivation.category == CATEGORY_NOT_CLASSIFIED
    assert derivation.missing == ()
    assert derivation.notes[-1] == (
        "at most 7 even if every unrecorded criterion is present: below 10"
    )


def test_immunologic_criteria_unrecorded_without_any_clinical_criterion_decide_not_classified(
) -> None:
    derivation = eular_acr_2019_sle(recorded(
        ana_titre=80, anti_dsdna=None, low_c3=None, low_c4=None, anticardiolipin=None,
    ))
    assert derivation.maximum == 12
    assert derivation.classified is False
    assert derivation.missing == ()
    assert derivation.notes[-1] == "at most 12, but no clinical criterion can count"


# --- unrecorded entry criterion -----------------------------------------------------------------


def test_entry_unrecorded_with_enough_points_is_unknown_and_names_the_ana() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "lupus_nephritis_class_iii_or_iv", ana_titre=None, ana_equivalent_positive_test=None,
    ))
    assert derivation.total == 10
    assert derivation.classified is None
    assert derivation.missing == ENTRY_FIELDS
    assert derivation.notes[0] == "entry criterion not recorded: no ANA titre"


def test_titre_below_80_leaves_the_equivalent_test_to_decide() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "lupus_nephritis_class_iii_or_iv", ana_titre=40, ana_equivalent_positive_test=None,
    ))
    assert derivation.classified is None
    assert derivation.missing == ("ana_equivalent_positive_test",)


def test_entry_unrecorded_is_not_missing_when_the_points_cannot_classify() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "oral_ulcers", ana_titre=None, ana_equivalent_positive_test=None,
    ))
    assert derivation.classified is False
    assert derivation.missing == ()


def test_entry_and_criteria_unrecorded_are_all_missing() -> None:
    derivation = eular_acr_2019_sle(recorded(
        "joint_involvement", "low_c3", ana_titre=None, ana_equivalent_positive_test=None,
        seizure=None,
    ))
    assert derivation.classified is None
    assert derivation.missing == ("seizure", *ENTRY_FIELDS)


def test_entry_not_met_decides_despite_unrecorded_criteria() -> None:
    derivation = eular_acr_2019_sle(Sle2019Components(ana_titre=40,
                                                      ana_equivalent_positive_test=False))
    assert derivation.classified is False
    assert derivation.category == CATEGORY_NOT_CLASSIFIABLE
    assert derivation.missing == ()


# --- the components model -----------------------------------------------------------------------


def test_criterion_keys_are_the_scored_criteria_and_name_model_fields() -> None:
    scored = [cr.key for domain in DOMAINS for cr in domain.criteria]
    assert tuple(scored) == CRITERION_KEYS
    assert set(CRITERION_FIELDS) <= set(Sle2019Components.model_fields)
    assert set(Sle2019Components.model_fields) == {
        *CRITERION_FIELDS, *ENTRY_FIELDS, "explained_by_other_cause",
    }


@pytest.mark.parametrize("fields", [
    pytest.param({"highest_temperature_c": 101.3}, id="fever in °F"),
    pytest.param({"lowest_wbc_10e9_per_l": 3200.0}, id="WBC per mm³"),
    pytest.param({"lowest_platelets_10e9_per_l": 90000.0}, id="platelets per mm³"),
    pytest.param({"highest_proteinuria_g_per_24h": 800.0}, id="proteinuria in mg"),
    pytest.param({"lowest_wbc_10e9_per_l": -1.0}, id="negative WBC"),
    pytest.param({"ana_titre": -80}, id="negative titre"),
    pytest.param({"ana_titre": 80.0}, id="titre not an integer"),
    pytest.param({"ana_titre": "1:80"}, id="titre as a ratio"),
    pytest.param({"seizure": "yes"}, id="not a boolean"),
    pytest.param({"seizure": 1}, id="1 for true"),
    pytest.param({"malar_rash": True}, id="unknown key"),
    pytest.param({"explained_by_other_cause": ["rash"]}, id="explained: not a criterion"),
])
def test_bad_components_are_validation_errors(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Sle2019Components(**fields)


def test_components_are_immutable() -> None:
    components = Sle2019Components(ana_titre=80)
    with pytest.raises(ValidationError):
        components.ana_titre = 40  # type: ignore[misc]
