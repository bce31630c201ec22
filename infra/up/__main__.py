import sys

from infra.up.cli import main

sys.exit(main(sys.argv[1:]))
