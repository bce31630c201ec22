import sys

from tests.emulator.launcher import main

sys.exit(main(sys.argv[1:]))
