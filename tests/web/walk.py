"""Walking every address of the app and the administration site.

Shared by the tenancy walk (nothing of authority B's is shown to, or changed by, anyone
of authority A) and the audit walk (every response that shows who a child is has a row
in the audit log). Both take their addresses from Django's URL resolver, so a page
added tomorrow is walked tomorrow without anyone listing it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import ForeignKey, Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.kernel.scope import Scope, scoped_to

# Named parameters (<int:pk>, (?P<pk>...)) and the admin's unnamed groups (([^/]+)).
_PARAMETER = re.compile(
    r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^)]*\)|(?P<bare>\(\[\^/\]\+\))"
)
_ID_NAMES = {"object_id", "pk", "id"}
#: The aim the walks fill into an aim's addresses (authority B's accepted phase is on it).
WALKED_AIM = "aim_2"


@dataclass(frozen=True)
class Route:
    template: str  # e.g. "admin/records/child/<path:object_id>/change/"
    model: type[Model] | None  # the admin model the route belongs to, if any

    @property
    def names(self) -> list[str]:
        names = []
        for number, match in enumerate(_PARAMETER.finditer(self.template)):
            if match["bare"]:
                # The admin's version page: (object id)/history/(version id)/
                names.append("object_id" if number == 0 else "version_id")
            else:
                names.append(match["name"] or match["group"])
        return names

    def fill(self, values: list[str]) -> str:
        supplied = iter(values)
        return "/" + _PARAMETER.sub(lambda _: next(supplied), self.template)


def routes() -> list[Route]:
    return list(_routes(get_resolver().url_patterns))


def _routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", model: type[Model] | None = None
) -> Iterator[Route]:
    for pattern in patterns:
        text = str(pattern.pattern).lstrip("^").rstrip("$").replace("\\/", "/")
        if isinstance(pattern, URLResolver):
            owner = model
            admin_model = re.fullmatch(r"(\w+)/(\w+)/", text)
            if admin_model and prefix.startswith("admin/"):
                try:
                    owner = apps.get_model(admin_model[1], admin_model[2])
                except LookupError:
                    owner = model
            yield from _routes(pattern.url_patterns, prefix + text, owner)
        else:
            yield Route(prefix + text, model)


def authority_models() -> list[type[Model]]:
    """Every model of ours that belongs to an authority (or is one), histories included."""
    owned = []
    for model in apps.get_models():
        if not model.__module__.startswith("permanence.web") and model is not User:
            continue
        field_names = {field.name for field in model._meta.get_fields()}
        if "authority" in field_names or model is LocalAuthority:
            owned.append(model)
    return owned


def _manager(model: type[Model]) -> Any:
    return getattr(model, "in_scope", model._default_manager)


@dataclass(frozen=True)
class Identifiers:
    """The rows one authority owns: primary keys by model, and versions by model.

    ``read_by`` names, for an app address, the models its view looks its identifier up
    in (see :func:`models_read_by`); an address not named there is filled with every
    primary key the authority holds in any table.
    """

    pks: dict[type[Model], list[int]]
    versions: dict[type[Model], list[tuple[int, int]]]  # (object id, version id)
    read_by: dict[str, frozenset[type[Model]]] = field(default_factory=dict)

    @property
    def every_pk(self) -> list[int]:
        return sorted({pk for pks in self.pks.values() for pk in pks})

    def pks_for(self, route: Route) -> list[int]:
        if route.model is not None:
            return self.pks.get(route.model, [])
        if read := self.read_by.get(route.template):
            return sorted({pk for model in read for pk in self.pks.get(model, [])})
        return self.every_pk


def identifiers_of(authority: LocalAuthority) -> Identifiers:
    pks: dict[type[Model], list[int]] = {}
    versions: dict[type[Model], list[tuple[int, int]]] = {}
    with scoped_to(Scope.authority(authority.pk)):
        for model in authority_models():
            if model.__name__.startswith("Historical"):
                continue
            pks[model] = list(_manager(model).values_list("pk", flat=True))
            history = getattr(model._meta, "simple_history_manager_attribute", None)
            if history:
                versions[model] = list(
                    getattr(model, history).values_list(model._meta.pk.attname, "history_id")
                )
    return Identifiers(pks, versions)


#: An identifier no row has, put into an address to see which tables its view reads it from.
_PROBE = 987_654_321
_COMPARED_WITH_PROBE = re.compile(
    rf'"(?P<table>\w+)"\."(?P<column>\w+)"\s*(?:=|IN\s*\()\s*{_PROBE}\b'
)
# Outside an address: a page's own address written to a log (".../987654321/") is not a lookup.
_ANY_PROBE = re.compile(rf"(?<![/\w]){_PROBE}\b")


def models_read_by(clients: list[Client]) -> dict[str, frozenset[type[Model]]]:
    """For each app address with an identifier, the models its view looks it up in.

    Each address is requested with an identifier no row has (posted, if it only takes a
    form), by the first of ``clients`` the page does not refuse, and the SQL it runs is
    read: every comparison of the probe with a table's column names the model (or, for a
    foreign key, the model it points at). An address whose view refuses everyone, or
    compares the probe in a way this cannot place (an aliased subquery), is left out, so
    the walk fills it with every identifier the authority holds: the probe only ever
    narrows what is certain.
    """
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    read_by: dict[str, frozenset[type[Model]]] = {}
    for route in routes():
        names = route.names
        if route.model is not None or not names or "version_id" in names:
            continue
        walked = next((name for name in names if name in _ID_NAMES), None)
        if walked is None:
            continue
        filler = {"step": "first_review", "aim_id": WALKED_AIM}
        url = route.fill(
            [str(_PROBE) if name == walked else filler.get(name, "x") for name in names]
        )
        for client in clients:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                if response.status_code == 405:
                    # An action taken only by a form: post it (nothing has the probe's id).
                    response = client.post(url, {})
            if response.status_code in {403, 405} or (
                response.status_code == 302 and "/login/" in response["Location"]
            ):
                continue
            models = _models_compared_with_probe([query["sql"] for query in queries], by_table)
            if models:
                read_by[route.template] = models
            break
    return read_by


def _models_compared_with_probe(
    statements: list[str], by_table: dict[str, type[Model]]
) -> frozenset[type[Model]] | None:
    models: set[type[Model]] = set()
    for sql in statements:
        placed = 0
        for match in _COMPARED_WITH_PROBE.finditer(sql):
            model = by_table.get(match["table"])
            if model is None:
                return None
            column = next(
                (f for f in model._meta.concrete_fields if f.column == match["column"]), None
            )
            if column is None:
                return None
            if isinstance(column, ForeignKey):
                models.add(column.related_model)  # type: ignore[arg-type]
            models.add(model)
            placed += 1
        if len(_ANY_PROBE.findall(sql)) != placed:
            return None  # the probe is used somewhere this cannot place
    return frozenset(models) or None


def with_models_read_by(owned: Identifiers, clients: list[Client]) -> Identifiers:
    return replace(owned, read_by=models_read_by(clients))


def urls(route: Route, owned: Identifiers) -> Iterator[str]:
    """Every address of ``route`` with the identifiers of ``owned`` (and one filler for
    parameters that are not identifiers)."""
    names = route.names
    if not names:
        yield "/" + route.template
        return
    if "version_id" in names:
        for object_id, version_id in owned.versions.get(route.model, []):  # type: ignore[arg-type]
            yield route.fill([str(object_id), str(version_id)])
        return
    if "content_type_id" in names and "object_id" in names:
        for model, pks in owned.pks.items():
            content_type = str(ContentType.objects.get_for_model(model).pk)
            for pk in pks:
                values = {"content_type_id": content_type, "object_id": str(pk)}
                yield route.fill([values[name] for name in names])
        return
    candidates: dict[str, list[str]] = {}
    for name in names:
        if name in _ID_NAMES:
            candidates[name] = [str(pk) for pk in owned.pks_for(route)] or ["1"]
        elif name == "app_label":
            candidates[name] = sorted({m._meta.app_label for m in authority_models()})
        elif name == "step":
            # A real step of the process map, so its note's form reaches the row it names.
            candidates[name] = ["first_review"]
        elif name == "aim_id":
            # A real aim, so an aim's actions (accepting and undoing a run chart's phase)
            # reach the row they name rather than stopping at an unknown aim.
            candidates[name] = [WALKED_AIM]
        else:
            candidates[name] = ["x"]
    # Every value of the identifier (whichever place it has in the address); one of each
    # other parameter.
    walked = next((name for name in names if name in _ID_NAMES), names[0])
    for value in candidates[walked]:
        yield route.fill([value if name == walked else candidates[name][0] for name in names])


def body_text(response: Any) -> str:
    """What a person would read in the response: a page, or the text inside a download
    (a workbook or a slide deck is a zip of XML parts)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", errors="replace")
                for name in archive.namelist()
                if name.endswith((".xml", ".rels", ".csv", ".txt"))
            )
    return content.decode("utf-8", errors="replace")


class _FormFields(HTMLParser):
    """The values a form on the page would post, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            self.fields.setdefault(name, []).append(attributes.get("value") or "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields.setdefault(self._select, []).append(attributes.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, [""])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea][-1] += data


def form_fields(page: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(page)
    return parser.fields
