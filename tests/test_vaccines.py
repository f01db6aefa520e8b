"""The live vaccine vocabulary: every live vaccine by its names, trade names and abbreviations;
every look-alike that is not live (inactivated, recombinant, subunit, non-replicating) stays
unnamed; names ambiguous between the two are left to the file's ``live`` flag."""

from __future__ import annotations

import pytest

from cartscreen.vaccines import LIVE_VACCINES, live_vaccine

MMRV = "MMRV (measles, mumps, rubella, varicella)"
MMR = "MMR (measles, mumps, rubella)"
ZOSTER = "zoster vaccine live (Zostavax)"
BCG = "BCG (bacille Calmette-Guérin)"
LAIV = "influenza, live attenuated (LAIV)"
OPV = "oral polio (OPV)"
TY21A = "oral typhoid (Ty21a)"
CHOLERA = "cholera, live oral (Vaxchora)"
JE = "Japanese encephalitis, live"
CHIK = "chikungunya, live (Ixchiq)"
SMALLPOX = "smallpox (vaccinia, replicating)"
ADENO = "adenovirus types 4 and 7, live oral"
EBOLA = "Ebola Zaire, live (Ervebo)"

LIVE = [
    # measles, mumps, rubella, varicella and their combinations
    ("MMRV", MMRV), ("MMR-V", MMRV), ("ProQuad", MMRV), ("Priorix-Tetra", MMRV),
    ("measles, mumps, rubella and varicella", MMRV),
    ("MMR", MMR), ("M-M-R II", MMR), ("M-M-RvaxPro", MMR), ("Priorix", MMR), ("mmr 2", MMR),
    ("measles, mumps and rubella", MMR), ("Trimovax", MMR),
    ("MR", "measles-rubella (MR)"), ("measles-rubella", "measles-rubella (MR)"),
    ("measles", "measles"), ("Attenuvax", "measles"),
    ("mumps", "mumps"), ("Mumpsvax", "mumps"), ("rubella", "rubella"), ("Meruvax II", "rubella"),
    ("varicella", "varicella"), ("Varivax", "varicella"), ("Varilrix", "varicella"),
    ("chickenpox", "varicella"), ("chicken pox vaccine", "varicella"), ("VAR", "varicella"),
    # zoster: the live vaccine only
    ("Zostavax", ZOSTER), ("ZVL", ZOSTER), ("zoster vaccine live", ZOSTER),
    ("live zoster", ZOSTER), ("live attenuated herpes zoster", ZOSTER),
    # rotavirus
    ("rotavirus", "rotavirus"), ("Rotarix", "rotavirus"), ("RotaTeq", "rotavirus"),
    ("Rotavac", "rotavirus"), ("Rotasiil", "rotavirus"), ("RV1", "rotavirus"),
    ("RV5", "rotavirus"),
    # BCG
    ("BCG", BCG), ("Bacille Calmette-Guérin", BCG), ("bacillus Calmette Guerin", BCG),
    # influenza: the live attenuated vaccine only
    ("LAIV", LAIV), ("LAIV4", LAIV), ("Q/LAIV", LAIV), ("FluMist Quadrivalent", LAIV),
    ("Fluenz Tetra", LAIV), ("live attenuated influenza vaccine", LAIV),
    ("Influenza Vaccine Live, Intranasal", LAIV), ("nasal flu", LAIV),
    ("flu nasal spray", LAIV), ("intranasal influenza vaccine", LAIV), ("live flu vaccine", LAIV),
    # yellow fever
    ("yellow fever", "yellow fever"), ("YF-Vax", "yellow fever"), ("YF", "yellow fever"),
    ("Stamaril", "yellow fever"), ("17D", "yellow fever"),
    # polio: the oral vaccine only
    ("OPV", OPV), ("bOPV", OPV), ("tOPV", OPV), ("mOPV2", OPV), ("nOPV2", OPV),
    ("oral polio", OPV), ("oral poliovirus vaccine", OPV), ("polio (oral)", OPV),
    ("Sabin", OPV), ("IPV then OPV", OPV),
    # typhoid: the oral Ty21a vaccine only
    ("Ty21a", TY21A), ("Vivotif", TY21A), ("oral typhoid", TY21A), ("typhoid (oral)", TY21A),
    ("typhoid vaccine live oral", TY21A), ("live typhoid", TY21A),
    # cholera: the live oral vaccine only
    ("Vaxchora", CHOLERA), ("CVD 103-HgR", CHOLERA), ("live oral cholera", CHOLERA),
    ("cholera vaccine, live, oral", CHOLERA),
    # dengue: every licensed dengue vaccine is live
    ("dengue", "dengue"), ("Dengvaxia", "dengue"), ("Qdenga", "dengue"),
    ("CYD-TDV", "dengue"), ("TAK-003", "dengue"), ("Butantan-DV", "dengue"),
    # Japanese encephalitis: the live vaccines only
    ("Imojev", JE), ("SA14-14-2", JE), ("SA 14-14-2", JE), ("CD.JEVAX", JE),
    ("live Japanese encephalitis", JE), ("JE vaccine live", JE),
    # chikungunya: the live vaccine only
    ("Ixchiq", CHIK), ("VLA1553", CHIK), ("live chikungunya", CHIK),
    # smallpox: the replicating vaccinia vaccines
    ("ACAM2000", SMALLPOX), ("smallpox", SMALLPOX), ("vaccinia", SMALLPOX),
    ("Dryvax", SMALLPOX), ("LC16m8", SMALLPOX), ("Smallpox and Mpox Vaccine, Live", SMALLPOX),
    # adenovirus (military, live oral) and Ebola (rVSV)
    ("adenovirus type 4 and type 7", ADENO), ("Adenovirus Type 4 and Type 7 Vaccine, Live, "
                                              "Oral", ADENO), ("live adenovirus", ADENO),
    ("Ervebo", EBOLA), ("rVSV-ZEBOV", EBOLA), ("rVSVΔG-ZEBOV-GP", EBOLA),
    # a name that says only that it was live
    ("live attenuated vaccine", "a live vaccine (unnamed)"),
    ("live oral vaccine", "a live vaccine (unnamed)"),
]

