"""2019 EULAR/ACR classification criteria for systemic lupus erythematosus.

Aringer M et al., Ann Rheum Dis 2019;78:1151–9 (doi 10.1136/annrheumdis-2018-214819) and
Arthritis Rheumatol 2019;71:1400–12 (doi 10.1002/art.40930): entry criterion, domains, weights
and rules.

Entry criterion: an ANA titre of at least 1:80 on HEp-2 cells, or an equivalent positive test,
at least once. Without it the patient cannot be classified and no total is computed. With it,
each criterion counts if it was ever present (the criteria need not coincide) and nothing other
than SLE explains it better; within each domain only the highest-weighted criterion counts. A
total of 10 or more, out of 51, with at least one clinical criterion counted, classifies the
patient as having SLE.

Fever, leukopenia, thrombocytopenia and proteinuria are read from raw values with this
instrument's own thresholds (fever >38.3 °C, not SLEDAI-2K's >38 °C; leukopenia <4.0×10⁹/L,
not SLEDAI-2K's <3.0×10⁹/L, Gladman 2002).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import product
from typing import Literal, get_args

from pydantic import Field

from cartscreen.scores.base import Components, Derivation, Item, ItemStatus, fmt_number

INSTRUMENT = "2019 EULAR/ACR SLE classification criteria"
CITATION = (
    "Aringer M et al. 2019 European League Against Rheumatism/American College of "
    "Rheumatology classification criteria for systemic lupus erythematosus. Ann Rheum Dis "
    "2019;78:1151–9; Arthritis Rheumatol 2019;71:1400–12"
)

# Aringer 2019: entry criterion (ANA stored as the reciprocal titre, 1:80 → 80), raw-value
# thresholds of the criteria read from laboratory or bedside values, and the classification
# threshold.
ANA_TITRE_AT_LEAST = 80
FEVER_ABOVE_C = 38.3
LEUKOPENIA_BELOW_10E9_PER_L = 4.0
THROMBOCYTOPENIA_BELOW_10E9_PER_L = 100.0
PROTEINURIA_ABOVE_G_PER_24H = 0.5
CLASSIFICATION_THRESHOLD = 10

# Validation ranges, not criteria: they catch unit slips (°F for °C, cells/mm³ for ×10⁹/L,
# mg for g) rather than judge a value.
TEMPERATURE_RANGE_C = (25.0, 45.0)
WBC_RANGE_10E9_PER_L = (0.0, 1000.0)
PLATELETS_RANGE_10E9_PER_L = (0.0, 5000.0)
PROTEINURIA_RANGE_G_PER_24H = (0.0, 50.0)

CriterionKey = Literal[
    "fever",
    "leukopenia",
    "thrombocytopenia",
    "autoimmune_hemolysis",
    "delirium",
    "psychosis",
    "seizure",
    "non_scarring_alopecia",
    "oral_ulcers",
    "subacute_cutaneous_lupus",
    "discoid_lupus",
    "acute_cutaneous_lupus",
    "pleural_effusion",
    "pericardial_effusion",
    "acute_pericarditis",
    "joint_involvement",
    "proteinuria",
    "lupus_nephritis_class_ii_or_v",
    "lupus_nephritis_class_iii_or_iv",
    "anticardiolipin",
    "anti_beta2_glycoprotein_i",
    "lupus_anticoagulant",
    "low_c3",
    "low_c4",
    "anti_dsdna",
    "anti_smith",
]
CRITERION_KEYS: tuple[CriterionKey, ...] = get_args(CriterionKey)

# The criteria read from a raw value: criterion → the components field holding the value.
# Every other criterion is recorded in the field of its own name.
RAW_VALUE_FIELDS: dict[CriterionKey, str] = {
    "fever": "highest_temperature_c",
    "leukopenia": "lowest_wbc_10e9_per_l",
    "thrombocytopenia": "lowest_platelets_10e9_per_l",
    "proteinuria": "highest_proteinuria_g_per_24h",
}


@dataclass(frozen=True)
class Criterion:
    key: CriterionKey
    label: str
    weight: int


@dataclass(frozen=True)
class BothCriterion:
    """A criterion met when every one of two findings is (low C3 and low C4)."""

    key: str
    label: str
    weight: int
    of: tuple[CriterionKey, CriterionKey]


@dataclass(frozen=True)
class Domain:
    name: str
    clinical: bool
    criteria: tuple[Criterion, ...]
    both: BothCriterion | None = None

    @property
    def highest_weight(self) -> int:
        weights = [criterion.weight for criterion in self.criteria]
        return max([*weights, self.both.weight] if self.both else weights)


# Aringer 2019, the domains and their weights. Alternatives the criteria join with "or"
# (SCLE or DLE, pleural or pericardial effusion, the three antiphospholipid antibodies, low C3
# or low C4, anti-dsDNA or anti-Smith) are recorded separately and carry the same weight, so
# "highest per domain" counts the alternative once.
DOMAINS: tuple[Domain, ...] = (
    Domain("constitutional", True, (
        Criterion("fever", "fever", 2),
    )),
    Domain("hematologic", True, (
        Criterion("leukopenia", "leukopenia", 3),
        Criterion("thrombocytopenia", "thrombocytopenia", 4),
        Criterion("autoimmune_hemolysis", "autoimmune hemolysis", 4),
    )),
    Domain("neuropsychiatric", True, (
        Criterion("delirium", "delirium", 2),
        Criterion("psychosis", "psychosis", 3),
        Criterion("seizure", "seizure", 5),
    )),
    Domain("mucocutaneous", True, (
        Criterion("non_scarring_alopecia", "non-scarring alopecia", 2),
        Criterion("oral_ulcers", "oral ulcers", 2),
        Criterion("subacute_cutaneous_lupus", "subacute cutaneous lupus", 4),
        Criterion("discoid_lupus", "discoid lupus", 4),
        Criterion("acute_cutaneous_lupus", "acute cutaneous lupus", 6),
    )),
    Domain("serosal", True, (
        Criterion("pleural_effusion", "pleural effusion", 5),
        Criterion("pericardial_effusion", "pericardial effusion", 5),
        Criterion("acute_pericarditis", "acute pericarditis", 6),
    )),
    Domain("musculoskeletal", True, (
        Criterion("joint_involvement", "joint involvement", 6),
    )),
    Domain("renal", True, (
        Criterion("proteinuria", "proteinuria", 4),
        Criterion("lupus_nephritis_class_ii_or_v", "class II or V lupus nephritis", 8),
        Criterion("lupus_nephritis_class_iii_or_iv", "class III or IV lupus nephritis", 10),
    )),
    Domain("antiphospholipid antibodies", False, (
        Criterion("anticardiolipin", "anticardiolipin", 2),
        Criterion("anti_beta2_glycoprotein_i", "anti-β2GPI", 2),
        Criterion("lupus_anticoagulant", "lupus anticoagulant", 2),
    )),
    Domain("complement proteins", False, (
        Criterion("low_c3", "low C3", 3),
        Criterion("low_c4", "low C4", 3),
    ), both=BothCriterion("low_c3_and_low_c4", "low C3 and low C4", 4, ("low_c3", "low_c4"))),
    Domain("SLE-specific antibodies", False, (
        Criterion("anti_dsdna", "anti-dsDNA", 6),
        Criterion("anti_smith", "anti-Smith", 6),
    )),
)

ARITHMETIC_MAXIMUM = sum(domain.highest_weight for domain in DOMAINS)

CATEGORY_CLASSIFIED = "SLE"
CATEGORY_NOT_CLASSIFIED = "not classified"
CATEGORY_NOT_CLASSIFIABLE = "not classifiable"

ENTRY_FIELDS = ("ana_titre", "ana_equivalent_positive_test")


class Sle2019Components(Components):
    """What the 2019 EULAR/ACR SLE criteria read (None = not recorded). Each finding counts if
    it was present at least once, ever; raw values are the worst ever recorded, and this
    instrument's thresholds are applied here."""

    ana_titre: int | None = Field(
        default=None, ge=0, le=1_000_000,
        description="highest ANA titre ever on HEp-2 immunofluorescence, as the reciprocal "
        "(1:160 → 160); 0 if the ANA was never positive",
    )
    ana_equivalent_positive_test: bool | None = Field(
        default=None,
        description="a positive ANA, at least once, on a test of at least equivalent "
        "performance (e.g. a solid-phase screening immunoassay)",
    )
    highest_temperature_c: float | None = Field(
        default=None, ge=TEMPERATURE_RANGE_C[0], le=TEMPERATURE_RANGE_C[1],
        description="highest body temperature ever recorded, °C (fever counts above 38.3)",
    )
    lowest_wbc_10e9_per_l: float | None = Field(
        default=None, ge=WBC_RANGE_10E9_PER_L[0], le=WBC_RANGE_10E9_PER_L[1],
        description="lowest white cell count ever, ×10⁹/L (leukopenia counts below 4.0)",
    )
    lowest_platelets_10e9_per_l: float | None = Field(
        default=None, ge=PLATELETS_RANGE_10E9_PER_L[0], le=PLATELETS_RANGE_10E9_PER_L[1],
        description="lowest platelet count ever, ×10⁹/L (thrombocytopenia counts below 100)",
    )
    autoimmune_hemolysis: bool | None = Field(
        default=None,
        description="laboratory evidence of hemolysis (e.g. reticulocytosis, low haptoglobin, "
        "raised indirect bilirubin or LDH) and a positive direct antiglobulin (Coombs) test",
    )
    delirium: bool | None = Field(
        default=None,
        description="altered consciousness or arousal with poor focus, onset over hours to <2 "
        "days, fluctuating through the day, with a change in cognition, behaviour or mood",
    )
    psychosis: bool | None = Field(
        default=None, description="delusions and/or hallucinations without insight, no delirium"
    )
    seizure: bool | None = Field(
        default=None, description="primary generalized or partial/focal seizure"
    )
    non_scarring_alopecia: bool | None = Field(
        default=None, description="non-scarring alopecia observed by a clinician"
    )
    oral_ulcers: bool | None = Field(
        default=None, description="oral ulcers observed by a clinician"
    )
    subacute_cutaneous_lupus: bool | None = Field(
        default=None,
        description="SCLE: annular or papulosquamous, usually photodistributed; typical "
        "changes if biopsied",
    )
    discoid_lupus: bool | None = Field(
        default=None,
        description="DLE: erythematous-violaceous lesions with atrophic scarring, "
        "dyspigmentation and follicular plugging; typical changes if biopsied",
    )
    acute_cutaneous_lupus: bool | None = Field(
        default=None,
        description="ACLE: malar rash or generalized maculopapular rash observed by a "
        "clinician; typical changes if biopsied",
    )
    pleural_effusion: bool | None = Field(
        default=None, description="pleural effusion shown by imaging"
    )
    pericardial_effusion: bool | None = Field(
        default=None, description="pericardial effusion shown by imaging"
    )
    acute_pericarditis: bool | None = Field(
        default=None,
        description="≥2 of: pericardial chest pain, pericardial rub, ECG with new widespread "
        "ST elevation or PR depression, new or worsened pericardial effusion on imaging",
    )
    joint_involvement: bool | None = Field(
        default=None,
        description="synovitis (swelling or effusion) in ≥2 joints, or tenderness in ≥2 "
        "joints with ≥30 minutes of morning stiffness",
    )
    highest_proteinuria_g_per_24h: float | None = Field(
        default=None, ge=PROTEINURIA_RANGE_G_PER_24H[0], le=PROTEINURIA_RANGE_G_PER_24H[1],
        description="highest proteinuria ever, g/24 h (24-h urine or the equivalent spot "
        "protein:creatinine ratio; counts above 0.5)",
    )
    lupus_nephritis_class_ii_or_v: bool | None = Field(
        default=None, description="renal biopsy: ISN/RPS class II or V lupus nephritis"
    )
    lupus_nephritis_class_iii_or_iv: bool | None = Field(
        default=None,
        description="renal biopsy: ISN/RPS class III or IV lupus nephritis (with or without V)",
    )
    anticardiolipin: bool | None = Field(
        default=None,
        description="anticardiolipin at medium or high titre (>40 APL, GPL or MPL units, or "
        ">99th percentile)",
    )
    anti_beta2_glycoprotein_i: bool | None = Field(
        default=None, description="anti-β2 glycoprotein I positive"
    )
    lupus_anticoagulant: bool | None = Field(
        default=None, description="lupus anticoagulant positive"
    )
    low_c3: bool | None = Field(
        default=None, description="C3 below the laboratory's lower limit of normal"
    )
    low_c4: bool | None = Field(
        default=None, description="C4 below the laboratory's lower limit of normal"
    )
    anti_dsdna: bool | None = Field(
        default=None,
        description="anti-dsDNA by an immunoassay with ≥90% specificity for SLE against "
        "relevant disease controls",
    )
    anti_smith: bool | None = Field(default=None, description="anti-Smith (anti-Sm) positive")
    explained_by_other_cause: list[CriterionKey] = Field(
        default_factory=list,
        description="criteria present but better explained by something other than SLE (e.g. "
        "fever from pneumonia); they do not count",
    )


