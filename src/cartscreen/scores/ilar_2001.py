"""ILAR 2001 (Edmonton) classification of juvenile idiopathic arthritis: polyarthritis.

Petty RE et al. International League of Associations for Rheumatology classification of
juvenile idiopathic arthritis: second revision, Edmonton, 2001. J Rheumatol 2004;31:390–2
(the 1997 Durban text is not used).

JIA is arthritis of unknown cause beginning before the 16th birthday and persisting at least 6
weeks. Polyarthritis is arthritis in 5 or more joints during the first 6 months of disease:

- RF-positive: at least 2 positive RF tests at least 3 months apart during the first 6 months;
  exclusions a, b, c, e.
- RF-negative: RF test negative; exclusions a, b, c, d, e.

Exclusions: (a) psoriasis, or a history of it, in the patient or a first-degree relative;
(b) arthritis in an HLA-B27-positive male beginning after his 6th birthday; (c) ankylosing
spondylitis, enthesitis-related arthritis, sacroiliitis with inflammatory bowel disease,
reactive arthritis or acute anterior uveitis, in the patient or a first-degree relative;
(d) IgM RF on at least 2 occasions at least 3 months apart; (e) systemic JIA in the patient.

1–4 joints in the first 6 months is oligoarthritis: extended when the joint count later reaches
5 or more, persistent otherwise. Petty 2004 applies exclusions a–e to oligoarthritis too; here
they decide only whether such a child is oligoarthritis, never polyarthritis.

A single positive RF, or positives less than 3 months apart, makes the child neither
RF-positive nor plainly RF-negative; the text does not say which, so the result is "ambiguous"
for the investigator to judge.

The arthritis being of unknown cause (other conditions excluded) is the clinician's diagnosis
and is not read here. Systemic JIA is taken as the clinician classified it: it
is not computed here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import product
from typing import Literal

from pydantic import Field, model_validator

from cartscreen.scores.base import Components, Derivation, Item, ItemStatus, fmt_number

INSTRUMENT = "ILAR 2001 JIA classification (polyarthritis)"
CITATION = (
    "Petty RE et al. International League of Associations for Rheumatology classification of "
    "juvenile idiopathic arthritis: second revision, Edmonton, 2001. J Rheumatol "
    "2004;31:390–2"
)

# Petty 2004 thresholds.
ONSET_BEFORE_AGE_YEARS = 16.0  # onset before the 16th birthday
MIN_DURATION_WEEKS = 6.0  # arthritis persisting at least 6 weeks
FIRST_MONTHS = 6.0  # joint count and RF tests read in the first 6 months of disease
POLYARTHRITIS_MIN_JOINTS = 5
RF_MIN_POSITIVE_TESTS = 2
RF_MIN_MONTHS_APART = 3.0
HLA_B27_MALE_ONSET_FROM_AGE_YEARS = 6.0  # exclusion (b): onset after the 6th birthday

CATEGORY_RF_NEGATIVE = "polyarticular RF-negative"
CATEGORY_RF_POSITIVE = "polyarticular RF-positive"
CATEGORY_EXTENDED_OLIGO = "extended oligoarthritis"
CATEGORY_PERSISTENT_OLIGO = "persistent oligoarthritis"
CATEGORY_SYSTEMIC = "systemic JIA"
CATEGORY_NOT_JIA = "not JIA"
CATEGORY_NOT_POLYARTHRITIS = "not polyarthritis"  # an exclusion applies
CATEGORY_AMBIGUOUS = "ambiguous"
POLYARTICULAR = (CATEGORY_RF_NEGATIVE, CATEGORY_RF_POSITIVE)
CATEGORY_ORDER = (
    CATEGORY_RF_NEGATIVE, CATEGORY_RF_POSITIVE, CATEGORY_AMBIGUOUS, CATEGORY_EXTENDED_OLIGO,
    CATEGORY_PERSISTENT_OLIGO, CATEGORY_SYSTEMIC, CATEGORY_NOT_POLYARTHRITIS, CATEGORY_NOT_JIA,
)

EXCLUSION_A = ("psoriasis_patient", "psoriasis_first_degree_relative")
EXCLUSION_C: tuple[tuple[str, str], ...] = (
    ("ankylosing_spondylitis", "ankylosing spondylitis"),
    ("enthesitis_related_arthritis", "enthesitis-related arthritis"),
    ("sacroiliitis_with_ibd", "sacroiliitis with inflammatory bowel disease"),
    ("reactive_arthritis", "reactive arthritis (Reiter's syndrome)"),
    ("acute_anterior_uveitis", "acute anterior uveitis"),
)
EXCLUSION_LABELS = {
    "a": "(a) psoriasis in the patient or a first-degree relative",
    "b": "(b) HLA-B27-positive male with arthritis beginning after his 6th birthday",
    "c": "(c) HLA-B27-associated disease in the patient or a first-degree relative",
    "d": "(d) IgM RF positive on 2 occasions at least 3 months apart",
    "e": "(e) systemic JIA",
}

RfStatus = Literal["negative", "positive", "ambiguous", "repeated_after_6_months"]
#   negative                 every RF test negative
#   positive                 ≥2 positives ≥3 months apart within the first 6 months
#   ambiguous                positive, but not twice ≥3 months apart
#   repeated_after_6_months  positive twice ≥3 months apart, not both in the first 6 months:
#                            exclusion (d) without RF-positive polyarthritis
RF_STATUSES: tuple[RfStatus, ...] = ("negative", "positive", "ambiguous",
                                     "repeated_after_6_months")


class RfTest(Components):
    """One rheumatoid factor (IgM RF) result."""

    month: float = Field(ge=0, le=1500,
                         description="months after disease onset when the test was done")
    positive: bool


class IlarComponents(Components):
    """What the ILAR 2001 polyarthritis categories read (None = not recorded)."""

    age_at_onset_years: float | None = Field(
        default=None, ge=0, le=120, description="age at onset of arthritis, decimal years"
    )
    arthritis_duration_weeks: float | None = Field(
        default=None, ge=0, le=6300, description="how long the arthritis has persisted, weeks"
    )
    joints_with_arthritis_first_6_months: int | None = Field(
        default=None, ge=1, le=71,
        description="number of joints with arthritis during the first 6 months of disease",
    )
    joints_with_arthritis_total: int | None = Field(
        default=None, ge=1, le=71,
        description="cumulative number of joints with arthritis to date (first 6 months "
        "included): tells extended from persistent oligoarthritis",
    )
    rf_tests: list[RfTest] | None = Field(
        default=None,
        description="every rheumatoid factor result with its month after onset; None = not "
        "recorded",
    )
    hla_b27: bool | None = Field(default=None, description="HLA-B27 positive")
    sex: Literal["female", "male"] | None = None
    psoriasis_patient: bool | None = Field(
        default=None, description="exclusion (a): psoriasis, or a history of it, in the patient"
    )
    psoriasis_first_degree_relative: bool | None = Field(
        default=None, description="exclusion (a): psoriasis in a first-degree relative"
    )
    ankylosing_spondylitis: bool | None = Field(
        default=None, description="exclusion (c): in the patient or a first-degree relative"
    )
    enthesitis_related_arthritis: bool | None = Field(
        default=None, description="exclusion (c): in the patient or a first-degree relative"
    )
    sacroiliitis_with_ibd: bool | None = Field(
        default=None,
        description="exclusion (c): sacroiliitis with inflammatory bowel disease, in the "
        "patient or a first-degree relative",
    )
    reactive_arthritis: bool | None = Field(
        default=None,
        description="exclusion (c): reactive arthritis (Reiter's syndrome), in the patient or "
        "a first-degree relative",
    )
    acute_anterior_uveitis: bool | None = Field(
        default=None, description="exclusion (c): in the patient or a first-degree relative"
    )
    systemic_jia: bool | None = Field(
        default=None,
        description="exclusion (e): the patient has systemic JIA (arthritis with daily fever "
        "and rash, lymphadenopathy, organomegaly or serositis), as the clinician classified it",
    )

    @model_validator(mode="after")
    def _total_includes_first_months(self) -> IlarComponents:
        first, total = self.joints_with_arthritis_first_6_months, self.joints_with_arthritis_total
        if first is not None and total is not None and total < first:
            # Name the keys, never their values: the message reaches stderr and logs.
            raise ValueError(
                "joints_with_arthritis_total is fewer than joints_with_arthritis_first_6_months, "
                "which it includes; correct one of the two"
            )
        return self


def active_joint(swollen: bool, limited_motion: bool, pain_on_motion: bool, tenderness: bool,
                 bony_enlargement_only: bool) -> bool:
    """An active joint (ACR / pediatric core set): swollen, not from bony enlargement; or, if
    not swollen, limited motion with pain on motion and/or tenderness. Limited motion alone,
    or pain alone, is not active."""
    if swollen and not bony_enlargement_only:
        return True
    return limited_motion and (pain_on_motion or tenderness)


# --- the decision, over every way the unrecorded facts could turn out --------------------------

Value = bool | str


@dataclass(frozen=True)
class _Fact:
    """One fact the decision reads: its value (None = unknown), the values it could still take,
    and the component fields that would settle it."""

    value: Value | None
    could_be: tuple[Value, ...]
    fields: tuple[str, ...]


def _any(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if None in values else False


def _all(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if None in values else True


def _unrecorded(c: IlarComponents, *keys: str) -> tuple[str, ...]:
    return tuple(key for key in keys if getattr(c, key) is None)


def _fact(value: Value | None, fields: tuple[str, ...],
          could_be: tuple[Value, ...] = (False, True)) -> _Fact:
    return _Fact(value, could_be, fields if value is None else ())


def rf_status(tests: list[RfTest]) -> RfStatus:
    """The RF status a list of results gives (ILAR 2001 RF-positive rule and exclusion d)."""
    positive = sorted(test.month for test in tests if test.positive)
    early = [month for month in positive if month <= FIRST_MONTHS]
    if len(early) >= RF_MIN_POSITIVE_TESTS and early[-1] - early[0] >= RF_MIN_MONTHS_APART:
        return "positive"
    if len(positive) >= RF_MIN_POSITIVE_TESTS and positive[-1] - positive[0] >= RF_MIN_MONTHS_APART:
        return "repeated_after_6_months"
    if positive:
        return "ambiguous"
    return "negative"


def _facts(c: IlarComponents) -> dict[str, _Fact]:
    age, weeks = c.age_at_onset_years, c.arthritis_duration_weeks
    first, total = c.joints_with_arthritis_first_6_months, c.joints_with_arthritis_total
    onset_ok = None if age is None else age < ONSET_BEFORE_AGE_YEARS
    lasting = None if weeks is None else weeks >= MIN_DURATION_WEEKS
    poly_joints = None if first is None else first >= POLYARTHRITIS_MIN_JOINTS
    if poly_joints is None and total is not None and total < POLYARTHRITIS_MIN_JOINTS:
        poly_joints = False  # the first 6 months cannot hold more joints than the total
    extended = None if total is None else total >= POLYARTHRITIS_MIN_JOINTS
    male = None if c.sex is None else c.sex == "male"
    onset_from_6 = None if age is None else age >= HLA_B27_MALE_ONSET_FROM_AGE_YEARS
    tests = c.rf_tests or None  # no result recorded: RF status unknown
    return {
        "onset_before_16": _fact(onset_ok, ("age_at_onset_years",)),
        "lasting_6_weeks": _fact(lasting, ("arthritis_duration_weeks",)),
        "systemic": _fact(c.systemic_jia, ("systemic_jia",)),
        "polyarthritis_joints": _fact(
            poly_joints, ("joints_with_arthritis_first_6_months",)),
        "extended": _fact(extended, ("joints_with_arthritis_total",)),
        "a": _fact(_any([c.psoriasis_patient, c.psoriasis_first_degree_relative]),
                   _unrecorded(c, *EXCLUSION_A)),
        "b": _fact(_all([male, c.hla_b27, onset_from_6]),
                   _unrecorded(c, "sex", "hla_b27", "age_at_onset_years")),
        "c": _fact(_any([getattr(c, key) for key, _ in EXCLUSION_C]),
                   _unrecorded(c, *(key for key, _ in EXCLUSION_C))),
        "rf": _fact(None if tests is None else rf_status(tests), ("rf_tests",), RF_STATUSES),
    }


def _decide(f: Mapping[str, Value]) -> tuple[str, str | None]:
    """The category, and the exclusion that decided it, for fully known facts."""
    if not f["onset_before_16"] or not f["lasting_6_weeks"]:
        return CATEGORY_NOT_JIA, None
    if f["systemic"]:
        return CATEGORY_SYSTEMIC, "e"
    repeated_rf = f["rf"] in ("positive", "repeated_after_6_months")
    if not f["polyarthritis_joints"]:
        for exclusion in ("a", "b", "c"):
            if f[exclusion]:
                return CATEGORY_NOT_POLYARTHRITIS, exclusion
        if repeated_rf:
            return CATEGORY_NOT_POLYARTHRITIS, "d"
        return (CATEGORY_EXTENDED_OLIGO if f["extended"] else CATEGORY_PERSISTENT_OLIGO), None
    # Exclusions a, b, c and e bar both polyarthritis categories (Petty 2004); (d), a repeated
    # positive RF, bars only RF-negative polyarthritis, so it is tested after RF-positive.
    for exclusion in ("a", "b", "c"):
        if f[exclusion]:
            return CATEGORY_NOT_POLYARTHRITIS, exclusion
    if f["rf"] == "positive":
        return CATEGORY_RF_POSITIVE, None
    if repeated_rf:
        return CATEGORY_NOT_POLYARTHRITIS, "d"
    if f["rf"] == "ambiguous":
        return CATEGORY_AMBIGUOUS, None
    return CATEGORY_RF_NEGATIVE, None


def _outcomes(facts: Mapping[str, _Fact],
              decide: Callable[[Mapping[str, Value]], tuple[str, str | None]],
              ) -> tuple[list[str], dict[tuple[Value, ...], tuple[str, str | None]]]:
    """Every completion of the unknown facts (absent first) and its outcome."""
    unknown = [name for name, fact in facts.items() if fact.value is None]
    known = {name: fact.value for name, fact in facts.items() if fact.value is not None}
    outcomes = {
        values: decide({**known, **dict(zip(unknown, values, strict=True))})
        for values in product(*(facts[name].could_be for name in unknown))
    }
    return unknown, outcomes


def _pivotal(facts: Mapping[str, _Fact], unknown: list[str],
             outcomes: Mapping[tuple[Value, ...], tuple[str, str | None]]) -> list[str]:
    """The unknown facts whose value changes the category for some value of the others."""
    pivotal = []
    for index, name in enumerate(unknown):
        for values in outcomes:
            alternatives = {
                outcomes[(*values[:index], other, *values[index + 1:])][0]
                for other in facts[name].could_be
            }
            if len(alternatives) > 1:
                pivotal.append(name)
                break
    return pivotal


def _items(c: IlarComponents, facts: Mapping[str, _Fact]) -> tuple[Item, ...]:
    def status(value: Value | None) -> ItemStatus:
        return "unknown" if value is None else "counted" if value is True else "absent"

    age, weeks = c.age_at_onset_years, c.arthritis_duration_weeks
    first, total = c.joints_with_arthritis_first_6_months, c.joints_with_arthritis_total
    rf = facts["rf"].value
    items = [
        Item("age_at_onset_years", "onset before the 16th birthday", 0,
             status(facts["onset_before_16"].value), "JIA",
             None if age is None else f"onset at {fmt_number(age)} years"),
        Item("arthritis_duration_weeks", "arthritis ≥6 weeks", 0,
             status(facts["lasting_6_weeks"].value), "JIA",
             None if weeks is None else f"arthritis for {fmt_number(weeks)} weeks"),
        Item("joints_with_arthritis_first_6_months", "joints in the first 6 months (≥5)",
             float(first or 0), status(facts["polyarthritis_joints"].value), "joints",
             None if first is None else f"{first} joints with arthritis in the first 6 months"),
        Item("rf_tests", "RF positive twice ≥3 months apart in the first 6 months", 0,
             "unknown" if rf is None else "counted" if rf == "positive" else "absent", "RF",
             None if not c.rf_tests else "RF " + ", ".join(
                 f"{'positive' if t.positive else 'negative'} at month {fmt_number(t.month)}"
                 for t in sorted(c.rf_tests, key=lambda t: t.month))),
    ]
    if facts["polyarthritis_joints"].value is not True:
        # Only oligoarthritis reads the later joint count (extended or persistent).
        items.append(Item(
            "joints_with_arthritis_total", "≥5 joints to date (extended oligoarthritis)", 0,
            status(facts["extended"].value), "joints",
            None if total is None else f"{total} joints with arthritis to date"))
    return tuple(items)


def ilar_2001_polyarticular(c: IlarComponents) -> Derivation:
    """Classify polyarticular JIA (RF-negative or RF-positive) by ILAR 2001.

    ``classified`` is True for either polyarthritis category, False for any other, None while
    an unrecorded fact could change the category (``missing`` names it) and for "ambiguous"
    (nothing is missing: the text leaves the RF status open, the investigator decides).
    ``excluded_by`` names the exclusion (a–e) that decided the category; ``possible`` lists every
    category the recorded facts still allow (one once decided). ``total`` is the
    number of joints with arthritis in the first 6 months (0 when not recorded); ``maximum``
    equals it when recorded, else the joints to date, else the polyarthritis threshold.
    """
    facts = _facts(c)
    unknown, outcomes = _outcomes(facts, _decide)
    possible = sorted({category for category, _ in outcomes.values()}, key=CATEGORY_ORDER.index)
    first = c.joints_with_arthritis_first_6_months
    total = float(first or 0)
    if first is not None:
        maximum = total
    elif c.joints_with_arthritis_total is not None:
        maximum = float(c.joints_with_arthritis_total)  # the first 6 months are within it
    else:
        maximum = float(POLYARTHRITIS_MIN_JOINTS)  # unbounded; enough to reach the threshold
    notes: list[str] = []
    missing: list[str] = []
    classified: bool | None
    category: str | None
    excluded_by: str | None = None
    if len(possible) == 1:
        # The all-absent completion comes first; its exclusion is one recorded present.
        category, exclusion = next(iter(outcomes.values()))
        classified = (True if category in POLYARTICULAR
                      else None if category == CATEGORY_AMBIGUOUS else False)
        if exclusion is not None:
            excluded_by = EXCLUSION_LABELS[exclusion]
            notes.append(f"exclusion {excluded_by} applies")
        notes.extend(_explain(category, c))
    else:
        category, classified = None, None
        for name in _pivotal(facts, unknown, outcomes):
            missing.extend(f for f in facts[name].fields if f not in missing)
        notes.append("one of: " + ", ".join(possible) + ", depending on the missing facts")
    return Derivation(
        instrument=INSTRUMENT, citation=CITATION, total=total, maximum=maximum,
        items=_items(c, facts), missing=tuple(missing), classified=classified,
        category=category, excluded_by=excluded_by, notes=tuple(notes), possible=tuple(possible),
    )


def _explain(category: str, c: IlarComponents) -> list[str]:
    if category == CATEGORY_NOT_JIA:
        return ["JIA needs onset before the 16th birthday and arthritis for at least 6 weeks"
                + ("; not (yet) JIA" if c.arthritis_duration_weeks is not None
                   and c.arthritis_duration_weeks < MIN_DURATION_WEEKS else "")]
    if category == CATEGORY_AMBIGUOUS:
        return ["RF positive, but not twice at least 3 months apart in the first 6 months: "
                "not RF-positive, and ILAR 2001 does not say whether this is RF-negative "
                "polyarthritis or undifferentiated arthritis; the investigator decides"]
    if category in (CATEGORY_EXTENDED_OLIGO, CATEGORY_PERSISTENT_OLIGO):
        return ["1–4 joints in the first 6 months is oligoarthritis, not polyarthritis"]
    if category == CATEGORY_RF_POSITIVE:
        return ["≥5 joints in the first 6 months; RF positive at least twice, at least 3 months "
                "apart, in the first 6 months; no exclusion (a, b, c, e) applies"]
    if category == CATEGORY_RF_NEGATIVE:
        return ["≥5 joints in the first 6 months; RF negative; no exclusion (a–e) applies"]
    return []
