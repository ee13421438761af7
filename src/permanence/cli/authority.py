"""``permanence authority``: add a local authority and its first administrator."""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from permanence.cli._common import UsageError


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "authority",
        help="add a local authority and its first administrator",
        description=(
            "Create a local authority (a short code used on the command line, and its name) "
            "and an administrator for it, who then adds everyone else in the web app."
        ),
    )
    parser.add_argument("--code", required=True, help="a short code, e.g. FIF")
    parser.add_argument("--name", required=True, help="the authority's name, e.g. 'Fife Council'")
    parser.add_argument("--admin", required=True, metavar="USERNAME", help="the administrator")
    parser.add_argument("--email", default="", help="the administrator's email address")
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.web import setup

    setup()
    from django.db import transaction

    from permanence.web.accounts.models import LocalAuthority, User
    from permanence.web.accounts.passwords import password_problems
    from permanence.web.accounts.roles import Role
    from permanence.web.kernel.scope import Scope, scoped_to

    with scoped_to(Scope.everything()):
        if LocalAuthority.objects.filter(code=arguments.code).exists():
            raise UsageError(f"an authority with the code {arguments.code!r} already exists")
        if User.objects.filter(username=arguments.admin).exists():
            raise UsageError(f"the username {arguments.admin!r} is taken")
        password = getpass.getpass(f"Password for {arguments.admin}: ")
        person = User(username=arguments.admin, email=arguments.email)
        if problems := password_problems(password, person):
            raise UsageError("the password was refused: " + " ".join(problems))
        with transaction.atomic():
            authority = LocalAuthority.objects.create(code=arguments.code, name=arguments.name)
            User.objects.create_user(
                username=arguments.admin,
                email=arguments.email,
                password=password,
                authority=authority,
                role=Role.ADMINISTRATOR,
            )
    print(f"Added {authority.name} ({authority.code}) with administrator {arguments.admin}.")
    return 0