def field_of(key: CriterionKey) -> str:
    """The components field that records a criterion."""
    return RAW_VALUE_FIELDS.get(key, key)


@dataclass(frozen=True)
class _Finding:
    """One criterion as recorded (``recorded``) and as it may count (``met``: False when
    explained by another cause), with the raw value read, if any."""

    recorded: bool | None
    met: bool | None
    shown: str | None = None


def _raw_finding(c: Sle2019Components, key: CriterionKey) -> tuple[bool | None, str | None]:
    if key == "fever":
        temperature = c.highest_temperature_c
        if temperature is None:
            return None, None
        return (temperature > FEVER_ABOVE_C,
                f"{fmt_number(temperature)} °C (counts above {fmt_number(FEVER_ABOVE_C)})")
    if key == "leukopenia":
        wbc = c.lowest_wbc_10e9_per_l
        if wbc is None:
            return None, None
        return (wbc < LEUKOPENIA_BELOW_10E9_PER_L,
                f"WBC {fmt_number(wbc)}×10⁹/L (counts below "
                f"{LEUKOPENIA_BELOW_10E9_PER_L:.1f})")
    if key == "thrombocytopenia":
        platelets = c.lowest_platelets_10e9_per_l
        if platelets is None:
            return None, None
        return (platelets < THROMBOCYTOPENIA_BELOW_10E9_PER_L,
                f"platelets {fmt_number(platelets)}×10⁹/L (counts below "
                f"{fmt_number(THROMBOCYTOPENIA_BELOW_10E9_PER_L)})")
    proteinuria = c.highest_proteinuria_g_per_24h
    if proteinuria is None:
        return None, None
    return (proteinuria > PROTEINURIA_ABOVE_G_PER_24H,
            f"{fmt_number(proteinuria)} g/24 h (counts above "
            f"{fmt_number(PROTEINURIA_ABOVE_G_PER_24H)})")


