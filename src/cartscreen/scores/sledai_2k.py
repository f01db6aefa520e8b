"""SLEDAI-2K, the Systemic Lupus Erythematosus Disease Activity Index 2000.

Gladman DD, Ibañez D, Urowitz MB, J Rheumatol 2002;29:288–91 (PMID 11838846): descriptors,
weights and window.

A descriptor counts if it is present at the visit or at any time in the preceding 10 days
(day −10 to day 0, inclusive), once, at its fixed weight, whatever its severity; persistent
rash, alopecia, mucosal ulcers and proteinuria count (SLEDAI-2K, unlike the 1992 SLEDAI).
The range is 0–105. The clinical SLEDAI-2K, named by many trials, leaves out low complement
and increased DNA binding (0–101).

Fever, cytopenias, proteinuria, hematuria and pyuria may be recorded either way: present or
absent as the clinician scored them by this instrument's definitions (``fever = true``), or as
the worst raw value in the window, which this module reads with this instrument's own
thresholds (fever >38 °C, not the >38.3 °C of the 2019 SLE criteria, Aringer 2019; leukopenia
<3.0×10⁹/L, not <4.0×10⁹/L). Both may be given; when the raw value, read at the threshold,
disagrees with the descriptor as scored, the components are invalid: two facts about one
quantity that disagree are never settled here. An unrecorded descriptor is named by its own key
(``proteinuria``), the one clinicians score; its raw value is accepted in its place.

A descriptor that another cause explains (infection for fever or pyuria, a stone for hematuria,
a drug for a cytopenia…) does not count.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, get_args

from pydantic import Field, model_validator

from cartscreen.scores.base import Components, Derivation, Item, ItemStatus, fmt_number

INSTRUMENT = "SLEDAI-2K"
CLINICAL_INSTRUMENT = "clinical SLEDAI-2K"
CITATION = (
    "Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index "
    "2000. J Rheumatol 2002;29:288–91"
)

# Gladman 2002: the scoring window (the visit and the preceding 10 days) and the raw-value
# thresholds of the descriptors read from measurements.
WINDOW_DAYS = 10
FEVER_ABOVE_C = 38.0
THROMBOCYTOPENIA_BELOW_10E9_PER_L = 100.0
LEUKOPENIA_BELOW_10E9_PER_L = 3.0
PROTEINURIA_ABOVE_G_PER_24H = 0.5
HEMATURIA_ABOVE_RBC_PER_HPF = 5.0
PYURIA_ABOVE_WBC_PER_HPF = 5.0

# Validation ranges, not descriptors: they catch unit slips (°F for °C, cells/mm³ for
# ×10⁹/L, mg for g) rather than judge a value.
TEMPERATURE_RANGE_C = (25.0, 45.0)
WBC_RANGE_10E9_PER_L = (0.0, 1000.0)
PLATELETS_RANGE_10E9_PER_L = (0.0, 5000.0)
PROTEINURIA_RANGE_G_PER_24H = (0.0, 50.0)

DescriptorKey = Literal[
    "seizure",
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cranial_nerve_disorder",
    "lupus_headache",
    "cerebrovascular_accident",
    "vasculitis",
    "arthritis",
    "myositis",
    "urinary_casts",
    "hematuria",
    "proteinuria",
    "pyuria",
    "rash",
    "alopecia",
    "mucosal_ulcers",
    "pleurisy",
    "pericarditis",
    "low_complement",
    "increased_dna_binding",
    "fever",
    "thrombocytopenia",
    "leukopenia",
]
DESCRIPTOR_KEYS: tuple[DescriptorKey, ...] = get_args(DescriptorKey)

# Gladman 2002: each descriptor's label and weight, in the order of the SLEDAI-2K form.
DESCRIPTORS: tuple[tuple[DescriptorKey, str, int], ...] = (
    ("seizure", "seizure", 8),
    ("psychosis", "psychosis", 8),
    ("organic_brain_syndrome", "organic brain syndrome", 8),
    ("visual_disturbance", "visual disturbance", 8),
    ("cranial_nerve_disorder", "cranial nerve disorder", 8),
    ("lupus_headache", "lupus headache", 8),
    ("cerebrovascular_accident", "CVA", 8),
    ("vasculitis", "vasculitis", 8),
    ("arthritis", "arthritis", 4),
    ("myositis", "myositis", 4),
    ("urinary_casts", "urinary casts", 4),
    ("hematuria", "hematuria", 4),
    ("proteinuria", "proteinuria", 4),
    ("pyuria", "pyuria", 4),
    ("rash", "rash", 2),
    ("alopecia", "alopecia", 2),
    ("mucosal_ulcers", "mucosal ulcers", 2),
    ("pleurisy", "pleurisy", 2),
    ("pericarditis", "pericarditis", 2),
    ("low_complement", "low complement", 2),
    ("increased_dna_binding", "increased DNA binding", 2),
    ("fever", "fever", 1),
    ("thrombocytopenia", "thrombocytopenia", 1),
    ("leukopenia", "leukopenia", 1),
)
ARITHMETIC_MAXIMUM = sum(weight for _, _, weight in DESCRIPTORS)

# The clinical SLEDAI-2K leaves out the two serological descriptors.
SEROLOGICAL: frozenset[DescriptorKey] = frozenset({"low_complement", "increased_dna_binding"})
CLINICAL_ARITHMETIC_MAXIMUM = sum(
    weight for key, _, weight in DESCRIPTORS if key not in SEROLOGICAL
)

# The descriptors that may also be given as a raw value: descriptor → the components field
# holding the value. Every descriptor has a present/absent field of its own name.
RAW_VALUE_FIELDS: dict[DescriptorKey, str] = {
    "hematuria": "highest_urine_rbc_per_hpf",
    "proteinuria": "highest_proteinuria_g_per_24h",
    "pyuria": "highest_urine_wbc_per_hpf",
    "fever": "highest_temperature_c",
    "thrombocytopenia": "lowest_platelets_10e9_per_l",
    "leukopenia": "lowest_wbc_10e9_per_l",
}


class SledaiComponents(Components):
    """The SLEDAI-2K descriptors (None = not recorded). A descriptor recorded present counts
    at the visit unless ``last_present`` dates it. Absent means absent at the visit and in the
    10 days before it. Hematuria, proteinuria, pyuria, fever, thrombocytopenia and leukopenia
    are scored present or absent, or given as raw values (the worst in the window), which this
    instrument's thresholds read; given both ways, the two must agree."""

    seizure: bool | None = Field(
        default=None, description="recent onset; not metabolic, infectious or drug-induced"
    )
    psychosis: bool | None = Field(
        default=None,
        description="severe disturbance in the perception of reality impairing normal "
        "function; not uremia or drugs",
    )
    organic_brain_syndrome: bool | None = Field(
        default=None,
        description="rapid-onset, fluctuating impairment of orientation, memory or other "
        "intellect, with clouding of consciousness or poor attention, plus ≥2 of perceptual "
        "disturbance, incoherent speech, insomnia or daytime drowsiness, altered psychomotor "
        "activity; not metabolic, infectious or drug-induced",
    )
    visual_disturbance: bool | None = Field(
        default=None,
        description="retinal changes of SLE (cytoid bodies, retinal hemorrhages, serous "
        "exudate or choroidal hemorrhage) or optic neuritis; not hypertension, infection or "
        "drugs",
    )
    cranial_nerve_disorder: bool | None = Field(
        default=None, description="new sensory or motor neuropathy of cranial nerves"
    )
    lupus_headache: bool | None = Field(
        default=None,
        description="severe persistent headache, may be migrainous, not responsive to "
        "narcotic analgesia",
    )
    cerebrovascular_accident: bool | None = Field(
        default=None, description="new cerebrovascular accident(s); not arteriosclerosis"
    )
    vasculitis: bool | None = Field(
        default=None,
        description="ulceration, gangrene, tender finger nodules, periungual infarction, "
        "splinter hemorrhages, or vasculitis proven by biopsy or angiogram",
    )
    arthritis: bool | None = Field(
        default=None,
        description="≥2 joints with pain and signs of inflammation (tenderness, swelling or "
        "effusion)",
    )
    myositis: bool | None = Field(
        default=None,
        description="proximal aching or weakness with raised CK/aldolase, EMG changes, or a "
        "biopsy showing myositis",
    )
    urinary_casts: bool | None = Field(
        default=None, description="heme-granular or red-cell casts"
    )
    hematuria: bool | None = Field(
        default=None,
        description="present or absent as the clinician scored it by the SLEDAI-2K definition "
        "(Gladman 2002: >5 red cells/hpf, not due to stone, infection or other cause); "
        "may be given instead of, or as well as, highest_urine_rbc_per_hpf, which must then "
        "agree",
    )
    highest_urine_rbc_per_hpf: float | None = Field(
        default=None, ge=0, le=1000,
        description="red cells per high-power field (hematuria counts above 5; record a "
        "stone, infection or other cause in explained_by_other_cause)",
    )
    proteinuria: bool | None = Field(
        default=None,
        description="present or absent as the clinician scored it by the SLEDAI-2K definition "
        "(Gladman 2002: >0.5 g/24 h); "
        "may be given instead of, or as well as, highest_proteinuria_g_per_24h, which must then "
        "agree",
    )
    highest_proteinuria_g_per_24h: float | None = Field(
        default=None, ge=PROTEINURIA_RANGE_G_PER_24H[0], le=PROTEINURIA_RANGE_G_PER_24H[1],
        description="proteinuria, g/24 h (counts above 0.5)",
    )
    pyuria: bool | None = Field(
        default=None,
        description="present or absent as the clinician scored it by the SLEDAI-2K definition "
        "(Gladman 2002: >5 white cells/hpf, not due to infection); "
        "may be given instead of, or as well as, highest_urine_wbc_per_hpf, which must then "
        "agree",
    )
    highest_urine_wbc_per_hpf: float | None = Field(
        default=None, ge=0, le=1000,
        description="white cells per high-power field (pyuria counts above 5; record "
        "infection in explained_by_other_cause)",
    )
    rash: bool | None = Field(default=None, description="inflammatory-type rash")
    alopecia: bool | None = Field(
        default=None, description="abnormal, patchy or diffuse loss of hair"
    )
    mucosal_ulcers: bool | None = Field(default=None, description="oral or nasal ulcers")
    pleurisy: bool | None = Field(
        default=None,
        description="pleuritic chest pain with pleural rub or effusion, or pleural thickening",
    )
    pericarditis: bool | None = Field(
        default=None,
        description="pericardial pain with ≥1 of rub, effusion, or ECG or echocardiographic "
        "confirmation",
    )
    low_complement: bool | None = Field(
        default=None, description="CH50, C3 or C4 below the laboratory's normal range"
    )
    increased_dna_binding: bool | None = Field(
        default=None, description="anti-dsDNA above the laboratory's normal range"
    )
    fever: bool | None = Field(
        default=None,
        description="present or absent as the clinician scored it by the SLEDAI-2K definition "
        "(Gladman 2002: >38 °C, not due to infection); "
        "may be given instead of, or as well as, highest_temperature_c, which must then "
        "agree",
    )
    highest_temperature_c: float | None = Field(
        default=None, ge=TEMPERATURE_RANGE_C[0], le=TEMPERATURE_RANGE_C[1],
        description="body temperature, °C (fever counts above 38; record infection in "
        "explained_by_other_cause)",
    )
    thrombocytopenia: bool | None = Field(
        default=None,
        description="present or absent as the clinician scored it by the SLEDAI-2K definition "
        "(Gladman 2002: platelets <100×10⁹/L, not due to drugs); "
        "may be given instead of, or as well as, lowest_platelets_10e9_per_l, which must then "
        "agree",
    )
    lowest_platelets_10e9_per_l: float | None = Field(
        default=None, ge=PLATELETS_RANGE_10E9_PER_L[0], le=PLATELETS_RANGE_10E9_PER_L[1],
        description="platelet count, ×10⁹/L (thrombocytopenia counts below 100)",
    )
    leukopenia: bool | None = Field(
        default=None,
        description="present or absent as the clinician scored it by the SLEDAI-2K definition "
        "(Gladman 2002: white cells <3.0×10⁹/L, not due to drugs); "
        "may be given instead of, or as well as, lowest_wbc_10e9_per_l, which must then "
        "agree",
    )
    lowest_wbc_10e9_per_l: float | None = Field(
        default=None, ge=WBC_RANGE_10E9_PER_L[0], le=WBC_RANGE_10E9_PER_L[1],
        description="white cell count, ×10⁹/L (leukopenia counts below 3.0)",
    )
    last_present: dict[DescriptorKey, date] = Field(
        default_factory=dict,
        description="for a descriptor recorded present, the date it was last present, when "
        "that was not the visit; it counts only within the 10 days before the visit",
    )
    explained_by_other_cause: list[DescriptorKey] = Field(
        default_factory=list,
        description="descriptors present but due to something other than lupus activity "
        "(e.g. fever with a positive blood culture); they do not count",
    )

    @model_validator(mode="after")
    def _consistent(self) -> SledaiComponents:
        # One validator, so the scored-or-raw contradictions are reported before the dates that
        # rely on them. Messages name keys, never values: they reach stderr and logs.
        for key, raw_field in RAW_VALUE_FIELDS.items():
            scored = getattr(self, key)
            read = _read_raw(key, getattr(self, raw_field))
            if scored is None or read is None or read[0] == scored:
                continue
            if read[0] and not scored and key in self.explained_by_other_cause:
                continue  # past the threshold, but scored absent because another cause explains it
            raise ValueError(
                f"{key} contradicts {raw_field} (read at the SLEDAI-2K threshold); correct one "
                "of the two" + (f", or give only {raw_field} and list {key} in "
                                "explained_by_other_cause if another cause explains it"
                                if read[0] else "")
            )
        for key in self.last_present:
            if _recorded(self, key)[0] is not True:
                fields = fields_of(key)
                unrecorded = (f"{key} is not recorded present" if len(fields) == 1
                              else f"neither {' nor '.join(fields)} records it present")
                raise ValueError(f"last_present.{key} is given but {unrecorded}")
        return self


