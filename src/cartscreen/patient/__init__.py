"""The patient file: pydantic models of its facts, the plausibility rules, and the one function
that loads it.

A patient file is TOML written by a clinician or a script. Every model forbids unknown keys,
so a misspelt key is an error rather than a silently missing fact. A fact left out is ``None``
(unknown), never a default that looks normal. Lists distinguish "not recorded" (key absent,
``None``) from "recorded, none" (an empty list): ``vaccines = []`` says the child had no
vaccines, a missing ``vaccines`` key says nobody looked.

One module per section of the file: :mod:`.common` (the base model and value types),
:mod:`.units`, :mod:`.diagnosis`, :mod:`.activity`, :mod:`.immunology`, :mod:`.organ`,
:mod:`.treatments`, :mod:`.events`, :mod:`.serology`, :mod:`.history`, :mod:`.model` (the
whole file), :mod:`.plausibility` and :mod:`.loader`.
"""

from cartscreen.patient.common import DISEASE_ABBREVIATIONS, DISEASE_NAMES, Disease, Sex
from cartscreen.patient.diagnosis import Organ
from cartscreen.patient.events import Infection
from cartscreen.patient.loader import (
    MAX_DOTS_PER_LINE,
    MAX_FILE_BYTES,
    check_against_screening_date,
    load_patient,
)
from cartscreen.patient.model import Patient
from cartscreen.patient.organ import BilirubinResult, Creatinine
from cartscreen.patient.plausibility import dated_facts
from cartscreen.patient.treatments import Response, Treatment
from cartscreen.patient.units import (
    BILIRUBIN_UMOL_L_PER_MG_DL,
    CREATININE_UMOL_L_PER_MG_DL,
    to_mg_per_dl,
    to_umol_per_l,
)

__all__ = [
    "BILIRUBIN_UMOL_L_PER_MG_DL", "CREATININE_UMOL_L_PER_MG_DL", "DISEASE_ABBREVIATIONS",
    "DISEASE_NAMES", "MAX_DOTS_PER_LINE", "MAX_FILE_BYTES", "BilirubinResult", "Creatinine",
    "Disease", "Infection", "Organ", "Patient", "Response", "Sex", "Treatment",
    "check_against_screening_date", "dated_facts", "load_patient", "to_mg_per_dl",
    "to_umol_per_l",
]
