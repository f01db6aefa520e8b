"""The drug vocabulary: canonical names, the classes the registry texts use, and synonyms.

Synonyms include the misspellings found in the registry texts ("Beliumab", "titacept",
"tachlimus", "motecophanate") so a trial file can quote the registry and a patient file can
use the names clinicians write.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from cartscreen.scores.steroids import EQUIVALENT_TO_PREDNISONE_5_MG

CONVENTIONAL_IMMUNOSUPPRESSANTS = (
    "cyclophosphamide", "mycophenolate", "azathioprine", "methotrexate", "leflunomide",
    "tacrolimus", "cyclosporine", "sirolimus",
)
BIOLOGICS = (
    "rituximab", "belimumab", "telitacicept", "anifrolumab", "tocilizumab", "abatacept",
    "adalimumab", "etanercept", "infliximab", "golimumab", "certolizumab", "anakinra",
    "canakinumab", "secukinumab", "ustekinumab", "obinutuzumab",
)
JAK_INHIBITORS = ("tofacitinib", "baricitinib", "ruxolitinib", "upadacitinib")
ANTIMALARIALS = ("hydroxychloroquine", "chloroquine")
CONVENTIONAL_DMARDS = ("methotrexate", "leflunomide", "sulfasalazine", "hydroxychloroquine")
# Immunomodulators used in pediatric rheumatology that are not in class:immunosuppressant. Where
# a registry says "immunosuppressants" without listing them (the JDM and Sjögren's branches), or
# ends its list with "etc." (SSc), whether one of these is meant is for the investigator: a trial
# names the class in review_also, so a rule met only by counting one goes to review, neither met
# nor failed. Antimalarials, sulfasalazine, dapsone and thalidomide are disease-modifying
# immunomodulators; IVIG and plasma exchange modulate antibodies and immune complexes. Colchicine
# (an anti-inflammatory) and the antifibrotics (nintedanib, pirfenidone) are not included.
OTHER_IMMUNOMODULATORS = (
    *ANTIMALARIALS, "sulfasalazine", "dapsone", "thalidomide", "ivig", "plasma exchange",
)

CLASSES: dict[str, tuple[str, ...]] = {
    "glucocorticoid": tuple(EQUIVALENT_TO_PREDNISONE_5_MG),
    "antimalarial": ANTIMALARIALS,
    "conventional_immunosuppressant": CONVENTIONAL_IMMUNOSUPPRESSANTS,
    "biologic": BIOLOGICS,
    "jak_inhibitor": JAK_INHIBITORS,
    # "Immunosuppressants" in the JDM and Sjögren's texts: conventional agents, biologics and
    # JAK inhibitors; not glucocorticoids. Antimalarials, IVIG and the like are the next class.
    "immunosuppressant": CONVENTIONAL_IMMUNOSUPPRESSANTS + BIOLOGICS + JAK_INHIBITORS,
    "other_immunomodulator": OTHER_IMMUNOMODULATORS,
    # "Traditional DMARDs" in the JIA text (conventional synthetic DMARDs).
    "conventional_dmard": CONVENTIONAL_DMARDS,
}

CLASS_LABELS: dict[str, str] = {
    "glucocorticoid": "glucocorticoids",
    "antimalarial": "antimalarials",
    "conventional_immunosuppressant": "conventional immunosuppressants",
    "biologic": "biologics",
    "jak_inhibitor": "JAK inhibitors",
    "immunosuppressant": "immunosuppressants",
    "other_immunomodulator": "other immunomodulators (antimalarials, sulfasalazine, dapsone, "
    "thalidomide, IVIG, plasma exchange)",
    "conventional_dmard": "conventional DMARDs",
}

# Drugs also given locally - glucocorticoid creams, eye drops, inhalers and joint injections,
# tacrolimus ointment, cyclosporine eye drops, sirolimus gel - which is not the systemic
# treatment the registries mean: a course of one counts only when its route is recorded.
LOCAL_FORMS: frozenset[str] = frozenset(
    {*CLASSES["glucocorticoid"], "tacrolimus", "cyclosporine", "sirolimus"}
)

# Drugs recognised so that a treatment history listing them is not "unrecognised"; they count
# towards no registry rule except through a class above (IVIG, sulfasalazine, thalidomide,
# dapsone and plasma exchange are other immunomodulators). Co-medications common in pediatric
# rheumatology.
OTHER_DRUGS = (
    "sulfasalazine", "ivig", "nintedanib", "pirfenidone", "thalidomide", "dapsone",
    "colchicine", "plasma exchange",
    # NSAIDs
    "ibuprofen", "naproxen", "indomethacin", "meloxicam", "celecoxib", "diclofenac",
    "aspirin",
    # vasodilators and antihypertensives used in SSc, lupus nephritis and Raynaud's
    "nifedipine", "amlodipine", "sildenafil", "tadalafil", "bosentan", "ambrisentan",
    "macitentan", "iloprost", "enalapril", "lisinopril", "captopril", "losartan",
    # supportive
    "folic acid", "calcium", "vitamin d", "omeprazole", "esomeprazole", "pantoprazole",
    "lansoprazole", "trimethoprim-sulfamethoxazole", "alendronate",
)

SYNONYMS: dict[str, str] = {
    "mp": "methylprednisolone",
    "solu-medrol": "methylprednisolone",
    "medrol": "methylprednisolone",
    "hcq": "hydroxychloroquine",
    "plaquenil": "hydroxychloroquine",
    "cyc": "cyclophosphamide",
    "ctx": "cyclophosphamide",
    "mmf": "mycophenolate",
    "mycophenolate mofetil": "mycophenolate",
    "mycophenolic acid": "mycophenolate",
    "mycophenolate sodium": "mycophenolate",
    "motecophanate": "mycophenolate",
    "aza": "azathioprine",
    "mtx": "methotrexate",
    "tac": "tacrolimus",
    "fk506": "tacrolimus",
    "tachlimus": "tacrolimus",
    "cyclosporin": "cyclosporine",
    "ciclosporin": "cyclosporine",
    "csa": "cyclosporine",
    "rapamycin": "sirolimus",
    "rtx": "rituximab",
    "beliumab": "belimumab",
    "titacept": "telitacicept",
    "intravenous immunoglobulin": "ivig",
    "nitidanib": "nintedanib",
    "ibu": "ibuprofen",
    "cotrimoxazole": "trimethoprim-sulfamethoxazole",
    "co-trimoxazole": "trimethoprim-sulfamethoxazole",
    "tmp-smx": "trimethoprim-sulfamethoxazole",
    "folate": "folic acid",
    "cholecalciferol": "vitamin d",
    "plex": "plasma exchange",
}

KNOWN_DRUGS: frozenset[str] = frozenset(
    {d for members in CLASSES.values() for d in members} | set(OTHER_DRUGS)
)


@lru_cache(maxsize=4096)
def canonical_drug(name: str) -> str | None:
    """The canonical drug name for a name or synonym (case-insensitive), or None if unknown."""
    key = " ".join(name.strip().lower().replace("_", " ").split())
    key = SYNONYMS.get(key, key)
    return key if key in KNOWN_DRUGS else None


def expand(names: Iterable[str]) -> frozenset[str]:
    """Drug names and ``class:NAME`` entries expanded to canonical drug names."""
    return _expand(tuple(names))


@lru_cache(maxsize=1024)
def _expand(names: tuple[str, ...]) -> frozenset[str]:
    # Trial parameters are expanded for every patient screened: once per distinct list.
    drugs: set[str] = set()
    for name in names:
        if name.startswith("class:"):
            drugs.update(CLASSES[name.removeprefix("class:")])
        else:
            canonical = canonical_drug(name)
            if canonical is None:
                raise ValueError(f"unknown drug {name!r}")
            drugs.add(canonical)
    return frozenset(drugs)


def validate_drug_list(names: list[str]) -> list[str]:
    """Raise ValueError naming the first entry that is neither a known drug nor a class."""
    for name in names:
        if name.startswith("class:"):
            if name.removeprefix("class:") not in CLASSES:
                raise ValueError(
                    f"unknown drug class {name!r}; known: "
                    + ", ".join(f"class:{c}" for c in CLASSES)
                )
        elif canonical_drug(name) is None:
            raise ValueError(f"unknown drug {name!r}")
    return names