def fields_of(key: DescriptorKey) -> tuple[str, ...]:
    """The components fields that may record a descriptor: its own, then any raw value."""
    raw = RAW_VALUE_FIELDS.get(key)
    return (key,) if raw is None else (key, raw)


def _recorded(c: SledaiComponents, key: DescriptorKey) -> tuple[bool | None, str | None]:
    """Whether a descriptor is recorded present, and the raw value read, if any. A raw value
    given beside the scored descriptor agrees with it (the model validator sees to that, but for
    a value past the threshold scored absent because another cause explains it, which
    ``explained_by_other_cause`` then excludes), so the raw value is read and shown."""
    scored = getattr(c, key)
    assert scored is None or isinstance(scored, bool)
    read = _read_raw(key, getattr(c, RAW_VALUE_FIELDS[key])) if key in RAW_VALUE_FIELDS else None
    return (scored, None) if read is None else read


def _read_raw(key: DescriptorKey, raw: float | None) -> tuple[bool, str] | None:
    """A raw value read at this instrument's threshold: present or not, and how it reads."""
    if raw is None:
        return None
    value = fmt_number(raw)
    if key == "hematuria":
        return (raw > HEMATURIA_ABOVE_RBC_PER_HPF,
                f"{value} RBC/hpf (counts above {fmt_number(HEMATURIA_ABOVE_RBC_PER_HPF)})")
    if key == "proteinuria":
        return (raw > PROTEINURIA_ABOVE_G_PER_24H,
                f"{value} g/24 h (counts above {fmt_number(PROTEINURIA_ABOVE_G_PER_24H)})")
    if key == "pyuria":
        return (raw > PYURIA_ABOVE_WBC_PER_HPF,
                f"{value} WBC/hpf (counts above {fmt_number(PYURIA_ABOVE_WBC_PER_HPF)})")
    if key == "fever":
        return raw > FEVER_ABOVE_C, f"{value} °C (counts above {fmt_number(FEVER_ABOVE_C)})"
    if key == "thrombocytopenia":
        return (raw < THROMBOCYTOPENIA_BELOW_10E9_PER_L,
                f"platelets {value}×10⁹/L (counts below "
                f"{fmt_number(THROMBOCYTOPENIA_BELOW_10E9_PER_L)})")
    return (raw < LEUKOPENIA_BELOW_10E9_PER_L,
            f"WBC {value}×10⁹/L (counts below {LEUKOPENIA_BELOW_10E9_PER_L:.1f})")


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def _item(c: SledaiComponents, key: DescriptorKey, label: str, weight: int,
          visit_date: date) -> Item:
    present, shown = _recorded(c, key)
    status: ItemStatus
    notes = [shown] if shown else []
    last = c.last_present.get(key)
    if present is False:
        status = "absent"
    elif key in c.explained_by_other_cause:
        status = "excluded"
        notes.append("explained by another cause")
    elif present is None:
        status = "unknown"
        if key in RAW_VALUE_FIELDS:
            notes.append(f"not recorded: give {key} (present or absent) or "
                         f"{RAW_VALUE_FIELDS[key]}")
    elif last is None or last == visit_date:
        status = "counted"
    elif last > visit_date:
        status = "unknown"
        notes.append(f"recorded present on {last}, {_days((last - visit_date).days)} after the "
                     "visit: whether it was present in the window is not recorded")
    elif (visit_date - last).days <= WINDOW_DAYS:
        status = "counted"
        notes.append(f"last present {last}, {_days((visit_date - last).days)} before the visit")
    else:
        status = "excluded"
        notes.append(f"last present {last}, {_days((visit_date - last).days)} before the "
                     f"visit: outside the {WINDOW_DAYS}-day window")
    return Item(key, label, weight, status, note="; ".join(notes) or None)


