"""Units of measured values and their explicit conversions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError

# --- units -------------------------------------------------------------------------------
# A measured value states its unit in its key name (weight_kg, lvef_percent) or beside it
# (creatinine = { value, unit }). Laboratory concentrations are converted explicitly, with
# the factor from the analyte's molar mass: µmol/L = mg/dL × 10 (dL per L) × 1000 / M (g/mol).

# Creatinine C4H7N3O, 113.12 g/mol: 10 000 / 113.12 = 88.40, the factor laboratories quote
# (the R package kidney.epi uses the same 88.4).
CREATININE_UMOL_L_PER_MG_DL = 88.4
# Bilirubin C33H36N4O6, 584.66 g/mol (PubChem CID 5280352): 10 000 / 584.66 = 17.10, the SI
# conversion factor laboratories quote (µmol/L = mg/dL × 17.1).
BILIRUBIN_UMOL_L_PER_MG_DL = 17.1

# "µ" is the micro sign (U+00B5); "μ" (Greek mu, U+03BC) looks the same and is what many
# keyboards type, so both are accepted, as is the ASCII "umol/L".
ConcentrationUnitName = Literal["mg/dL", "µmol/L", "μmol/L", "umol/L"]
CONCENTRATION_UNITS_TEXT = "mg/dL, µmol/L (or umol/L)"


def _accepted_units(accepted: str) -> WrapValidator:
    """An unknown unit is an error that lists the accepted ones (never a guessed unit)."""

    def validate(value: object, handler: ValidatorFunctionWrapHandler) -> object:
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError(
                "unknown_unit", "unknown unit; accepted: {accepted}", {"accepted": accepted}
            ) from None

    return WrapValidator(validate)


ConcentrationUnit = Annotated[ConcentrationUnitName, _accepted_units(CONCENTRATION_UNITS_TEXT)]
EnzymeUnit = Annotated[Literal["U/L", "IU/L"], _accepted_units("U/L (or IU/L)")]
DoseUnit = Annotated[Literal["mg/day", "mg/kg/day"], _accepted_units("mg/day, mg/kg/day")]


def to_mg_per_dl(value: float, unit: ConcentrationUnitName, umol_per_mg_dl: float) -> float:
    """A concentration in mg/dL, from mg/dL or µmol/L (``umol_per_mg_dl``: the analyte's
    factor, e.g. :data:`CREATININE_UMOL_L_PER_MG_DL`)."""
    return value if unit == "mg/dL" else value / umol_per_mg_dl


def to_umol_per_l(value: float, unit: ConcentrationUnitName, umol_per_mg_dl: float) -> float:
    """A concentration in µmol/L, from mg/dL or µmol/L."""
    return value * umol_per_mg_dl if unit == "mg/dL" else value

