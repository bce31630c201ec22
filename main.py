"""The cdktf app: ``cdktf synth`` runs ``pipenv run python main.py`` (see cdktf.json)."""

import sys

from infra.app import main

if __name__ == "__main__":
    sys.exit(main())
