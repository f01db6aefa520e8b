"""The live vaccine vocabulary: which recorded vaccine names denote a live vaccine.

A vaccine is live when the organism in it can replicate in the person vaccinated; in a child on
immunosuppression it can cause the disease it protects against, which is why the trials exclude
recent live vaccines. The table below is data: each entry is a canonical name and the patterns
(trade names, abbreviations, descriptions) that denote it, each with the look-alikes that do
not. A name matches when a pattern occurs in it as whole words, ignoring case, punctuation and
spacing ("M-M-R II", "mmr", "MMR" are one name; "fluenz" is not found inside "influenza").

A name that leaves open whether the vaccine was live ("influenza", "zoster", "polio",
"typhoid", "cholera", "Japanese encephalitis", "chikungunya") denotes no live vaccine here:
both kinds exist, so the patient file's ``live`` flag decides. A name that denotes a live
vaccine whatever else it says (every measles, mumps, rubella, varicella, rotavirus, BCG, yellow
fever and dengue vaccine is live) is live even beside words such as "inactivated".

Sources:

- CDC/ACIP, General Best Practice Guidelines for Immunization (Kroger A, Bahta L, Long S,
  Sanchez P), sections "Timing and Spacing of Immunobiologics" (live vaccines: MMR, MMRV,
  varicella, zoster live, LAIV, rotavirus, yellow fever, oral typhoid, live oral cholera, BCG,
  smallpox/vaccinia, adenovirus, OPV) and "Altered Immunocompetence" (updated 2023).
- CDC Yellow Book 2024, Table 5-08 "Vaccine-preventable diseases: viral" (Dengvaxia and Ervebo
  live-attenuated; Ixiaro inactivated), and the CDC guidelines for vaccinating pregnant persons
  (adenovirus, LAIV, MMR, varicella: live, contraindicated).
- US prescribing information: FluMist Quadrivalent (Influenza Vaccine Live, Intranasal);
  Zostavax (Zoster Vaccine Live) and Shingrix (Zoster Vaccine Recombinant, Adjuvanted);
  Varivax, ProQuad, M-M-R II; Rotarix, RotaTeq; YF-Vax; Vivotif (Typhoid Vaccine Live Oral
  Ty21a) and Typhim Vi (polysaccharide); Vaxchora (Cholera Vaccine, Live, Oral); ACAM2000
  (Smallpox and Mpox Vaccine, Live) and Jynneos (live, non-replicating MVA-BN, not contraindicated
  in immunocompromise); Ixchiq (Chikungunya Vaccine, Live); Ervebo (Ebola Zaire Vaccine, Live);
  Adenovirus Type 4 and Type 7 Vaccine, Live, Oral.
- EU/other labels: Fluenz Tetra (LAIV), Priorix, Priorix-Tetra, M-M-RvaxPro, Varilrix,
  Stamaril, Qdenga (dengue tetravalent vaccine, live), Imojev (Japanese encephalitis vaccine,
  live, chimeric), Dukoral (inactivated oral cholera).
- WHO position papers: polio (2022; bOPV, tOPV, mOPV, nOPV2 are live oral vaccines, IPV and
  Sabin-strain IPV are inactivated), Japanese encephalitis (2015; live attenuated SA14-14-2),
  BCG (2018), rotavirus (2021; Rotavac, Rotasiil).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Pattern:
    """Words that denote a live vaccine (a regular expression over the normalised name), and
    the words that, found in the same name, make it a look-alike that is not live."""

    words: str
    unless: str | None = None


# "live" or "live attenuated" as a qualifier, not negated ("non-live", "not live").
_LIVE = r"(?<!\bnon )(?<!\bnot )live(?: attenuated)?"
_GLOBULIN = r"immune globulin|immunoglobulin|ig"

LIVE_VACCINES: tuple[tuple[str, tuple[Pattern, ...]], ...] = (
    # Combinations first, so that the name given is the most specific one.
    ("MMRV (measles, mumps, rubella, varicella)", (
        Pattern(r"m ?m ?r ?v"), Pattern(r"proquad"), Pattern(r"priorix tetra"),
        Pattern(r"measles mumps (?:and )?rubella (?:and )?varicella"),
    )),
    ("MMR (measles, mumps, rubella)", (
        Pattern(r"m ?m ?r"), Pattern(r"m ?m ?r ?vax ?pro"), Pattern(r"priorix"),
        Pattern(r"trimovax"), Pattern(r"measles mumps (?:and )?rubella"),
    )),
    ("measles-rubella (MR)", (Pattern(r"mr"), Pattern(r"measles rubella"))),
    # Immune globulin given after exposure is an antibody, not a vaccine.
    ("measles", (Pattern(r"measles", unless=_GLOBULIN), Pattern(r"attenuvax"))),
    ("mumps", (Pattern(r"mumps"), Pattern(r"mumpsvax"))),
    ("rubella", (Pattern(r"rubella"), Pattern(r"meruvax"))),
    ("varicella", (
        Pattern(r"varicella|chicken ?pox", unless=rf"{_GLOBULIN}|varizig|vzig"),
        Pattern(r"varivax"), Pattern(r"varilrix"), Pattern(r"var"),
    )),
    # Zoster: only the live vaccine (ZVL); the recombinant one (RZV, Shingrix) is not live,
    # and "zoster" alone may be either.
    ("zoster vaccine live (Zostavax)", (
        Pattern(r"zostavax"), Pattern(r"zvl"),
        Pattern(rf"{_LIVE} (?:herpes )?zoster"),
        Pattern(r"zoster (?:vaccine )?live"),
    )),
    ("rotavirus", (
        Pattern(r"rota ?virus"), Pattern(r"rotarix"), Pattern(r"rota ?teq"),
        Pattern(r"rotavac"), Pattern(r"rotasiil"), Pattern(r"rv ?[15]"),
    )),
    ("BCG (bacille Calmette-Guérin)", (
        Pattern(r"bcg"), Pattern(r"bacill(?:e|us) calmette(?: gu[eé]rin)?"),
    )),
    # Influenza: only the live attenuated vaccine; "influenza" or "flu" alone may be either.
    ("influenza, live attenuated (LAIV)", (
        Pattern(r"q?laiv ?[34]?"), Pattern(r"flu ?mist"), Pattern(r"fluenz(?: tetra)?"),
        Pattern(rf"{_LIVE} (?:\w+ )?(?:influenza|flu)"),
        Pattern(r"(?:influenza|flu) (?:vaccine )?live"),
        # The only intranasal influenza vaccines are live ("nasal flu" in the UK schedule).
        Pattern(r"(?:intra ?)?nasal (?:spray )?(?:influenza|flu)|(?:influenza|flu) "
                r"(?:vaccine )?(?:intra ?)?nasal", unless=r"inactivated|recombinant"),
    )),
    ("yellow fever", (
        Pattern(r"yellow fever"), Pattern(r"yf ?vax"), Pattern(r"yf"), Pattern(r"stamaril"),
        Pattern(r"17 ?d"),
    )),
    # Polio: only the oral vaccine (Sabin strains); IPV, including Sabin-strain IPV, is not.
    ("oral polio (OPV)", (
        Pattern(r"[bmtn]? ?opv ?\d?"), Pattern(r"oral polio(?:myelitis|virus)?"),
        Pattern(r"polio(?:myelitis|virus)? (?:vaccine )?(?:live )?oral"),
        Pattern(r"sabin", unless=r"s? ?ipv|inactivated"),
    )),
    # Typhoid: only the oral Ty21a vaccine; Typhim Vi, Vi polysaccharide and Vi conjugate
    # vaccines are injected and not live.
    ("oral typhoid (Ty21a)", (
        Pattern(r"ty ?21 ?a"), Pattern(r"vivotif"), Pattern(r"oral typhoid"),
        Pattern(r"typhoid (?:vaccine )?(?:live )?oral"), Pattern(rf"{_LIVE} (?:oral )?typhoid"),
        Pattern(r"typhoid (?:vaccine )?live"),
    )),
    # Cholera: only the live oral vaccine (CVD 103-HgR); Dukoral, Shanchol and Euvichol are
    # oral too but inactivated, so "oral cholera" alone is not enough.
    ("cholera, live oral (Vaxchora)", (
        Pattern(r"vaxchora"), Pattern(r"cvd ?103(?: ?hgr)?"),
        Pattern(rf"{_LIVE} (?:oral )?cholera"), Pattern(r"cholera (?:vaccine )?(?:oral )?live"),
    )),
    ("dengue", (
        Pattern(r"dengue"), Pattern(r"dengvaxia"), Pattern(r"qdenga"), Pattern(r"cyd ?tdv"),
        Pattern(r"tak ?003"), Pattern(r"butantan dv"),
    )),
    # Japanese encephalitis: the live vaccines (SA14-14-2, chimeric Imojev); Ixiaro, JE-VAX
    # and the other cell-culture vaccines are inactivated.
    ("Japanese encephalitis, live", (
        Pattern(r"imojev"), Pattern(r"sa ?14 ?14 ?2"), Pattern(r"cd ?jevax"),
        Pattern(rf"{_LIVE} (?:chimeric )?(?:je|jev|japanese encephalitis)"),
        Pattern(r"(?:je|jev|japanese encephalitis) (?:vaccine )?(?:chimeric )?live"),
    )),
    # Chikungunya: only the live vaccine (Ixchiq, VLA1553); Vimkunya is a virus-like particle.
    ("chikungunya, live (Ixchiq)", (
        Pattern(r"ixchiq"), Pattern(r"vla ?1553"), Pattern(rf"{_LIVE} chikungunya"),
        Pattern(r"chikungunya (?:vaccine )?live"),
    )),
    # Smallpox: the replicating vaccinia vaccines (ACAM2000, Dryvax, LC16m8). MVA-BN (Jynneos,
    # Imvanex, Imvamune) is modified vaccinia that does not replicate in humans.
    ("smallpox (vaccinia, replicating)", (
        Pattern(r"acam ?2000"), Pattern(r"dryvax"), Pattern(r"lc ?16 ?m ?8"),
        Pattern(r"smallpox|vaccinia",
                unless=r"jynneos|imvanex|imvamune|mva|modified vaccinia|non ?replicating"),
    )),
    # The only adenovirus vaccine licensed as such is live and oral; adenovirus-vectored
    # vaccines (ChAdOx1, Ad26) do not replicate and are named otherwise.
    ("adenovirus types 4 and 7, live oral", (
        Pattern(r"adenovirus (?:types? )?4(?: (?:and )?7)?"),
        Pattern(rf"{_LIVE} (?:oral )?adenovirus"), Pattern(r"adenovirus (?:vaccine )?live"),
    )),
    ("Ebola Zaire, live (Ervebo)", (
        Pattern(r"ervebo"), Pattern(r"r ?vsv(?: ?delta ?g)?(?: ?zebov(?: ?gp)?)?"),
    )),
    # A name that says only that the vaccine was live.
    ("a live vaccine (unnamed)", (
        Pattern(rf"{_LIVE} (?:\w+ )?vaccine", unless=r"non ?replicating"),
    )),
)
"""Canonical name of each live vaccine, with the patterns that denote it."""


def _normalise(name: str) -> str:
    """Lower case, every run of characters other than letters and digits as one space."""
    return " ".join(re.split(r"[^0-9a-zà-ÿ]+", name.casefold())).strip()


def _compiled() -> tuple[tuple[str, tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...]],
                         ...]:
    return tuple(
        (canonical, tuple(
            (re.compile(rf"\b(?:{p.words})\b"),
             re.compile(rf"\b(?:{p.unless})\b") if p.unless is not None else None)
            for p in patterns))
        for canonical, patterns in LIVE_VACCINES)


_COMPILED = _compiled()


@lru_cache(maxsize=4096)
def live_vaccine(name: str) -> str | None:
    """The canonical name of the live vaccine a recorded vaccine name denotes, else None.

    None means the name does not by itself denote a live vaccine (an inactivated vaccine, or a
    name that leaves it open): the record's ``live`` flag then decides. (A clinic's records
    use a few dozen names: each is matched against the ~90 patterns once per process.)
    """
    text = _normalise(name)
    for canonical, patterns in _COMPILED:
        for words, unless in patterns:
            if words.search(text) and (unless is None or not unless.search(text)):
                return canonical
    return None