NOT_LIVE = [
    # influenza: inactivated and recombinant, and names that leave it open
    "influenza", "flu", "flu shot", "influenza (inactivated)", "inactivated influenza",
    "IIV4", "RIV4", "Fluad", "Flublok", "Fluarix Tetra", "Flucelvax", "Fluzone High-Dose",
    "Afluria", "non-live influenza", "influenza, not live",
    # zoster: recombinant, and "zoster" alone
    "zoster", "herpes zoster", "Shingrix", "recombinant zoster", "RZV", "zoster (not live)",
    "non-live zoster",
    # polio: inactivated, and "polio" alone
    "IPV", "polio", "inactivated polio", "Sabin IPV", "sIPV", "IPOL", "Imovax Polio",
    "Poliorix", "DTaP-IPV-Hib-HepB",
    # typhoid: Vi polysaccharide and conjugate, and "typhoid" alone
    "typhoid", "Typhim Vi", "Vi polysaccharide typhoid", "injectable typhoid",
    "Typbar-TCV", "typhoid conjugate",
    # cholera: inactivated oral vaccines, and "cholera" alone
    "cholera", "Dukoral", "Shanchol", "Euvichol", "oral cholera",
    # Japanese encephalitis: inactivated
    "Japanese encephalitis", "Ixiaro", "JE-VAX", "Japanese encephalitis (inactivated)",
    # chikungunya: virus-like particle, and "chikungunya" alone
    "chikungunya", "Vimkunya",
    # smallpox and mpox: MVA-BN does not replicate
    "JYNNEOS", "Imvanex", "Imvamune", "mpox", "smallpox (MVA-BN)",
    "modified vaccinia Ankara", "smallpox, non-replicating", "non-replicating live vaccine",
    # adenovirus-vectored and Ebola Ad26/MVA vaccines do not replicate
    "COVID-19 (ChAdOx1 adenovirus vector)", "Ad26.ZEBOV", "Zabdeno", "Mvabea",
    # immune globulins are antibodies, not vaccines
    "VariZIG", "varicella zoster immune globulin", "measles immune globulin",
    # other inactivated, subunit, toxoid, conjugate and mRNA vaccines
    "hepatitis A", "Havrix", "hepatitis B", "Engerix-B", "Twinrix", "Hib", "DTaP", "Tdap",
    "Boostrix", "Infanrix hexa", "HPV", "Gardasil 9", "PCV20", "Prevnar 20", "PPSV23",
    "MenACWY", "Bexsero", "MenB", "rabies", "Imovax Rabies", "tick-borne encephalitis",
    "TicoVac", "RSV", "Arexvy", "COVID-19 mRNA", "Comirnaty", "Spikevax", "anthrax", "",
    "vaccine", "not live vaccine",
]


@pytest.mark.parametrize(("name", "canonical"), LIVE, ids=[name for name, _ in LIVE])
def test_a_live_vaccine_is_named(name: str, canonical: str) -> None:
    assert live_vaccine(name) == canonical


@pytest.mark.parametrize("name", NOT_LIVE)
def test_a_look_alike_that_is_not_live_is_not_named(name: str) -> None:
    assert live_vaccine(name) is None


def test_every_entry_of_the_table_is_tested() -> None:
    assert {canonical for canonical, _ in LIVE_VACCINES} == {canonical for _, canonical in LIVE}


@pytest.mark.parametrize("name", ["mmr", "MMR", "  MMR  ", "M M R", "m-m-r", "M.M.R.",
                                  "MMR (2nd dose)", "dose 2: MMR", "MMR\tbooster"])
def test_case_spacing_and_punctuation_do_not_matter(name: str) -> None:
    assert live_vaccine(name) == MMR


@pytest.mark.parametrize(("name", "inside"), [
    ("influenza", "fluenz"), ("covariant", "var"), ("bcgx", "bcg"), ("hammrr", "mmr"),
    ("variola-free", "var"), ("flumisty", "flumist"), ("topvax", "opv"), ("ladengue", "dengue"),
    ("yfactor", "yf"), ("mrna", "mr"), ("laivx", "laiv"),
])
def test_no_false_hits_inside_other_words(name: str, inside: str) -> None:
    assert inside in name.replace("-", "").lower()
    assert live_vaccine(name) is None


def test_a_name_listing_several_vaccines_names_the_live_one() -> None:
    assert live_vaccine("DTaP-IPV and MMR") == MMR
    assert live_vaccine("Shingrix; Varivax") == "varicella"
    assert live_vaccine("influenza (inactivated), yellow fever") == "yellow fever"


def test_an_always_live_vaccine_stays_live_whatever_else_the_name_says() -> None:
    # Every MMR vaccine is live: a name that calls it inactivated is a contradiction the
    # patient file's checks must see, not a reason to stop calling it live.
    assert live_vaccine("MMR (inactivated)") == MMR
    assert live_vaccine("rotavirus, not live") == "rotavirus"
