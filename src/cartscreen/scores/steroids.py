"""Glucocorticoid dose equivalence to prednisone (anti-inflammatory potency, oral/IV only).

Milligrams equivalent to prednisone 5 mg (anti-inflammatory potency), from the GlobalRPh
corticosteroid converter, the FDA prednisolone label as quoted there (prednisolone 15 mg =
dexamethasone 2.25 mg) and the MedCalc-Bench steroid conversion calculator. Dexamethasone and
betamethasone use 0.75 mg, this project's choice where sources give 0.6–0.75; deflazacort
6 mg (1.2:1) is approximate.
Intra-articular, intramuscular and topical doses are not equivalent and are not converted; nor
is a dose whose route is not recorded, which callers treat as unknown, never as oral.
"""

from __future__ import annotations

PREDNISONE_REFERENCE_MG = 5.0

EQUIVALENT_TO_PREDNISONE_5_MG: dict[str, float] = {
    "prednisone": 5.0,
    "prednisolone": 5.0,
    "methylprednisolone": 4.0,
    "triamcinolone": 4.0,
    "hydrocortisone": 20.0,
    "cortisone": 25.0,
    "dexamethasone": 0.75,
    "betamethasone": 0.75,
    "deflazacort": 6.0,
}

APPROXIMATE = frozenset({"deflazacort"})
CONVERTIBLE_ROUTES = frozenset({"oral", "iv"})


def prednisone_equivalent(drug: str, dose: float) -> float:
    """The prednisone-equivalent of a dose (any per-time or per-kg unit carries through)."""
    return dose * PREDNISONE_REFERENCE_MG / EQUIVALENT_TO_PREDNISONE_5_MG[drug]
