"""Section headings we recognise, in English, bokmål and nynorsk."""

from __future__ import annotations

import re

from runner.model import SectionKind

_NAMES: dict[SectionKind, tuple[str, ...]] = {
    SectionKind.PREREQUISITES: (
        "prerequisites",
        "requirements",
        "before you begin",
        "before you start",
        "forutsetninger",
        "føresetnader",
        "krav",
        "før du starter",
        "før du begynner",
    ),
    SectionKind.STEPS: (
        "steps",
        "procedure",
        "instructions",
        "step by step",
        "step-by-step",
        "runbook",
        "steg",
        "fremgangsmåte",
        "framgangsmåte",
        "prosedyre",
        "steg for steg",
        "steg-for-steg",
        "instruksjoner",
    ),
    SectionKind.DIAGNOSIS: (
        "diagnosis",
        "diagnose",
        "troubleshooting",
        "investigation",
        "triage",
        "debugging",
        "feilsøking",
        "undersøkelse",
        "undersøking",
    ),
    SectionKind.MITIGATION: (
        "mitigation",
        "remediation",
        "resolution",
        "recovery",
        "tiltak",
        "utbedring",
        "løsning",
        "retting",
        "gjenoppretting",
    ),
    SectionKind.VERIFICATION: (
        "verification",
        "verify",
        "validation",
        "verifisering",
        "verifikasjon",
        "kontroll",
        "bekreftelse",
    ),
    SectionKind.ROLLBACK: (
        "rollback",
        "roll back",
        "revert",
        "tilbakerulling",
        "rull tilbake",
        "tilbakestilling",
    ),
    SectionKind.ESCALATION: ("escalation", "escalate", "eskalering", "eskaler", "eskalere"),
    SectionKind.IMPACT: ("impact", "konsekvens", "konsekvensar", "konsekvenser", "påvirkning"),
    SectionKind.MEANING: (
        "meaning",
        "description",
        "summary",
        "betydning",
        "beskrivelse",
        "bakgrunn",
        "background",
        "tyding",
    ),
    SectionKind.OVERVIEW: ("overview", "oversikt", "introduction", "innledning"),
}
_LOOKUP = {name: kind for kind, names in _NAMES.items() for name in names}
_NOISE = re.compile(r"^[\W\d_]+|[\W_]+$")
# "Rollback steps", "Steg for verifisering": a section name with a generic word around it
_GENERIC = re.compile(r"\s+(?:steps|procedure|steg|prosedyre)$|^(?:steg|steps) (?:for|to) ")


def section_kind(heading: str) -> SectionKind | None:
    """The kind of a whole heading such as '2. Verifisering:' or 'Rollback steps', else None.

    Only whole headings count: 'Check disk space' is a step title, not a section.
    """
    text = " ".join(_NOISE.sub("", heading.lower()).split())
    kind = _LOOKUP.get(text)
    if kind is None:
        kind = _LOOKUP.get(_GENERIC.sub("", text))
    return kind
