"""Messages in English and Norwegian (bokmål; nynorsk readers get bokmål).

Every user-facing message has a code; the model stores codes and arguments, and the
text is chosen here, at the edge, in the reader's language (``--lang``, ``RUNNER_LANG``,
else ``LANG``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

# code: (english, norwegian, english hint, norwegian hint)
CATALOG: dict[str, tuple[str, str, str | None, str | None]] = {
    # -- reading files
    "invalid-utf8": (
        "not valid UTF-8: byte {byte} at offset {offset}",
        "ikke gyldig UTF-8: byte {byte} ved posisjon {offset}",
        "save the file as UTF-8 (iconv -f latin1 -t utf-8 FILE)",
        "lagre fila som UTF-8 (iconv -f latin1 -t utf-8 FIL)",
    ),
    "file-not-found": (
        "no such file or directory",
        "fila eller mappa finnes ikke",
        None,
        None,
    ),
    "unreadable": ("cannot read the file: {reason}", "kan ikke lese fila: {reason}", None, None),
    "not-a-runbook": (
        "not a runbook file (expected .md, .markdown, .yml or .yaml)",
        "ikke en runbook-fil (forventet .md, .markdown, .yml eller .yaml)",
        None,
        None,
    ),
    "unknown-runbook": (
        "no runbook, runbook id or alert named {name!r}",
        "ingen runbook, runbook-id eller alarm heter {name!r}",
        "see `runner list` for the runbooks and their ids",
        "se `runner list` for runbooks og id-ene deres",
    ),
    "ambiguous-alert": (
        "alert {name!r} is handled by several runbooks: {ids}",
        "alarmen {name!r} håndteres av flere runbooks: {ids}",
        "name the runbook by its id or path",
        "oppgi runbooken med id eller sti",
    ),
    # -- front matter and header
    "front-matter-yaml": (
        "front matter is not valid YAML: {reason}",
        "front matter er ikke gyldig YAML: {reason}",
        "template values ({{{{ ... }}}}) must be quoted; the page body was still read",
        "malverdier ({{{{ ... }}}}) må stå i anførselstegn; resten av siden ble lest",
    ),
    "front-matter-toml": (
        "front matter is not valid TOML: {reason}",
        "front matter er ikke gyldig TOML: {reason}",
        None,
        None,
    ),
    "front-matter-unclosed": (
        "front matter opened with {marker!r} is never closed",
        "front matter åpnet med {marker!r} lukkes aldri",
        "end the front matter with a line {marker!r}",
        "avslutt front matter med en linje {marker!r}",
    ),
    "front-matter-not-mapping": (
        "front matter must be a mapping of keys to values",
        "front matter må være nøkler med verdier",
        None,
        None,
    ),
    "unknown-key": (
        "unknown key {key!r}",
        "ukjent nøkkel {key!r}",
        "known keys: {known}",
        "kjente nøkler: {known}",
    ),
    "bad-value": (
        "{key}: {reason}",
        "{key}: {reason}",
        None,
        None,
    ),
    "bad-duration": (
        "{key}: {value!r} is not a duration",
        "{key}: {value!r} er ikke en varighet",
        "write e.g. 90s, 15m, 2h, 90d or 1h30m",
        "skriv f.eks. 90s, 15m, 2h, 90d eller 1h30m",
    ),
    "bad-lang": (
        "lang: {value!r} is not a supported language",
        "lang: {value!r} er ikke et støttet språk",
        "use nb, nn or en",
        "bruk nb, nn eller en",
    ),
    "missing-title": (
        "the runbook has no title",
        "runbooken har ingen tittel",
        "add a '# Heading' or 'title:' in the front matter",
        "legg til en '# Overskrift' eller 'title:' i front matter",
    ),
    "missing-owner": (
        "no owner: who keeps this runbook true?",
        "mangler owner: hvem holder denne runbooken oppdatert?",
        "add 'owner: \"@team\"' to the front matter",
        "legg til 'owner: \"@team\"' i front matter",
    ),
    "missing-lang": (
        "no lang declared (read as {guess!r})",
        "lang er ikke oppgitt (tolket som {guess!r})",
        "add 'lang: {guess}' to the front matter",
        "legg til 'lang: {guess}' i front matter",
    ),
    "stale-review": (
        "last reviewed {last_reviewed}, {age} days ago (review every {every} days)",
        "sist gjennomgått {last_reviewed}, for {age} dager siden "
        "(skal gjennomgås hver {every}. dag)",
        "walk through the runbook, then update last_reviewed",
        "gå gjennom runbooken og oppdater last_reviewed",
    ),
    "never-reviewed": (
        "no last_reviewed date: nobody can tell whether this runbook is still true",
        "mangler last_reviewed: ingen kan se om runbooken fortsatt stemmer",
        "add 'last_reviewed: YYYY-MM-DD' after checking it",
        "legg til 'last_reviewed: ÅÅÅÅ-MM-DD' etter at du har sjekket den",
    ),
    # -- fences and steps
    "unclosed-fence": (
        "code fence {marker!r} is never closed: the rest of the file reads as code",
        "kodeblokken {marker!r} lukkes aldri: resten av fila leses som kode",
        "close it with a line {marker!r}",
        "lukk den med en linje {marker!r}",
    ),
    "fence-language-typo": (
        "code block language {lang!r} is not run; did you mean {suggestion!r}?",
        "kodeblokk-språket {lang!r} kjøres ikke; mente du {suggestion!r}?",
        None,
        None,
    ),
    "unknown-attribute": (
        "unknown attribute {key!r}",
        "ukjent attributt {key!r}",
        "known attributes: {known}",
        "kjente attributter: {known}",
    ),
    "bad-attributes": (
        "cannot read block attributes {text!r}: {reason}",
        "kan ikke lese blokk-attributtene {text!r}: {reason}",
        "write them as {{#id key=value flag}}",
        "skriv dem som {{#id nøkkel=verdi flagg}}",
    ),
    "non-canonical-attributes": (
        "attributes {text!r} are accepted; the canonical form is {canonical!r}",
        "attributtene {text!r} godtas; standardformen er {canonical!r}",
        None,
        None,
    ),
    "duplicate-step-id": (
        "step id {id!r} is used again (first at line {first_line})",
        "steg-id {id!r} brukes igjen (først på linje {first_line})",
        "give each step a unique {{#id}}",
        "gi hvert steg en unik {{#id}}",
    ),
    "unknown-step-ref": (
        "{key}={target!r}: no step has that id",
        "{key}={target!r}: ingen steg har den id-en",
        "known step ids: {known}",
        "kjente steg-id-er: {known}",
    ),
    "step-loop": (
        "the steps form a loop: {cycle}",
        "stegene danner en løkke: {cycle}",
        "a runbook must always move forward; use on-failure=escalate instead",
        "en runbook må alltid gå framover; bruk on-failure=escalate i stedet",
    ),
    "no-steps": (
        "no executable step: nothing here can be run",
        "ingen kjørbare steg: ingenting her kan kjøres",
        "put commands in ```bash, ```python or ```console blocks",
        "legg kommandoer i ```bash-, ```python- eller ```console-blokker",
    ),
    "invisible-characters": (
        "invisible characters (non-breaking or zero-width spaces) in a command",
        "usynlige tegn (hardt mellomrom eller nullbredde) i en kommando",
        "they are replaced when the step runs; retype the spaces to be sure",
        "de byttes ut når steget kjøres; skriv mellomrommene på nytt",
    ),
    "placeholder": (
        "placeholder {text!r} will be asked for as parameter {name}",
        "plassholderen {text!r} blir spurt om som parameter {name}",
        "declare it under params: with a description",
        "deklarer den under params: med en beskrivelse",
    ),
    # -- code checks
    "bash-syntax": ("bash syntax error: {reason}", "syntaksfeil i bash: {reason}", None, None),
    "shellcheck": ("shellcheck {sc}: {reason}", "shellcheck {sc}: {reason}", None, None),
    "python-syntax": (
        "Python syntax error: {reason}",
        "syntaksfeil i Python: {reason}",
        None,
        None,
    ),
    "python-undefined-name": (
        "undefined name {name!r}: the step fails with NameError",
        "udefinert navn {name!r}: steget feiler med NameError",
        "import or define it in the same step (each Python step runs on its own)",
        "importer eller definer det i samme steg (hvert Python-steg kjøres for seg)",
    ),
    "python-does-nothing": (
        "the step only defines functions or classes: running it does nothing",
        "steget definerer bare funksjoner eller klasser: å kjøre det gjør ingenting",
        "call the function at the end of the step",
        "kall funksjonen på slutten av steget",
    ),
    "undeclared-variable": (
        "variable {name!r} is never declared as a param or set by an earlier step",
        "variabelen {name!r} er verken deklarert som param eller satt i et tidligere steg",
        "declare it under params: (with a default or description)",
        "deklarer den under params: (med standardverdi eller beskrivelse)",
    ),
    "destructive-without-confirm": (
        "destructive command ({what}) in a step without confirm",
        "destruktiv kommando ({what}) i et steg uten confirm",
        "mark the block {{#id confirm}} or {{destructive}} so it always asks first",
        "merk blokken {{#id confirm}} eller {{destructive}} slik at den alltid spør først",
    ),
    "mojibake": (
        "garbled text (UTF-8 read as {encoding}): {changes}",
        "ødelagt tekst (UTF-8 lest som {encoding}): {changes}",
        "run `runner lint --fix` to repair it",
        "kjør `runner lint --fix` for å reparere",
    ),
    "fixed": ("fixed: {what}", "rettet: {what}", None, None),
    "kube-access-undeclared": (
        "`{command}` needs {entry}, which requires.access does not declare",
        "`{command}` trenger {entry}, som requires.access ikke deklarerer",
        "add it under requires.access so `runner check` can verify it before an incident",
        "legg det til under requires.access så `runner check` kan sjekke det på forhånd",
    ),
    "kube-step": (
        "Kubernetes step: {reason}",
        "Kubernetes-steg: {reason}",
        "see “Kubernetes steps” in docs/writing-runbooks.md for the actions and their fields",
        "se «Kubernetes steps» i docs/writing-runbooks.md for handlingene og feltene",
    ),
    # -- YAML runbooks
    "yaml-syntax": ("not valid YAML: {reason}", "ikke gyldig YAML: {reason}", None, None),
    "yaml-not-runbook": (
        "a YAML runbook needs a mapping with 'name' and 'steps'",
        "en YAML-runbook trenger 'name' og 'steps'",
        None,
        None,
    ),
    "yaml-step-commands": (
        "step {name!r} has no commands",
        "steget {name!r} har ingen kommandoer",
        "add 'commands:' with one command per item",
        "legg til 'commands:' med én kommando per element",
    ),
    "escalation-order": (
        "escalation levels should rise in order (level {level} after level {previous})",
        "eskaleringsnivåer bør stige i rekkefølge (nivå {level} etter nivå {previous})",
        None,
        None,
    ),
    "did-you-mean": (" (did you mean {suggestion!r}?)", " (mente du {suggestion!r}?)", None, None),
    # -- exec
    "invalid-runbook": (
        "the runbook cannot run: {reason}",
        "runbooken kan ikke kjøres: {reason}",
        "fix it first: `runner lint` lists every problem",
        "rett den først: `runner lint` viser alle problemene",
    ),
    "unknown-step": (
        "no step has the id {id!r}",
        "ingen steg har id-en {id!r}",
        "step ids: {known}",
        "steg-id-er: {known}",
    ),
    "no-terminal": (
        "no terminal to ask on: run with --yes to run the steps without asking",
        "ingen terminal å spørre på: bruk --yes for å kjøre stegene uten å spørre",
        "steps marked confirm or destructive still stop a run without a terminal",
        "steg merket confirm eller destructive stopper fortsatt en kjøring uten terminal",
    ),
    "missing-interpreter": (
        "step {step} needs {tool}, which is not installed",
        "steget {step} trenger {tool}, som ikke er installert",
        None,
        None,
    ),
    "kube-error": (
        "Kubernetes: {reason}",
        "Kubernetes: {reason}",
        "`runner check RUNBOOK` shows the context and access this runbook needs",
        "`runner check RUNBOOK` viser konteksten og tilgangen runbooken trenger",
    ),
    "job-needs-confirmation": (
        "step {id} needs confirmation, which a Job cannot ask for",
        "steg {id} må bekreftes, og en Job kan ikke spørre",
        "run this runbook locally, or drop the step's confirm/destructive mark if it is safe",
        "kjør runbooken lokalt, eller fjern confirm/destructive hvis steget er trygt",
    ),
    "prerequisites-failed": (
        "prerequisites not met: {failed}",
        "forutsetningene er ikke oppfylt: {failed}",
        "`runner check` shows the checklist; --no-check starts anyway",
        "`runner check` viser sjekklisten; --no-check starter likevel",
    ),
    "missing-param": (
        "parameter {name} has no value and there is no terminal to ask on",
        "parameteren {name} har ingen verdi, og det er ingen terminal å spørre på",
        "pass it: --param {name}=VALUE",
        "oppgi den: --param {name}=VERDI",
    ),
    "bad-choice": (
        "parameter {name}: {value!r} is not one of {choices}",
        "parameteren {name}: {value!r} er ikke en av {choices}",
        None,
        None,
    ),
    "bad-param-syntax": (
        "--param {item!r}: expected NAME=VALUE",
        "--param {item!r}: forventet NAVN=VERDI",
        None,
        None,
    ),
    "store-postgres-missing": (
        "a postgresql:// store needs psycopg, which is not installed",
        "en postgresql://-lagring trenger psycopg, som ikke er installert",
        "pip install 'executable-runbooks[postgres]'",
        "pip install 'executable-runbooks[postgres]'",
    ),
    "bad-duration-option": (
        "{value!r} is not a duration",
        "{value!r} er ikke en varighet",
        "write e.g. 90s, 15m or 1h",
        "skriv f.eks. 90s, 15m eller 1h",
    ),
    # -- alerts
    "bad-test-case": (
        "invalid test case: {reason}",
        "ugyldig testtilfelle: {reason}",
        None,
        None,
    ),
    "serve-needs-token": (
        "runner serve needs a bearer token: --token or RUNNER_WEBHOOK_TOKEN",
        "runner serve trenger et bearer-token: --token eller RUNNER_WEBHOOK_TOKEN",
        "Alertmanager sends it with http_config.authorization.credentials",
        "Alertmanager sender det med http_config.authorization.credentials",
    ),
    "bad-payload": (
        "not an Alertmanager webhook payload: {reason}",
        "ikke en Alertmanager-webhook: {reason}",
        None,
        None,
    ),
    "alert-without-runbook": (
        "alert {alert!r} has no runbook: no runbook names it in alerts: or triggers",
        "alarmen {alert!r} har ingen runbook: ingen runbook nevner den i alerts: eller triggers",
        "write one, or add the alert to the runbook that handles it",
        "skriv en, eller legg alarmen til i runbooken som håndterer den",
    ),
    "runbook-url-missing": (
        "alert {alert!r} has no runbook_url annotation",
        "alarmen {alert!r} mangler runbook_url-annotasjonen",
        "add runbook_url: {template} (runner alerts annotate does it)",
        "legg til runbook_url: {template} (runner alerts annotate gjør det)",
    ),
    "runbook-url-broken": (
        "runbook_url {url!r} points to {page!r}, which is no page of the site",
        "runbook_url {url!r} peker til {page!r}, som ikke er en side på nettstedet",
        None,
        None,
    ),
    "runbook-url-outside": (
        "runbook_url {url!r} is not under {base}",
        "runbook_url {url!r} ligger ikke under {base}",
        None,
        None,
    ),
    "runbook-url-other": (
        "runbook_url {url!r} leads to a runbook that does not name alert {alert!r}",
        "runbook_url {url!r} fører til en runbook som ikke nevner alarmen {alert!r}",
        None,
        None,
    ),
    "runbook-url-templated": (
        "runbook_url {url!r} has templates in its path: cannot check it",
        "runbook_url {url!r} har maler i stien: kan ikke sjekkes",
        None,
        None,
    ),
    "runbook-alert-unknown": (
        "runbook {runbook} names alert {alert!r}, which no rule defines",
        "runbooken {runbook} nevner alarmen {alert!r}, som ingen regel definerer",
        "fix the name, or remove it if the alert is gone",
        "rett navnet, eller fjern det hvis alarmen er borte",
    ),
    # -- CLI
    "summary": (
        "{errors} error(s), {warnings} warning(s) in {files} file(s)",
        "{errors} feil, {warnings} advarsel(er) i {files} fil(er)",
        None,
        None,
    ),
    "no-runbooks": ("no runbooks found", "fant ingen runbooks", None, None),
}


def current_lang(explicit: str | None = None) -> str:
    """The message language: --lang, RUNNER_LANG, then LANG/LC_ALL; 'nb' or 'en'."""
    for value in (
        explicit,
        os.environ.get("RUNNER_LANG"),
        os.environ.get("LC_ALL"),
        os.environ.get("LANG"),
    ):
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            if code in {"nb", "nn", "no"}:
                return "nb"
            if code not in {"c", "posix"}:
                return "en"
    return "en"


def _pick(code: str, lang: str) -> tuple[str, str | None]:
    entry = CATALOG.get(code)
    if entry is None:
        return code, None
    en, nb, hint_en, hint_nb = entry
    if lang in {"nb", "nn", "no"}:
        return nb, hint_nb
    return en, hint_en


def message(code: str, lang: str = "en", /, **args: Any) -> str:
    text, _ = _pick(code, lang)
    try:
        out = text.format(**args)
    except (KeyError, IndexError, ValueError):
        out = f"{text} {args}" if args else text
    suggestion = args.get("suggestion")
    if suggestion and "{suggestion" not in text:
        out += _pick("did-you-mean", lang)[0].format(suggestion=suggestion)
    return out


def hint(code: str, lang: str = "en", /, **args: Any) -> str | None:
    _, text = _pick(code, lang)
    if text is None:
        return None
    try:
        return text.format(**args)
    except (KeyError, IndexError, ValueError):
        return text


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest candidate to a misspelt word, if any is close enough."""
    import difflib

    close = difflib.get_close_matches(word.lower(), sorted(candidates), n=1, cutoff=cutoff)
    return close[0] if close else None


