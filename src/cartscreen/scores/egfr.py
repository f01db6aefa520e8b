"""Estimated GFR from serum creatinine (mL/min/1.73 m²).

Policy (the project's choice): CKiD U25 below 25 years, with bedside Schwartz
shown beside it; CKD-EPI 2021 from 25 years. The result names the equation used.

- CKiD U25: Pierce CB et al., Kidney Int 2021;99:948–56; constants from the official
  ckidstudy/CKiD_U25 code. eGFR = K × height (m) / Scr (mg/dL), age in decimal years.
- Bedside Schwartz: Schwartz GJ et al., J Am Soc Nephrol 2009;20:629–37.
  eGFR = 0.413 × height (cm) / Scr (mg/dL).
- CKD-EPI 2021: Inker LA et al., N Engl J Med 2021;385:1737–49.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CKID_U25_UPPER_AGE = 25.0


@dataclass(frozen=True)
class EgfrEstimate:
    value: float
    equation: str
    alongside: str | None = None


def ckid_u25(sex: Literal["female", "male"], age_years: float, height_m: float,
             creatinine_mg_dl: float) -> float:
    if sex == "male":
        if age_years < 12:
            k = 39.0 * 1.008 ** (age_years - 12)
        elif age_years < 18:
            k = 39.0 * 1.045 ** (age_years - 12)
        else:
            k = 50.8
    else:
        if age_years < 12:
            k = 36.1 * 1.008 ** (age_years - 12)
        elif age_years < 18:
            k = 36.1 * 1.023 ** (age_years - 12)
        else:
            k = 41.4
    return float(k * height_m / creatinine_mg_dl)


def bedside_schwartz(height_cm: float, creatinine_mg_dl: float) -> float:
    return 0.413 * height_cm / creatinine_mg_dl


def ckd_epi_2021(sex: Literal["female", "male"], age_years: float,
                 creatinine_mg_dl: float) -> float:
    kappa, alpha = (0.7, -0.241) if sex == "female" else (0.9, -0.302)
    ratio = creatinine_mg_dl / kappa
    value = 142 * min(ratio, 1.0) ** alpha * max(ratio, 1.0) ** -1.200 * 0.9938**age_years
    return float(value * 1.012 if sex == "female" else value)


def estimate(sex: Literal["female", "male"], age_years: float, height_cm: float | None,
             creatinine_mg_dl: float) -> EgfrEstimate | None:
    """The policy's estimate, or None when a needed input (height below 25 years) is absent."""
    if age_years >= CKID_U25_UPPER_AGE:
        return EgfrEstimate(ckd_epi_2021(sex, age_years, creatinine_mg_dl), "CKD-EPI 2021")
    if height_cm is None:
        return None
    u25 = ckid_u25(sex, age_years, height_cm / 100, creatinine_mg_dl)
    schwartz = bedside_schwartz(height_cm, creatinine_mg_dl)
    return EgfrEstimate(u25, "CKiD U25", f"bedside Schwartz {schwartz:.1f}")