def _findings(c: Sle2019Components) -> dict[CriterionKey, _Finding]:
    explained = set(c.explained_by_other_cause)
    findings: dict[CriterionKey, _Finding] = {}
    for key in CRITERION_KEYS:
        shown: str | None = None
        if key in RAW_VALUE_FIELDS:
            recorded, shown = _raw_finding(c, key)
        else:
            value = getattr(c, key)
            assert value is None or isinstance(value, bool)
            recorded = value
        met = False if key in explained else recorded
        findings[key] = _Finding(recorded, met, shown)
    return findings


def _all(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if False in values:
        return False
    return None if None in values else True


def _domain_points(domain: Domain, met: Mapping[CriterionKey, bool]) -> int:
    points = max((cr.weight for cr in domain.criteria if met[cr.key]), default=0)
    if domain.both is not None and all(met[key] for key in domain.both.of):
        points = max(points, domain.both.weight)
    return points


def _domain_items(domain: Domain, findings: Mapping[CriterionKey, _Finding],
                  explained: set[CriterionKey]) -> tuple[list[Item], int]:
    """A domain's criteria with their status, and its points (the highest present weight)."""
    met_now = {cr.key: findings[cr.key].met is True for cr in domain.criteria}
    points = _domain_points(domain, met_now)
    superseded_note = f"{domain.name} counts once, at its highest weight"
    both = domain.both
    both_met = both is not None and all(met_now[key] for key in both.of)
    counted_key: str | None = (
        both.key if both is not None and both_met and both.weight == points
        else next((cr.key for cr in domain.criteria
                   if met_now[cr.key] and cr.weight == points), None)
    )
    items: list[Item] = []
    for cr in domain.criteria:
        finding = findings[cr.key]
        status: ItemStatus
        note = finding.shown
        if cr.key in explained and finding.recorded is not False:
            status = "excluded"
            note = "; ".join(filter(None, (note, "explained by another cause")))
        elif finding.met is None:
            status = "unknown"
        elif finding.met is False:
            status = "absent"
        elif cr.key == counted_key:
            status = "counted"
        else:
            status = "superseded"
            note = "; ".join(filter(None, (note, superseded_note)))
        items.append(Item(cr.key, cr.label, cr.weight, status, domain.name, note))
    if both is not None:
        met = _all(findings[key].met for key in both.of)
        recorded = _all(findings[key].recorded for key in both.of)
        both_status: ItemStatus = (
            "counted" if met is True
            else "excluded" if recorded is not False and any(key in explained for key in both.of)
            else "unknown" if met is None
            else "absent"
        )
        both_note = "explained by another cause" if both_status == "excluded" else None
        items.append(Item(both.key, both.label, both.weight, both_status, domain.name,
                          both_note))
    return items, points


_DomainStates = set[tuple[int, bool]]


def _domain_states(domain: Domain, findings: Mapping[CriterionKey, _Finding],
                   fixed: Mapping[CriterionKey, bool] | None = None) -> _DomainStates:
    """Every (points, clinical criterion counted) the domain can still reach, over every value
    of its unrecorded criteria (those in ``fixed`` held at the given value)."""
    fixed = fixed or {}
    open_keys = [cr.key for cr in domain.criteria
                 if findings[cr.key].met is None and cr.key not in fixed]
    states: _DomainStates = set()
    for values in product((False, True), repeat=len(open_keys)):
        met = {cr.key: findings[cr.key].met is True for cr in domain.criteria}
        met.update(fixed)
        met.update(zip(open_keys, values, strict=True))
        points = _domain_points(domain, met)
        states.add((points, domain.clinical and points > 0))
    return states


def _combine(states: Iterable[_DomainStates]) -> _DomainStates:
    """Every (total, any clinical criterion counted) reachable across domains."""
    reachable: _DomainStates = {(0, False)}
    for domain_states in states:
        reachable = {(total + points, clinical or domain_clinical)
                     for total, clinical in reachable
                     for points, domain_clinical in domain_states}
    return reachable


def _meets(total: int, clinical: bool) -> bool:
    return total >= CLASSIFICATION_THRESHOLD and clinical


def _pivotal(findings: Mapping[CriterionKey, _Finding]) -> list[str]:
    """The fields of unrecorded criteria whose value can still decide the classification:
    for some values of the other unrecorded criteria, this one tips it."""
    pivotal: list[str] = []
    for index, domain in enumerate(DOMAINS):
        others = _combine(_domain_states(other, findings)
                          for other_index, other in enumerate(DOMAINS) if other_index != index)
        for cr in domain.criteria:
            if findings[cr.key].met is not None:
                continue
            for rest in _assignments(domain, findings, cr.key):
                with_it = _domain_states(domain, findings, {**rest, cr.key: True})
                without = _domain_states(domain, findings, {**rest, cr.key: False})
                (points_with, clinical_with), = with_it
                (points_without, clinical_without), = without
                if any(_meets(total + points_with, clinical or clinical_with)
                       != _meets(total + points_without, clinical or clinical_without)
                       for total, clinical in others):
                    pivotal.append(field_of(cr.key))
                    break
    return pivotal


def _assignments(domain: Domain, findings: Mapping[CriterionKey, _Finding],
                 but: CriterionKey) -> list[dict[CriterionKey, bool]]:
    """Every value of a domain's unrecorded criteria other than ``but``."""
    open_keys = [cr.key for cr in domain.criteria
                 if findings[cr.key].met is None and cr.key != but]
    return [dict(zip(open_keys, values, strict=True))
            for values in product((False, True), repeat=len(open_keys))]


def _entry(c: Sle2019Components) -> tuple[bool | None, str]:
    """The entry criterion (met, not met, unknown) and what it read."""
    titre, equivalent = c.ana_titre, c.ana_equivalent_positive_test
    shown_titre = (None if titre is None else "ANA negative" if titre == 0
                   else f"ANA 1:{titre}")
    if titre is not None and titre >= ANA_TITRE_AT_LEAST:
        return True, f"entry criterion met: {shown_titre}"
    if equivalent is True:
        return True, "entry criterion met: an equivalent positive ANA test"
    below = f"{shown_titre} (needs ≥1:{ANA_TITRE_AT_LEAST})" if shown_titre else None
    if titre is not None and equivalent is False:
        return False, (f"entry criterion not met: {below} and no equivalent positive test; "
                       "the patient cannot be classified")
    if below is not None:
        return None, f"entry criterion not yet met: {below}; no equivalent test recorded"
    return None, "entry criterion not recorded: no ANA titre"


def eular_acr_2019_sle(c: Sle2019Components) -> Derivation:
    """Classify SLE by the 2019 EULAR/ACR criteria (Aringer 2019).

    Entry criterion recorded not met: classified False, category "not classifiable", and no
    total (0, with no items). Otherwise classified True when the total reaches 10 with a
    clinical criterion counted and the entry criterion is met; False when no value of the
    unrecorded criteria could do so; None while they, or the entry criterion, could.
    """
    entry, entry_note = _entry(c)
    if entry is False:
        return Derivation(
            instrument=INSTRUMENT, citation=CITATION, total=0.0, maximum=0.0,
            classified=False, category=CATEGORY_NOT_CLASSIFIABLE, notes=(entry_note,),
        )

    findings = _findings(c)
    explained = set(c.explained_by_other_cause)
    items: list[Item] = []
    total = 0
    clinical_counted: list[str] = []
    for domain in DOMAINS:
        domain_items, points = _domain_items(domain, findings, explained)
        items.extend(domain_items)
        total += points
        if domain.clinical and points > 0:
            clinical_counted.append(domain.name)
    reachable = _combine(_domain_states(domain, findings) for domain in DOMAINS)
    maximum = max(points for points, _ in reachable)
    outcomes = {_meets(points, clinical) for points, clinical in reachable}
    notes = [entry_note]

    def result(classified: bool | None, category: str | None,
               missing: Iterable[str] = ()) -> Derivation:
        return Derivation(
            instrument=INSTRUMENT, citation=CITATION, total=float(total),
            maximum=float(maximum), items=tuple(items), missing=tuple(missing),
            classified=classified, category=category, notes=tuple(notes),
        )

    if outcomes == {False}:
        if maximum < CLASSIFICATION_THRESHOLD:
            notes.append(f"total {total} is below {CLASSIFICATION_THRESHOLD}"
                         if maximum == total else
                         f"at most {maximum} even if every unrecorded criterion is present: "
                         f"below {CLASSIFICATION_THRESHOLD}")
        elif total >= CLASSIFICATION_THRESHOLD:
            notes.append(f"total {total} ≥ {CLASSIFICATION_THRESHOLD} but no clinical "
                         "criterion counts")
        else:
            notes.append(f"at most {maximum}, but no clinical criterion can count")
        return result(False, CATEGORY_NOT_CLASSIFIED)

    entry_missing = [key for key, value in zip(
        ENTRY_FIELDS, (c.ana_titre, c.ana_equivalent_positive_test), strict=True,
    ) if value is None] if entry is None else []
    if outcomes == {True}:
        notes.append(f"total {total} ≥ {CLASSIFICATION_THRESHOLD} with a clinical criterion "
                     f"({', '.join(clinical_counted)})")
        if entry is None:
            return result(None, None, entry_missing)
        return result(True, CATEGORY_CLASSIFIED)
    return result(None, None, [*_pivotal(findings), *entry_missing])
