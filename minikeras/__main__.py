"""The ``minikeras`` command (also ``python -m minikeras``).

    minikeras warmup     compile every numba kernel into numba's on-disk cache

Run ``minikeras warmup`` once after installing (the README's quick start does): the first
training step of every later program then loads machine code instead of compiling it
(``utils/warmup.py`` says what is compiled and where the cache lives).
"""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="minikeras", description="minikeras command-line tools")
    commands = parser.add_subparsers(dest="command", required=True)
    warm = commands.add_parser("warmup", help="compile every numba kernel into the on-disk cache")
    warm.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    if args.command == "warmup":
        from .utils import warmup  # the command's only import of the library: `minikeras --help` stays instant

        seconds, compiled = warmup.warmup()
        if not args.quiet:
            print(f"minikeras warmup: {compiled} kernel signatures compiled in {seconds:.1f} s "
                  f"(0 means the cache was complete); cache: {warmup.cache_location()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
