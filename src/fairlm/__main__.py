"""``python -m fairlm`` (also what ``accelerate launch -m fairlm`` runs)."""

import sys

from fairlm.cli import main

sys.exit(main())
