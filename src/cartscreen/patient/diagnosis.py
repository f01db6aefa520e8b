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

    eular_acr_2019_sle: bool | None = None
    acr_eular_2013_ssc: bool | None = None
    acr_eular_2016_pss: bool | None = None
    aecg_2002_pss: bool | None = None
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
    ) = None
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
    ) = None


class MyositisFeatures(Fact):
    """Findings used by the JDM diagnostic rules (Bohan and Peter items; NCT06569472 item 2)."""

    symmetric_proximal_weakness: bool | None = None
    characteristic_rash: bool | None = Field(
        default=None, description="heliotrope rash and/or Gottron papules"
    )
    muscle_enzymes_raised: bool | None = None
    emg_myopathic: bool | None = None
    biopsy_inflammation: bool | None = Field(
        default=None, description="muscle biopsy showing necrosis and inflammation"
    )


Organ = Literal[
    "lung", "heart", "gastrointestinal", "kidney", "nervous_system", "blood", "skin", "other"
]


class DiseaseFeatures(Fact):
    """Features of refractory or severe disease that the registry texts list."""

    rapidly_progressive: bool | None = None
    organ_involvement: list[Organ] | None = None
    calcinosis: bool | None = None
    recurrent_rash_or_skin_ulcers: bool | None = None
    recurrent_parotid_swelling: bool | None = None
    hematologic_involvement: bool | None = Field(
        default=None, description="repeated leukopenia, anemia or thrombocytopenia"
    )
    cryoglobulinemia: bool | None = None


class ClassificationComponents(Fact):
    """The findings behind classification criteria; cartscreen computes the result from them."""

    eular_acr_2019_sle: Sle2019Components | None = None
    acr_eular_2013_ssc: Ssc2013Components | None = None
    acr_eular_2016_pss: Pss2016Components | None = None
    aecg_2002_pss: Aecg2002Components | None = None
    bohan_peter: BohanPeterComponents | None = Field(
        default=None, description="strict Bohan and Peter (1975); MRI edema is not a substitute"
    )
    ilar_2001: IlarComponents | None = None


class Diagnosis(Fact):
    disease: Disease | None = None
    other_disease_name: str | None = None
    onset_date: date | None = None
    classification: Classification = Classification()
    components: ClassificationComponents = ClassificationComponents()
    myositis_features: MyositisFeatures = MyositisFeatures()
    features: DiseaseFeatures = DiseaseFeatures()