# Words and sentences of the human output (tables, prompts, results): (english, norwegian)
LABELS: dict[str, tuple[str, str]] = {
    "id": ("id", "id"),
    "title": ("title", "tittel"),
    "lang": ("lang", "språk"),
    "owner": ("owner", "eier"),
    "service": ("service", "tjeneste"),
    "alerts": ("alerts", "alarmer"),
    "steps": ("steps", "steg"),
    "path": ("path", "sti"),
    "params": ("params", "parametere"),
    "escalation": ("escalation", "eskalering"),
    "run": ("run", "kjør"),
    "not_run": ("shown, not run (run=false)", "vises, kjøres ikke (run=false)"),
    "condition": ("only if", "bare hvis"),
    "on_failure": ("on failure", "ved feil"),
    "secret": ("secret", "hemmelig"),
    "required": ("required", "påkrevd"),
    "default": ("default", "standard"),
    "after": ("after", "etter"),
    "runbooks": ("runbooks", "runbooks"),
    "not_runbooks": ("{n} page(s) without steps not listed", "{n} side(r) uten steg vises ikke"),
    "errors_in": ("could not read", "kunne ikke lese"),
    "ask_step": (
        "[r]un, [s]kip, [q]uit, [e]scalate",
        "[r] kjør, [s] hopp over, [q] avslutt, [e] eskaler",
    ),
    "ask_confirm": (
        "This step changes things. Type 'run' to run it, or s/q/e",
        "Dette steget endrer noe. Skriv 'run' for å kjøre, eller s/q/e",
    ),
    "ask_failure": (
        "[r]etry, [c]ontinue, [q]uit, [e]scalate",
        "[r] prøv igjen, [c] fortsett, [q] avslutt, [e] eskaler",
    ),
    "ask_condition": ("Is this true: {text}?", "Stemmer dette: {text}?"),
    "ask_param": ("Value for {name}", "Verdi for {name}"),
    "succeeded": ("succeeded", "lyktes"),
    "failed": ("failed", "feilet"),
    "skipped": ("skipped", "hoppet over"),
    "timed_out": ("timed out", "tidsavbrudd"),
    "interrupted": ("interrupted", "avbrutt"),
    "still_running": ("still running… {s:.0f}s", "kjører fortsatt… {s:.0f}s"),
    "escalate_to": (
        "ESCALATE to {contact} (level {level})",
        "ESKALER til {contact} (nivå {level})",
    ),
    "run_done": (
        "Run {outcome} (exit {code}) in {s:.1f}s — run id {run_id}",
        "Kjøringen {outcome} (exit {code}) på {s:.1f}s — kjørings-id {run_id}",
    ),
    "condition_false": ("condition not met: {text}", "betingelsen er ikke oppfylt: {text}"),
    "condition_unconfirmed": (
        "cannot ask '{text}' without a terminal: step skipped",
        "kan ikke spørre '{text}' uten terminal: steget hoppes over",
    ),
    "not_runnable": ("shown only (run=false)", "vises bare (run=false)"),
    "parameters": ("Parameters", "Parametere"),
    "plan": (
        "Plan (dry run: no shell or Python step is run)",
        "Plan (tørrkjøring: ingen skall- eller Python-steg kjøres)",
    ),
    "simulation": (
        "Simulation of the Kubernetes steps: reads run for real, writes go to the API "
        "server with dryRun=All (validated and authorised, nothing changes)",
        "Simulering av Kubernetes-stegene: lesing kjøres, endringer sendes til API-serveren "
        "med dryRun=All (validert og autorisert, ingenting endres)",
    ),
    "simulate_read": ("{id}: read (changes nothing)", "{id}: lesing (endrer ingenting)"),
    "simulate_write": ("{id}: server-side dry run", "{id}: tørrkjøring på serveren"),
    "simulate_failed": (
        "{id}: the simulation failed (exit {code}): the real run would fail too",
        "{id}: simuleringen feilet (exit {code}): den ekte kjøringen ville også feilet",
    ),
    "not_simulated": ("Not simulated:", "Ikke simulert:"),
    "not_simulated_exec": (
        "it runs a command inside a container, which the API cannot dry-run",
        "den kjører en kommando i en container, som API-et ikke kan tørrkjøre",
    ),
    "not_simulated_rollout-status": (
        "it waits for a rollout that a dry run does not start",
        "den venter på en utrulling som en tørrkjøring ikke starter",
    ),
    "not_simulated_shell": (
        "a {lang} step: shown above, not run",
        "et {lang}-steg: vist over, ikke kjørt",
    ),
    "recording_off": ("telemetry not recorded: {reason}", "telemetri lagres ikke: {reason}"),
    "notifier_failed": (
        "escalation notifier failed: {reason}",
        "varsling om eskalering feilet: {reason}",
    ),
    "stats_runbook": ("runbook", "runbook"),
    "stats_runs": ("runs", "kjøringer"),
    "stats_per_week": ("/week", "/uke"),
    "stats_success": ("success", "suksess"),
    "stats_escalation": ("escalated", "eskalert"),
    "stats_p50": ("p50", "p50"),
    "stats_p95": ("p95", "p95"),
    "stats_max": ("max", "maks"),
    "stats_last_run": ("last run", "sist kjørt"),
    "stats_failing_step": ("fails most", "feiler oftest"),
    "stats_trend": ("trend", "trend"),
    "stats_total": ("(all)", "(alle)"),
    "stats_footnote": (
        "since {since}; rates count finished runs only ({abandoned} abandoned and {running}"
        " still running are left out)",
        "siden {since}; ratene teller bare fullførte kjøringer ({abandoned} forlatt og"
        " {running} som fortsatt kjører er holdt utenfor)",
    ),
    "history_run_id": ("run", "kjøring"),
    "history_when": ("started", "startet"),
    "history_who": ("who", "hvem"),
    "history_runbook": ("runbook", "runbook"),
    "history_outcome": ("outcome", "utfall"),
    "history_duration": ("took", "varighet"),
    "history_params": ("params", "parametere"),
    "site_unused": ("not run in the last {days} days", "ikke kjørt de siste {days} dagene"),
    "site_used": ("used {runs} times in {days} days", "brukt {runs} ganger på {days} dager"),
    "site_success": ("{pct} % success", "{pct} % vellykket"),
    "site_median": ("median {duration}", "median {duration}"),
    "site_severity": ("severity", "alvorlighet"),
    "site_last_reviewed": ("last reviewed", "sist gjennomgått"),
    "site_usage": ("usage", "bruk"),
    "site_stale_title": ("This runbook may be out of date", "Denne runbooken kan være utdatert"),
    "site_stale": (
        "Last reviewed {date}, {age} days ago; it should be reviewed every {every} days.",
        "Sist gjennomgått {date}, for {age} dager siden; den skal gjennomgås hver {every}. dag.",
    ),
    "site_unreviewed_title": ("Never reviewed", "Aldri gjennomgått"),
    "site_unreviewed": (
        "Nobody has recorded when this runbook was last checked (last_reviewed).",
        "Ingen har registrert når denne runbooken sist ble sjekket (last_reviewed).",
    ),
    "site_flow": ("Decision flow", "Beslutningsflyt"),
    "site_steps": ("Steps", "Steg"),
    "site_triggers": ("Triggers", "Utløsere"),
    "site_escalation_level": ("level", "nivå"),
    "site_contact": ("contact", "kontakt"),
    "site_after": ("after", "etter"),
    "site_alert_title": ("Alert {alert}", "Alarm {alert}"),
    "site_alert_several": (
        "Several runbooks handle this alert:",
        "Flere runbooks håndterer denne alarmen:",
    ),
    "site_alert_forward": ("Opening the runbook for {alert}…", "Åpner runbooken for {alert}…"),
    "site_catalogue": ("Runbook catalogue", "Runbook-katalog"),
    "site_filter": ("Filter runbooks…", "Filtrer runbooks…"),
    "site_stats": ("Runbook statistics", "Runbook-statistikk"),
    "site_no_stats": ("No runs recorded yet.", "Ingen kjøringer registrert ennå."),
    "site_fresh": ("fresh", "oppdatert"),
    "site_last_tested": ("last tested", "sist testet"),
    "site_feedback": ("feedback", "tilbakemeldinger"),
    "site_last_exercised": ("last exercised", "sist øvd"),
    "site_never": ("never", "aldri"),
    "site_health": ("health", "helse"),
    "site_healthy": ("healthy", "frisk"),
    "site_attention": ("needs attention", "trenger tilsyn"),
    "site_health_title": ("Runbook health", "Runbook-helse"),
    "site_all_healthy": (
        "Every runbook is reviewed, tested and exercised.",
        "Alle runbooks er gjennomgått, testet og øvd.",
    ),
    "site_overdue": ("overdue", "forfalt"),
    "site_unknown": ("never reviewed", "aldri gjennomgått"),
    "ask_resolved": (
        "Did this runbook resolve it? [y/n, Enter skips]",
        "Løste runbooken problemet? [j/n, Enter hopper over]",
    ),
    "ask_missing": (
        "What was missing or wrong in it? (Enter skips)",
        "Hva manglet eller var feil? (Enter hopper over)",
    ),
    "needs_confirmation": (
        "step {id} needs confirmation ({why}): run it on a terminal",
        "steget {id} må bekreftes ({why}): kjør det på en terminal",
    ),
}


def label(key: str, lang: str, /, **args: Any) -> str:
    en, nb = LABELS[key]
    text = nb if lang in {"nb", "nn", "no"} else en
    return text.format(**args) if args else text
