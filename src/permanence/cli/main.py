"""Entry point of the ``permanence`` command.

Each command lives in its own module in this package and exposes
``register(commands)``, which adds its sub-parser and sets ``run`` to the function that
carries it out. Modules are found here rather than listed, so adding a command is adding
a file. Heavy imports stay inside each command's ``run`` so ``permanence --help`` is quick.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import permanence.cli as cli_package
from permanence.cli._common import UsageError

_NOT_COMMANDS = frozenset({"main"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="permanence",
        description=(
            "Track every looked after child's journey to permanence, "
            "measure the PACE aims and keep the improvement record."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_") or module_info.name in _NOT_COMMANDS:
            continue
        module = importlib.import_module(f"{cli_package.__name__}.{module_info.name}")
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        return int(arguments.run(arguments) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``permanence ... --json | head``): not an error of ours.
        sys.stderr.close()
        return 0
    except UsageError as error:
        print(f"permanence {arguments.command}: {error}", file=sys.stderr)
        return 2
