import sys

from emulator.launcher import main

sys.exit(main(sys.argv[1:]))
