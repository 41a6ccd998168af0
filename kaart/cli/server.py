"""CLI commands: ``server``, ``gebruiker toevoegen|lijst|verwijder``, ``token``, ``audit``."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from kaart.cli._app import app
from kaart.cli._common import JsonOpt, WerkmapOpt, command, open_werkmap

gebruiker_app = typer.Typer(help="Gebruikers beheren (rol, organisatie, gemeenten).",
                            no_args_is_help=True)
app.add_typer(gebruiker_app, name="gebruiker")

ROLE_HELP = "beheerder, analist, gemeente of planner."
SHUTDOWN_S = 5
"""After SIGTERM, requests still running get this long before they are cancelled (the whole
shutdown, audit flush included, stays within 10 s)."""


@contextmanager
def _database(werkmap: Path | None):
    from api.db.session import open_database
    from api.settings import Settings

    settings = Settings(werkmap=open_werkmap(werkmap).root)
    engine, sessionmaker = open_database(settings.resolved_database_url(),
                                         werkmap=settings.open_werkmap().root)
    try:
        with sessionmaker() as session:
            yield session
    finally:
        engine.dispose()


@app.command("server")
def server(
    host: Annotated[str, typer.Option(help="Adres om op te luisteren.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Poort.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Aantal werkprocessen.", min=1, max=64)] = 1,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Start de kaartdienst (tegels, REST, inloggen); documentatie op /docs."""
    with command("server", json_output) as out:
        import uvicorn

        from api.db.session import open_database
        from api.settings import Settings

        root = open_werkmap(werkmap).root
        _check_port(host, port)  # a busy port: a Dutch error before "luistert op"
        os.environ["KAART_WERKMAP"] = str(root)
        # No shared disk cache of rendered tiles by default (KAART_TEGEL_SCHIJFCACHE still
        # sets one): a tile from the serving copy costs about what reading a cached file
        # costs, and a cache without eviction lets anyone fill the disk with z24 tiles.
        settings = Settings()  # refuses weak or public secrets before starting
        settings.session_secret()  # generated once into the werkmap when not configured
        engine, _ = open_database(settings.resolved_database_url(), werkmap=root)
        engine.dispose()
        out.err.print(f"kaart luistert op http://{host}:{port} (werkmap {root}, "
                      f"{workers} werkproces(sen)); stoppen met Ctrl+C.")
        uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="warning",
                    proxy_headers=False,  # api.urls.client_address: trusted proxies only
                    timeout_graceful_shutdown=SHUTDOWN_S)
        out.summary("Kaartdienst gestopt.")
        out.data(host=host, port=port, workers=workers, werkmap=str(root))


def _check_port(host: str, port: int) -> None:
    """Refuse, in Dutch, an address that cannot be listened on (busy port, unknown host)."""
    import socket

    from geo.errors import InvalidRequestError

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        import errno

        reason = ("de poort is al in gebruik" if error.errno == errno.EADDRINUSE else
                  f"het adres bestaat niet op deze machine of is niet toegestaan "
                  f"(foutcode {error.errno})")
        raise InvalidRequestError(
            f"Kan niet luisteren op {host}:{port}: {reason}. Kies een andere poort met "
            "--port of een ander adres met --host.", host=host, port=port) from None


def _password(stdin: bool) -> str:
    if os.environ.get("KAART_WACHTWOORD"):
        return os.environ["KAART_WACHTWOORD"]
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)


def _codes(gemeente: list[str], regio: str | None, provincie: str | None) -> list[str]:
    """CBS codes for ``--gemeente`` (names or codes), ``--regio`` and ``--provincie``."""
    from geo.layers.gemeenten import select_area

    codes = list(select_area(gemeente=gemeente).codes) if gemeente else []
    if regio:
        codes += select_area(regio=regio).codes
    if provincie:
        codes += select_area(provincie=provincie).codes
    return codes


def _access_changed(werkmap: Path | None) -> None:
    """Running servers (every worker) forget cached users now, not after their cache time."""
    from api.auth import bump_access_stamp

    bump_access_stamp(open_werkmap(werkmap).root)


