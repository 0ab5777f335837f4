import sys

from platformctl.cli import COMMANDS, main
from platformctl.gc_tuning import tune_gc

if COMMANDS.get(sys.argv[1] if len(sys.argv) > 1 else "") != "deploy_cmd":
    tune_gc()  # an offline command's process holds a stack's records until it exits (see gc_tuning)
raise SystemExit(main())
