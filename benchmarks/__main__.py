"""Run every benchmark module in this folder, one after another."""

import importlib
import pkgutil
import sys

import benchmarks


def main() -> int:
    wanted = set(sys.argv[1:])
    for module_info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if not module_info.name.startswith("bench_"):
            continue
        if wanted and module_info.name not in wanted:
            continue
        print(f"\n== {module_info.name} ==", flush=True)
        importlib.import_module(f"benchmarks.{module_info.name}").main()
    return 0


raise SystemExit(main())
