"""The diagnosis: disease, classification criteria (stated and components), features."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from cartscreen.patient.common import Disease, Fact
from cartscreen.scores.aecg_2002 import Aecg2002Components
from cartscreen.scores.bohan_peter import BohanPeterComponents
from cartscreen.scores.ilar_2001 import IlarComponents
from cartscreen.scores.pss_2016 import Pss2016Components
from cartscreen.scores.sle_2019 import Sle2019Components
from cartscreen.scores.ssc_2013 import Ssc2013Components


class Classification(Fact):
    """Stated results of classification criteria (as the clinician assessed them)."""

    eular_acr_2019_sle: bool | None = Field(
        default=None, description="true when the 2019 EULAR/ACR SLE classification criteria are met"
    )
    acr_eular_2013_ssc: bool | None = Field(
        default=None, description="true when the 2013 ACR/EULAR systemic sclerosis classification "
        "criteria are met"
    )
    acr_eular_2016_pss: bool | None = Field(
        default=None, description="true when the 2016 ACR/EULAR primary Sjögren's classification "
        "criteria are met"
    )
    aecg_2002_pss: bool | None = Field(
        default=None, description="true when the 2002 American-European Consensus Group "
        "Sjögren's criteria are met"
    )
    bohan_peter: (
        Literal[
            "definite_dm",
            "probable_dm",
            "possible_dm",
            "definite_pm",
            "probable_pm",
            "possible_pm",
            "not_classified",
        ]
        | None
    ) = Field(
        default=None, description="Bohan and Peter (1975): definite, probable or possible "
        "dermatomyositis (dm) or polymyositis (pm)"
    )
    ilar_2001: (
        Literal[
            "polyarticular_rf_negative",
            "polyarticular_rf_positive",
            "oligoarticular_persistent",
            "oligoarticular_extended",
            "systemic",
            "enthesitis_related",
            "psoriatic",
            "undifferentiated",
        ]
        | None
    ) = Field(
        default=None, description="JIA category by the ILAR 2001 (Edmonton) classification"
    )


class MyositisFeatures(Fact):
    """Findings used by the JDM diagnostic rules (Bohan and Peter items; NCT06569472 item 2)."""

    symmetric_proximal_weakness: bool | None = Field(
        default=None, description="symmetrical weakness of the proximal (limb-girdle) muscles"
    )
    characteristic_rash: bool | None = Field(
        default=None, description="heliotrope rash and/or Gottron papules"
    )
    muscle_enzymes_raised: bool | None = Field(
        default=None, description="raised serum muscle enzymes (CK, aldolase, AST, ALT or LDH)"
    )
    emg_myopathic: bool | None = Field(
        default=None, description="myopathic changes on electromyography (EMG)"
    )
    biopsy_inflammation: bool | None = Field(
        default=None, description="muscle biopsy showing necrosis and inflammation"
    )


Organ = Literal[
    "lung", "heart", "gastrointestinal", "kidney", "nervous_system", "blood", "skin", "other"
]


class DiseaseFeatures(Fact):
    """Features of refractory or severe disease that the registry texts list."""

    rapidly_progressive: bool | None = Field(
        default=None, description="true when the disease is rapidly progressive"
    )
    organ_involvement: list[Organ] | None = Field(
        default=None, description="organs or systems the disease involves, one entry each; "
        "[] means recorded: none"
    )
    calcinosis: bool | None = Field(
        default=None, description="calcinosis of the skin, subcutaneous tissue, muscle or fascia"
    )
    recurrent_rash_or_skin_ulcers: bool | None = Field(
        default=None, description="repeated rashes or skin ulcers"
    )
    recurrent_parotid_swelling: bool | None = Field(
        default=None, description="repeated parotid gland swelling or parotitis"
    )
    hematologic_involvement: bool | None = Field(
        default=None, description="repeated leukopenia, anemia or thrombocytopenia"
    )
    cryoglobulinemia: bool | None = Field(
        default=None, description="cryoglobulins detected in serum"
    )


class ClassificationComponents(Fact):
    """The findings behind classification criteria; cartscreen computes the result from them."""

    eular_acr_2019_sle: Sle2019Components | None = Field(
        default=None, description="2019 EULAR/ACR SLE criteria items, each counted if ever present"
    )
    acr_eular_2013_ssc: Ssc2013Components | None = Field(
        default=None, description="2013 ACR/EULAR systemic sclerosis criteria items"
    )
    acr_eular_2016_pss: Pss2016Components | None = Field(
        default=None, description="2016 ACR/EULAR primary Sjögren's criteria items and exclusions"
    )
    aecg_2002_pss: Aecg2002Components | None = Field(
        default=None, description="2002 AECG Sjögren's criteria items and exclusions"
    )
    bohan_peter: BohanPeterComponents | None = Field(
        default=None, description="strict Bohan and Peter (1975); MRI edema is not a substitute"
    )
    ilar_2001: IlarComponents | None = Field(
        default=None, description="ILAR 2001 findings: onset age, joint counts, RF tests, "
        "exclusions"
    )


class Diagnosis(Fact):
    disease: Disease | None = Field(
        default=None, description="main diagnosis: JDM, IMNM, polyarticular JIA, SSc, primary "
        "Sjögren's, SLE, or other"
    )
    other_disease_name: str | None = Field(
        default=None, description='name of the disease when disease is "other"'
    )
    onset_date: date | None = Field(
        default=None, description="date of disease onset (first symptoms)"
    )
    classification: Classification = Field(
        default=Classification(), description="results of classification criteria as the "
        "clinician assessed them"
    )
    components: ClassificationComponents = Field(
        default=ClassificationComponents(), description="the findings behind classification "
        "criteria; cartscreen computes the result from them"
    )
    myositis_features: MyositisFeatures = Field(
        default=MyositisFeatures(), description="diagnostic findings of dermatomyositis "
        "(weakness, rash, enzymes, EMG, biopsy)"
    )
    features: DiseaseFeatures = Field(
        default=DiseaseFeatures(), description="features of refractory or severe disease"
    )