@gebruiker_app.command("toevoegen")
def toevoegen(
    gebruikersnaam: Annotated[str, typer.Argument(help="Inlognaam (3-100 tekens).")],
    rol: Annotated[str, typer.Option(help=ROLE_HELP)],
    organisatie: Annotated[str, typer.Option(help="Organisatie (wordt aangemaakt als nieuw).")],
    gemeente: Annotated[list[str] | None, typer.Option(
        help="Gemeente: naam of code (GMnnnn); mag vaker.")] = None,
    regio: Annotated[str | None, typer.Option(help="Alle gemeenten van deze regio.")] = None,
    provincie: Annotated[str | None, typer.Option(help="Alle gemeenten van deze provincie.")]
    = None,
    vertrouwelijk: Annotated[bool, typer.Option(
        "--vertrouwelijk", help="Rol gemeente: ook risicokaarten (vertrouwelijk) zien.")] = False,
    breid_uit: Annotated[bool, typer.Option(
        "--breid-uit", help="Nieuwe gemeenten toevoegen aan een bestaande organisatie (alle "
        "gebruikers daarvan zien ze dan ook).")] = False,
    wachtwoord_stdin: Annotated[bool, typer.Option(
        "--wachtwoord-stdin", help="Lees het wachtwoord van stdin (of zet KAART_WACHTWOORD).")]
    = False,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Voeg een gebruiker toe aan een organisatie met gemeenten."""
    with command("gebruiker toevoegen", json_output) as out:
        from api.users import add_user, ensure_organisation

        codes = _codes(gemeente or [], regio, provincie)
        password = _password(wachtwoord_stdin)
        with _database(werkmap) as session:
            org = ensure_organisation(session, organisatie, codes, breid_uit=breid_uit)
            user = add_user(session, gebruikersnaam, password, rol, org,
                            vertrouwelijk=vertrouwelijk)
            session.commit()
            out.data(gebruiker=user.gebruikersnaam, rol=user.rol, organisatie=org.naam,
                     gemeenten=sorted(org.codes), vertrouwelijk=user.vertrouwelijk)
            out.summary(f"Gebruiker {user.gebruikersnaam} ({user.rol}) toegevoegd aan "
                        f"{org.naam} ({len(org.codes)} gemeente(n)).")


@gebruiker_app.command("lijst")
def lijst(
    organisatie: Annotated[str | None, typer.Option(help="Alleen deze organisatie.")] = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Toon alle gebruikers met rol, organisatie en gemeenten."""
    with command("gebruiker lijst", json_output) as out:
        from api.users import list_users

        with _database(werkmap) as session:
            rows = [
                {"gebruiker": u.gebruikersnaam, "rol": u.rol, "organisatie": u.organisatie.naam,
                 "gemeenten": sorted(u.organisatie.codes), "vertrouwelijk": u.vertrouwelijk}
                for u in list_users(session)
                if organisatie is None or u.organisatie.naam == organisatie
            ]
        table = Table("gebruiker", "rol", "organisatie", "gemeenten", "vertrouwelijk")
        for r in rows:
            table.add_row(r["gebruiker"], r["rol"], r["organisatie"], ", ".join(r["gemeenten"]),
                          "ja" if r["vertrouwelijk"] else "nee")
        out.table(table)
        out.data(gebruikers=rows)
        out.summary(f"{len(rows)} gebruiker(s).")


@gebruiker_app.command("verwijder")
def verwijder(
    gebruikersnaam: Annotated[str, typer.Argument(help="Inlognaam.")],
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Verwijder een gebruiker en zijn tokens (de auditlog blijft bewaard)."""
    with command("gebruiker verwijder", json_output) as out:
        from api.users import delete_user

        with _database(werkmap) as session:
            delete_user(session, gebruikersnaam)
            session.commit()
        _access_changed(werkmap)
        out.data(gebruiker=gebruikersnaam)
        out.summary(f"Gebruiker {gebruikersnaam} verwijderd.")


def _set_active(gebruikersnaam: str, actief: bool, werkmap: Path | None, json_output: bool):
    name = "gebruiker activeer" if actief else "gebruiker deactiveer"
    with command(name, json_output) as out:
        from api.audit import record
        from api.users import set_active

        with _database(werkmap) as session:
            set_active(session, gebruikersnaam, actief)
            session.commit()
            record(session, None, "gebruiker_geactiveerd" if actief else
                   "gebruiker_gedeactiveerd", gebruikersnaam=gebruikersnaam, via="cli")
        _access_changed(werkmap)
        out.data(gebruiker=gebruikersnaam, actief=actief)
        out.summary(f"Gebruiker {gebruikersnaam} is " + (
            "weer actief." if actief else
            "gedeactiveerd: sessies en tokens werken niet meer (direct, ook in een draaiende "
            "server)."))


@gebruiker_app.command("deactiveer")
def deactiveer(
    gebruikersnaam: Annotated[str, typer.Argument(help="Inlognaam.")],
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Zet een gebruiker uit: inloggen, sessies en tokens werken direct niet meer."""
    _set_active(gebruikersnaam, False, werkmap, json_output)


@gebruiker_app.command("activeer")
def activeer(
    gebruikersnaam: Annotated[str, typer.Argument(help="Inlognaam.")],
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Zet een gedeactiveerde gebruiker weer aan."""
    _set_active(gebruikersnaam, True, werkmap, json_output)


class _TokenGroup(TyperGroup):
    """``kaart token GEBRUIKER`` stays short for ``kaart token maak GEBRUIKER``."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["maak", *args]
        return super().parse_args(ctx, args)


token_app = typer.Typer(cls=_TokenGroup, no_args_is_help=True,
                        help="API-tokens: maken (kaart token GEBRUIKER) en intrekken.")
app.add_typer(token_app, name="token")


@token_app.command("maak")
def token(
    gebruikersnaam: Annotated[str, typer.Argument(help="Voor welke gebruiker.")],
    naam: Annotated[str, typer.Option(help="Omschrijving van het token.")] = "script",
    dagen: Annotated[int, typer.Option(help="Geldigheid in dagen.", min=1, max=3650)] = 90,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Maak een API-token (Bearer) voor scripts; het wordt maar één keer getoond."""
    with command("token", json_output) as out:
        from api.users import create_token, get_user

        with _database(werkmap) as session:
            secret = create_token(session, get_user(session, gebruikersnaam), naam, dagen)
            session.commit()
        out.data(gebruiker=gebruikersnaam, token=secret, dagen=dagen)
        out.summary(f"Token voor {gebruikersnaam} (geldig {dagen} dagen; bewaar het veilig):")
        out.summary(secret)


@token_app.command("intrekken")
def token_intrekken(
    gebruikersnaam: Annotated[str, typer.Argument(help="Van welke gebruiker.")],
    naam: Annotated[str | None, typer.Option(
        help="Alleen het token met deze omschrijving (standaard: alle tokens).")] = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Trek API-tokens in; ze werken direct niet meer, ook in een draaiende server."""
    with command("token intrekken", json_output) as out:
        from api.audit import record
        from api.users import revoke_tokens

        with _database(werkmap) as session:
            names = revoke_tokens(session, gebruikersnaam, naam)
            session.commit()
            record(session, None, "token_ingetrokken", gebruikersnaam=gebruikersnaam,
                   aantal=len(names), via="cli")
        _access_changed(werkmap)
        out.data(gebruiker=gebruikersnaam, ingetrokken=names)
        out.summary(f"{len(names)} token(s) van {gebruikersnaam} ingetrokken.")


def _date(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        from geo.errors import InvalidRequestError

        raise InvalidRequestError(f"--{name} '{value}' is geen datum (JJJJ-MM-DD).",
                                  parameter=name, waarde=value) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command("audit")
def audit_cmd(
    gebruiker: Annotated[str | None, typer.Option(help="Alleen deze gebruiker.")] = None,
    kaart: Annotated[str | None, typer.Option(help="Alleen deze kaart_id.")] = None,
    actie: Annotated[str | None, typer.Option(help="Alleen deze actie (tegels, download, ...).")]
    = None,
    organisatie: Annotated[str | None, typer.Option(help="Alleen deze organisatie.")] = None,
    sinds: Annotated[str | None, typer.Option(help="Vanaf datum/tijd (JJJJ-MM-DD).")] = None,
    tot: Annotated[str | None, typer.Option(help="Tot datum/tijd (JJJJ-MM-DD).")] = None,
    limiet: Annotated[int, typer.Option(help="Maximaal aantal regels.", min=1, max=100000)] = 100,
    controleer: Annotated[bool, typer.Option(
        "--controleer", help="Controleer de hash-keten van de hele auditlog (exitcode 10 bij "
        "een breuk, met de eerste gewijzigde regel).")] = False,
    anker: Annotated[str | None, typer.Option(
        help="Met --controleer: een eerder getoond anker 'id:hash' dat nog moet kloppen.")]
    = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Toon de auditlog: wie zag of downloadde welke kaart, wanneer (nieuwste eerst)."""
    if controleer:
        _verify_audit(anker, werkmap, json_output)
        return
    with command("audit", json_output) as out:
        from api.audit import as_dict, query

        with _database(werkmap) as session:
            rows = [as_dict(r) for r in query(
                session, gebruiker=gebruiker, kaart_id=kaart, actie=actie,
                organisatie=organisatie, sinds=_date(sinds, "sinds"), tot=_date(tot, "tot"),
                limit=limiet)]
        table = Table("tijd", "gebruiker", "organisatie", "actie", "kaart", "aantal")
        for r in rows:  # names and paths come from clients: never rich markup
            table.add_row(*(escape(v) for v in (r["tijd"][:19], r["gebruiker"], r["organisatie"],
                                                r["actie"], r["kaart_id"] or "")),
                          str(r["aantal"]))
        out.table(table)
        out.data(regels=rows)
        out.summary(f"{len(rows)} auditregel(s).")


def _verify_audit(anker: str | None, werkmap: Path | None, json_output: bool) -> None:
    with command("audit --controleer", json_output) as out:
        from api.audit_chain import parse_anchor, verify_chain

        anchor = parse_anchor(anker) if anker else None
        with _database(werkmap) as session:
            report = verify_chain(session, anchor)
        out.data(gecontroleerd=report.checked, intact=report.intact,
                 eerste_breuk=report.broken_id, reden=report.reason, anker=report.anchor)
        report.raise_if_broken()
        out.summary(f"Auditlog in orde: {report.checked} regel(s), hash-keten ongebroken. "
                    f"Bewaar dit anker buiten de server en controleer later met "
                    f"--anker {report.anchor}" if report.anchor else
                    "Auditlog is leeg; niets te controleren.")
