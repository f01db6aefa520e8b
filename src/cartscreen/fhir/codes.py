"""The code tables of the FHIR import: which standard code means which patient-file fact.

Every entry keeps the code system's own display name beside the code, so that a reviewer can
check it against the source cited above its table. A code is listed only where a public
source was read to confirm it; a code that could not be confirmed is left out (a record that
uses it is reported, never guessed). Matching is by code only, never by display text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CVX = "http://hl7.org/fhir/sid/cvx"
UCUM = "http://unitsofmeasure.org"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"

SYSTEM_NAMES = {SNOMED: "SNOMED CT", ICD10CM: "ICD-10-CM", LOINC: "LOINC", RXNORM: "RxNorm",
                CVX: "CVX"}

TargetDisease = Literal["sle", "jdm", "ssc", "pjia", "pss"]

# --- target diseases ----------------------------------------------------------------------
# SNOMED CT. Sources: OMOP vocabulary concept names as published in the PEDSnet Variable
# Dictionary codesets (github.com/PEDSnet/Variable-Dictionary: conditions/
# dx_2021_11_Scleroderma_V1.csv, dx_2021_11_SjogrensSyndrome_V1.csv); SNOMED CT browser
# renderings (healthassure.in/codes/snomed_ct-410797009, -1156774008); for SLE 55464009, the
# OHDSI Charlson comorbidity concept list and FHIR test data naming "Systemic lupus
# erythematosus (disorder)". No SNOMED CT code for juvenile dermatomyositis could be confirmed
# from a public source: JDM is mapped from ICD-10-CM only.
DISEASE_SNOMED: dict[str, tuple[TargetDisease, str]] = {
    "55464009": ("sle", "Systemic lupus erythematosus"),
    "89155008": ("ssc", "Systemic sclerosis"),
    "128459005": ("ssc", "Systemic sclerosis, limited"),
    "128460000": ("ssc", "Systemic sclerosis, diffuse"),
    "298285004": ("ssc", "Systemic sclerosis with limited cutaneous involvement"),
    "299276009": ("ssc", "Limited systemic sclerosis"),
    "444133002": ("ssc", "Progressive systemic sclerosis"),
    "724603009": ("ssc", "Pediatric onset systemic sclerosis"),
    "410797009": ("pjia", "Juvenile seronegative polyarthritis"),
    "1156774008": ("pjia", "Rheumatoid factor positive and anti-citrullinated protein antibody "
                   "positive juvenile polyarthritis"),
    "239912009": ("pss", "Primary Sjögren's syndrome"),
    # Not specified as primary; like ICD-10-CM M35.0, it is read as Sjögren's and conflicts
    # with any other target disease (secondary Sjögren's comes with its primary disease).
    "83901003": ("pss", "Sjögren's syndrome"),
}

# Codes that deny a target reading: with one of these, no Sjögren's code sets the disease.
NOT_PRIMARY_SJOGREN_SNOMED: dict[str, str] = {
    "239915006": "Secondary Sjögren's syndrome",
}

# ICD-10-CM, exact codes (with the dot, as FHIR carries them; a code without the dot is read
# the same). Sources: the ICD-10-CM tabular list as published in medtrack-io/icd_code
# (lib/codes/codes_m32.ex … codes_m35.ex, FY2020–2022 titles) and, for the codes added
# since (M33.03 in FY2019; M35.05–M35.0C in FY2024, when M35.0 was retitled "Sjögren
# syndrome"), FY2024 code lists quoted in public codesets. M32.0 (drug-induced SLE) and M32.8
# (other forms of SLE) are not mapped; M34.2 (systemic sclerosis induced by drug and
# chemical) is not mapped; of the M08 juvenile arthritis codes only M08.3 names polyarthritis.
DISEASE_ICD10CM: dict[str, tuple[TargetDisease, str]] = {
    "M32.10": ("sle", "Systemic lupus erythematosus, organ or system involvement unspecified"),
    "M32.11": ("sle", "Endocarditis in systemic lupus erythematosus"),
    "M32.12": ("sle", "Pericarditis in systemic lupus erythematosus"),
    "M32.13": ("sle", "Lung involvement in systemic lupus erythematosus"),
    "M32.14": ("sle", "Glomerular disease in systemic lupus erythematosus"),
    "M32.15": ("sle", "Tubulo-interstitial nephropathy in systemic lupus erythematosus"),
    "M32.19": ("sle", "Other organ or system involvement in systemic lupus erythematosus"),
    "M32.9": ("sle", "Systemic lupus erythematosus, unspecified"),
    "M33.00": ("jdm", "Juvenile dermatomyositis, organ involvement unspecified"),
    "M33.01": ("jdm", "Juvenile dermatomyositis with respiratory involvement"),
    "M33.02": ("jdm", "Juvenile dermatomyositis with myopathy"),
    "M33.03": ("jdm", "Juvenile dermatomyositis without myopathy"),
    "M33.09": ("jdm", "Juvenile dermatomyositis with other organ involvement"),
    "M34.0": ("ssc", "Progressive systemic sclerosis"),
    "M34.1": ("ssc", "CR(E)ST syndrome"),
    "M34.81": ("ssc", "Systemic sclerosis with lung involvement"),
    "M34.82": ("ssc", "Systemic sclerosis with myopathy"),
    "M34.83": ("ssc", "Systemic sclerosis with polyneuropathy"),
    "M34.89": ("ssc", "Other systemic sclerosis"),
    "M34.9": ("ssc", "Systemic sclerosis, unspecified"),
    "M08.3": ("pjia", "Juvenile rheumatoid polyarthritis (seronegative)"),
    "M35.00": ("pss", "Sjögren syndrome, unspecified"),
    "M35.01": ("pss", "Sjögren syndrome with keratoconjunctivitis"),
    "M35.02": ("pss", "Sjögren syndrome with lung involvement"),
    "M35.03": ("pss", "Sjögren syndrome with myopathy"),
    "M35.04": ("pss", "Sjögren syndrome with tubulo-interstitial nephropathy"),
    "M35.05": ("pss", "Sjögren syndrome with inflammatory arthritis"),
    "M35.06": ("pss", "Sjögren syndrome with peripheral nervous system involvement"),
    "M35.07": ("pss", "Sjögren syndrome with central nervous system involvement"),
    "M35.08": ("pss", "Sjögren syndrome with gastrointestinal involvement"),
    "M35.09": ("pss", "Sjögren syndrome with other organ involvement"),
    "M35.0A": ("pss", "Sjögren syndrome with glomerular disease"),
    "M35.0B": ("pss", "Sjögren syndrome with vasculitis"),
    "M35.0C": ("pss", "Sjögren syndrome with dental involvement"),
}

# --- exclusions: malignancy ----------------------------------------------------------------
# SNOMED CT: PEDSnet Variable Dictionary, conditions/dx_2023_09_LeukemiaAndLymphoma_V1.csv
# (OMOP concept names). Each gives the malignancy type written to history.malignancies.
MALIGNANCY_SNOMED: dict[str, tuple[str, str]] = {
    "91857003": ("acute lymphoblastic leukemia", "Acute lymphoid leukemia"),
    "91861009": ("acute myeloid leukemia", "Acute myeloid leukemia, disease"),
    "118599009": ("Hodgkin lymphoma", "Hodgkin's disease (clinical)"),
    "118601006": ("non-Hodgkin lymphoma", "Non-Hodgkin's lymphoma (clinical)"),
}

# ICD-10-CM chapter 2, block C00–C96 "Malignant neoplasms" (with C4A Merkel cell carcinoma,
# C7A malignant neuroendocrine tumors and C7B secondary neuroendocrine tumors): every code in
# it names a malignant neoplasm. In situ (D00–D09), benign and uncertain neoplasms are not
# malignancies here. Within C44 "Other and unspecified malignant neoplasm of skin" a 5th
# character 1 after the site digit names basal cell carcinoma (C44.01 "Basal cell carcinoma
# of skin of lip", C44.111, C44.41, C44.91 "Basal cell carcinoma of skin, unspecified", …;
# checked against every C44 code in medtrack-io/icd_code).
_ICD_MALIGNANT = re.compile(r"^C(?:[0-8][0-9]|9[0-6]|4A|7A|7B)")
_ICD_BASAL_CELL = re.compile(r"^C44[0-9]1")


def icd10cm_malignancy(code: str) -> tuple[str, bool] | None:
    """(type, is basal cell carcinoma of skin) for an ICD-10-CM malignant neoplasm code."""
    bare = code.replace(".", "").upper()
    if not _ICD_MALIGNANT.match(bare):
        return None
    if _ICD_BASAL_CELL.match(bare):
        return "basal cell carcinoma of skin", True
    return "malignant neoplasm", False


# --- exclusions: infections ------------------------------------------------------------------
# ICD-10-CM categories (source as above). Tuberculosis A15 (respiratory), A17 (nervous
# system), A18 (other organs) and A19 (miliary) is tuberculosis disease (ICD-10-CM has no A16,
# which is WHO ICD-10 only); no latent-tuberculosis code could be confirmed, so none is mapped.
TB_ACTIVE_ICD10CM_PREFIXES = ("A15", "A17", "A18", "A19")

# Hepatitis B, hepatitis C and HIV diagnoses: the patient file has no key meaning "has the
# infection" (serology keys are test results), so these are reported for the clinician and
# checked against the test results the record gives.
Infection = Literal["hbv", "hcv", "hiv"]
INFECTION_ICD10CM: dict[str, tuple[Infection, str]] = {
    "B16": ("hbv", "Acute hepatitis B"),
    "B18.0": ("hbv", "Chronic viral hepatitis B with delta-agent"),
    "B18.1": ("hbv", "Chronic viral hepatitis B without delta-agent"),
    "B19.1": ("hbv", "Unspecified viral hepatitis B"),
    "B17.1": ("hcv", "Acute hepatitis C"),
    "B18.2": ("hcv", "Chronic viral hepatitis C"),
    "B19.2": ("hcv", "Unspecified viral hepatitis C"),
    "B20": ("hiv", "Human immunodeficiency virus [HIV] disease"),
}
# SNOMED CT 86406008 "Human immunodeficiency virus infection" (FHIR test data pairing it with
# ICD-10 B20).
INFECTION_SNOMED: dict[str, tuple[Infection, str]] = {
    "86406008": ("hiv", "Human immunodeficiency virus infection"),
}

# --- exclusions: central nervous system disease ---------------------------------------------
# ICD-10-CM categories (source as above) and SNOMED CT (PEDSnet dx_2023_09_Epilepsy_V1.csv,
# dx_2023_Stroke_V1.csv). The registry texts name epilepsy, cerebrovascular ischemia and
# hemorrhage, dementia and cerebellar disease. The description is written to
# events.cns_events; whether it is still active, or neuropsychiatric lupus, is left for the
# clinician (no code here says so).
CNS_ICD10CM_PREFIXES: dict[str, str] = {
    "G40": "epilepsy",  # Epilepsy and recurrent seizures
    "I60": "nontraumatic subarachnoid hemorrhage",
    "I61": "nontraumatic intracerebral hemorrhage",
    "I63": "cerebral infarction",
    "F01": "vascular dementia",
    "F02": "dementia in other diseases",
    "F03": "unspecified dementia",
    "G30": "Alzheimer's disease",
}
CNS_SNOMED: dict[str, tuple[str, str]] = {
    "84757009": ("epilepsy", "Epilepsy"),
    "230690007": ("cerebrovascular accident", "Cerebrovascular accident"),
}

# --- exclusions: primary immunodeficiency ----------------------------------------------------
# ICD-10-CM D80–D84 (source as above): the codes that name an inborn immunodeficiency.
# Left out: D81.81x (biotin-dependent carboxylase deficiencies, metabolic), D84.8x (includes
# immunodeficiency due to conditions elsewhere and due to drugs, which is secondary) and D84.9
# (unspecified, may be secondary).
_ICD_PRIMARY_IMMUNODEFICIENCY = re.compile(r"^(?:D80[0-9]|D81[0-7]|D8189|D819|D82[0-9]|D83[0-9]"
                                           r"|D840|D841)")


def icd10cm_primary_immunodeficiency(code: str) -> bool:
    return bool(_ICD_PRIMARY_IMMUNODEFICIENCY.match(code.replace(".", "").upper()))


def icd10cm_prefix(code: str, prefixes: tuple[str, ...] | list[str]) -> str | None:
    """The first prefix (with or without its dot) the code starts with, else None."""
    bare = code.replace(".", "").upper()
    for prefix in prefixes:
        if bare.startswith(prefix.replace(".", "")):
            return prefix
    return None


# --- procedures -------------------------------------------------------------------------------
# SNOMED CT: PEDSnet dx_2021_11_KidneyTransplant_V1.csv (70536003), dx_2021_11_KidneyDialysis_V1
# .csv (302497006, 265764009); 18027006 and 32413006 in FHIR examples and the MII Kardiologie
# test data ("Transplantation of liver (procedure)", "Transplantation of heart (procedure)");
# 234336002 in several FHIR value sets ("Hemopoietic stem cell transplant (procedure)").
# No SNOMED CT code for CAR-T cell infusion could be confirmed: none is mapped, so such a
# Procedure is reported as an unknown code (and prior CAR-T therapy is a fact to record).
TRANSPLANT_SNOMED: dict[str, tuple[Literal["solid_organ", "hsct"], str]] = {
    "70536003": ("solid_organ", "Transplant of kidney"),
    "18027006": ("solid_organ", "Transplantation of liver"),
    "32413006": ("solid_organ", "Transplantation of heart"),
    "234336002": ("hsct", "Hemopoietic stem cell transplant"),
}
DIALYSIS_SNOMED: dict[str, str] = {
    "302497006": "Hemodialysis",
    "265764009": "Renal dialysis",
}

# --- observations (LOINC) ---------------------------------------------------------------------
Analyte = Literal[
    "creatinine", "egfr", "ast", "alt", "bilirubin", "lvef", "spo2", "fvc", "dlco", "cd19",
    "hcg_urine", "hcg_blood", "hbsag", "hbcab", "hbv_dna", "hcv_ab", "hcv_rna", "hiv_ab",
    "syphilis", "cmv_dna", "igra", "weight", "height",
]

# LOINC long common names. Sources: the LOINC table as loaded in ngiger/elexis-jubula
# (jubula-tests/rsc/db/mysql/simpel.sql, table at_medevit_elexis_loinc, LOINC top 2000);
# PEDSnet lab codesets (lab_2021_10_SerumCreatinine_V1.csv, lab_2022_03_AlanineTransaminase_V1
# .csv); the Robert Koch Institute's DEMIS laboratory value sets with LONG_COMMON_NAME
# designations (konvoulg/mio.prep.bericht, Lab_Test_HBVP, Lab_Test_HCVP, HIV and syphilis
# sets); the Medizininformatik-Initiative lung-function value sets (FVC, DLCO); HL7 FHIR
# examples. Where a name has changed in later LOINC releases ("Probe and target amplification
# method" became "NAA with probe detection") the current name is given. For 19872-1 and
# 98130-8 the display is the one the MII lung-function value sets give.
# Not mapped, for want of a confirmed code: disease activity scores (SLEDAI-2K, mRSS, ESSDAI,
# clinESSDAI, CMAS); eGFR by adult formulas (MDRD, CKD-EPI), which do not hold in children.
LOINC_CODES: dict[str, tuple[Analyte, str]] = {
    "2160-0": ("creatinine", "Creatinine [Mass/volume] in Serum or Plasma"),
    "14682-9": ("creatinine", "Creatinine [Moles/volume] in Serum or Plasma"),
    "77140-2": ("creatinine", "Creatinine [Moles/volume] in Serum, Plasma or Blood"),
    "50384-7": ("egfr", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in "
                "Serum, Plasma or Blood by Creatinine-based formula (Schwartz)"),
    "1920-8": ("ast", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or "
               "Plasma"),
    "1742-6": ("alt", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
    "1743-4": ("alt", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma "
               "by With P-5'-P"),
    "1744-2": ("alt", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma "
               "by No addition of P-5'-P"),
    "1975-2": ("bilirubin", "Bilirubin.total [Mass/volume] in Serum or Plasma"),
    "14631-6": ("bilirubin", "Bilirubin.total [Moles/volume] in Serum or Plasma"),
    "10230-1": ("lvef", "Left ventricular Ejection fraction"),
    "59408-5": ("spo2", "Oxygen saturation in Arterial blood by Pulse oximetry"),
    "2708-6": ("spo2", "Oxygen saturation in Arterial blood"),
    "19872-1": ("fvc", "FVC measured/predicted"),
    "98130-8": ("dlco", "Diffusion capacity.carbon monoxide/Predicted"),
    "8116-6": ("cd19", "CD19 cells [#/volume] in Blood"),
    "2106-3": ("hcg_urine", "Choriogonadotropin (pregnancy test) [Presence] in Urine"),
    "2112-1": ("hcg_urine", "Choriogonadotropin.beta subunit (pregnancy test) [Presence] in "
               "Urine"),
    "2118-8": ("hcg_blood", "Choriogonadotropin (pregnancy test) [Presence] in Serum or Plasma"),
    "2110-5": ("hcg_blood", "Choriogonadotropin.beta subunit (pregnancy test) [Presence] in "
               "Serum or Plasma"),
    "5195-3": ("hbsag", "Hepatitis B virus surface Ag [Presence] in Serum"),
    "5196-1": ("hbsag", "Hepatitis B virus surface Ag [Presence] in Serum or Plasma by "
               "Immunoassay"),
    "7905-3": ("hbsag", "Hepatitis B virus surface Ag [Presence] in Serum or Plasma by "
               "Neutralization test"),
    "75410-1": ("hbsag", "Hepatitis B virus surface Ag [Presence] in Serum, Plasma or Blood by "
                "Rapid immunoassay"),
    "13952-7": ("hbcab", "Hepatitis B virus core Ab [Presence] in Serum or Plasma by "
                "Immunoassay"),
    "16933-4": ("hbcab", "Hepatitis B virus core Ab [Presence] in Serum"),
    "29610-3": ("hbv_dna", "Hepatitis B virus DNA [Presence] in Serum or Plasma by NAA with "
                "probe detection"),
    "29615-2": ("hbv_dna", "Hepatitis B virus DNA [#/volume] (viral load) in Serum or Plasma by "
                "NAA with probe detection"),
    "42595-9": ("hbv_dna", "Hepatitis B virus DNA [Units/volume] (viral load) in Serum or "
                "Plasma by NAA with probe detection"),
    "13955-0": ("hcv_ab", "Hepatitis C virus Ab [Presence] in Serum or Plasma by Immunoassay"),
    "16128-1": ("hcv_ab", "Hepatitis C virus Ab [Presence] in Serum"),
    "11259-9": ("hcv_rna", "Hepatitis C virus RNA [Presence] in Serum or Plasma by NAA with "
                "probe detection"),
    "11011-4": ("hcv_rna", "Hepatitis C virus RNA [Units/volume] (viral load) in Serum or Plasma "
                "by NAA with probe detection"),
    "20416-4": ("hcv_rna", "Hepatitis C virus RNA [#/volume] (viral load) in Serum or Plasma by "
                "NAA with probe detection"),
    "7917-8": ("hiv_ab", "HIV 1 Ab [Presence] in Serum"),
    "29893-5": ("hiv_ab", "HIV 1 Ab [Presence] in Serum by Immunoassay"),
    "7918-6": ("hiv_ab", "HIV 1+2 Ab [Presence] in Serum"),
    "31201-7": ("hiv_ab", "HIV 1+2 Ab [Presence] in Serum or Plasma by Immunoassay"),
    # The fourth-generation screen: a negative result is a negative antibody result; a
    # positive one may be antigen only, which excludes all the same.
    "56888-1": ("hiv_ab", "HIV 1+2 Ab+HIV1 p24 Ag [Presence] in Serum or Plasma by "
                "Immunoassay"),
    # Treponemal antibody tests only (a reagin test such as RPR is not treponemal).
    "22587-0": ("syphilis", "Treponema pallidum Ab [Presence] in Serum"),
    "24110-9": ("syphilis", "Treponema pallidum Ab [Presence] in Serum by Immunoassay"),
    "5393-4": ("syphilis", "Treponema pallidum Ab [Presence] in Serum by Immunofluorescence"),
    "8041-6": ("syphilis", "Treponema pallidum Ab [Presence] in Serum by Hemagglutination"),
    "24312-1": ("syphilis", "Treponema pallidum Ab [Presence] in Serum by Agglutination"),
    "47236-5": ("syphilis", "Treponema pallidum IgG+IgM Ab [Presence] in Serum by Immunoassay"),
    "28008-1": ("cmv_dna", "Cytomegalovirus DNA [Presence] in Blood by Probe and signal "
                "amplification method"),
    "30247-1": ("cmv_dna", "Cytomegalovirus DNA [#/volume] (viral load) in Serum or Plasma by "
                "NAA with probe detection"),
    "71773-6": ("igra", "Mycobacterium tuberculosis stimulated gamma interferon [Presence] in "
                "Blood"),
    "29463-7": ("weight", "Body weight"),
    "3141-9": ("weight", "Body weight Measured"),
    "8302-2": ("height", "Body height"),
}

# Accepted UCUM unit codes per numeric analyte, with the exact factor to the patient file's
# unit. A unit not listed is a unit mismatch: the result is not imported. Only exact factors
# are used: 1 µL = 10⁻⁶ L, so 10*6/L is /uL and 10*9/L is 1000/uL; the avoirdupois pound is
# 0.45359237 kg and the international inch 2.54 cm by definition. Concentrations keep their
# unit (the patient file accepts mg/dL and µmol/L); creatinine in mmol/L or g/L is refused
# rather than converted, as such a unit is more often a mislabelled value than a real one.
Unit = tuple[str, float]  # (the patient file's unit or "", factor)
NUMERIC_UNITS: dict[str, dict[str, Unit]] = {
    "creatinine": {"mg/dL": ("mg/dL", 1.0), "umol/L": ("µmol/L", 1.0)},
    "bilirubin": {"mg/dL": ("mg/dL", 1.0), "umol/L": ("µmol/L", 1.0)},
    "ast": {"U/L": ("U/L", 1.0), "[IU]/L": ("IU/L", 1.0)},
    "alt": {"U/L": ("U/L", 1.0), "[IU]/L": ("IU/L", 1.0)},
    "egfr": {"mL/min/{1.73_m2}": ("", 1.0)},
    "lvef": {"%": ("", 1.0)},
    "spo2": {"%": ("", 1.0)},
    "fvc": {"%": ("", 1.0)},
    "dlco": {"%": ("", 1.0)},
    "cd19": {"/uL": ("", 1.0), "{cells}/uL": ("", 1.0), "10*6/L": ("", 1.0),
             "10*3/uL": ("", 1000.0), "10*9/L": ("", 1000.0)},
    "weight": {"kg": ("", 1.0), "g": ("", 0.001), "[lb_av]": ("", 0.45359237)},
    "height": {"cm": ("", 1.0), "m": ("", 100.0), "[in_i]": ("", 2.54)},
}
UNITS_TEXT = {analyte: ", ".join(units) for analyte, units in NUMERIC_UNITS.items()}

# Qualitative results. SNOMED CT qualifier values (FHIR Questionnaire answer sets and the EU
# digital COVID certificate value sets: 10828004 "Positive", 260385009 "Negative",
# 260373001 "Detected", 260415000 "Not detected (qualifier value)") and the HL7 v3
# ObservationInterpretation codes POS, NEG, DET, ND.
PosNeg = Literal["positive", "negative"]
QUALITATIVE_SNOMED: dict[str, tuple[PosNeg, str]] = {
    "10828004": ("positive", "Positive"),
    "260385009": ("negative", "Negative"),
    "260373001": ("positive", "Detected"),
    "260415000": ("negative", "Not detected"),
}
QUALITATIVE_INTERPRETATION: dict[str, tuple[PosNeg, str]] = {
    "POS": ("positive", "Positive"),
    "NEG": ("negative", "Negative"),
    "DET": ("positive", "Detected"),
    "ND": ("negative", "Not detected"),
}
NOT_DETECTED = frozenset({"260415000"})
NOT_DETECTED_INTERPRETATION = frozenset({"ND"})

# --- medications (RxNorm ingredients) ----------------------------------------------------------
# RxNorm ingredient (IN) and multiple-ingredient (MIN) concepts, from the RxNorm RRF release
# as extracted in davidanderson3/rxnorm-ingredients (web/data/*.json, IN/PIN/MIN with RXCUI) and
# the PEDSnet drug codesets (drugs/rx_2019_11_*.csv, OMOP RxNorm ingredient concepts). Only IN
# and MIN are accepted: a clinical drug (SCD), brand or precise ingredient (PIN) code is not
# mapped. The name is written to treatments[].drug and resolves in cartscreen.drugs.
# Not confirmed, so not mapped: anakinra, anifrolumab, aspirin, alendronate, amlodipine
# (their entries lie in the part of the source that was not available); telitacicept and
# plasma exchange have no RxNorm ingredient.
RxTerm = Literal["IN", "MIN"]
RXNORM_INGREDIENTS: dict[str, tuple[str, RxTerm, str]] = {
    # glucocorticoids
    "8640": ("prednisone", "IN", "prednisone"),
    "8638": ("prednisolone", "IN", "prednisolone"),
    "6902": ("methylprednisolone", "IN", "methylprednisolone"),
    "10759": ("triamcinolone", "IN", "triamcinolone"),
    "5492": ("hydrocortisone", "IN", "hydrocortisone"),
    "2878": ("cortisone", "IN", "cortisone"),
    "3264": ("dexamethasone", "IN", "dexamethasone"),
    "1514": ("betamethasone", "IN", "betamethasone"),
    "22396": ("deflazacort", "IN", "deflazacort"),
    # antimalarials and conventional immunosuppressants / DMARDs
    "5521": ("hydroxychloroquine", "IN", "hydroxychloroquine"),
    "2393": ("chloroquine", "IN", "chloroquine"),
    "3002": ("cyclophosphamide", "IN", "cyclophosphamide"),
    "68149": ("mycophenolate mofetil", "IN", "mycophenolate mofetil"),
    "7145": ("mycophenolic acid", "IN", "mycophenolic acid"),
    "1256": ("azathioprine", "IN", "azathioprine"),
    "6851": ("methotrexate", "IN", "methotrexate"),
    "27169": ("leflunomide", "IN", "leflunomide"),
    "42316": ("tacrolimus", "IN", "tacrolimus"),
    "3008": ("cyclosporine", "IN", "cyclosporine"),
    "35302": ("sirolimus", "IN", "sirolimus"),
    "9524": ("sulfasalazine", "IN", "sulfasalazine"),
    # biologics and JAK inhibitors
    "121191": ("rituximab", "IN", "rituximab"),
    "1092437": ("belimumab", "IN", "belimumab"),
    "612865": ("tocilizumab", "IN", "tocilizumab"),
    "614391": ("abatacept", "IN", "abatacept"),
    "327361": ("adalimumab", "IN", "adalimumab"),
    "214555": ("etanercept", "IN", "etanercept"),
    "191831": ("infliximab", "IN", "infliximab"),
    "819300": ("golimumab", "IN", "golimumab"),
    "709271": ("certolizumab", "IN", "certolizumab pegol"),
    "853491": ("canakinumab", "IN", "canakinumab"),
    "1599788": ("secukinumab", "IN", "secukinumab"),
    "847083": ("ustekinumab", "IN", "ustekinumab"),
    "974779": ("obinutuzumab", "IN", "obinutuzumab"),
    "1357536": ("tofacitinib", "IN", "tofacitinib"),
    "2047232": ("baricitinib", "IN", "baricitinib"),
    "1193326": ("ruxolitinib", "IN", "ruxolitinib"),
    "2196092": ("upadacitinib", "IN", "upadacitinib"),
    # immunoglobulin: "ivig" only when given intravenously (see mapping)
    "5666": ("ivig", "IN", "immunoglobulin G"),
    # other immunomodulators and co-medications in the vocabulary
    "1592737": ("nintedanib", "IN", "nintedanib"),
    "1592254": ("pirfenidone", "IN", "pirfenidone"),
    "10432": ("thalidomide", "IN", "thalidomide"),
    "3108": ("dapsone", "IN", "dapsone"),
    "2683": ("colchicine", "IN", "colchicine"),
    "5640": ("ibuprofen", "IN", "ibuprofen"),
    "7258": ("naproxen", "IN", "naproxen"),
    "5781": ("indomethacin", "IN", "indomethacin"),
    "41493": ("meloxicam", "IN", "meloxicam"),
    "140587": ("celecoxib", "IN", "celecoxib"),
    "3355": ("diclofenac", "IN", "diclofenac"),
    "7417": ("nifedipine", "IN", "nifedipine"),
    "136411": ("sildenafil", "IN", "sildenafil"),
    "358263": ("tadalafil", "IN", "tadalafil"),
    "75207": ("bosentan", "IN", "bosentan"),
    "358274": ("ambrisentan", "IN", "ambrisentan"),
    "1442132": ("macitentan", "IN", "macitentan"),
    "40138": ("iloprost", "IN", "iloprost"),
    "3827": ("enalapril", "IN", "enalapril"),
    "29046": ("lisinopril", "IN", "lisinopril"),
    "1998": ("captopril", "IN", "captopril"),
    "52175": ("losartan", "IN", "losartan"),
    "4511": ("folic acid", "IN", "folic acid"),
    "2418": ("cholecalciferol", "IN", "cholecalciferol"),
    "7646": ("omeprazole", "IN", "omeprazole"),
    "283742": ("esomeprazole", "IN", "esomeprazole"),
    "40790": ("pantoprazole", "IN", "pantoprazole"),
    "17128": ("lansoprazole", "IN", "lansoprazole"),
    "10831": ("trimethoprim-sulfamethoxazole", "MIN", "sulfamethoxazole / trimethoprim"),
}

# Routes: SNOMED CT qualifier values (DICOM CID 11 "Administration Route" with SNOMED CT fully
# specified names, as tabulated in the SPHN DICOM mapping code: "Oral route (qualifier value)",
# "Intravenous route", "Subcutaneous route", "Intramuscular route", "Intra-articular route",
# "Topical route").
Route = Literal["oral", "iv", "sc", "im", "intra_articular", "topical"]
ROUTE_SNOMED: dict[str, tuple[Route, str]] = {
    "26643006": ("oral", "Oral route"),
    "47625008": ("iv", "Intravenous route"),
    "34206005": ("sc", "Subcutaneous route"),
    "78421000": ("im", "Intramuscular route"),
    "12130007": ("intra_articular", "Intra-articular route"),
    "6064005": ("topical", "Topical route"),
}

# UCUM dose units: mg, g (1000 mg exactly) and mg/kg; per-day rates mg/d and mg/kg/d.
DOSE_UNITS: dict[str, tuple[Literal["mg", "mg/kg"], float]] = {
    "mg": ("mg", 1.0), "g": ("mg", 1000.0), "mg/kg": ("mg/kg", 1.0),
}
DAILY_RATE_UNITS: dict[str, tuple[Literal["mg", "mg/kg"], float]] = {
    "mg/d": ("mg", 1.0), "mg/kg/d": ("mg/kg", 1.0),
}

# --- vaccines (CVX) ------------------------------------------------------------------------------
# CDC CVX table (Vaccines administered), as loaded in HealthIntersections/fhirserver
# sql/tx_db.sql: the "Full Vaccine Name" says "live" for each live vaccine, and ACIP's General
# Best Practice Guidelines list the live vaccines (MMR, MMRV, varicella, zoster live, LAIV,
# rotavirus, yellow fever, oral typhoid, live cholera, BCG, smallpox, adenovirus, OPV). The
# name written is the CVX short description; cartscreen.vaccines recognises each live one as
# live (a test checks this). Influenza of unspecified formulation (88) may have been either,
# so live is left unknown. COVID-19 codes 207, 208 and 213 (CDC short descriptions as quoted in
# public CVX extracts; no COVID-19 vaccine is live).
VACCINES_CVX: dict[str, tuple[str, bool | None]] = {
    # live
    "03": ("MMR (measles, mumps and rubella virus vaccine)", True),
    "94": ("MMRV (measles, mumps, rubella, and varicella virus vaccine)", True),
    "04": ("M/R (measles and rubella virus vaccine)", True),
    "05": ("measles virus vaccine", True),
    "06": ("rubella virus vaccine", True),
    "07": ("mumps virus vaccine", True),
    "38": ("rubella and mumps virus vaccine", True),
    "21": ("varicella virus vaccine", True),
    "121": ("zoster vaccine, live", True),
    "111": ("influenza, live, intranasal (LAIV)", True),
    "149": ("influenza, live, intranasal, quadrivalent (LAIV)", True),
    "151": ("influenza nasal, unspecified formulation", True),
    "116": ("rotavirus, live, pentavalent vaccine", True),
    "119": ("rotavirus, live, monovalent vaccine", True),
    "74": ("rotavirus, live, tetravalent vaccine", True),
    "122": ("rotavirus vaccine, unspecified formulation", True),
    "19": ("BCG (Bacillus Calmette-Guerin vaccine)", True),
    "37": ("yellow fever vaccine", True),
    "25": ("typhoid vaccine, live, oral", True),
    "174": ("cholera, live attenuated", True),
    "75": ("vaccinia (smallpox) vaccine", True),
    "02": ("OPV (poliovirus vaccine, live, oral)", True),
    "143": ("adenovirus types 4 and 7, live, oral", True),
    # not live
    "140": ("influenza, seasonal, injectable, preservative free", False),
    "141": ("influenza, seasonal, injectable", False),
    "150": ("influenza, injectable, quadrivalent, preservative free", False),
    "158": ("influenza, injectable, quadrivalent", False),
    "161": ("influenza, injectable, quadrivalent, preservative free, pediatric", False),
    "153": ("influenza, injectable, MDCK, preservative free", False),
    "155": ("influenza, recombinant, injectable, preservative free", False),
    "88": ("influenza, unspecified formulation", None),
    "08": ("hepatitis B vaccine, pediatric or pediatric/adolescent dosage", False),
    "43": ("hepatitis B vaccine, adult dosage", False),
    "83": ("hepatitis A vaccine, pediatric/adolescent dosage, 2 dose schedule", False),
    "52": ("hepatitis A vaccine, adult dosage", False),
    "20": ("DTaP (diphtheria, tetanus toxoids and acellular pertussis vaccine)", False),
    "115": ("Tdap (tetanus toxoid, reduced diphtheria toxoid, and acellular pertussis "
            "vaccine)", False),
    "10": ("IPV (poliovirus vaccine, inactivated)", False),
    "133": ("pneumococcal conjugate vaccine, 13 valent", False),
    "33": ("pneumococcal polysaccharide vaccine, 23 valent", False),
    "62": ("human papilloma virus vaccine, quadrivalent", False),
    "118": ("human papilloma virus vaccine, bivalent", False),
    "114": ("meningococcal MCV4P", False),
    "136": ("meningococcal MCV4O", False),
    "162": ("meningococcal B vaccine, fully recombinant", False),
    "48": ("Hib (PRP-T)", False),
    "49": ("Hib (PRP-OMP)", False),
    "207": ("COVID-19, mRNA, LNP-S, PF, 100 mcg/0.5 mL dose", False),
    "208": ("COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose", False),
    "213": ("SARS-COV-2 (COVID-19) vaccine, unspecified formulation", False),
}


@dataclass(frozen=True)
class CodeRef:
    """A coding as read from the record: its system and code (never its display text)."""

    system: str
    code: str

    def __str__(self) -> str:
        return f"{self.system}|{self.code}"