def _score(c: SledaiComponents, visit_date: date, instrument: str,
           leave_out: frozenset[DescriptorKey], extra_notes: tuple[str, ...]) -> Derivation:
    items = tuple(_item(c, key, label, weight, visit_date)
                  for key, label, weight in DESCRIPTORS if key not in leave_out)
    total = sum(item.points for item in items if item.status == "counted")
    unknown = [item for item in items if item.status == "unknown"]
    window_start = visit_date - timedelta(days=WINDOW_DAYS)
    return Derivation(
        instrument=instrument, citation=CITATION, total=float(total),
        maximum=float(total + sum(item.points for item in unknown)), items=items,
        # Named by the descriptor's own key, the one clinicians score; a raw value settles it too.
        missing=tuple(key for key in DESCRIPTOR_KEYS if any(item.key == key for item in unknown)),
        notes=(f"window {window_start} to {visit_date}: the visit and the {WINDOW_DAYS} days "
               "before it", *extra_notes),
    )


def sledai_2k(c: SledaiComponents, visit_date: date) -> Derivation:
    """SLEDAI-2K at a visit (Gladman 2002): the sum of the weights of the descriptors present
    at the visit or in the 10 days before it, 0–105. Unrecorded descriptors are named in
    ``missing`` and ``maximum`` adds their weights."""
    return _score(c, visit_date, INSTRUMENT, frozenset(), ())


def clinical_sledai_2k(c: SledaiComponents, visit_date: date) -> Derivation:
    """The clinical SLEDAI-2K at a visit: SLEDAI-2K without low complement and increased DNA
    binding, 0–101."""
    return _score(c, visit_date, CLINICAL_INSTRUMENT, SEROLOGICAL, (
        "clinical SLEDAI-2K: low complement and increased DNA binding are left out",
    ))
