"""``permanence national-team``: give or take away the national improvement team's role.

The national role sees the figures of every authority that shares them, so it is
given only here, by whoever runs the server (a system administrator), never by an
authority's administrator in the web app. Each grant and removal is kept in the
person's history, with the name of the account that ran the command.
"""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from permanence.cli._common import UsageError


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "national-team",
        help="give (or take away) the national improvement team's role",
        description=(
            "Add a person to the national improvement team (they belong to no authority "
            "and see only the figures authorities share), or take the role away."
        ),
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--add", metavar="USERNAME", help="a new member of the national team")
    action.add_argument("--remove", metavar="USERNAME", help="take the national role away")
    parser.add_argument("--email", default="", help="the new member's email address")
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.web import setup

    setup()
    from django.db import transaction
    from simple_history.utils import update_change_reason

    from permanence.web.accounts.models import User
    from permanence.web.accounts.passwords import password_problems
    from permanence.web.accounts.roles import Role
    from permanence.web.kernel.scope import Scope, scoped_to

    by = f"by the system administrator's command line (account {getpass.getuser()})"
    with scoped_to(Scope.everything()), transaction.atomic():
        if arguments.add:
            if User.objects.filter(username=arguments.add).exists():
                raise UsageError(f"the username {arguments.add!r} is taken")
            person = User(username=arguments.add, email=arguments.email, role=Role.NATIONAL)
            password = getpass.getpass(f"Password for {arguments.add}: ")
            if problems := password_problems(password, person):
                raise UsageError("the password was refused: " + " ".join(problems))
            person.set_password(password)
            person.save()
            update_change_reason(person, f"Given the national role {by}")
            print(f"Added {person.username} to the national improvement team.")
            return 0
        member = User.objects.filter(username=arguments.remove, role=Role.NATIONAL).first()
        if member is None:
            raise UsageError(f"{arguments.remove!r} is not a member of the national team")
        member.is_active = False
        member.save()
        update_change_reason(member, f"The national role taken away {by}")
        print(f"{member.username} can no longer sign in.")
    return 0
