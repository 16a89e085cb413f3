"""Value types of the guide: sectors, outcomes, meeting kinds, Länder, and input checks."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from domain.errors import InconsistentInput, InvalidInput


class Coded(str, Enum):
    """An enum whose value is the lower-case ASCII code of API.md and whose label is German."""

    label: str

    def __new__(cls, code: str, label: str) -> Coded:
        obj: Coded = str.__new__(cls, code)
        obj._value_ = code
        obj.label = label
        return obj

    def __str__(self) -> str:
        return str(self.value)


E = TypeVar("E", bound=Coded)


def parse_code(kind: type[E], value: object, what: str) -> E:
    """The enum member for `value`, or a German error naming the allowed codes."""
    if isinstance(value, kind):
        return value
    try:
        return kind(value)  # type: ignore[call-arg, arg-type]  # lookup by value, not construction
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidInput(f"Unbekannter Wert für {what}: {value!r}. Erlaubt: {allowed}.") from None


class Sector(Coded):
    KOMMUNE = ("kommune", "Kommune")
    UNTERNEHMEN = ("unternehmen", "Unternehmen")
    KAMMER = ("kammer", "Kammer")
    GEWERKSCHAFT = ("gewerkschaft", "Gewerkschaft")
    ARBEITSAGENTUR = ("arbeitsagentur", "Arbeitsagentur")
    VERBAND = ("verband", "Verband")
    STIFTUNG = ("stiftung", "Stiftung")
    HOCHSCHULE = ("hochschule", "Hochschule")
    KRANKENHAUS = ("krankenhaus", "Krankenhaus")
    KIRCHE = ("kirche", "Kirche")
    KITA = ("kita", "Kita")
    GRUNDSCHULE = ("grundschule", "Grundschule")
    FREIER_TRAEGER = ("freier_traeger", "freier Träger der Kinder- und Jugendhilfe")
    SONSTIGE = ("sonstige", "Sonstige")


class Outcome(Coded):
    """How an Einzelgespräch ended."""

    INTERESTED = ("interested", "interessiert")
    ACTIVE_ROLE = ("active_role", "möchte aktiv mitwirken")
    NOT_INTERESTED = ("not_interested", "kein Interesse")
    UNDECIDED = ("undecided", "unentschieden")


class MeetingKind(Coded):
    TEAM = ("team", "Teamtreffen")
    PLANNING = ("planning", "Planungstreffen")
    FOUNDING = ("founding", "Gründungsveranstaltung")
    ALL_PARTNERS = ("all_partners", "Bündnistreffen")
    WORKING_GROUP = ("working_group", "Arbeitsgruppentreffen")
    STEERING_GROUP = ("steering_group", "Treffen der Steuerungsgruppe")


class CommitmentKind(Coded):
    GELD = ("geld", "Geld")
    PERSONAL = ("personal", "Personal")
    RAEUME = ("raeume", "Räume")
    BETREUUNGSPLAETZE = ("betreuungsplaetze", "Betreuungsplätze")
    FACHWISSEN = ("fachwissen", "Fachwissen")
    OEFFENTLICHKEITSARBEIT = ("oeffentlichkeitsarbeit", "Öffentlichkeitsarbeit")
    SACHLEISTUNG = ("sachleistung", "Sachleistung")
    SONSTIGES = ("sonstiges", "Sonstiges")


class CommitmentStatus(Coded):
    PLEDGED = ("pledged", "zugesagt")
    CONFIRMED = ("confirmed", "bestätigt")
    FULFILLED = ("fulfilled", "erfüllt")
    WITHDRAWN = ("withdrawn", "zurückgezogen")
    OVERDUE = ("overdue", "überfällig")


class Recurrence(Coded):
    YEARLY = ("yearly", "jährlich")


class AllianceStatus(Coded):
    ACTIVE = ("active", "aktiv")
    DORMANT = ("dormant", "ruhend")
    DISSOLVED = ("dissolved", "aufgelöst")


class LegalForm(Coded):
    LOOSE_CIRCLE = ("loose_circle", "loser Zusammenschluss")
    ARBEITSKREIS = ("arbeitskreis", "Arbeitskreis")
    EV = ("ev", "eingetragener Verein (e. V.)")
    OTHER = ("other", "andere Rechtsform")


class ProjectStatus(Coded):
    PLANNED = ("planned", "geplant")
    RUNNING = ("running", "läuft")
    DONE = ("done", "abgeschlossen")
    DROPPED = ("dropped", "eingestellt")


class ErasureReason(Coded):
    """Why a contact person's data was erased (kept as a code for the statistics, never the person)."""

    WIDERSPRUCH = ("widerspruch", "Widerspruch der Person (Art. 21 DSGVO)")
    LOESCHBITTE = ("loeschbitte", "Löschbitte der Person (Art. 17 DSGVO)")
    AUSGESCHIEDEN = ("ausgeschieden", "aus der Organisation ausgeschieden")
    SONSTIGES = ("sonstiges", "sonstiger Grund")


class AnchoringKind(Coded):
    """How an alliance is anchored locally (step 5 of the guide)."""

    COOPERATION = ("kooperation", "strategische Kooperation")
    BODY = ("gremium", "Sitz in einem örtlichen Gremium")


class Dimension(Coded):
    """The six dimensions of the self-assessment, in the guide's order."""

    WIRKUNG = ("wirkung", "Wirkung")
    SICHTBARKEIT = ("sichtbarkeit", "Sichtbarkeit")
    VERANKERUNG = ("verankerung", "lokale/regionale Verankerung")
    ZUSAMMENARBEIT = ("zusammenarbeit", "Akteure und Zusammenarbeit")
    KULTUR = ("kultur", "Kultur")
    KOOPERATION = ("kooperation", "bundesweite Kooperation")


class Bundesland(Coded):
    BW = ("Baden-Württemberg", "Baden-Württemberg")
    BY = ("Bayern", "Bayern")
    BE = ("Berlin", "Berlin")
    BB = ("Brandenburg", "Brandenburg")
    HB = ("Bremen", "Bremen")
    HH = ("Hamburg", "Hamburg")
    HE = ("Hessen", "Hessen")
    MV = ("Mecklenburg-Vorpommern", "Mecklenburg-Vorpommern")
    NI = ("Niedersachsen", "Niedersachsen")
    NW = ("Nordrhein-Westfalen", "Nordrhein-Westfalen")
    RP = ("Rheinland-Pfalz", "Rheinland-Pfalz")
    SL = ("Saarland", "Saarland")
    SN = ("Sachsen", "Sachsen")
    ST = ("Sachsen-Anhalt", "Sachsen-Anhalt")
    SH = ("Schleswig-Holstein", "Schleswig-Holstein")
    TH = ("Thüringen", "Thüringen")


MAX_TEXT = 2000
# Characters that make a text lie about itself where it is shown (a terminal, a mail header, a
# calendar, a page), or that no store, read model or export can hold: C0 controls but newline and
# tab (PostgreSQL text refuses NUL, spreadsheets the rest), DEL, the bidi overrides and isolates,
# and lone surrogates (not UTF-8).
HOSTILE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSTORABLE = HOSTILE


def inert(text: str, *, one_line: bool = False) -> str:
    """`text` without hostile characters (for output made from text stored before they were
    refused); `one_line` also turns line breaks into spaces (a mail header)."""
    text = HOSTILE.sub("", text.replace("\r\n", "\n"))
    return " ".join(text.split()) if one_line else text


def require_text(value: object, what: str, max_len: int = MAX_TEXT) -> str:
    """A stripped, non-empty text of at most `max_len` characters, free of hostile characters;
    line ends (CRLF, CR) become "\\n"."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} darf nicht leer sein.")
    text = value.strip().replace("\r\n", "\n").replace("\r", "\n")  # any line end is a line break
    if len(text) > max_len:
        raise InvalidInput(f"{what} ist zu lang (höchstens {max_len} Zeichen).")
    bad = HOSTILE.search(text)
    if bad is not None:
        raise InvalidInput(f"{what} enthält an Stelle {bad.start() + 1} ein unzulässiges Steuer- oder "
                           f"Richtungszeichen (U+{ord(bad.group()):04X}); erlaubt sind Text, Tabulator und "
                           "Zeilenumbruch.")
    return text


def optional_text(value: object, what: str, max_len: int = 20000) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return require_text(value, what, max_len)


def require_order(earlier: date, later: date, message: str) -> None:
    if later < earlier:
        raise InconsistentInput(message)


def require_amount(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or value < 0:
        raise InvalidInput("Der Betrag muss eine Zahl ≥ 0 sein.")
    return value


def require_scores(scores: dict[str, int]) -> dict[str, int]:
    """All six dimensions, each an integer 1–5."""
    if not isinstance(scores, dict):
        raise InvalidInput("Die Selbsteinschätzung braucht Werte für alle sechs Dimensionen.")
    unknown = sorted(set(scores) - {d.value for d in Dimension})
    if unknown:
        raise InvalidInput(f"Unbekannte Dimension(en): {', '.join(unknown)}.")
    result: dict[str, int] = {}
    for dim in Dimension:
        if dim.value not in scores:
            raise InvalidInput(f"Es fehlt ein Wert für die Dimension „{dim.label}“.")
        score = scores[dim.value]
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise InvalidInput(
                f"Der Wert für „{dim.label}“ muss eine ganze Zahl von 1 bis 5 sein, nicht {score!r}."
            )
        result[dim.value] = score
    return result
